import { expect, Page, test } from '@playwright/test';
import { expectAccessible, expectNoHorizontalScroll, navigate, signIn, signOut } from './helpers';

// On the home screen: a manifest with icons and a service worker make the app installable in
// Chromium; with no connection, "My hours" and "My exchanges" open as last seen (marked as
// a copy) and every other page says plainly that there is no connection. A service worker
// needs JavaScript, so these run with it on; with it off nothing is registered and every
// other test shows the pages still work.

test.beforeEach(async ({}, info) => {
  test.skip(info.project.name === 'javascript-off', 'a service worker needs JavaScript');
});

/** Waits until the service worker has taken this page over. */
async function controlled(page: Page) {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15_000 });
}

async function keptPages(page: Page): Promise<string[]> {
  return page.evaluate(async () => (await (await caches.open('timeweave-pages-v1')).keys()).map(r => new URL(r.url).pathname));
}

test('the app can be put on the home screen: a manifest, icons and a service worker', async ({ page }) => {
  await page.goto('/');
  const link = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(link).toBe('/manifest.webmanifest');
  const manifest = await (await page.request.get(link!)).json();
  expect(manifest.start_url).toBe('/home');
  expect(manifest.display).toBe('standalone');
  const sizes = manifest.icons.map((i: { sizes: string }) => i.sizes);
  expect(sizes).toContain('192x192');
  expect(sizes).toContain('512x512');
  for (const icon of manifest.icons) {
    const res = await page.request.get(icon.src);
    expect(res.status(), icon.src).toBe(200);
    expect(res.headers()['content-type']).toBe('image/png');
  }
  await page.reload();
  await controlled(page);
  // Chromium's own verdict on whether it would offer to install the app (a test browser's
  // context is incognito, where nothing is installed: the one objection left aside).
  const cdp = await page.context().newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  expect(installabilityErrors.map(e => e.errorId).filter(id => id !== 'in-incognito')).toEqual([]);
});

test('with no connection: my hours and exchanges as last seen, a plain page for the rest', async ({ page, context }, info) => {
  await signIn(page, info, 'priya.shah@demo.timeweave.org');
  await controlled(page);
  await page.goto('/hours');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('My hours');
  const balance = (await page.locator('main').innerText()).match(/\d+ h( \d+ min)?/)?.[0];
  expect(balance).toBeTruthy();
  await page.goto('/exchanges');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('My exchanges');
  await expect.poll(() => keptPages(page)).toEqual(expect.arrayContaining(['/hours', '/exchanges']));

  await context.setOffline(true);
  await page.goto('/hours');
  await expect(page.getByRole('status').filter({ hasText: 'No connection' })).toContainText('a copy of the page');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('My hours');
  await expect(page.locator('main')).toContainText(balance!);
  await expectNoHorizontalScroll(page);
  await page.goto('/listings');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('No connection just now');
  await expect(page.getByRole('link', { name: 'My exchanges (last seen)' })).toBeVisible();
  await expectNoHorizontalScroll(page);
  await page.screenshot({ path: 'test-results/offline.png', fullPage: true });
  await page.getByRole('link', { name: 'My exchanges (last seen)' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('My exchanges');
  await expect(page.locator('.offline-copy')).toBeVisible();

  // Back online, signing out deletes the copies: the next person on this phone sees none.
  await context.setOffline(false);
  await navigate(page, 'Home');
  await signOut(page);
  await expect(page.getByRole('link', { name: 'Sign in' }).first()).toBeVisible();
  await expect.poll(() => keptPages(page)).toEqual([]);
  await context.setOffline(true);
  await page.goto('/hours');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('No connection just now');
  await context.setOffline(false);
});

test('the offline page is calm and accessible', async ({ page }) => {
  await page.goto('/offline');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('No connection just now');
  await expectNoHorizontalScroll(page);
  await expectAccessible(page);
});

test('alerts on this phone: offered on Notifications, and an alert shows and names its page', async ({ page, context }, info) => {
  await context.grantPermissions(['notifications']);
  await signIn(page, info, 'tam.reid@demo.timeweave.org');
  await page.goto('/notifications');
  await controlled(page);
  // Shown only where the browser can take alerts (hidden in the HTML, shown by /push.js).
  const section = page.locator('#push');
  await expect(section).toBeVisible();
  await expect(section.getByRole('button', { name: 'Turn on alerts' })).toBeVisible();
  await expect(section.getByRole('button', { name: 'Turn off alerts on this phone' })).toBeHidden();
  await expect(section.getByRole('status')).toHaveText('Alerts are off for this phone.');
  await expectNoHorizontalScroll(page);
  await expectAccessible(page);

  // An alert as the push service delivers it, to the service worker (DevTools' "Push").
  const cdp = await context.newCDPSession(page);
  const registration = new Promise<string>((resolve) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => {
      const r = e.registrations.find((r) => !r.isDeleted);
      if (r) resolve(r.registrationId);
    });
  });
  await cdp.send('ServiceWorker.enable');
  const alert = { title: 'Timeweave', body: 'Agnes Murray asked for your help', url: '/exchanges' };
  await cdp.send('ServiceWorker.deliverPushMessage', {
    origin: new URL(page.url()).origin,
    registrationId: await registration,
    data: JSON.stringify(alert),
  });
  const shown = () => page.evaluate(async () =>
    (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({ title: n.title, body: n.body, url: n.data.url })));
  await expect.poll(shown).toEqual([alert]);
});
