import { expect, Page, test, TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

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
  await cleanup();
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


/** Signs in a demo member (everyone's demo password) and waits for their home page. */
export async function signIn(page: Page, info: TestInfo, email: string) {
  await page.goto('/sign-in');
  await ready(page, info);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill('demo-hours-2026');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Hello');
}
