/**
 * Scenario 2 of SCENARIOS.md in browsers: the government counterpart and the
 * field officer edit the same response plan; each sees the other's edits,
 * history names who did what, and a budget both set at once is flagged as a
 * conflict until one of them picks a value.
 *
 * The conflict is the one `cd4mm-server demo` seeds the way it happens in the
 * field: the officer's device and the counterpart's device each set the
 * budget of activity act2 while offline (5,200 and 4,500), then both synced.
 * Browser sessions sync before every command, so two browsers editing one
 * after the other never conflict. So no other test may set act2's budget
 * (the others only read the plan, or change its objective and add
 * activities), and the conflict test runs first in this file, which with one
 * worker runs first of all (files go in name order).
 */
import { expect, test, type Page } from '@playwright/test';
import { base, screenshot, settled, signedIn } from './helpers';

const PLAN = `#/w/ghana-border/phase/3/plan`;

async function openPlan(page: Page) {
  // A full load, as a person opening the plan would: no copy kept in memory.
  await page.goto(`${base()}/${PLAN}`);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Border capacity response 2026' })).toBeVisible();
}

async function openActivity(page: Page, id: string) {
  const details = page.getByTestId(`activity-${id}`);
  if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await details.locator(':scope > summary').click();
}

test('a budget set by both at once is a conflict, shown to both and settled by one pick', async ({ browser }) => {
  const officer = await signedIn(browser, 'officer');
  const counterpart = await signedIn(browser, 'counterpart');
  const budget = (page: Page) => page.getByTestId('activity-act2').getByLabel('Budget (USD)');
  const picker = (page: Page) => page.getByTestId('activity-act2').getByRole('group', { name: 'Conflicting values' });

  // Both see the seeded conflict: both values, each with who set it.
  for (const page of [officer, counterpart]) {
    await openPlan(page);
    await expect(page.getByTestId('conflict-banner')).toBeVisible();
    await openActivity(page, 'act2');
    const values = picker(page);
    await expect(values.locator('li')).toHaveCount(2);
    await expect(values.locator('li', { hasText: 'set by officer' })).toContainText(/5,?200/);
    await expect(values.locator('li', { hasText: 'set by counterpart' })).toContainText(/4,?500/);
  }
  await screenshot(officer, 'conflict');

  // The counterpart keeps the officer's figure; the conflict is gone for both.
  await picker(counterpart).locator('li', { hasText: 'set by officer' }).getByRole('button', { name: 'Keep this' }).click();
  await settled(counterpart);
  for (const page of [counterpart, officer]) {
    await openPlan(page);
    await expect(page.getByTestId('conflict-banner')).toHaveCount(0);
    await openActivity(page, 'act2');
    await expect(picker(page)).toHaveCount(0);
    await expect(budget(page)).toHaveValue('5200');
  }
});

test('officer and counterpart see each other’s edits of the same plan', async ({ browser }) => {
  const officer = await signedIn(browser, 'officer');
  const counterpart = await signedIn(browser, 'counterpart');
  await openPlan(officer);
  await openPlan(counterpart);

  // The counterpart rewrites the objective and adds an activity.
  await counterpart.getByLabel('Objective').fill('Border officials examine documents consistently.');
  await counterpart.getByLabel('Objective').blur();
  await counterpart.getByLabel('Title of a new activity').fill('Ministry-led coordination meeting');
  await counterpart.getByRole('button', { name: 'Add activity' }).click();
  await settled(counterpart);
  await expect(counterpart.getByText('Ministry-led coordination meeting')).toBeVisible();

  // The officer adds another activity, then sees the counterpart's work.
  await officer.reload();
  await expect(officer.getByLabel('Objective')).toHaveValue('Border officials examine documents consistently.');
  await expect(officer.getByText('Ministry-led coordination meeting')).toBeVisible();
  await officer.getByLabel('Title of a new activity').fill('Refresher course for shift leaders');
  await officer.getByRole('button', { name: 'Add activity' }).click();
  await officer.getByLabel('Objective').fill('Border officials examine documents consistently. Vulnerable migrants are referred.');
  await officer.getByLabel('Objective').blur();
  await settled(officer);

  await counterpart.reload();
  await expect(counterpart.getByText('Refresher course for shift leaders')).toBeVisible();
  await expect(counterpart.getByLabel('Objective')).toHaveValue(
    'Border officials examine documents consistently. Vulnerable migrants are referred.',
  );
  // Each new activity exists once.
  await expect(counterpart.getByText('Ministry-led coordination meeting')).toHaveCount(1);

  // History names both authors.
  await counterpart.getByRole('link', { name: 'History' }).click();
  const history = counterpart.getByTestId('history-table');
  await expect(history).toContainText('counterpart');
  await expect(history).toContainText('officer');
  await expect(history).toContainText('objective/statement');
  // The plan as it stood on its creation day, long before today's activities.
  await counterpart.getByLabel('Day', { exact: true }).fill('2026-02-01');
  await counterpart.getByRole('button', { name: 'Show' }).click();
  await expect(counterpart.getByTestId('past-document')).toBeVisible();
  await expect(counterpart.getByTestId('past-document')).not.toContainText('Ministry-led coordination meeting');
  await screenshot(counterpart, 'history');
});
