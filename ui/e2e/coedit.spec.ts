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

  // The officer sees it from the overview: the plan's phase card counts it.
  await officer.goto(`${base()}/#/w/ghana-border`);
  await expect(officer.getByTestId('phase-conflicts-3')).toHaveText(/Conflicts to settle: 1/);
  await expect(officer.getByTestId('phase-conflicts-1')).toHaveCount(0);

  // Both see the seeded conflict: both values as the page writes figures,
  // each with who set it, and the field marked as undecided.
  for (const page of [officer, counterpart]) {
    await openPlan(page);
    await expect(page.getByTestId('conflict-banner')).toBeVisible();
    await openActivity(page, 'act2');
    const values = picker(page);
    await expect(values.locator('li')).toHaveCount(2);
    await expect(values.locator('li', { hasText: 'set by officer' })).toContainText('5,200');
    await expect(values.locator('li', { hasText: 'set by counterpart' })).toContainText('4,500');
    await expect(page.getByTestId('activity-act2').getByText('Undecided')).toBeVisible();
  }
  await screenshot(officer, 'conflict');

  // The counterpart settles it from the workspace list, counting clicks: the
  // card's link opens the plan at the conflict, its first choice focused and
  // on screen, with no scrolling by hand.
  let clicks = 0;
  await counterpart.goto(`${base()}/#/`);
  const card = counterpart.getByTestId('workspace-card-ghana-border');
  await expect(card.getByTestId('workspace-conflicts')).toHaveText(/Conflicts to settle: 1/);
  await expect(card.getByTestId('workspace-phase')).toContainText('Phase');
  await card.getByTestId('workspace-conflicts').click();
  clicks++;
  const focused = counterpart.locator(':focus');
  await expect(focused).toHaveText('Keep this');
  await expect(focused).toBeInViewport();
  await expect(picker(counterpart).locator(':focus')).toHaveCount(1);
  // The counterpart keeps the officer's figure.
  await picker(counterpart).locator('li', { hasText: 'set by officer' }).getByRole('button', { name: 'Keep this' }).click();
  clicks++;
  expect(clicks).toBeLessThanOrEqual(3);
  await settled(counterpart);
  // A wrong pick is put right in one click: the value set aside is offered back.
  const kept = counterpart.getByTestId('activity-act2').getByRole('status');
  await expect(kept).toContainText('Kept: 5,200.');
  await expect(kept.getByRole('button', { name: 'Keep 4,500 instead' })).toBeVisible();

  // The conflict is gone for both.
  for (const page of [counterpart, officer]) {
    await openPlan(page);
    await expect(page.getByTestId('conflict-banner')).toHaveCount(0);
    await openActivity(page, 'act2');
    await expect(picker(page)).toHaveCount(0);
    await expect(budget(page)).toHaveValue('5200');
  }
  await counterpart.goto(`${base()}/#/`);
  await expect(counterpart.getByTestId('workspace-card-ghana-border')).toBeVisible();
  await expect(counterpart.getByTestId('workspace-conflicts')).toHaveCount(0);
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
  // In the words of the page: fields as the form labels them, items by title, never a path or an id.
  await expect(history).toContainText('Added “Ministry-led coordination meeting”');
  await expect(history).toContainText('Added “Refresher course for shift leaders”');
  await expect(history.locator('tbody td:nth-child(3)', { hasText: /^Objective/ }).first()).toBeVisible();
  for (const what of await history.locator('tbody td:nth-child(3)').allTextContents()) {
    expect(what).not.toMatch(/[/`]|[0-9a-f]{8}-[0-9a-f]{4}/);
  }
  // Filtered to one person, only their changes remain.
  await counterpart.getByLabel('Person').selectOption('officer');
  const people = await history.locator('tbody td:nth-child(2)').allTextContents();
  expect(people.length).toBeGreaterThan(0);
  expect(new Set(people)).toEqual(new Set(['officer']));
  await counterpart.getByLabel('Person').selectOption('');
  // The way back leads to the plan, not to the overview.
  await expect(counterpart.getByTestId('history-back')).toHaveAttribute('href', /phase\/3\/plan$/);
  // The plan as it stood on its creation day, long before today's activities.
  await counterpart.getByLabel('Day', { exact: true }).fill('2026-02-01');
  await counterpart.getByRole('button', { name: 'Show' }).click();
  await expect(counterpart.getByTestId('past-document')).toBeVisible();
  await expect(counterpart.getByTestId('past-document')).not.toContainText('Ministry-led coordination meeting');
  await screenshot(counterpart, 'history');

  // The officer's objective, old → new, and put back as it was: a new edit, itself in the history.
  const officerObjective = history
    .locator('tbody tr', { hasText: 'officer' })
    .filter({ hasText: /^.*Objective/ })
    .first();
  await expect(officerObjective).toContainText(
    '“Border officials examine documents consistently.” → “Border officials examine documents consistently. Vulnerable migrants are referred.”',
  );
  await officerObjective.getByRole('button', { name: 'Restore “Border officials examine documents consistently.”' }).click();
  await expect(history.locator('tbody tr').first()).toContainText('counterpart');
  await expect(history.locator('tbody tr').first()).toContainText(
    '“Border officials examine documents consistently. Vulnerable migrants are referred.” → “Border officials examine documents consistently.”',
  );
  // "Open" leads to the field itself, focused on the plan's page.
  // (The page changes once the browser reports the new address, a moment after the click: until
  // then "Objective" also names the history's Open buttons, so the field is asked for by role.)
  await history.locator('tbody tr').first().getByRole('button', { name: /^Open/ }).click();
  await expect(counterpart).toHaveURL(/phase\/3\/plan/);
  const objective = counterpart.getByRole('textbox', { name: 'Objective', exact: true });
  await expect(objective).toBeFocused();
  await expect(objective).toHaveValue('Border officials examine documents consistently.');
});
