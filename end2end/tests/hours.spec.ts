import { expect, test } from '@playwright/test';
import { expectAccessible, expectNoHorizontalScroll, navigate, ready, signIn } from './helpers';

// The hour ledger through the screens, at 360×740, with JavaScript on and off (the two
// projects run one after the other on the same demo database, so checks are relative).


test('a resident reads their hours and gives some to the pool', async ({ page }, info) => {
  await signIn(page, info, 'tam.reid@demo.timeweave.org');
  await navigate(page, 'My hours');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('My hours');
  await expect(page.getByText('Welcome hours').first()).toBeVisible();
  await expect(page.getByText(/can go down to 10 h below zero and up to 100 h/)).toBeVisible();
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);

  await page.getByRole('link', { name: 'Give hours to the community pool' }).click();
  await ready(page, info);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Give hours to the community pool');
  // A mistake first: the message sits by the boxes and the note is kept.
  await page.getByLabel('Minutes').fill('75');
  await page.getByLabel('A note (optional)').fill('For whoever needs it');
  await page.getByRole('button', { name: 'Give these hours' }).click();
  await expect(page.getByRole('alert')).toContainText('There is a problem');
  await expect(page.getByText('Minutes must be less than 60').first()).toBeVisible();
  await expect(page.getByLabel('A note (optional)')).toHaveValue('For whoever needs it');
  await expectAccessible(page);

  await page.getByLabel('Hours', { exact: true }).fill('1');
  await page.getByLabel('Minutes').fill('30');
  await page.getByRole('button', { name: 'Give these hours' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('My hours');
  await expect(page.getByRole('status')).toContainText('Your hours are in the community pool');
  const line = page.locator('.statement li').first();
  await expect(line).toContainText('Gift to the community pool');
  await expect(line).toContainText('−1 h 30 min');
  await expect(line).toContainText('For whoever needs it');
  await expectAccessible(page);
});

test('a community builder grants, reverses with a reason and records hours on behalf', async ({ page }, info) => {
  await signIn(page, info, 'anne.gallacher@demo.timeweave.org');
  await page.goto('/community/members');
  await page.getByRole('link', { name: 'Priya Shah' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Priya Shah');
  await page.getByRole('link', { name: 'Statement and balance' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Priya Shah: hours');
  await ready(page, info);
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);

  // Grant from the pool: the reason is required.
  await page.getByRole('link', { name: 'Give hours from the community pool' }).click();
  await ready(page, info);
  await expectAccessible(page);
  await page.getByLabel('Hours', { exact: true }).fill('1');
  await page.getByRole('button', { name: 'Give from the pool' }).click();
  await expect(page.getByRole('alert')).toContainText('There is a problem');
  await expect(page.getByText('Write the reason').first()).toBeVisible();
  await expect(page.getByLabel('Hours', { exact: true })).toHaveValue('1');
  await expectAccessible(page);
  await page.getByLabel('Reason').fill('Starter hours after a referral');
  await page.getByRole('button', { name: 'Give from the pool' }).click();
  await expect(page.getByRole('status')).toContainText('given from the community pool');
  const line = page.locator('.statement li').first();
  await expect(line).toContainText('Hours from the community pool');
  await expect(line).toContainText('+1 h');
  await expect(line).toContainText('Starter hours after a referral');

  // Reverse it, with a reason; both stay in the statement.
  await line.getByRole('link', { name: /^Reverse: / }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Reverse a transfer');
  await ready(page, info);
  await expectAccessible(page);
  await page.getByLabel('Why reverse it?').fill('Given to the wrong person');
  await page.getByRole('button', { name: 'Reverse it' }).click();
  await expect(page.getByRole('status')).toContainText('has been reversed');
  await expect(page.locator('.statement li').first()).toContainText('Reversed');
  await expect(page.locator('.statement li').first()).toContainText('Given to the wrong person');
  await expect(page.locator('.statement li').nth(1)).toContainText('reversed later');

  // Record a group session for members without a phone.
  await navigate(page, 'Community hours');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Hours in');
  await ready(page, info);
  // Each person found by typing their name.
  await page.getByLabel('Who gave the help?').fill('Jack Baird');
  await page.getByLabel('Who received it?').fill('Tam Reid');
  await page.getByLabel('Anyone else who received help in the same session? (optional)').fill('Agnes Murray');
  await page.getByLabel('Hours', { exact: true }).fill('1');
  await page.getByLabel('What was the help?').fill('Computer class');
  await page.getByRole('button', { name: 'Record the hours' }).click();
  await expect(page.getByRole('status')).toContainText('The hours have been recorded');
  await expectAccessible(page);
  await page.goto('/community/members');
  await page.getByRole('link', { name: 'Jack Baird' }).click();
  await page.getByRole('link', { name: 'Statement and balance' }).click();
  const jack = page.locator('.statement li').first();
  await expect(jack).toContainText('Help given');
  await expect(jack).toContainText('+2 h');
  await expect(jack).toContainText('recorded by Anne Gallacher');
});
