import { Browser, expect, Page, test, TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { createHmac } from 'node:crypto';
import * as zlib from 'zlib';

/**
 * axe-core must find nothing on the page as it is now. axe runs in the page as script, so
 * with JavaScript off we check the same address (every state of a form, errors included,
 * is a GET-able URL) in a script-enabled context with the same cookies and viewport.
 */
export async function expectAccessible(page: Page) {
  let target = page;
  let cleanup = async () => {};
  if (test.info().project.use.javaScriptEnabled === false) {
    const browser = page.context().browser()!;
    const context = await browser.newContext({
      javaScriptEnabled: true,
      viewport: page.viewportSize() ?? { width: 360, height: 740 },
      storageState: await page.context().storageState(),
    });
    target = await context.newPage();
    await target.goto(page.url());
    cleanup = () => context.close();
  }
  const results = await new AxeBuilder({ page: target }).analyze();
  // An id used twice ties a label to the wrong field: what is typed there is lost.
  const duplicates = await target.evaluate(() => {
    const seen = new Map<string, number>();
    document.querySelectorAll('[id]').forEach(e => seen.set(e.id, (seen.get(e.id) ?? 0) + 1));
    return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  });
  await cleanup();
  expect(duplicates, `ids used more than once on ${page.url()}`).toEqual([]);
  const summary = results.violations.map(v => `${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(' ')).join(', ')})`);
  expect(summary, `axe violations on ${page.url()}`).toEqual([]);
}

/** With JavaScript on, wait until the WebAssembly has hydrated so form enhancement is live. */
export async function ready(page: Page, info: TestInfo) {
  await page.waitForLoadState('load');
  if (info.project.use.javaScriptEnabled !== false) {
    await page.waitForFunction(() => (window as any).__timeweave_enhanced === true, null, { timeout: 15_000 });
  }
}

export function uniqueEmail(prefix: string) {
  return `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.org`;
}

/** The page must fit a 360 px phone without sideways scrolling. */
export async function expectNoHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, 'page scrolls sideways at phone width').toBeLessThanOrEqual(0);
}


/** The demo's staff accounts share this published authenticator key (README). */
export const DEMO_TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

/** RFC 6238 (SHA-1, 6 digits, 30 s) for a base32 key, as an authenticator app computes it. */
export function totp(secret: string, at: number = Date.now()): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g)!.map(b => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const h = createHmac('sha1', key).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  return ((h.readUInt32BE(o) & 0x7fffffff) % 1_000_000).toString().padStart(6, '0');
}

/**
 * The second step of signing in, when the page asks for it. Each code works once per
 * account, so a staff account signed in twice within 30 seconds takes the next code
 * (accepted one step early) or waits for a new one.
 */
export async function enterCode(page: Page, info: TestInfo, secret: string = DEMO_TOTP_SECRET) {
  // After the password, the browser goes on to the code page (staff) or home (everyone else).
  await page.waitForURL(u => u.pathname !== '/sign-in');
  await page.waitForLoadState('load');
  // Try the current 30-second step, then later ones (the server takes one step early); a
  // step is only accepted once per account, so earlier sign-ins may have used some.
  let step = Math.floor(Date.now() / 30_000);
  for (let attempt = 0; attempt < 4; attempt++) {
    if (!new URL(page.url()).pathname.startsWith('/sign-in/code')) return;
    await ready(page, info);
    const wait = (step - 1) * 30_000 - Date.now() + 500;
    if (wait > 0) await page.waitForTimeout(wait);
    await page.getByLabel('Code').fill(totp(secret, step * 30_000 + 1_000));
    const [resp] = await Promise.all([
      page.waitForResponse(r => r.url().includes('/api/sign_in_code')),
      page.getByRole('button', { name: 'Continue' }).click(),
    ]);
    const location = resp.headers()['location'] ?? '';
    const redirected = resp.status() >= 300 && resp.status() < 400;
    if (resp.status() === 200 || (redirected && !location.includes('/sign-in/code'))) {
      await page.waitForURL(u => !u.pathname.startsWith('/sign-in/code'));
      return;
    }
    await page.waitForLoadState('load');
    step += 1;
  }
  throw new Error('no authenticator code was accepted');
}

/** Signs in a demo member (everyone's demo password) and waits for their home page. */
export async function signIn(page: Page, info: TestInfo, email: string) {
  await page.goto('/sign-in');
  await ready(page, info);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill('demo-hours-2026');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await enterCode(page, info);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Hello');
}

/** The tab bar's short words for places whose menu label is longer (app/src/components/navigation.rs). */
const TAB_WORDS: Record<string, string> = {
  'Offers & requests': 'Browse',
  'My hours': 'Hours',
  'Community desk': 'Desk',
  'New referral': 'Refer',
};

/**
 * Goes somewhere through the site's navigation as a person would: the tab bar at the
 * bottom if the place is there, else the menu (a `<details>`, opened by its summary).
 */
export async function navigate(page: Page, label: string) {
  const tabs = page.getByRole('navigation', { name: 'Main' });
  const tab = tabs.getByRole('link', { name: TAB_WORDS[label] ?? label, exact: true });
  if ((await tab.count()) > 0) {
    await tab.click();
    return;
  }
  const menu = page.locator('details.site-menu');
  if (!(await menu.evaluate(d => (d as HTMLDetailsElement).open))) await menu.locator('summary').click();
  await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: label, exact: true }).click();
}

/** Signs out through the menu, where the button lives. */
export async function signOut(page: Page) {
  const menu = page.locator('details.site-menu');
  if (!(await menu.evaluate(d => (d as HTMLDetailsElement).open))) await menu.locator('summary').click();
  await page.getByRole('button', { name: 'Sign out' }).click();
}

/** A real PNG of `w` × `h` pixels, coloured by `colour(x, y)`, made here: no binary fixtures. */
export function png(w: number, h: number, colour: (x: number, y: number) => [number, number, number] = () => [11, 92, 79]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows: Buffer[] = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + w * 3);
    for (let x = 0; x < w; x++) row.set(colour(x, y), 1 + x * 3);
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A page of its own (a new browser context at 360 × 740, as the project runs) signed in as `email`. */
export async function signedInPage(browser: Browser, info: TestInfo, email: string): Promise<Page> {
  const context = await browser.newContext({
    baseURL: info.project.use.baseURL ?? process.env.TIMEWEAVE_E2E_URL,
    javaScriptEnabled: info.project.use.javaScriptEnabled,
    viewport: { width: 360, height: 740 },
  });
  const page = await context.newPage();
  await signIn(page, info, email);
  return page;
}

/** Presses a form's button and waits for the answer page (or the enhanced form) to settle. */
export async function press(page: Page, info: TestInfo, button: string) {
  await page.getByRole('button', { name: button, exact: true }).click();
  await page.waitForLoadState('load');
  await ready(page, info);
}
