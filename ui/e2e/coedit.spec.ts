/**
 * Scenario 2 of SCENARIOS.md in browsers: the government counterpart and the
 * field officer edit the same response plan; each sees the other's edits,
 * history names who did what, and a budget both set at once is flagged as a
 * conflict until one of them picks a value.
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

test('a budget set by both at once is a conflict, shown to both and settled by one pick', async ({ browser }) => {
  const officer = await signedIn(browser, 'officer');
  const counterpart = await signedIn(browser, 'counterpart');
  const budget = (page: Page) => page.getByTestId('activity-act1').getByLabel('Budget (USD)');

  // Both load the plan, then both change the same budget before either reads again.
  let attempt = 0;
  for (; attempt < 6; attempt++) {
    for (const page of [officer, counterpart]) {
      await openPlan(page);
      await openActivity(page, 'act1');
    }
    await budget(officer).fill(String(9500 + attempt));
    await budget(counterpart).fill(String(12000 + attempt));
    // Sent together, the two edits meet on the server as concurrent changes.
    await Promise.all([budget(officer).press('Enter'), budget(counterpart).press('Enter')]);
    await settled(officer);
    await settled(counterpart);
    await openPlan(officer);
    const conflicted = await officer
      .getByTestId('conflict-banner')
      .waitFor({ timeout: 4000 })
      .then(() => true, () => false);
    if (conflicted) break;
  }
  expect(attempt, 'two simultaneous edits should have produced a conflict').toBeLessThan(6);

  // Both see the conflict: both values, each with who set it.
  await openPlan(counterpart);
  for (const page of [officer, counterpart]) {
    await expect(page.getByTestId('conflict-banner')).toBeVisible();
    const picker = page.getByTestId('activity-act1').getByRole('group', { name: 'Conflicting values' });
    await expect(picker).toContainText(`${9500 + attempt}`);
    await expect(picker).toContainText(`${12000 + attempt}`);
    await expect(picker).toContainText('set by officer');
    await expect(picker).toContainText('set by counterpart');
  }
  await screenshot(officer, 'conflict');

  // The officer keeps the counterpart's figure; the conflict is gone for both.
  const picker = officer.getByTestId('activity-act1').getByRole('group', { name: 'Conflicting values' });
  await picker.locator('li', { hasText: `${12000 + attempt}` }).getByRole('button', { name: 'Keep this' }).click();
  await settled(officer);
  await expect(officer.getByTestId('conflict-banner')).toHaveCount(0);
  await openPlan(counterpart);
  await expect(counterpart.getByTestId('conflict-banner')).toHaveCount(0);
  await openActivity(counterpart, 'act1');
  await expect(budget(counterpart)).toHaveValue(`${12000 + attempt}`);
});
