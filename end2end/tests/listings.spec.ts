import { expect, test } from '@playwright/test';
import { expectAccessible, expectNoHorizontalScroll, navigate, ready, signIn } from './helpers';

// Offers and requests at 360×740, JavaScript on and off: one resident posts an offer, a
// neighbour finds it by searching, the owner pauses it and it leaves search.


test('a resident posts an offer and a neighbour finds it by searching', async ({ page, browser }, info) => {
  const word = `Ukulele${info.project.name.replace(/[^a-z]/g, '')}${Date.now() % 100000}`;
  const title = `${word} lessons for beginners`;
  await signIn(page, info, 'tam.reid@demo.timeweave.org');
  await navigate(page, 'Offers & requests');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Offers and requests');
  await expect(page.locator('.listing-card').first()).toBeVisible();
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);

  await page.getByRole('link', { name: 'Post an offer or request' }).first().click();
  await ready(page, info);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Post an offer or request');
  // A mistake first: the messages sit by their fields and nothing typed is lost.
  await page.getByLabel('Title').fill(title);
  await page.getByRole('button', { name: 'Post it' }).click();
  await expect(page.getByRole('alert')).toContainText('There is a problem');
  await expect(page.getByLabel('Title')).toHaveValue(title);
  await expectAccessible(page);

  await page.getByLabel('Are you offering or asking?').selectOption({ label: 'I can offer help' });
  await page.getByLabel('Description').fill('Bring a ukulele if you have one; I can lend mine. Chords, strumming and a song by the end.');
  await page.getByLabel('Kind of help').selectOption({ label: 'Music' });
  await page.getByRole('radio', { name: 'At a venue or community centre' }).check();
  await page.getByLabel('About how long? (optional)').fill('1 h');
  await page.getByRole('button', { name: 'Post it' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.getByRole('status')).toContainText('Your listing is up');
  await expectAccessible(page);

  // A neighbour searches for it.
  const b = await browser.newContext({
    baseURL: process.env.TIMEWEAVE_E2E_URL ?? 'http://127.0.0.1:3100',
    viewport: { width: 360, height: 740 },
    javaScriptEnabled: info.project.use.javaScriptEnabled !== false,
  });
  const other = await b.newPage();
  await signIn(other, info, 'agnes.murray@demo.timeweave.org');
  await other.goto('/listings');
  await other.getByLabel('Search').fill(word.toLowerCase());
  await other.getByRole('button', { name: 'Find' }).click();
  await expect(other.locator('.listing-card')).toHaveCount(1);
  await expectAccessible(other);
  await other.getByRole('link', { name: title }).click();
  await expect(other.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(other.locator('.facts').getByText('Tam Reid')).toBeVisible();
  await expect(other.getByRole('button', { name: 'Pause' })).toHaveCount(0); // not hers
  await expectAccessible(other);

  // The owner pauses it: it leaves search.
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('My listings');
  await expect(page.getByRole('status')).toContainText('Paused');
  await other.goto(`/listings?q=${word.toLowerCase()}`);
  await expect(other.getByText('Nothing found')).toBeVisible();
  await b.close();
});
