import { expect, test } from '@playwright/test';
import { expectAccessible, expectNoHorizontalScroll, navigate, ready, signIn } from './helpers';

// What's on at 360×740, JavaScript on and off: a resident finds what happens near them and
// its next dates; Airdrie's community builder adds an entry (a mistake first), checks it
// and takes it down.

test('a resident finds what is on near them', async ({ page }, info) => {
  await signIn(page, info, 'agnes.murray@demo.timeweave.org');
  await navigate(page, "What's on");
  await expect(page.getByRole('heading', { level: 1 })).toHaveText("What's on");
  // Her own area first: Airdrie's entries and the whole network's.
  await expect(page.locator('.listing-card').first()).toBeVisible();
  await expect(page.locator('.listing-card').filter({ hasText: 'Airdrie Health Walks' })).toHaveCount(1);
  await expect(page.locator('.listing-card').filter({ hasText: 'Wishaw' })).toHaveCount(0);
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);

  // Only what is free, on a Monday.
  await page.getByText('More choices').click();
  await page.getByLabel('Day', { exact: true }).selectOption({ label: 'Monday' });
  await page.getByLabel('Cost').selectOption({ label: 'Free or donation only' });
  await page.getByRole('button', { name: 'Find' }).click();
  await expect(page.getByRole('link', { name: 'Help with phones and tablets' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Lunch club' })).toHaveCount(0);
  await expectAccessible(page);

  await page.getByRole('link', { name: 'Help with phones and tablets' }).click();
  await ready(page, info);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Help with phones and tablets');
  await expect(page.getByText('Every Monday, 10:00 to 12:00')).toBeVisible();
  await expect(page.locator('section').filter({ hasText: 'Next dates' }).locator('li')).toHaveCount(6);
  await expect(page.getByRole('link', { name: 'Add to my calendar' })).toBeVisible();
  // Not hers to change.
  await expect(page.getByRole('button', { name: 'Take it down' })).toHaveCount(0);
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);

  // The sheet to print for the noticeboard.
  await page.goto('/whats-on');
  await page.getByRole('link', { name: 'A sheet to print' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText("What's on in Airdrie");
  await expectAccessible(page);
});

test('a community builder adds an entry, checks it and takes it down', async ({ page }, info) => {
  const title = `Tea dance ${info.project.name.replace(/[^a-z]/g, '')} ${Date.now() % 100000}`;
  await signIn(page, info, 'anne.gallacher@demo.timeweave.org');
  await page.goto('/community/whats-on');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText("What's on: your entries");
  // The demo has entries nobody checked for six months.
  await expect(page.getByRole('heading', { name: 'Due for a check' })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Add an entry' }).click();
  await ready(page, info);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText("Add to What's on");

  // A place without its address: refused, and what was typed stays.
  await page.getByLabel('Name', { exact: true }).fill(title);
  await page.getByLabel('Who runs it').fill('Airdrie Dance Club');
  await page.getByRole('radio', { name: 'An activity or event' }).check();
  await page.getByRole('radio', { name: 'Being active' }).check();
  await page.getByLabel('What happens there').fill('Old-time dancing with tea and cake. Partners not needed.');
  await page.getByLabel('Area', { exact: true }).selectOption({ label: 'Airdrie' });
  await page.getByRole('radio', { name: 'Once a month' }).check();
  await page.getByLabel('Day of the week (every week, once a month)').selectOption({ label: 'Thursday' });
  await page.getByLabel('Which week of the month (once a month)').selectOption({ label: 'First' });
  await page.getByLabel('Starts at').fill('14:00');
  await page.getByLabel('Place (optional)').fill('Airdrie Town Hall');
  await page.getByRole('radio', { name: 'Donation welcome' }).check();
  await page.getByLabel('How to join').fill('Just come along.');
  await page.getByLabel('Places each time (optional)').fill('1');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert')).toContainText('There is a problem');
  await expect(page.getByText('Enter the address of Airdrie Town Hall').first()).toBeVisible();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(title);
  await expectAccessible(page);

  await page.getByLabel('Address').fill('Stirling Street, Airdrie');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.getByRole('status')).toContainText('Saved');
  await expect(page.getByText('First Thursday of the month, 14:00')).toBeVisible();
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);

  // One place each time: she takes the first date's, and it is full.
  const first = page.locator('.date-row').first();
  await expect(first).toContainText('1 place left');
  await first.getByRole('button', { name: /I'm going/ }).click();
  await expect(page.getByRole('status')).toContainText('You are going');
  await expect(page.locator('.date-row').first()).toContainText('You are going');
  await expect(page.locator('.date-row').first()).toContainText('Full');
  await expectAccessible(page);
  // As its organiser she sees who is coming.
  await page.getByRole('link', { name: 'Who is coming' }).click();
  await ready(page, info);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Who is coming');
  await expect(page.locator('section.card').first()).toContainText('1 going: Anne');
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);
  await page.getByRole('link', { name: `← ${title}` }).click();
  await ready(page, info);
  await page.locator('.date-row').first().getByRole('button', { name: /go after all/ }).click();
  await expect(page.getByRole('status')).toContainText('you are not going');

  await page.getByRole('button', { name: 'Checked: still right' }).click();
  await expect(page.getByRole('status')).toContainText('checked today');
  await page.getByRole('button', { name: 'Take it down' }).click();
  await expect(page.getByRole('status')).toContainText('Taken down');
  await page.goto(`/whats-on?q=${encodeURIComponent(title)}`);
  await expect(page.getByText('Nothing found')).toBeVisible();
});
