import { expect, Locator, Page, test } from '@playwright/test';
import { expectAccessible, expectNoHorizontalScroll, navigate, png, press, ready, signedInPage, signIn, uniqueEmail } from './helpers';

// The shell on a 360 × 740 phone, JavaScript on and off: a header no taller than 64 px, a
// resident's four places one tap away at the bottom, everything else behind a menu that
// opens without JavaScript, and staff tools together under one heading in it.

async function expectTapTargets(targets: Locator) {
  const sizes = await targets.evaluateAll(els =>
    els.filter(e => (e as HTMLElement).offsetParent !== null).map(e => {
      const r = e.getBoundingClientRect();
      return { name: (e.textContent ?? '').trim() || e.getAttribute('aria-label'), w: r.width, h: r.height };
    }));
  expect(sizes.length).toBeGreaterThan(0);
  for (const s of sizes) expect(s.h >= 44 && s.w >= 44, `${s.name} is ${s.w}×${s.h}`).toBe(true);
}

async function expectCompactHeader(page: Page) {
  const box = await page.locator('.site-header').boundingBox();
  expect(box!.height).toBeLessThanOrEqual(64);
  await expectTapTargets(page.locator('.site-header a, .site-header summary'));
}

async function openMenu(page: Page) {
  const menu = page.getByRole('navigation', { name: 'Menu' });
  await expect(menu).toBeHidden();
  await page.locator('details.site-menu > summary').click();
  await expect(menu).toBeVisible();
  return menu;
}

test('a resident has four places one tap away and the rest behind the menu', async ({ page }, info) => {
  await signIn(page, info, 'agnes.murray@demo.timeweave.org');
  await expectCompactHeader(page);
  const tabs = page.getByRole('navigation', { name: 'Main' });
  await expect(tabs.getByRole('link')).toHaveText(['Home', 'Browse', 'Exchanges', 'Hours']);
  await expect(tabs.getByRole('link', { name: 'Home' })).toHaveAttribute('aria-current', 'page');
  // At the bottom of the screen, under the thumb, with room to tap.
  const bar = (await tabs.boundingBox())!;
  expect(bar.y + bar.height).toBeGreaterThan(730);
  expect(bar.y + bar.height).toBeLessThanOrEqual(741);
  await expectTapTargets(tabs.getByRole('link'));

  // Browse: a listing is on screen without scrolling.
  await navigate(page, 'Offers & requests');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Offers and requests');
  await expect(page.locator('.listing-card').first()).toBeInViewport();
  await expect(tabs.getByRole('link', { name: 'Browse' })).toHaveAttribute('aria-current', 'page');

  // The current tab's bold word stays on one line (the bar does not grow).
  await navigate(page, 'Exchanges');
  await expect(tabs.getByRole('link', { name: 'Exchanges' })).toHaveAttribute('aria-current', 'page');
  expect((await tabs.boundingBox())!.height).toBeLessThanOrEqual(64);

  const menu = await openMenu(page);
  await expect(menu.getByRole('link', { name: 'Account' })).toBeVisible();
  await expect(menu.getByRole('link', { name: 'My offers & requests' })).toBeVisible();
  await expect(menu.getByRole('link', { name: 'Browse' })).toHaveCount(0); // never twice
  await expect(menu.getByText('Tools')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await expectTapTargets(menu.getByRole('link'));
  await expectNoHorizontalScroll(page);
  await menu.getByRole('link', { name: 'Account' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your account');
  await expect(page.getByRole('navigation', { name: 'Menu' })).toBeHidden();
  await expectAccessible(page);
});

test('a community builder finds every tool under one heading in the menu', async ({ page }, info) => {
  await signIn(page, info, 'anne.gallacher@demo.timeweave.org');
  await expectCompactHeader(page);
  const menu = await openMenu(page);
  const tools = menu.getByRole('list', { name: 'Tools' });
  for (const name of ['Community desk', 'Members', 'Community hours', 'Referrals', 'How it is going']) {
    const inTools = await tools.getByRole('link', { name, exact: true }).count();
    const inTabs = await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: name === 'Community desk' ? 'Desk' : name, exact: true }).count();
    expect(inTools + inTabs, `${name} once, in the tools or the tab bar`).toBe(1);
  }
  // Nothing of the site administrator's.
  await expect(menu.getByRole('link', { name: 'Security' })).toHaveCount(0);
  await expectNoHorizontalScroll(page);
  await expectAccessible(page);
  await navigate(page, 'Community hours');
  await expect(page.getByRole('heading', { level: 1 })).toContainText(/hours/i);
});

test('a visitor sees where to sign in or join, and the header stays small', async ({ page }) => {
  await page.goto('/');
  await expectCompactHeader(page);
  await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0);
  await expect(page.locator('.site-header').getByRole('link', { name: 'Sign in' })).toBeVisible();
  await page.locator('.site-header').getByRole('link', { name: 'Join' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Join your local time bank');
  await expectNoHorizontalScroll(page);
});

test('a visitor looks at what people offer, joins from a listing and comes back to it', async ({ page }, info) => {
  const email = uniqueEmail(`look${info.project.name.replace(/[^a-z]/g, '')}`);
  await page.goto('/');
  await page.getByRole('link', { name: 'See what people offer' }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Offers and requests');
  await ready(page, info);
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);
  await expect(page.getByRole('link', { name: 'Post an offer or request' })).toHaveCount(0);
  // First names only: the owner is the card's last fact before any estimate.
  const cards = page.locator('.listing-card');
  await expect(cards.first()).toBeVisible();
  for (const meta of await cards.locator('.meta').allInnerTexts()) {
    const owner = meta.split(' · ')[2];
    expect(owner.trim(), `surname shown in "${meta}"`).not.toContain(' ');
  }
  // Searching works for visitors too.
  await page.getByLabel('Search').fill('garden');
  await page.getByRole('button', { name: 'Find' }).click();
  await expect(page).toHaveURL(/q=garden/);
  await cards.first().getByRole('link').click();
  await expect(page.getByRole('heading', { level: 2, name: /Would you like .*'s help\?|Could you help .*\?/ })).toBeVisible();
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);
  const listing = new URL(page.url()).pathname;

  await page.getByRole('link', { name: 'Join to answer' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Join your local time bank');
  await page.getByLabel('Your name').fill('Jean Brown');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Choose a password').fill('kettle harbour violet');
  await page.getByLabel('Where do you live?').selectOption({ label: 'Coatbridge' });
  await page.getByLabel(/I have read and agree/).check();
  await page.getByRole('button', { name: 'Join' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check your email');
  await page.goto('/outbox');
  await page.locator('article', { hasText: email }).first().getByRole('link', { name: /confirm-email/ }).click();
  await ready(page, info);
  await page.getByRole('button', { name: 'Confirm my email' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill('kettle harbour violet');
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Back at the listing, waiting for a community builder to welcome them in.
  await expect(page).toHaveURL(new RegExp(`${listing}$`));
  await expect(page.getByText('You can answer once a community builder has welcomed you in.')).toBeVisible();
  await expectNoHorizontalScroll(page);
});

test('a resident offers help and asks for help from Home with short forms', async ({ page }, info) => {
  const stamp = `${info.project.name.replace(/[^a-z]/g, '')}${Date.now() % 100000}`;
  await signIn(page, info, 'tam.reid@demo.timeweave.org');
  // Signed in, on Home. Every tap from Home to a posted offer is counted (a choice from a list is one tap).
  let taps = 0;
  const tap = async (action: Promise<unknown>) => {
    taps += 1;
    await action;
  };

  // Offer help: the kind is already known; only what matters is asked for first.
  await tap(page.getByRole('link', { name: 'Offer help' }).click());
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Offer help');
  await expect(page.getByLabel('Are you offering or asking?')).toHaveCount(0);
  await expect(page.getByLabel('Tags (optional)')).toBeHidden(); // behind "More details"
  await page.getByLabel('Title').fill(`Knitting lessons ${stamp}`);
  await page.getByLabel('Description').fill('Casting on, plain and purl, and a scarf by the end.');
  await tap(page.getByLabel('Kind of help').selectOption({ label: 'Crafts' }));
  await tap(page.getByRole('radio', { name: "At someone's home" }).check());
  await tap(page.getByRole('button', { name: 'Post it' }).click());
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Knitting lessons ${stamp}`);
  expect(taps, 'posting an offer from Home').toBeLessThanOrEqual(4);
  await expect(page.locator('.badge')).toHaveText('Offer');
  // Just posted: nothing to renew.
  await expect(page.getByRole('button', { name: 'Renew' })).toHaveCount(0);
  await expectNoHorizontalScroll(page);

  // Ask for help, with a mistake first: it stays "Ask for help" and keeps what was typed.
  await navigate(page, 'Home');
  await page.getByRole('link', { name: 'Ask for help' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ask for help');
  await page.getByLabel('Title').fill(`A lift to the surgery ${stamp}`);
  await page.getByRole('button', { name: 'Post it' }).click();
  await expect(page.getByRole('alert')).toContainText('There is a problem');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ask for help');
  await expect(page.getByLabel('Title')).toHaveValue(`A lift to the surgery ${stamp}`);
  await expectAccessible(page);
  await page.getByLabel('Description').fill('Tuesday at 10, back by 12.');
  await page.getByLabel('Kind of help').selectOption({ index: 1 });
  await page.getByRole('radio', { name: 'Out and about: a lift, errands, a walk' }).check();
  await page.getByRole('button', { name: 'Post it' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`A lift to the surgery ${stamp}`);
  await expect(page.locator('.badge')).toHaveText('Request');
});

test('a resident adds a photo from their phone; a file that is not a photo is refused on the form', async ({ page }, info) => {
  // One resident per project, so the two runs side by side do not meet.
  const [email, name] = info.project.name === 'javascript-on'
    ? ['margaret.boyle@demo.timeweave.org', 'Margaret Boyle']
    : ['sandy.wilson@demo.timeweave.org', 'Sandy Wilson'];
  await signIn(page, info, email);
  await page.goto('/account');
  await ready(page, info);
  const section = page.getByRole('region', { name: 'Your photo' });
  await expect(section).toBeVisible();

  // A letter saved as .jpg: refused, with the reason on the form.
  await page.getByLabel(/Choose (a|a new) photo/).setInputFiles({ name: 'letter.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('Dear neighbour, this is a letter.') });
  await page.getByRole('button', { name: 'Use this photo' }).click();
  await expect(page.getByRole('alert')).toContainText('That file is not a photo.');
  await expect(page.getByLabel(/Choose (a|a new) photo/)).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);

  // A picture from the gallery: kept square and small, and shown on Account and the profile.
  await page.getByLabel(/Choose (a|a new) photo/).setInputFiles({ name: 'IMG_2024.png', mimeType: 'image/png', buffer: png(640, 480) });
  await page.getByRole('button', { name: 'Use this photo' }).click();
  await expect(page.getByRole('status')).toContainText('Your new photo is on your profile.');
  const photo = page.getByRole('img', { name: `Photo of ${name}` });
  await expect(photo).toBeVisible();
  expect(await photo.evaluate(img => [(img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).naturalHeight])).toEqual([320, 320]);
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);

  // Taken down again by its owner.
  await page.getByRole('button', { name: 'Take my photo down' }).click();
  await expect(page.getByRole('status')).toContainText('Your photo is taken down.');
  await expect(page.getByRole('img', { name: `Photo of ${name}` })).toHaveCount(0);
});

// Closing one's account from Account: refused without the tick (the password is not
// kept), then closing, then keeping it. Each run has its own resident, whom no other test uses.
test('a resident closes their account, then changes their mind', async ({ browser }, info) => {
  test.setTimeout(120_000);
  const email = info.project.name === 'javascript-on' ? 'ross.mclean@demo.timeweave.org' : 'euan.fraser@demo.timeweave.org';
  const page = await signedInPage(browser, info, email);
  await page.goto('/account');
  await ready(page, info);
  await expect(page.getByRole('link', { name: 'for a spreadsheet (CSV)' })).toBeVisible();
  const csv = await page.request.get('/account/my-data.csv');
  expect(csv.status()).toBe(200);
  expect(await csv.text()).toContain('section,item,field,value');
  await page.locator('summary', { hasText: 'Close my account' }).click();
  await page.getByLabel('Your password').fill('demo-hours-2026');
  await press(page, info, 'Close my account');
  await expect(page.getByRole('alert')).toContainText('Tick the box');
  await expectAccessible(page);
  await page.getByLabel('Your password').fill('demo-hours-2026');
  await page.getByLabel('I understand what closing my account does').check();
  await expectNoHorizontalScroll(page);
  await press(page, info, 'Close my account');
  await expect(page.getByRole('status')).toContainText('We will close your account');
  await expect(page.getByRole('heading', { name: 'Your account is closing' })).toBeVisible();
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);
  await press(page, info, 'Keep my account');
  await expect(page.getByRole('status')).toContainText('Your account stays open');
  await expect(page.locator('summary', { hasText: 'Close my account' })).toBeVisible();
});
