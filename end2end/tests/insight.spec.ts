import { test, expect, Browser, Page, TestInfo } from '@playwright/test';
import { expectAccessible, expectNoHorizontalScroll, ready, signIn } from './helpers';

// Insight: the dashboard and the quarterly report at phone and desktop widths, with
// JavaScript on and off (the charts are SVG drawn on the server); axe-core finds nothing.

async function as(browser: Browser, info: TestInfo, email: string, width: number): Promise<Page> {
  const context = await browser.newContext({
    baseURL: info.project.use.baseURL ?? process.env.TIMEWEAVE_E2E_URL,
    javaScriptEnabled: info.project.use.javaScriptEnabled,
    viewport: { width, height: width === 360 ? 740 : 900 },
  });
  const page = await context.newPage();
  await signIn(page, info, email);
  return page;
}

for (const width of [360, 1280]) {
  test(`a builder reads the dashboard, downloads a table and opens the quarterly report at ${width} px`, async ({ browser }, info) => {
    test.setTimeout(120_000);
    const b = await as(browser, info, 'morag.campbell@demo.timeweave.org', width);
    await expect(b.getByRole('link', { name: 'How it is going', includeHidden: true })).toHaveCount(1);
    await b.goto('/insight');
    await ready(b, info);
    await expect(b.getByRole('heading', { level: 1 })).toContainText('How it is going');
    await expect(b.getByRole('heading', { name: 'Localities compared, per 1,000 residents' })).toBeVisible();
    // The charts are pictures of their tables, drawn without script.
    await expect(b.locator('figure.chart svg').first()).toBeVisible();
    await expect(b.getByRole('img', { name: /Hours exchanged: a bar chart/ })).toBeVisible();
    // Never an empty chart: each one drawn has a bar with some length.
    const emptyCharts = await b.locator('figure.chart svg').evaluateAll((svgs) =>
      svgs.filter((svg) => ![...svg.querySelectorAll('rect.bar')].some((r) => Number(r.getAttribute('height')) > 0 && Number(r.getAttribute('width')) > 0)).length);
    expect(emptyCharts).toBe(0);
    await expect(b.getByRole('table', { name: 'Help by category' })).toBeVisible();
    await expectNoHorizontalScroll(b);
    await expectAccessible(b);

    // One locality, through the form.
    await b.getByLabel('Area').selectOption({ label: 'Airdrie' });
    await b.getByRole('button', { name: 'Show these figures' }).click();
    await b.waitForLoadState('load');
    await expect(b.getByRole('heading', { level: 1 })).toContainText('Airdrie');
    await expect(b.getByRole('heading', { name: 'Localities compared, per 1,000 residents' })).toHaveCount(0);
    // A period that cannot be read says so next to the form and keeps the default.
    const bad = new URL(b.url());
    bad.searchParams.set('from', '2026-09-30');
    bad.searchParams.set('to', '2026-07-01');
    await b.goto(bad.pathname + bad.search);
    await expect(b.getByRole('alert')).toContainText('The last day must be on or after the first day.');

    // A table as CSV: the same figures, small counts protected.
    const csvLink = b.getByRole('link', { name: /Download .The period at a glance. as CSV/ });
    const href = await csvLink.getAttribute('href');
    const res = await b.request.get(href!);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain('text/csv');
    const body = await res.text();
    expect(body).toContain('Exchanges completed');
    expect(body).not.toMatch(/Referrals made in the period,[1-4]\n/);

    // The quarterly report.
    await b.getByRole('link', { name: 'Printable quarterly report' }).click();
    await b.waitForLoadState('load');
    await expect(b.getByRole('heading', { level: 1 })).toContainText('Quarterly report');
    await expect(b.getByRole('heading', { name: 'What the figures mean' })).toBeVisible();
    await expectNoHorizontalScroll(b);
    await expectAccessible(b);
    // On paper, the menus and the controls are left off.
    await b.emulateMedia({ media: 'print' });
    await expect(b.locator('form.period-form')).toBeHidden();
    await expect(b.getByRole('heading', { name: 'The period at a glance' })).toBeVisible();
    // Printed on A4 (about 794 px at 96 dpi, less the margins) and from a phone, every
    // table fits the page: headers wrap, nothing runs off the side.
    for (const paper of [794, 360]) {
      await b.setViewportSize({ width: paper, height: 1123 });
      const overflow = await b.locator('table.figures').evaluateAll((tables) =>
        tables.filter((t) => t.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map((t) => t.querySelector('caption')?.textContent));
      expect(overflow, `tables wider than the ${paper} px page`).toEqual([]);
    }
    await b.context().close();
  });
}

test('an organisation lead sees their referrals in figures, and residents see none of it', async ({ browser }, info) => {
  test.setTimeout(120_000);
  const lead = await as(browser, info, 'dr.aileen.scott@demo.timeweave.org', 360);
  await lead.goto('/insight');
  await ready(lead, info);
  await expect(lead.getByRole('heading', { level: 1 })).toContainText('Referrals made by NHS Lanarkshire');
  await expect(lead.getByRole('heading', { name: 'Referrals by where they stand now' })).toBeVisible();
  await expect(lead.getByRole('heading', { name: 'Help by category' })).toHaveCount(0);
  await expectNoHorizontalScroll(lead);
  await expectAccessible(lead);
  await lead.context().close();

  const resident = await as(browser, info, 'tam.reid@demo.timeweave.org', 360);
  await expect(resident.getByRole('link', { name: 'How it is going', includeHidden: true })).toHaveCount(0);
  const res = await resident.goto('/insight');
  expect(res?.status()).toBe(403);
  await expect(resident.getByText('These figures are for community builders')).toBeVisible();
  await resident.context().close();
});
