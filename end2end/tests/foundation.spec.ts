import { test, expect } from '@playwright/test';
import { enterCode, expectAccessible, expectNoHorizontalScroll, navigate, ready, signOut, uniqueEmail } from './helpers';

// Join → confirm via the outbox → sign in → home → sign out, at 360×740, run once with
// JavaScript on and once with it off (the two Playwright projects).
test('a resident joins, confirms, signs in and out', async ({ page }, info) => {
  const email = uniqueEmail(info.project.name);
  const enhanced = info.project.use.javaScriptEnabled !== false;

  await page.goto('/');
  await ready(page, info);
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);
  await page.getByRole('link', { name: 'Join', exact: true }).first().click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Join your local time bank');
  await ready(page, info);
  await expectAccessible(page);

  // First a mistake: the errors appear by their fields and what was typed is kept.
  await page.getByLabel('Your name').fill('Jean Brown');
  await page.getByLabel('Email address').fill('jean-at-example');
  await page.getByRole('button', { name: 'Join' }).click();
  await expect(page.getByRole('alert')).toContainText('There is a problem');
  await expect(page.getByLabel('Your name')).toHaveValue('Jean Brown');
  await expect(page.getByText('Enter an email address like name@example.com.').first()).toBeVisible();
  await expectAccessible(page);
  if (enhanced) {
    // The form was sent in the background: focus moved to the summary of problems.
    await expect(page.locator('#error-summary')).toBeFocused();
  }

  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Choose a password').fill('kettle harbour violet');
  await page.getByLabel('Where do you live?').selectOption({ label: 'Coatbridge' });
  await page.getByLabel(/I have read and agree/).check();
  await page.getByRole('button', { name: 'Join' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check your email');
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Open the demo outbox' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Emails');
  await expectAccessible(page);

  const message = page.locator('article', { hasText: email }).first();
  await message.getByRole('link', { name: /confirm-email/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Confirm your email');
  await ready(page, info);
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Confirm my email' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
  await expect(page.getByRole('status')).toContainText('your email address is confirmed');
  await expectAccessible(page);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill('kettle harbour violet');
  await page.getByRole('button', { name: 'Sign in' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Thanks for joining, Jean Brown');
  await expect(page.getByText("You're waiting for approval")).toBeVisible();
  await expect(page).toHaveURL(/\/home$/);
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);

  await signOut(page);
  await expect(page.getByRole('status')).toContainText('You have signed out');
  await expect(page.getByRole('link', { name: 'Sign in' }).first()).toBeVisible();
  await page.goto('/home');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Please sign in');
});

test('a demo community builder signs in and sees their members', async ({ page }, info) => {
  await page.goto('/sign-in');
  await ready(page, info);
  await expectAccessible(page);
  await page.getByLabel('Email address').fill('anne.gallacher@demo.timeweave.org');
  await page.getByLabel('Password').fill('demo-hours-2026');
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Builders sign in with a code from their authenticator app too.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Enter your code');
  await expectAccessible(page);
  await enterCode(page, info);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hello, Anne Gallacher');
  await expectAccessible(page);
  await navigate(page, 'Members');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Members');
  await expect(page.getByRole('link', { name: 'Agnes Murray' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Betty Doyle' })).toHaveCount(0); // Wishaw is not hers
  await expectAccessible(page);
  // Found by typing part of a name, or of a phone number (someone signed up on paper).
  await page.getByLabel('Find a member').fill('murr');
  await page.getByRole('button', { name: 'Find', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText('1 member matches "murr".');
  await expect(page.getByRole('link', { name: 'Agnes Murray' })).toBeVisible();
  await page.getByLabel('Find a member').fill('555 201');
  await page.getByRole('button', { name: 'Find', exact: true }).click();
  await expect(page.getByRole('link', { name: 'Walter Doig' })).toBeVisible();
  await page.getByLabel('Find a member').fill('Betty Doyle');
  await page.getByRole('button', { name: 'Find', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText('No member matches "Betty Doyle".');
  await expectAccessible(page);
  await page.goto('/account');
  await expectAccessible(page);
  await page.goto('/no-such-page');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText("We can't find that page");
  await expectAccessible(page);
});
