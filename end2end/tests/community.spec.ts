import { Browser, expect, Page, test, TestInfo } from '@playwright/test';
import { expectAccessible, expectNoHorizontalScroll, navigate, ready, signIn, uniqueEmail } from './helpers';

// A community builder's day, at a phone's width and a desktop's, with JavaScript on and off:
// approve someone waiting to join (who can then post), hide a reported listing (it leaves
// search), record 2 h on behalf of two members, and find all three in the audit trail with
// their reasons.

const baseURL = process.env.TIMEWEAVE_E2E_URL ?? 'http://127.0.0.1:3100';

async function asMember(browser: Browser, info: TestInfo, viewport: { width: number; height: number }, email: string): Promise<Page> {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: info.project.use.javaScriptEnabled, viewport });
  const page = await context.newPage();
  await signIn(page, info, email);
  return page;
}

for (const [label, viewport] of [
  ['phone', { width: 360, height: 740 }],
  ['desktop', { width: 1280, height: 800 }],
] as const) {
  test(`a builder approves, moderates, records on behalf and reads the trail (${label})`, async ({ page, browser }, info) => {
    await page.setViewportSize(viewport);
    const run = `${info.project.name}-${label}`;
    const reason = {
      approve: `Welcome aboard (${run})`,
      hide: `Asks for money, not time (${run})`,
      record: `Garden tidy-up (${run})`,
    };

    // 1. Someone joins Airdrie, which needs approval, and waits.
    const email = uniqueEmail(run);
    const name = `Nan ${label} ${info.project.name.replace('javascript-', 'js ')}`;
    const joiner = await browser.newContext({ baseURL, javaScriptEnabled: info.project.use.javaScriptEnabled, viewport });
    const j = await joiner.newPage();
    await j.goto('/join');
    await ready(j, info);
    await j.getByLabel('Your name').fill(name);
    await j.getByLabel('Email address').fill(email);
    await j.getByLabel('Choose a password').fill('kettle harbour violet');
    await j.getByLabel('Where do you live?').selectOption({ label: 'Airdrie' });
    await j.getByLabel('A few words about you (optional)').fill('I can knit and would like help with my garden.');
    await j.getByLabel(/I have read and agree/).check();
    await j.getByRole('button', { name: 'Join' }).click();
    await expect(j.getByRole('heading', { level: 1 })).toHaveText('Check your email');
    await j.goto('/outbox');
    await j.locator('article', { hasText: email }).first().getByRole('link', { name: /confirm-email/ }).click();
    await ready(j, info);
    await j.getByRole('button', { name: 'Confirm my email' }).click();
    await j.getByLabel('Email address').fill(email);
    await j.getByLabel('Password').fill('kettle harbour violet');
    await j.getByRole('button', { name: 'Sign in' }).click();
    await expect(j.getByText("You're waiting for approval")).toBeVisible();

    // 2. Anne, Airdrie's builder, approves them from the desk with a message.
    await signIn(page, info, 'anne.gallacher@demo.timeweave.org');
    await navigate(page, 'Community desk');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Community desk');
    await ready(page, info);
    await expectAccessible(page);
    await expectNoHorizontalScroll(page);
    const card = page.locator('li.card', { hasText: name });
    await expect(card).toContainText('I can knit');
    await card.getByRole('link', { name: `Welcome or decline ${name}` }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
    await ready(page, info);
    await expectAccessible(page);
    await expectNoHorizontalScroll(page);
    // Declining needs a message: nothing happens without one.
    await page.getByRole('button', { name: 'Decline' }).click();
    await expect(page.getByRole('alert')).toContainText('There is a problem');
    await page.getByLabel('Message to them (emailed)').fill(reason.approve);
    await page.getByRole('button', { name: `Approve ${name}` }).click();
    await expect(page.getByRole('status')).toContainText('Approved');
    await expect(page.locator('li.card', { hasText: name })).toHaveCount(0);

    // The member can now post.
    await j.goto('/listings/new');
    await ready(j, info);
    await expect(j.getByRole('heading', { level: 1 })).toContainText('Post');
    await j.context().close();

    // 3. A listing that breaks the rules is reported by a neighbour and hidden by Anne.
    const title = `Paid gardening ${run}`;
    const tam = await asMember(browser, info, viewport, 'tam.reid@demo.timeweave.org');
    await tam.goto('/listings/new');
    await ready(tam, info);
    await tam.getByLabel('Are you offering or asking?').selectOption({ label: 'I can offer help' });
    await tam.getByLabel('Title').fill(title);
    await tam.getByLabel('Description').fill('I will do your garden for ten pounds an hour.');
    await tam.getByLabel('Kind of help').selectOption({ label: 'Gardening' });
    await tam.getByRole('radio', { name: 'Out and about: a lift, errands, a walk' }).check();
    await tam.getByRole('button', { name: 'Post it' }).click();
    await expect(tam.getByRole('heading', { level: 1 })).toHaveText(title);
    await tam.context().close();

    const priya = await asMember(browser, info, viewport, 'priya.shah@demo.timeweave.org');
    await priya.goto(`/listings?q=${encodeURIComponent(title)}`);
    await priya.getByRole('link', { name: title }).click();
    await priya.getByRole('link', { name: 'Report this listing' }).click();
    await expect(priya.getByRole('heading', { level: 1 })).toHaveText('Report a listing');
    await ready(priya, info);
    await expectAccessible(priya);
    await priya.getByLabel('What is wrong?').fill('It asks for money.');
    await priya.getByRole('button', { name: 'Send the report' }).click();
    await expect(priya.getByRole('heading', { level: 1 })).toHaveText('Thank you');

    await page.goto('/community');
    await page.getByRole('link', { name: /A listing by Tam Reid/ }).first().click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('A listing by Tam Reid');
    await ready(page, info);
    await expectAccessible(page);
    await expectNoHorizontalScroll(page);
    // A reason is needed; the choice made is kept.
    await page.getByLabel('What will you do?').selectOption({ label: 'Hide the listing' });
    await page.getByRole('button', { name: 'Do it' }).click();
    await expect(page.getByRole('alert')).toContainText('There is a problem');
    await expect(page.getByLabel('What will you do?')).toHaveValue('hide');
    await page.getByLabel('Reason').fill(reason.hide);
    await page.getByRole('button', { name: 'Do it' }).click();
    await expect(page.getByRole('status')).toContainText('has been told');

    await priya.goto(`/listings?q=${encodeURIComponent(title)}`);
    await expect(priya.getByRole('link', { name: title })).toHaveCount(0);
    await priya.context().close();

    // 4. Two hours on behalf of two members who have no smartphone.
    await navigate(page, 'Community hours');
    await ready(page, info);
    // Giver and receiver swap between the phone and desktop runs, so balances stay in range.
    const [giver, receiver] = label === 'phone' ? ['Jack Baird', 'Priya Shah'] : ['Priya Shah', 'Jack Baird'];
    // Members are found by typing part of a name. With JavaScript the browser suggests
    // them as one types and the one chosen is sent; without it the server reads the name.
    const [giverInput, receiverInput] = [page.getByLabel('Who gave the help?'), page.getByLabel('Who received it?')];
    if (info.project.use.javaScriptEnabled !== false) {
      await giverInput.pressSequentially(giver.split(' ')[0].slice(0, 4), { delay: 50 });
      await expect.poll(async () => page.locator('#giver-suggestions option').evaluateAll(
        (os, name) => os.map(o => (o as HTMLOptionElement).value).filter(v => v.startsWith(name as string)), giver)).toHaveLength(1);
      const suggestion = await page.locator('#giver-suggestions option').evaluateAll(
        (os, name) => os.map(o => (o as HTMLOptionElement).value).find(v => v.startsWith(name as string)), giver);
      await giverInput.fill(suggestion as string);
      await expect(page.locator('input[name="giver_pick"]')).not.toHaveValue('');
    } else {
      await giverInput.fill(giver.split(' ')[1]); // the surname alone names one member
    }
    await receiverInput.fill(receiver);
    await page.getByLabel('Hours', { exact: true }).fill('2');
    await page.getByLabel('What was the help?').fill(reason.record);
    await page.getByRole('button', { name: 'Record the hours' }).click();
    await expect(page.getByRole('status')).toContainText('The hours have been recorded');
    for (const [member, amount] of [[giver, '+2 h'], [receiver, '−2 h']]) {
      await page.goto('/community/members');
      await page.getByRole('link', { name: member }).click();
      await page.getByRole('link', { name: 'Statement and balance' }).click();
      const line = page.locator('.statement li', { hasText: reason.record });
      await expect(line).toContainText(amount);
    }

    // 5. The audit trail shows all three, with their reasons; it can be searched.
    await page.goto('/community/audit');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Audit trail');
    await ready(page, info);
    for (const text of [reason.approve, reason.hide, reason.record]) {
      await expect(page.getByRole('cell', { name: text }).first()).toBeVisible();
    }
    await expectAccessible(page);
    await expectNoHorizontalScroll(page);
    await page.getByLabel('Action').selectOption({ label: 'Hid a listing' });
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page.getByRole('cell', { name: reason.hide })).toBeVisible();
    await expect(page.getByRole('cell', { name: reason.approve })).toHaveCount(0);
  });
}

test('a member sees what builders did on their account', async ({ page }, info) => {
  await signIn(page, info, 'jack.baird@demo.timeweave.org');
  await page.goto('/account');
  await page.getByRole('link', { name: 'Actions community builders took on your account' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Actions on my account');
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);
});

test('paper sign-up, vetting badges, notes, rules, announcements and networks', async ({ page, browser }, info) => {
  const run = `${info.project.name} ${Date.now() % 100000}`;
  await signIn(page, info, 'anne.gallacher@demo.timeweave.org');
  await page.goto('/community');
  await page.getByRole('link', { name: 'Sign someone up on paper' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign someone up on paper');
  await ready(page, info);
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);
  // Without the paper consent ticked nothing is saved, and the name typed is kept.
  const name = `Bill Rennie ${run}`;
  await page.getByLabel('Their name (as other members will see it)').fill(name);
  await page.getByLabel('Where they live').selectOption({ label: 'Airdrie' });
  await page.getByRole('button', { name: 'Sign them up' }).click();
  await expect(page.getByRole('alert')).toContainText('There is a problem');
  await expect(page.getByLabel('Their name (as other members will see it)')).toHaveValue(name);
  await page.getByLabel(/signed the paper membership/).check();
  await page.getByRole('button', { name: 'Sign them up' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  await expect(page.getByText('None: joined on paper')).toBeVisible();

  // Vetting ticks become badges; a private note stays on this page.
  await page.getByLabel('Met a coordinator (induction done)').check();
  await page.getByLabel('References taken').fill('2');
  await page.getByRole('button', { name: 'Save the checklist' }).click();
  await expect(page.getByRole('status')).toContainText('Vetting checklist saved');
  await expect(page.getByText('Met a coordinator, References checked')).toBeVisible();
  await page.getByLabel('New note').fill('Keen gardener; no phone, call via his daughter.');
  await page.getByRole('button', { name: 'Add the note' }).click();
  await expect(page.getByText('Keen gardener; no phone')).toBeVisible();
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);

  // The whole-network builder posts a notice that residents see on their home page.
  const morag = await browser.newContext({ baseURL, javaScriptEnabled: info.project.use.javaScriptEnabled, viewport: { width: 360, height: 740 } });
  const m = await morag.newPage();
  await signIn(m, info, 'morag.campbell@demo.timeweave.org');
  await m.goto('/community/settings');
  await expect(m.getByRole('heading', { level: 1 })).toContainText('rules and announcements');
  await ready(m, info);
  await expectAccessible(m);
  await expectNoHorizontalScroll(m);
  const notice = `Litter pick ${run}`;
  await m.getByLabel('Who is it for?').selectOption({ label: 'Members in Airdrie' });
  await m.getByLabel('Title').fill(notice);
  await m.getByLabel('Announcement', { exact: true }).fill('Saturday 10am at the park gates. Gloves provided.');
  await m.getByRole('button', { name: 'Post the announcement' }).click();
  await expect(m.getByRole('status')).toContainText('Announcement posted');
  await morag.close();
  const tam = await asMember(browser, info, { width: 360, height: 740 }, 'tam.reid@demo.timeweave.org');
  await expect(tam.getByRole('region', { name: 'Noticeboard' })).toContainText(notice);
  await tam.context().close();

  // The site admin's networks page.
  const admin = await asMember(browser, info, { width: 360, height: 740 }, 'sam.admin@demo.timeweave.org');
  await admin.goto('/admin/networks');
  await expect(admin.getByRole('heading', { level: 1 })).toHaveText('Networks');
  await expect(admin.getByText('Anne Gallacher · Airdrie')).toBeVisible();
  await expectAccessible(admin);
  await expectNoHorizontalScroll(admin);
  await admin.context().close();
});

test('a resident asks to move area and a builder confirms it on the desk, on a phone', async ({ browser }, info) => {
  const viewport = { width: 360, height: 740 };
  const [email, name] = info.project.name === 'javascript-on'
    ? ['kasia.nowak@demo.timeweave.org', 'Kasia Nowak']
    : ['callum.hughes@demo.timeweave.org', 'Callum Hughes'];
  const resident = await asMember(browser, info, viewport, email);
  await resident.goto('/account');
  await ready(resident, info);
  const area = resident.getByRole('region', { name: 'Your area' });
  const from = (await area.locator('strong').first().textContent())!.trim();
  const to = from === 'Coatbridge' ? 'Motherwell' : 'Coatbridge';
  await area.getByText('Moving house? Ask to change your area').click();
  await resident.getByLabel('The area you are moving to').selectOption({ label: to });
  await resident.getByLabel('Anything the community builder should know (optional)').fill('New flat from the first of the month.');
  await resident.getByRole('button', { name: 'Ask to move' }).click();
  await expect(resident.getByRole('status')).toContainText('A community builder will confirm your move');
  await expect(resident.getByRole('region', { name: 'Your area' })).toContainText(`to move to ${to}`);
  await expectAccessible(resident);
  await expectNoHorizontalScroll(resident);

  // The whole-network builder sees it on the desk and moves them.
  const builder = await asMember(browser, info, viewport, 'morag.campbell@demo.timeweave.org');
  await builder.goto('/community');
  await ready(builder, info);
  const card = builder.locator('section[aria-labelledby="moves-heading"] li').filter({ hasText: name });
  await expect(card).toContainText('New flat from the first of the month.');
  await expectAccessible(builder);
  await expectNoHorizontalScroll(builder);
  await card.getByRole('button', { name: `Move to ${to}` }).click();
  await expect(builder.getByRole('status')).toContainText('Moved.');
  await builder.context().close();

  await resident.goto('/account');
  await expect(resident.getByRole('region', { name: 'Your area' }).locator('strong').first()).toHaveText(to);
  await resident.context().close();
});
