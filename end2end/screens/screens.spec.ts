import { Page, test } from '@playwright/test';
import { png, ready, signIn } from '../tests/helpers';

// What each kind of user sees on a 360 px phone, saved into docs/screens/ so a reader of
// the docs sees it too. Run by scripts/screens.sh against a fresh demo database.

const out = (name: string) => `../docs/screens/${name}.png`;

async function shot(page: Page, name: string, path?: string) {
  if (path) await page.goto(path);
  await page.waitForLoadState('load');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: out(name) });
}

/** A screenshot with `selector` at the top of the screen (a section further down a page). */
async function shotAt(page: Page, name: string, selector: string) {
  await page.waitForLoadState('load');
  await page.locator(selector).first().evaluate(e => e.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: out(name) });
}

/** A photo-like picture (a face-coloured circle on a soft gradient). */
function picture(w: number, h: number): Buffer {
  return png(w, h, (x, y) => {
    const face = Math.hypot(x - w / 2, y - h / 2.6) / (w / 2) < 0.45;
    return face ? [236, 196, 160] : [70 + (60 * y) / h, 130 + (40 * x) / w, 120];
  });
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
  // Alerts on this phone: shown once the service worker is ready.
  await page.locator('#push').waitFor({ state: 'visible', timeout: 15_000 });
  await shotAt(page, 'resident-notifications-alerts', '#push');
  await shot(page, 'resident-account', '/account');
  // A photo from the phone's gallery, then the profile neighbours see.
  await page.getByLabel(/Choose (a|a new) photo/).setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: picture(480, 640) });
  await page.getByRole('button', { name: 'Use this photo' }).click();
  await page.waitForURL(/changed=photo/);
  await shotAt(page, 'resident-account-photo', '#photo-heading');
  await page.getByRole('link', { name: 'your profile' }).click();
  await shot(page, 'resident-profile');
  // Moving house: asking to change area (Anne Gallacher, Airdrie's builder, decides).
  await page.goto('/account');
  await page.getByText('Moving house? Ask to change your area').click();
  await shotAt(page, 'resident-account-area', '#area-heading');
  await page.getByLabel('The area you are moving to').selectOption({ label: 'Coatbridge' });
  await page.getByLabel('Anything the community builder should know (optional)').fill('Moving to my daughter\'s in March.');
  await page.getByRole('button', { name: 'Ask to move' }).click();
  await page.waitForURL(/area-asked/);
  await shotAt(page, 'resident-account-area-asked', '#area-heading');
  // Closing the account: what it does, the form (opened), the password and the tick.
  await page.goto('/account');
  await page.locator('summary', { hasText: 'Close my account' }).click();
  await shotAt(page, 'resident-account-close', 'summary:has-text("Close my account")');
});

test('a community builder', async ({ page }, info) => {
  await signIn(page, info, 'anne.gallacher@demo.timeweave.org');
  await shot(page, 'builder-home');
  await menu(page, 'builder-menu');
  await shot(page, 'builder-desk', '/community');
  if (await page.locator('#moves-heading').count()) await shotAt(page, 'builder-desk-moving', '#moves-heading');
  // A member's page, with their photo (sent in the resident's run) and how to take it down.
  await page.goto('/community/members?q=Agnes');
  await page.getByRole('link', { name: 'Agnes Murray' }).first().click();
  await shot(page, 'builder-member');
  await shot(page, 'builder-members', '/community/members');
  await shot(page, 'builder-members-found', '/community/members?q=mur');
  await shot(page, 'builder-referrals', '/referrals');
});

test("what's on", async ({ page }, info) => {
  await signIn(page, info, 'tam.reid@demo.timeweave.org');
  await shot(page, 'resident-whats-on', '/whats-on');
  await page.getByText('More choices').click();
  await shot(page, 'resident-whats-on-filters');
  await page.goto('/whats-on');
  await page.locator('.listing-card a').first().click();
  await shot(page, 'resident-whats-on-entry');
  await shotAt(page, 'resident-whats-on-dates', '#dates');
  await shot(page, 'resident-whats-on-print', '/whats-on/print');
});

test("a community builder keeps what's on", async ({ page }, info) => {
  await signIn(page, info, 'anne.gallacher@demo.timeweave.org');
  await shot(page, 'builder-whats-on-to-check', '/community/whats-on');
  await shot(page, 'builder-whats-on-new', '/whats-on/new');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('alert').waitFor();
  await shot(page, 'builder-whats-on-new-problem');
  await page.goto('/community/whats-on');
  await page.locator('.listing-card a').first().click();
  await shotAt(page, 'builder-whats-on-entry-keep', '#keep-heading');
  await page.getByRole('link', { name: 'Who is coming' }).click();
  await shot(page, 'builder-whats-on-going');
});

test('onward referral', async ({ browser }, info) => {
  // Coatbridge's builder: the demo's referral sent on to the library, and the library's page.
  const builder = await browser.newPage({ viewport: { width: 360, height: 740 } });
  await signIn(builder, info, 'heather.lyons@demo.timeweave.org');
  await builder.goto('/referrals');
  await builder.getByRole('link', { name: 'Agnes Lafferty' }).first().click();
  await shotAt(builder, 'builder-referral-onward', '#onward-heading');
  await builder.getByText('Refer on to an activity or service').click();
  await shotAt(builder, 'builder-referral-onward-form', '#onward-heading');
  await builder.locator('section[aria-labelledby="onward-heading"]').getByRole('link', { name: 'Help with phones and tablets' }).click();
  await builder.getByRole('link', { name: 'Coatbridge Library' }).click();
  await shot(builder, 'builder-organisation');
  // Isobel Kerr acts for the library: the referral waiting for her answer.
  const provider = await browser.newPage({ viewport: { width: 360, height: 740 } });
  await signIn(provider, info, 'isobel.kerr@demo.timeweave.org');
  await shot(provider, 'provider-referrals', '/referrals/onward');
  await provider.getByRole('link', { name: 'Referral to Help with phones and tablets' }).click();
  await shot(provider, 'provider-referral');
  await shotAt(provider, 'provider-referral-answer', '#answer-heading');
  // The library's own page for its people: its entries with its suggestion waiting, the
  // form to suggest one, and the builder deciding it.
  await provider.goto('/whats-on?area=all');
  await provider.locator('.listing-card').filter({ hasText: 'Coatbridge Library' }).getByRole('link', { name: 'Help with phones and tablets' }).click();
  await provider.getByRole('link', { name: 'Coatbridge Library' }).click();
  await shot(provider, 'provider-organisation');
  await provider.getByRole('link', { name: 'Suggest a new entry' }).click();
  await shot(provider, 'provider-suggest-entry');
  await shot(builder, 'builder-whats-on-waiting', '/community/whats-on');
  await builder.getByRole('link', { name: 'Family history drop-in' }).click();
  await shotAt(builder, 'builder-whats-on-approve', '#keep-heading');
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
