import { test, expect } from '@playwright/test';
import { expectAccessible, expectNoHorizontalScroll, press, ready, signedInPage } from './helpers';

// The referral pathway on a 360 px phone, with JavaScript on and off: a GP practice's link
// worker (two-step sign-in) refers someone; Airdrie's community builder takes it to a
// supported first exchange; the referrer sees where it stands, never the person's exchanges.

test('a referral goes from a link worker to a first supported exchange and a closing summary', async ({ browser }, info) => {
  test.setTimeout(180_000);
  const person = `Margaret Test ${Date.now() % 100000}`;
  const pro = await signedInPage(browser, info, 'ewan.docherty@demo.timeweave.org');

  // The form in five short steps. A step's problems come back on its own page with what
  // was typed kept; the answers wait on the server, never in the address.
  await pro.goto('/referrals/new');
  await ready(pro, info);
  await expect(pro.getByText('Step 1 of 5')).toBeVisible();
  await expectNoHorizontalScroll(pro);
  await expectAccessible(pro);
  await pro.getByLabel("The person's name").fill(person);
  await pro.getByLabel('Day').fill('14');
  await pro.getByLabel('Month').fill('13');
  await pro.getByLabel('Year').fill('1946');
  await pro.getByLabel('Where they live').selectOption({ label: 'Airdrie' });
  await pro.getByLabel('How would they like to be contacted?').selectOption('phone');
  await pro.getByLabel('Phone number').fill('01236 555 012');
  await press(pro, info, 'Continue');
  await expect(pro.getByRole('alert')).toContainText('day, the month and the year');
  await expect(pro.getByLabel("The person's name")).toHaveValue(person);
  await expect(pro.getByLabel('Month')).toHaveValue('13');
  await expectAccessible(pro);
  await pro.getByLabel('Month').fill('5');
  await press(pro, info, 'Continue');
  await expect(pro.getByText('Step 2 of 5')).toBeVisible();
  expect(pro.url()).not.toContain(encodeURIComponent(person.split(' ')[0]));
  await pro.getByLabel('What matters to the person?').fill('She would like to get out more; she loved gardening.');
  await pro.getByLabel('Gardening', { exact: true }).check();
  await press(pro, info, 'Continue');
  await expect(pro.getByText('Step 3 of 5')).toBeVisible();
  await press(pro, info, 'Continue');
  await expect(pro.getByText('Step 4 of 5')).toBeVisible();
  // Consent is asked plainly, each part on its own; without it nothing goes further.
  await pro.getByLabel('How did they give consent?').selectOption('verbal');
  await press(pro, info, 'Continue');
  await expect(pro.getByRole('alert')).toContainText('The person must agree to be referred');
  await pro.getByLabel('The person agreed to be referred to the time bank.').check();
  await pro.getByLabel("The person agreed to share these details with the time bank's community builders for their area.").check();
  await press(pro, info, 'Continue');
  // Check and send: every answer in words, each part with a way to change it.
  await expect(pro.getByText('Step 5 of 5')).toBeVisible();
  await expect(pro.getByText('14 May 1946')).toBeVisible();
  await expect(pro.getByText('Gardening', { exact: true })).toBeVisible();
  await expectNoHorizontalScroll(pro);
  await expectAccessible(pro);
  await pro.getByRole('link', { name: 'Change what matters' }).click();
  await ready(pro, info);
  await pro.getByLabel('What matters to the person?').fill('She would like to get out more; she loved her garden.');
  await press(pro, info, 'Continue');
  await expect(pro.getByText('Step 5 of 5')).toBeVisible();
  await expect(pro.getByText('she loved her garden')).toBeVisible();
  await press(pro, info, 'Send the referral');
  await expect(pro.getByRole('heading', { level: 1 })).toHaveText(`Referral: ${person}`);
  await expect(pro.getByRole('status')).toContainText('gone to the community builders');
  // The draft is gone once sent: a new referral starts empty.
  await pro.goto('/referrals/new');
  await expect(pro.getByLabel("The person's name")).toHaveValue('');
  await pro.goBack();
  await ready(pro, info);
  const referralUrl = pro.url().split('?')[0];

  // Airdrie's builder finds it in the queue and takes it forward.
  const b = await signedInPage(browser, info, 'anne.gallacher@demo.timeweave.org');
  await b.goto('/referrals');
  await ready(b, info);
  await expectAccessible(b);
  await b.getByRole('link', { name: person }).click();
  await expect(b.getByRole('heading', { level: 1 })).toHaveText(`Referral: ${person}`);
  await ready(b, info);
  await b.getByLabel('Accept').check();
  await press(b, info, 'Save');
  await expect(b.getByRole('status')).toContainText('Accepted');
  await b.getByLabel('We have made contact').check();
  await b.getByLabel('Note', { exact: true }).fill('Phoned her; visit on Tuesday.');
  await press(b, info, 'Save');
  await expect(b.getByRole('status')).toContainText('Contact recorded');
  await b.getByLabel('They agreed to join and to the code of conduct.').check();
  await press(b, info, 'Make their member account');
  await expect(b.getByRole('status')).toContainText('They are now a member');
  await b.getByLabel('How many starter hours?').selectOption('2');
  await press(b, info, 'Give starter hours');
  await expect(b.getByRole('status')).toContainText('Starter hours given');
  // Once per referral: the form gives way to what was given, so it cannot be pressed again.
  await expect(b.getByRole('button', { name: 'Give starter hours' })).toHaveCount(0);
  await expect(b.getByText('given from the community pool')).toBeVisible();
  await b.getByLabel('With which member of the area?').fill('Agnes Murray');
  await b.getByLabel('Who helped whom?').selectOption('received');
  await b.getByLabel('Hours', { exact: true }).fill('1');
  await b.getByLabel('What was it?').fill('Walk round the park');
  await b.getByLabel('Who went along to support them?').fill('Anne Gallacher');
  await press(b, info, 'Record the first exchange');
  await expect(b.getByRole('status')).toContainText('now active');
  await expectNoHorizontalScroll(b);
  await expectAccessible(b);

  // The referrer sees "active" and the dates, not the exchange or the builders' notes.
  await pro.goto(referralUrl);
  await ready(pro, info);
  await expect(pro.getByText('Active: first exchange done').first()).toBeVisible();
  await expect(pro.getByText('Walk round the park')).toHaveCount(0);
  await expect(pro.getByText('Phoned her')).toHaveCount(0);
  await expect(pro.getByText('Agnes Murray')).toHaveCount(0);

  // Wellbeing at joining, then the builder closes with a summary.
  for (const [label, value] of [
    ['Overall, how satisfied are you with your life nowadays?', '4'],
    ['Overall, to what extent do you feel the things you do in your life are worthwhile?', '5'],
    ['Overall, how happy did you feel yesterday?', '4'],
    ['Overall, how anxious did you feel yesterday?', '7'],
    ['How often do you feel that you lack companionship?', '3'],
    ['How often do you feel left out?', '3'],
    ['How often do you feel isolated from others?', '2'],
  ]) {
    await b.getByLabel(label).selectOption(value);
  }
  await press(b, info, 'Save the answers');
  await expect(b.getByRole('status')).toContainText('Wellbeing answers saved');
  await expect(b.getByText('loneliness 8 (3–9)')).toBeVisible();
  await b.getByLabel('Close with an outcome').check();
  // The person agreed that the summary goes back to the referrer.
  await b.getByLabel('When closing: the person agreed that the summary goes back to the referrer').check();
  await b.getByLabel('Note', { exact: true }).fill('Margaret now walks with the Tuesday group and feels less alone.');
  await press(b, info, 'Save');
  await expect(b.getByRole('status')).toContainText('Closed');

  await pro.goto(referralUrl);
  await ready(pro, info);
  await expect(pro.getByRole('heading', { name: 'Closing summary' })).toBeVisible();
  await expect(pro.getByText('walks with the Tuesday group')).toBeVisible();
  await expectAccessible(pro);
  await pro.context().close();
  await b.context().close();
});

test('people can ask to be put in touch themselves, and consent is required', async ({ page }, info) => {
  await page.goto('/refer-yourself');
  await ready(page, info);
  await expectNoHorizontalScroll(page);
  await expectAccessible(page);
  await expect(page.getByRole('heading', { level: 2, name: 'About you' })).toBeVisible();
  await page.getByLabel('Your name').fill('Walter Self');
  await page.getByLabel('Day').fill('2');
  await page.getByLabel('Month').fill('1');
  await page.getByLabel('Year').fill('1950');
  await page.getByLabel('Where you live').selectOption({ label: 'Wishaw' });
  await page.getByLabel('How would you like us to contact you?').selectOption('phone');
  await page.getByLabel('Phone number').fill('01698 555 123');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForLoadState('load');
  await page.getByLabel('What matters to you?').fill('Company, and someone to help with my tablet.');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForLoadState('load');
  await expect(page.getByText('Step 3 of 5')).toBeVisible();
  await expect(page.getByLabel('Notes for whoever visits (optional)')).toHaveCount(0);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForLoadState('load');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForLoadState('load');
  await expect(page.getByRole('alert')).toContainText('Tick to say you agree to be referred');
  await expectAccessible(page);
  await page.getByLabel('I agree to be referred to the time bank.').check();
  await page.getByLabel("I agree that the time bank's community builders for my area may see these details.").check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForLoadState('load');
  await expect(page.getByText('Step 5 of 5')).toBeVisible();
  await expect(page.getByText('2 January 1950')).toBeVisible();
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Thank you');
});
