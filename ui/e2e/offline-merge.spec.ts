/**
 * Scenario 2 with the officer's browser offline: what the officer types
 * without a network is kept on the phone (through a reload, with no network
 * at all), shows at once marked as waiting, and when the network is back it
 * merges with what the counterpart wrote meanwhile, as two desktops would:
 * both rewordings of the objective survive, and a budget both set becomes a
 * visible conflict instead of one silently replacing the other.
 */
import { expect, test, type Page } from '@playwright/test';
import { apiLogin, base, settled, signedIn } from './helpers';

const PLAN = `#/w/ghana-border/phase/3/plan`;
const TITLE = 'Referral desk at the crossing';

async function openPlan(page: Page) {
  await page.goto(`${base()}/${PLAN}`);
  await page.reload();
  await expect(page.getByLabel('Objective')).toBeVisible();
}

/** The activity titled `title`, unfolded. */
async function activity(page: Page, title: string) {
  const item = page.locator('details[data-testid^="activity-"]', { hasText: title });
  await expect(item).toHaveCount(1);
  if (!(await item.evaluate((d) => (d as HTMLDetailsElement).open))) await item.locator(':scope > summary').click();
  return item;
}

async function controlled(page: Page) {
  await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, undefined, { timeout: 30_000 });
}

test('edits made offline survive a reload and merge with the counterpart’s on reconnection', async ({ browser }) => {
  const officer = await signedIn(browser, 'officer');
  const counterpart = await signedIn(browser, 'counterpart');

  // Online, the officer adds an activity both will budget.
  await openPlan(officer);
  await officer.getByLabel('Title of a new activity').fill(TITLE);
  await officer.getByRole('button', { name: 'Add activity' }).click();
  await settled(officer);
  await activity(officer, TITLE);
  const original = 'Border officials examine documents consistently.';
  await officer.getByLabel('Objective').fill(original);
  await officer.getByLabel('Objective').blur();
  await settled(officer);
  // The app shell is kept by the service worker after this first visit.
  await controlled(officer);

  // The network goes. The officer adds a sentence, budgets the activity and adds another.
  await officer.context().setOffline(true);
  const officerWords = `${original} Vulnerable migrants are referred within a day.`;
  await officer.getByLabel('Objective').fill(officerWords);
  await officer.getByLabel('Objective').blur();
  const budget = (await activity(officer, TITLE)).getByLabel('Budget (USD)');
  await budget.fill('3000');
  await budget.blur();
  await officer.getByLabel('Title of a new activity').fill('Offline: interpreters roster');
  await officer.getByRole('button', { name: 'Add activity' }).click();
  // Shown at once, marked as waiting.
  const added = await activity(officer, 'Offline: interpreters roster');
  await expect(added.locator('[data-waiting="true"]').first()).toBeVisible();
  const status = officer.getByTestId('sync-status');
  await expect(status).toContainText('unsent edits: 3');

  // Closing the tab and opening the app again, still with no network: the
  // shell comes from the service worker, the plan from the copy kept on the
  // phone (stamped), the edits from the outbox.
  const context = officer.context();
  await officer.close();
  const again = await context.newPage();
  await again.goto(`${base()}/${PLAN}`);
  await expect(again.getByLabel('Objective')).toHaveValue(officerWords);
  await expect(again.getByTestId('kept-as-of')).toBeVisible();
  await expect(again.getByTestId('sync-status')).toContainText('unsent edits: 3');
  await activity(again, 'Offline: interpreters roster');

  // Meanwhile the counterpart, online, rewords the start and budgets the same activity.
  await openPlan(counterpart);
  await expect(counterpart.getByLabel('Objective')).toHaveValue(original);
  await counterpart.getByLabel('Objective').fill('In every shift, border officials examine documents consistently.');
  await counterpart.getByLabel('Objective').blur();
  const theirBudget = (await activity(counterpart, TITLE)).getByLabel('Budget (USD)');
  await theirBudget.fill('4000');
  await theirBudget.blur();
  await settled(counterpart);

  // The network is back: the waiting edits go out by themselves.
  await context.setOffline(false);
  await expect(again.getByTestId('sync-status')).not.toContainText('unsent edits', { timeout: 30_000 });

  const merged = 'In every shift, border officials examine documents consistently. Vulnerable migrants are referred within a day.';
  for (const page of [again, counterpart]) {
    await openPlan(page);
    await expect(page.getByLabel('Objective')).toHaveValue(merged);
    await expect(page.locator('details[data-testid^="activity-"]', { hasText: 'Offline: interpreters roster' })).toHaveCount(1);
    const item = await activity(page, TITLE);
    const values = item.getByRole('group', { name: 'Conflicting values' });
    await expect(values.locator('li')).toHaveCount(2);
    await expect(values.locator('li', { hasText: 'set by officer' })).toContainText('3,000');
    await expect(values.locator('li', { hasText: 'set by counterpart' })).toContainText('4,000');
  }

  // Settled by one pick, so the demo plan has no conflict left for other tests.
  const item = await activity(counterpart, TITLE);
  await item.getByRole('group', { name: 'Conflicting values' }).locator('li', { hasText: 'set by officer' }).getByRole('button', { name: 'Keep this' }).click();
  await settled(counterpart);
  await openPlan(counterpart);
  await expect((await activity(counterpart, TITLE)).getByLabel('Budget (USD)')).toHaveValue('3000');
});

test('an edit refused on reconnection (role lowered meanwhile) is kept with what was typed', async ({ browser, request }) => {
  const token = await apiLogin(request, 'admin');
  const setRole = async (role: string) => {
    const r = await request.post(`${base()}/api/admin/action`, {
      headers: { authorization: `Bearer ${token}` },
      data: { type: 'set_member', workspace: 'ghana-border', username: 'officer', role },
    });
    expect(r.ok(), await r.text()).toBe(true);
  };

  const officer = await signedIn(browser, 'officer');
  await officer.goto(`${base()}/#/w/ghana-border/phase/1`);
  const context = officer.getByLabel('Context of the engagement');
  await expect(context).toBeVisible();
  await settled(officer);
  await officer.context().setOffline(true);
  const typed = 'Notes from the night shift that must not be lost.';
  await context.fill(typed);
  await context.blur();
  await expect(officer.getByTestId('sync-status')).toContainText('unsent edits: 1');

  try {
    // While the officer is away, an administrator makes them a viewer.
    await setRole('viewer');
    await officer.context().setOffline(false);
    const status = officer.getByTestId('sync-status');
    await expect(status).not.toContainText('unsent edits', { timeout: 30_000 });
    // Not lost: listed as not accepted, with the reason and the words typed.
    await status.getByTestId('not-accepted').click();
    const refused = officer.getByTestId('refused-edit');
    await expect(refused).toContainText(typed);
    await expect(refused).toContainText('Why:');
    // Dismissed once kept elsewhere; it stays dismissed after a reload.
    await refused.getByRole('button', { name: 'I have kept it, remove' }).click();
    await officer.reload();
    await expect(officer.getByTestId('refused-edit')).toHaveCount(0);
  } finally {
    await setRole('editor');
  }
});
