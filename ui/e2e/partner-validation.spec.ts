/**
 * The assessment belongs to the partner: the government counterpart rates a
 * question and validates the ratings in a real browser, the officer sees who
 * rated it, and a rating the officer changes afterwards (a deliberate step)
 * leaves the validation on record and asks for it again, saying what changed.
 */
import { expect, test } from '@playwright/test';
import { base, settled, signedIn } from './helpers';

test('the counterpart rates and validates; a later change asks for validation again', async ({ browser }) => {
  // The officer designs and starts the assessment.
  const officer = await signedIn(browser, 'officer');
  await officer.goto(`${base()}/#/w/ghana-border/phase/2`);
  await officer.getByLabel('Template').selectOption({ label: 'Migration and border management assessment' });
  await officer.getByLabel('Title', { exact: true }).fill('Validation rehearsal');
  await officer.getByRole('button', { name: 'Start assessment' }).click();
  await expect(officer.getByRole('heading', { name: 'Validation rehearsal' })).toBeVisible();
  await settled(officer);
  const url = officer.url();

  // The counterpart may not start one, but rates this one with the workshop keys.
  const partner = await signedIn(browser, 'counterpart');
  await partner.goto(`${base()}/#/w/ghana-border/phase/2`);
  await expect(partner.getByRole('button', { name: 'Start assessment' })).toHaveCount(0);
  await partner.goto(url);
  await expect(partner.getByRole('heading', { name: 'Validation rehearsal' })).toBeVisible();
  await partner.getByText('About this assessment').click();
  await expect(partner.getByLabel('Title', { exact: true })).toHaveAttribute('readonly', '');
  await partner.locator('body').click({ position: { x: 5, y: 5 } });
  for (const key of ['e', '2', 'd', '4']) await partner.keyboard.press(key);
  await settled(partner);
  const first = partner.locator('article.question').first();
  await expect(first.locator('.q-scores')).toHaveText('2 → 4');
  await first.getByLabel('Comments').fill('The directorate rates itself lower than the ministry does.');
  await first.getByLabel('Comments').blur();
  await settled(partner);

  // …and validates, in a named meeting.
  const panel = partner.getByTestId('validation');
  await expect(panel.getByTestId('validation-state')).toHaveText('Not validated yet');
  await panel.getByLabel('Validated by (for the partner)').fill('Ama Mensah, Director of Immigration');
  await panel.getByLabel('Meeting').fill('Validation workshop, Accra');
  await panel.getByRole('button', { name: 'Validate the current ratings' }).click();
  await expect(panel.getByTestId('validation-state')).toHaveText('Validated');
  await expect(panel).toContainText('Validated by Ama Mensah, Director of Immigration');
  // Validated ratings are locked: the score buttons are off until someone chooses to change them.
  await expect(first.getByRole('group', { name: 'Existing' }).getByRole('button').first()).toBeDisabled();

  // The officer sees the validation and who rated the question.
  await officer.reload();
  const officerPanel = officer.getByTestId('validation');
  await expect(officerPanel.getByTestId('validation-state')).toHaveText('Validated');
  const question = officer.locator('article.question').first();
  await expect(question.getByTestId('rated-by')).toContainText('counterpart');
  // Changing a validated rating is a deliberate step…
  officer.once('dialog', (d) => void d.accept());
  await officerPanel.getByRole('button', { name: 'Change ratings after validation' }).click();
  await officer.locator('body').click({ position: { x: 5, y: 5 } });
  for (const key of ['e', '3']) await officer.keyboard.press(key);
  await settled(officer);
  await expect(question.locator('.q-scores')).toHaveText('3 → 4');
  // …that keeps the validation on record and lists what changed since.
  await expect(officerPanel.getByTestId('validation-state')).toHaveText('Needs validating again');
  await expect(officerPanel).toContainText('Validated by Ama Mensah');
  await expect(officerPanel.getByTestId('changed-since-validation')).toContainText('2 → 4');
  await expect(officerPanel.getByTestId('changed-since-validation')).toContainText('3 → 4');

  // The counterpart sees it too, and may validate again.
  await partner.reload();
  await expect(partner.getByTestId('validation-state')).toHaveText('Needs validating again');
  await partner.getByTestId('validation').getByRole('button', { name: 'Validate the current ratings again' }).click();
  await expect(partner.getByTestId('validation-state')).toHaveText('Validated');
});

test('the team designs the assessment before rating: levels kept, a question of its own, then fixed', async ({ browser }) => {
  const officer = await signedIn(browser, 'officer');
  await officer.goto(`${base()}/#/w/ghana-border/phase/2`);
  await officer.getByLabel('Template').selectOption({ label: 'Generic capacity assessment for migration management' });
  await officer.getByLabel('Title', { exact: true }).fill('Designed with the partner');
  await officer.getByRole('button', { name: 'Start assessment' }).click();
  await expect(officer.getByRole('heading', { name: 'Designed with the partner' })).toBeVisible();
  const design = officer.getByTestId('design');
  await design.getByText('Design the assessment').click();
  await design.getByRole('group', { name: 'Levels' }).getByRole('checkbox', { name: 'Organisation' }).check();
  await design.getByLabel('A question of your own about the context').fill('Does the northern border post open at night?');
  await design.getByRole('button', { name: 'Add the question' }).click();
  await expect(design.getByTestId('added-questions')).toContainText('northern border post');
  // A scale in the team's own words: the template's points to start from, one relabelled.
  await design.getByLabel('Rating scale').selectOption({ label: 'A scale of our own' });
  await design.getByLabel('Label of point 1').fill('Nothing yet');
  await design.getByRole('button', { name: 'Apply the design' }).click();
  await expect(design.getByRole('status')).toContainText('The design is applied');
  await expect(officer.locator('dl.rubric')).toContainText('1 · Nothing yet');
  // Only organisation-level questions, and the partner's own at the end.
  const questions = officer.locator('article.question');
  await expect(questions.last()).toContainText('Does the northern border post open at night?');
  const count = await questions.count();
  expect(count).toBeGreaterThan(10);
  expect(count).toBeLessThan(40);

  // The counterpart rates but does not design.
  const partner = await signedIn(browser, 'counterpart');
  await partner.goto(officer.url());
  await expect(partner.getByRole('heading', { name: 'Designed with the partner' })).toBeVisible();
  await expect(partner.getByTestId('design')).toHaveCount(0);
  await partner.locator('body').click({ position: { x: 5, y: 5 } });
  for (const key of ['e', '2']) await partner.keyboard.press(key);
  await settled(partner);

  // Once rating has begun, the questions are fixed: the design step is gone.
  await officer.reload();
  await expect(officer.locator('article.question').first().locator('.q-scores')).toHaveText('2 → –');
  await expect(officer.getByTestId('design')).toHaveCount(0);
});

test('the counterpart ranks the capacity areas on weighted criteria, and may not touch the stakeholders', async ({ browser }) => {
  const partner = await signedIn(browser, 'counterpart');
  await partner.goto(`${base()}/#/w/ghana-border/phase/1`);
  await expect(partner.getByRole('heading', { name: 'Prioritisation', exact: true })).toBeVisible();
  // A capacity area of the partner's own, then a criterion to rank the areas on.
  await partner.getByLabel('A capacity area to work on').fill('Data sharing with the labour ministry');
  await partner.getByRole('button', { name: 'Add area' }).click();
  await settled(partner);
  await partner.getByLabel('A new criterion').fill('Urgency for the ministry');
  await partner.getByRole('button', { name: 'Add the criterion' }).click();
  const table = partner.getByTestId('prioritisation');
  await expect(table).toContainText('Urgency for the ministry');
  const rows = table.locator('tbody tr');
  await expect(rows.last()).toContainText('Data sharing with the labour ministry');
  const last = (await rows.last().locator('th').textContent())?.trim() ?? '';
  await rows.first().locator('select').selectOption('2');
  await rows.last().locator('select').selectOption('5');
  await settled(partner);
  // The area scored 5 comes first.
  await expect(partner.getByTestId('ranked-areas').locator('li').first()).toContainText(last);
  await expect(partner.getByTestId('ranked-areas').locator('li').first()).toContainText('5');
  // The stakeholder register stays the officers'.
  await expect(partner.getByRole('button', { name: 'Add stakeholder' })).toHaveCount(0);
});
