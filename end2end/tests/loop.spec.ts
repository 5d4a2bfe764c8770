import { Browser, expect, Page, test, TestInfo } from '@playwright/test';
import { expectAccessible, expectNoHorizontalScroll, ready, signIn } from './helpers';

// The resident's loop at 360×740, JavaScript on and off: A posts an offer; B finds it by
// searching and asks for it; A accepts; they write; A records 1 h 30 min; B confirms; both
// statements show 90 minutes moved once; B thanks A, and it shows on A's profile.

async function person(browser: Browser, info: TestInfo, email: string): Promise<Page> {
  const context = await browser.newContext({
    baseURL: process.env.TIMEWEAVE_E2E_URL ?? 'http://127.0.0.1:3100',
    viewport: { width: 360, height: 740 },
    javaScriptEnabled: info.project.use.javaScriptEnabled !== false,
  });
  const page = await context.newPage();
  await signIn(page, info, email);
  return page;
}

test('offer, search, ask, accept, message, record, confirm, thank', async ({ browser }, info) => {
  const word = `Fiddle${info.project.name.replace(/[^a-z]/g, '')}${Date.now() % 100000}`;
  const title = `${word} repairs`;
  const thanks = `Beautiful sound again, thank you! ${word}`;
  const a = await person(browser, info, 'priya.shah@demo.timeweave.org');
  const b = await person(browser, info, 'jack.baird@demo.timeweave.org');

  // A posts an offer.
  await a.goto('/listings/new');
  await ready(a, info);
  await a.getByLabel('Are you offering or asking?').selectOption({ label: 'I can offer help' });
  await a.getByLabel('Title').fill(title);
  await a.getByLabel('Description').fill('Loose strings, sticking pegs and squeaky bows put right.');
  await a.getByLabel('Kind of help').selectOption({ label: 'Music' });
  await a.getByRole('radio', { name: "At someone's home" }).check();
  await a.getByRole('button', { name: 'Post it' }).click();
  await expect(a.getByRole('heading', { level: 1 })).toHaveText(title);

  // B finds it by a text search and asks for it.
  await b.goto('/listings');
  await b.getByLabel('Search').fill(word.toLowerCase());
  await b.getByRole('button', { name: 'Find' }).click();
  await b.getByRole('link', { name: title }).click();
  await ready(b, info);
  await b.getByLabel('Your message').fill('My violin needs new strings. Could you help on Saturday?');
  await b.getByRole('button', { name: /Send to Priya Shah/ }).click();
  await expect(b.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(b.locator('.facts').getByText('Waiting for an answer')).toBeVisible();
  await expect(b.getByRole('status')).toContainText('Waiting for Priya Shah to reply.');
  // Declining or cancelling sits behind its own control; the reason is asked for only then.
  await expect(b.getByLabel(/Why\?/)).toBeHidden();
  await expectAccessible(b);
  await expectNoHorizontalScroll(b);

  // A sees the notification, accepts and writes back.
  await a.goto('/notifications');
  await a.getByRole('link', { name: /Jack Baird responded/ }).first().click();
  await ready(a, info);
  await a.getByRole('button', { name: 'Accept' }).click();
  await expect(a.getByText('Agreed').first()).toBeVisible();
  // The page after accepting is a new page: wait until it is ready before writing.
  await ready(a, info);
  await a.getByLabel('Write a message').fill('Saturday at 11 suits me.');
  await a.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(a.locator('.message').last()).toContainText('Saturday at 11 suits me.');

  // A records 1 h 30 min; B confirms.
  await a.getByLabel('Hours', { exact: true }).fill('1');
  await a.getByLabel('Minutes').fill('30');
  await a.getByRole('button', { name: 'Record the hours' }).click();
  await expect(a.locator('.facts').getByText('Hours recorded, waiting for confirmation')).toBeVisible();
  await expect(a.getByRole('status')).toContainText('Waiting for Jack Baird to confirm 1 h 30 min.');
  await expectAccessible(a);

  await b.reload();
  await ready(b, info);
  await expect(b.locator('.message').last()).toContainText('Saturday at 11 suits me.');
  await b.getByRole('button', { name: 'Confirm the hours' }).click();
  await expect(b.getByRole('status')).toContainText('The hours have moved');

  // Both statements show 90 minutes, once.
  for (const [p, sign] of [[a, '+'], [b, '−']] as const) {
    await p.goto('/hours');
    const lines = p.locator('.statement li', { hasText: title });
    await expect(lines).toHaveCount(1);
    await expect(lines.first()).toContainText(`${sign}1 h 30 min`);
  }

  // B thanks A; it shows on A's profile.
  await b.goBack();
  await b.goto(b.url().includes('/exchanges/') ? b.url() : '/exchanges');
  if (!b.url().includes('/exchanges/')) await b.getByRole('link', { name: title }).click();
  await ready(b, info);
  await b.getByLabel('Your thank-you').fill(thanks);
  await b.getByRole('button', { name: 'Send thanks' }).click();
  await expect(b.getByText(thanks)).toBeVisible();
  await b.getByRole('link', { name: 'See the listing' }).click();
  await b.getByRole('link', { name: 'Priya Shah' }).click();
  await expect(b.getByRole('heading', { level: 1 })).toHaveText('Priya Shah');
  await expect(b.getByText(thanks)).toBeVisible();
  await expectAccessible(b);
  await a.context().close();
  await b.context().close();
});
