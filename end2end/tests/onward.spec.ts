import { test, expect } from '@playwright/test';
import { expectAccessible, expectNoHorizontalScroll, press, ready, signedInPage } from './helpers';

// Onward referral on a 360 px phone, JavaScript on and off: Coatbridge's community builder
// names a resident to act for an organisation, refers Agnes Lafferty (accepted in the demo)
// on to what it runs, and the resident answers for the organisation; the builder then sees
// the answer on the referral.

test('a builder refers a person on and the organisation answers', async ({ browser }, info) => {
  test.setTimeout(180_000);
  // Each run uses its own Coatbridge activity, so the two runs do not meet.
  const [title, organisation] = info.project.name === 'javascript-on'
    ? ['Lunch club', 'Coatbridge Parish Church']
    : ['Knit and natter', 'Coatbridge Community Centre'];
  const builder = await signedInPage(browser, info, 'heather.lyons@demo.timeweave.org');

  // The organisation's page: nobody acts for it yet; the builder names Isobel Kerr.
  await builder.goto('/whats-on?area=all');
  await ready(builder, info);
  await builder.locator('.listing-card').filter({ hasText: organisation }).getByRole('link', { name: title }).click();
  await ready(builder, info);
  await builder.getByRole('link', { name: organisation }).click();
  await ready(builder, info);
  await expect(builder.getByRole('heading', { level: 1 })).toHaveText(organisation);
  await expect(builder.getByText('Nobody yet')).toBeVisible();
  await builder.getByLabel('Add someone who acts for it').fill('Isobel Kerr');
  await press(builder, info, 'Add them');
  await expect(builder.getByRole('status')).toContainText('Added');
  await expect(builder.getByRole('button', { name: 'Remove Isobel Kerr' })).toBeVisible();
  await expectAccessible(builder);
  await expectNoHorizontalScroll(builder);

  // The referral: send it on, first without the person's agreement.
  await builder.goto('/referrals');
  await ready(builder, info);
  await builder.getByRole('link', { name: 'Agnes Lafferty' }).first().click();
  await ready(builder, info);
  await builder.getByText('Refer on to an activity or service').click();
  await builder.getByLabel('Which activity or service?').selectOption({ label: `${title} (${organisation})` });
  await builder.getByLabel('A few words for the organisation').fill('Agnes would like company; a quiet seat near the door would help.');
  await builder.getByLabel('Share what matters to them').check();
  await press(builder, info, 'Send the referral');
  await expect(builder.getByRole('alert')).toContainText('agreed to be referred on');
  await expect(builder.getByLabel('A few words for the organisation')).toHaveValue(/quiet seat/);
  await builder.getByLabel('They agreed to be referred on, and to what is shared').check();
  await press(builder, info, 'Send the referral');
  await expect(builder.getByRole('status')).toContainText('Referred on');
  const line = builder.locator('section[aria-labelledby="onward-heading"]').locator('li').filter({ hasText: title });
  await expect(line).toContainText('Waiting for their answer');
  await expectAccessible(builder);
  await expectNoHorizontalScroll(builder);
  const referral = builder.url();

  // Isobel answers for the organisation: a "no" needs a reason; then yes.
  const provider = await signedInPage(browser, info, 'isobel.kerr@demo.timeweave.org');
  await provider.goto('/whats-on');
  await ready(provider, info);
  await provider.getByRole('link', { name: 'Referrals to your organisation' }).click();
  await ready(provider, info);
  await expect(provider.getByRole('heading', { level: 1 })).toHaveText('Referrals to your organisation');
  await expect(provider.getByText('Agnes')).toHaveCount(0);
  await expectAccessible(provider);
  await provider.getByRole('link', { name: `Referral to ${title}` }).click();
  await ready(provider, info);
  await expect(provider.getByText('Agnes Lafferty')).toBeVisible();
  await expect(provider.getByText(/^By phone: /)).toBeVisible();
  await expect(provider.getByText('quiet seat near the door')).toBeVisible();
  await expectAccessible(provider);
  await expectNoHorizontalScroll(provider);
  await provider.getByLabel('No', { exact: true }).check();
  await press(provider, info, 'Send the answer');
  await expect(provider.getByRole('alert')).toContainText('Say why');
  await provider.getByLabel('Yes, we will get in touch').check();
  await provider.getByLabel('What happens next, or why not').fill('We will phone her before Wednesday.');
  await press(provider, info, 'Send the answer');
  await expect(provider.getByRole('status')).toContainText('accepted');
  await expect(provider.getByRole('button', { name: 'Send the answer' })).toHaveCount(0);

  // The builder sees the answer on the referral.
  await builder.goto(referral);
  await ready(builder, info);
  await expect(line).toContainText('Accepted');
  await expect(line).toContainText('We will phone her before Wednesday.');
});

// The library's own person suggests a new activity; Coatbridge's builder turns it down
// without a reason (refused), then approves it, and members find it.
test('an organisation suggests an entry and a builder approves it', async ({ browser }, info) => {
  test.setTimeout(180_000);
  const title = info.project.name === 'javascript-on' ? 'Poetry evening' : 'Board games afternoon';
  const provider = await signedInPage(browser, info, 'isobel.kerr@demo.timeweave.org');
  await provider.goto('/whats-on?area=all');
  await ready(provider, info);
  await provider.locator('.listing-card').filter({ hasText: 'Coatbridge Library' }).getByRole('link', { name: 'Help with phones and tablets' }).click();
  await ready(provider, info);
  await provider.getByRole('link', { name: 'Coatbridge Library' }).click();
  await ready(provider, info);
  // The demo's own suggestion waits for approval, seen by the library's people.
  await expect(provider.locator('.listing-card').filter({ hasText: 'Family history drop-in' })).toContainText('Waiting for approval');
  await provider.getByRole('link', { name: 'Suggest a new entry' }).click();
  await ready(provider, info);
  await expect(provider.getByRole('heading', { level: 1 })).toHaveText("Suggest an entry for What's on");
  await expect(provider.getByText('Who runs it: Coatbridge Library')).toBeVisible();
  await expect(provider.getByLabel(/Share it publicly/)).toHaveCount(0);
  await provider.getByLabel('Name', { exact: true }).fill(title);
  await provider.getByRole('radio', { name: 'An activity or event' }).check();
  await provider.getByRole('radio', { name: 'Learning', exact: true }).check();
  await provider.getByLabel('What happens there').fill('Bring something to read aloud, or just listen. Tea provided.');
  await provider.getByLabel('Area', { exact: true }).selectOption({ label: 'Coatbridge' });
  await provider.getByRole('radio', { name: 'Every week' }).check();
  await provider.getByLabel('Day of the week (every week, once a month)').selectOption({ label: 'Friday' });
  await provider.getByLabel('Starts at').fill('18:30');
  await provider.getByLabel('Place (optional)').fill('Coatbridge Library');
  await provider.getByLabel('Address').fill('Academy Street, Coatbridge');
  await provider.getByRole('radio', { name: 'Free', exact: true }).check();
  await provider.getByLabel('How to join').fill('Just come along.');
  await expectAccessible(provider);
  await expectNoHorizontalScroll(provider);
  await press(provider, info, 'Save');
  await expect(provider.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(provider.getByRole('status')).toContainText('Sent to the community builders');
  await expect(provider.getByText('Waiting for a community builder to approve it')).toBeVisible();
  await expect(provider.getByRole('heading', { name: 'For the organisation' })).toBeVisible();
  await expectAccessible(provider);
  await expectNoHorizontalScroll(provider);

  const builder = await signedInPage(browser, info, 'heather.lyons@demo.timeweave.org');
  await builder.goto('/community/whats-on');
  await ready(builder, info);
  await expect(builder.getByRole('heading', { name: 'Waiting for your approval' })).toBeVisible();
  await builder.getByRole('link', { name: title }).click();
  await ready(builder, info);
  await expect(builder.getByRole('heading', { name: 'A new entry from Coatbridge Library' })).toBeVisible();
  await expectAccessible(builder);
  await expectNoHorizontalScroll(builder);
  await press(builder, info, 'Turn it down');
  await expect(builder.getByRole('alert')).toContainText('Say why');
  await press(builder, info, 'Approve it');
  await expect(builder.getByRole('status')).toContainText('Approved');
  await expect(builder.getByText('Waiting for a community builder')).toHaveCount(0);

  // Members of Coatbridge find it now.
  await provider.goto('/whats-on?area=all');
  await ready(provider, info);
  await expect(provider.getByRole('link', { name: title })).toBeVisible();
});
