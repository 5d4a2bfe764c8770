import { expect, test } from '@playwright/test';
import { enterCode, expectAccessible, expectNoHorizontalScroll, ready } from './helpers';

// What a person sees of the security work: the demo's banner, a failed form given back
// with exactly what was typed (markup and all, as text), the unlock page, the professional
// application without a list of organisations, and the site admins' security events.

const PAYLOAD = '</textarea><meta http-equiv=refresh content="1;url=/?r=1"> and a line of my own';

async function shot(page: import('@playwright/test').Page, name: string) {
  const project = test.info().project.name;
  await page.screenshot({ path: test.info().outputPath(`${name}-${project}.png`), fullPage: true });
}

test('the demo says so on every page, and a failed form comes back with what was typed, as text', async ({ page }, info) => {
  await page.goto('/');
  await expect(page.locator('.demo-banner')).toContainText('This is a demo');
  await page.goto('/join');
  await ready(page, info);
  await page.getByLabel('Your name').fill('Rhona Test');
  await page.getByLabel('A few words about you (optional)').fill(PAYLOAD);
  await page.getByRole('button', { name: 'Join' }).click();
  await expect(page.locator('.error-summary')).toBeVisible();
  // The value is back in the box exactly as typed, and nothing was injected.
  await expect(page.getByLabel('A few words about you (optional)')).toHaveValue(PAYLOAD);
  expect(await page.locator('meta[http-equiv]').count()).toBe(0);
  await expect(page.getByLabel('Your name')).toHaveValue('Rhona Test');
  await expectNoHorizontalScroll(page);
  await shot(page, 'join-error');
  // The same address in another browser shows nothing typed here.
  const other = await page.context().browser()!.newContext({ viewport: { width: 360, height: 740 } });
  const stranger = await other.newPage();
  await stranger.goto(page.url());
  await expect(stranger.getByLabel('Your name')).toHaveValue('');
  await expect(stranger.locator('.error-summary')).toHaveCount(0);
  await other.close();
});

test('an unlock link lets a device in, and an old one says so plainly', async ({ page }, info) => {
  await page.goto('/sign-in/unlock?token=not-a-real-token');
  await ready(page, info);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in from this device');
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);
  await shot(page, 'unlock');
  await page.getByRole('button', { name: 'Let this device sign in' }).click();
  await expect(page.locator('.error-summary')).toContainText('already been used or has expired');
});

test('referrers apply without seeing a list of organisations', async ({ page }, info) => {
  await page.goto('/professionals/join');
  await ready(page, info);
  await expect(page.getByLabel('Your organisation')).toHaveAttribute('type', 'text');
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);
  await shot(page, 'professional-join');
});

test('a site admin reads the security events', async ({ page }, info) => {
  // A wrong password first, so there is something to read.
  await page.goto('/sign-in');
  await ready(page, info);
  await page.getByLabel('Email address').fill('tam.reid@demo.timeweave.org');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('.error-summary')).toBeVisible();
  await page.getByLabel('Email address').fill('sam.admin@demo.timeweave.org');
  await page.getByLabel('Password').fill('demo-hours-2026');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await enterCode(page, info);
  await page.goto('/admin/security');
  await ready(page, info);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Security events');
  await expect(page.locator('.cards li', { hasText: 'Wrong password' }).first()).toBeVisible();
  await page.getByLabel('Kind of event').selectOption('sign_in_failed');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/kind=sign_in_failed/);
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);
  await shot(page, 'security-events');
});
