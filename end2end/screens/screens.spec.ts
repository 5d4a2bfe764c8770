import { Page, test } from '@playwright/test';
import { ready, signIn } from '../tests/helpers';

// What each kind of user sees on a 360 px phone, saved into docs/screens/ so a reader of
// the docs sees it too. Run by scripts/screens.sh against a fresh demo database.

const out = (name: string) => `../docs/screens/${name}.png`;

async function shot(page: Page, name: string, path?: string) {
  if (path) await page.goto(path);
  await page.waitForLoadState('load');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: out(name) });
}

async function menu(page: Page, name: string) {
  await page.locator('details.site-menu > summary').click();
  await shot(page, name);
  await page.locator('details.site-menu > summary').click();
}

test('a visitor', async ({ page }, info) => {
  await shot(page, 'visitor-start', '/');
  await shot(page, 'visitor-join', '/join');
  await shot(page, 'visitor-sign-in', '/sign-in');
  await shot(page, 'visitor-browse', '/listings');
  await page.locator('.listing-card a').first().click();
  await shot(page, 'visitor-listing');
  await ready(page, info);
});

test('a resident', async ({ page }, info) => {
  await signIn(page, info, 'agnes.murray@demo.timeweave.org');
  await shot(page, 'resident-home');
  await menu(page, 'resident-menu');
  await shot(page, 'resident-browse', '/listings');
  // Someone else's listing: answering your own is not offered.
  const first = page.locator('.listing-card').filter({ hasNotText: 'Agnes Murray' }).locator('a').first();
  await first.click();
  await shot(page, 'resident-listing');
  // Answering it starts an exchange: its page, from the side waiting for a reply.
  await page.getByLabel('Your message').fill('I could do that. Would Tuesday suit you?');
  await page.getByRole('button', { name: /^Send to / }).click();
  await page.waitForURL(/\/exchanges\//);
  await shot(page, 'resident-exchange');
  await shot(page, 'resident-exchanges', '/exchanges');
  await shot(page, 'resident-offer-help', '/listings/new?kind=offer');
  await shot(page, 'resident-post', '/listings/new');
  await shot(page, 'resident-hours', '/hours');
  await shot(page, 'resident-notifications', '/notifications');
  await shot(page, 'resident-account', '/account');
});

test('a community builder', async ({ page }, info) => {
  await signIn(page, info, 'anne.gallacher@demo.timeweave.org');
  await shot(page, 'builder-home');
  await menu(page, 'builder-menu');
  await shot(page, 'builder-desk', '/community');
  await shot(page, 'builder-members', '/community/members');
  await shot(page, 'builder-members-found', '/community/members?q=mur');
  await shot(page, 'builder-referrals', '/referrals');
});

test('a builder for the whole network finds members by typing', async ({ page }, info) => {
  await signIn(page, info, 'morag.campbell@demo.timeweave.org');
  // Recording hours: "mu" matches two people, so they are offered to choose from, and
  // everything else typed is kept.
  await page.goto('/community/hours');
  await page.getByLabel('Who gave the help?').fill('mu');
  await page.getByLabel('Who received it?').fill('Priya');
  await page.getByLabel('Hours', { exact: true }).fill('1');
  await page.getByLabel('What was the help?').fill('Shopping trip');
  await page.getByRole('button', { name: 'Record the hours' }).click();
  await page.getByText('Which one do you mean?').first().waitFor();
  await page.evaluate(() => document.querySelector('#giver')?.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: out('builder-record-hours-choices') });
});

test('a health and care professional', async ({ page }, info) => {
  await signIn(page, info, 'dr.aileen.scott@demo.timeweave.org');
  await shot(page, 'referrer-home');
  await menu(page, 'referrer-menu');
  await shot(page, 'referrer-referrals', '/referrals');
  await shot(page, 'referrer-new', '/referrals/new');
  // The referral form in steps: each a short page.
  await page.getByLabel("The person's name").fill('Jean Example');
  await page.getByLabel('Day').fill('3');
  await page.getByLabel('Month').fill('9');
  await page.getByLabel('Year').fill('1941');
  await page.getByLabel('Where they live').selectOption({ index: 1 });
  await page.getByLabel('How would they like to be contacted?').selectOption('phone');
  await page.getByLabel('Phone number').fill('01236 555 019');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(/what-matters/);
  await page.getByLabel('What matters to the person?').fill('Company on a Sunday, and help with the garden.');
  await shot(page, 'referrer-new-what-matters');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(/needs/);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(/consent/);
  await shot(page, 'referrer-new-consent');
  await page.getByLabel('The person agreed to be referred to the time bank.').check();
  await page.getByLabel("The person agreed to share these details with the time bank's community builders for their area.").check();
  await page.getByLabel('How did they give consent?').selectOption('verbal');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(/check/);
  await shot(page, 'referrer-new-check');
});

test('with no connection', async ({ page, context }, info) => {
  await signIn(page, info, 'priya.shah@demo.timeweave.org');
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await page.goto('/hours');
  await page.waitForLoadState('load');
  await context.setOffline(true);
  await shot(page, 'offline-hours-copy', '/hours');
  await shot(page, 'offline', '/listings');
  await context.setOffline(false);
});
