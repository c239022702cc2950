/**
 * Issue 5 in the browser: the regional dashboard filtered by country, an
 * export downloaded with the session's token, and the engagement report
 * printed to PDF; the regional officer, a viewer of every workspace in Ghana
 * and Senegal, reads but changes nothing; the Ghanaian counterpart sees
 * nothing of Senegal; the report on a phone. Runs after coedit.spec.ts
 * (alphabetical order, one worker), so the demo's conflict is settled first.
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { screenshot, signedIn } from './helpers';

const OUT = resolve(fileURLToPath(import.meta.url), '..', '..', 'test-results', 'regional');

/** Open a route of the app in the same session (only the hash changes). */
async function go(page: Page, hash: string) {
  await page.goto(page.url().replace(/#.*$/, hash));
}

/** Document fields (bound by their path) that would still take a change. */
const openFields = (page: Page) => page.locator('main [data-path]:not([disabled]):not([readonly])');

test('the officer filters the regional dashboard, downloads exports and prints the report', async ({ browser }) => {
  mkdirSync(OUT, { recursive: true });
  const page = await signedIn(browser, 'officer');

  // The officer sees three workspaces in two countries: the Region page is offered.
  await page.getByRole('link', { name: 'Region', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Regional dashboard' })).toBeVisible();
  const country = page.getByLabel('Country', { exact: true });
  await expect(country.locator('option')).toHaveText(['All countries', 'Ghana', 'Senegal']);
  const heatmap = page.getByTestId('heatmap');
  await expect(heatmap.locator('[data-testid="heat-row"][data-country="Ghana"]')).toBeVisible();
  expect(await heatmap.getByTestId('heat-cell').count()).toBeGreaterThan(0);
  await expect(page.getByTestId('region-engagements')).toContainText('Northern border crossings');

  // Senegal: the empty Dakar workspace is in, Ghana's engagements are out.
  const scope = page.getByLabel('Export', { exact: true });
  await country.selectOption('Senegal');
  await expect(page.getByText('No assessment matches these filters.')).toBeVisible();
  await expect(page.getByTestId('heatmap')).toHaveCount(0);
  await expect(scope.locator('option', { hasText: 'Dakar port (Senegal)' })).toHaveCount(1);
  await expect(scope.locator('option', { hasText: 'Ghana' })).toHaveCount(0);

  // Ghana: the heatmap is back, with the gaps as numbers, and Dakar is left out.
  await country.selectOption('Ghana');
  await expect(heatmap.locator('[data-testid="heat-row"][data-country="Ghana"]')).toBeVisible();
  await expect(heatmap.locator('[data-testid="heat-row"][data-country="Senegal"]')).toHaveCount(0);
  await expect(heatmap.getByTestId('heat-cell').first()).toHaveText(/^[+−-]?\d/);
  await expect(scope.locator('option', { hasText: 'Dakar port' })).toHaveCount(0);
  await expect(page.getByTestId('region-indicators')).toContainText('On track');
  // Money per currency, never added across currencies: the demo plan's is in dollars.
  await expect(page.locator('[data-testid="region-budget"][data-currency="USD"] ul.hbars')).toHaveAttribute(
    'aria-label',
    /^USD: planned (US)?\$[\d,]+, spent (US)?\$[\d,]+$/,
  );
  await page.getByLabel('Gaps by').selectOption('section');
  await expect(heatmap.locator('th.heat-col').first()).not.toHaveText('');
  await screenshot(page, 'region');

  // Exports of the Ghana workspace, fetched with the token and saved under their names.
  await scope.selectOption('ghana-border');
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-plans.csv').click()]);
  expect(csv.suggestedFilename()).toBe('cd4mm-plans-ghana-border.csv');
  const csvPath = join(OUT, csv.suggestedFilename());
  await csv.saveAs(csvPath);
  const text = readFileSync(csvPath, 'utf8');
  expect(text.startsWith('workspace,country,')).toBe(true);
  expect(text).toContain('ghana-border,Ghana,');

  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-assessments.xlsx').click()]);
  expect(xlsx.suggestedFilename()).toBe('cd4mm-assessments-ghana-border.xlsx');
  const xlsxPath = join(OUT, xlsx.suggestedFilename());
  await xlsx.saveAs(xlsxPath);
  expect(readFileSync(xlsxPath).subarray(0, 2).toString('latin1')).toBe('PK');

  // The engagement report, from the workspace overview.
  await page.goto(page.url().replace(/#.*$/, '#/w/ghana-border'));
  await page.getByTestId('report-link').click();
  const report = page.getByTestId('report');
  await expect(report.getByRole('heading', { name: 'Northern border crossings', level: 1 })).toBeVisible();
  for (const phase of ['Stakeholder engagement and prioritisation', 'Capacity assessment', 'Formulation of the response', 'Implementation of the response', 'Monitoring and evaluation']) {
    await expect(report.getByRole('heading', { name: phase, level: 2 })).toBeVisible();
  }
  await expect(report.getByTestId('gap-chart').first()).toBeVisible();
  await expect(report.getByTestId('gap-table').first()).toBeVisible();
  await expect(report.getByTestId('report-indicators').first()).toBeVisible();
  await expect(report.getByTestId('comparison-chart').first()).toBeVisible();
  await screenshot(page, 'report');

  // The button opens the print dialog (stubbed here: headless Chromium has none).
  await page.evaluate(() => {
    (window as unknown as { printed: number }).printed = 0;
    window.print = () => {
      (window as unknown as { printed: number }).printed += 1;
    };
  });
  await page.getByRole('button', { name: 'Print or save as PDF' }).click();
  expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);

  // Printed: no frame, and a real PDF.
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('header.top')).toBeHidden();
  await expect(page.getByRole('button', { name: 'Print or save as PDF' })).toBeHidden();
  const pdfPath = join(OUT, 'report-ghana-border.pdf');
  await page.pdf({ path: pdfPath, format: 'A4', printBackground: true });
  expect(statSync(pdfPath).size).toBeGreaterThan(5_000);
  expect(readFileSync(pdfPath).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  await page.context().close();
});

test('scenario 6: the regional officer reviews six countries, narrows to labour migration, exports and prints, and can change nothing', async ({ browser }) => {
  mkdirSync(OUT, { recursive: true });
  const page = await signedIn(browser, 'regional');

  // A member of no workspace: their regional role makes them a viewer of
  // every workspace in their six countries (the demo's and this suite's).
  const cards = page.locator('main .cards > li');
  await expect(cards).toHaveCount(8);
  for (const name of ['Northern border crossings', 'Southern labour corridor', 'Dakar port', 'Labour mobility agreements', 'Victim referral mechanism']) {
    await expect(cards.filter({ hasText: name })).toContainText('Viewer');
  }

  await page.getByRole('link', { name: 'Region', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Regional dashboard' })).toBeVisible();
  const countries = ['All countries', "Côte d'Ivoire", 'Ghana', 'Mali', 'Niger', 'Nigeria', 'Senegal'];
  await expect(page.getByLabel('Country', { exact: true }).locator('option')).toHaveText(countries);
  const heatmap = page.getByTestId('heatmap');
  await expect(heatmap.getByTestId('heat-row')).toHaveCount(6);
  const engagements = page.getByTestId('region-engagements');
  await expect(engagements).toContainText('Agadez border posts');

  // Labour migration only: Senegal's and Nigeria's engagements and gaps.
  await page.getByLabel('Migration-management area').selectOption({ label: 'Labour migration' });
  await expect(engagements).not.toContainText('Agadez border posts');
  await expect(engagements).toContainText('Labour mobility agreements');
  await expect(engagements).toContainText('Recruitment agencies oversight');
  await expect(heatmap.getByTestId('heat-row')).toHaveCount(2);
  await expect(page.getByTestId('region-plans')).toContainText('XOF');
  await expect(page.getByTestId('region-as-of')).toContainText('Figures as of');
  await screenshot(page, 'region-labour');
  // The filter is in the address: reloaded (or bookmarked, or sent), the view opens as it was.
  expect(page.url()).toContain('#/region?area=labour_migration');
  await page.reload();
  await expect(page.getByLabel('Migration-management area')).toHaveValue('labour_migration');
  await expect(heatmap.getByTestId('heat-row')).toHaveCount(2);

  // An XLSX of the whole region for a donor report.
  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-assessments.xlsx').click()]);
  expect(xlsx.suggestedFilename()).toBe('cd4mm-assessments-region.xlsx');
  const xlsxPath = join(OUT, xlsx.suggestedFilename());
  await xlsx.saveAs(xlsxPath);
  expect(readFileSync(xlsxPath).subarray(0, 2).toString('latin1')).toBe('PK');
  expect(statSync(xlsxPath).size).toBeGreaterThan(10_000);

  // Senegal's engagement report, printed to PDF.
  await engagements.getByRole('link', { name: 'Labour mobility agreements' }).click();
  await page.getByTestId('report-link').click();
  await expect(page.getByTestId('report').getByRole('heading', { name: 'Labour mobility agreements', level: 1 })).toBeVisible();
  await page.emulateMedia({ media: 'print' });
  const pdfPath = join(OUT, 'report-senegal-labour.pdf');
  await page.pdf({ path: pdfPath, format: 'A4', printBackground: true });
  expect(readFileSync(pdfPath).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  await page.emulateMedia({ media: 'screen' });

  await go(page, '#/region');
  await engagements.getByRole('link', { name: 'Northern border crossings' }).click();
  // The overview, from the dashboard: the phases' states are shown, locked.
  await expect(page.getByRole('heading', { name: 'Northern border crossings', level: 1 })).toBeVisible();
  const states = page.getByLabel('Marked by the team', { exact: true });
  await expect(states).toHaveCount(5);
  for (const state of await states.all()) await expect(state).toBeDisabled();
  await expect(openFields(page)).toHaveCount(0);

  // The report reads as for anyone.
  await page.getByTestId('report-link').click();
  const report = page.getByTestId('report');
  await expect(report.getByRole('heading', { name: 'Northern border crossings', level: 1 })).toBeVisible();
  await expect(report.getByTestId('gap-chart').first()).toBeVisible();
  await expect(report.locator('input, select, textarea')).toHaveCount(0);

  // Assessments: no new one, and the baseline's fields and score buttons are locked.
  await go(page, '#/w/ghana-border/phase/2');
  await expect(page.getByTestId('read-only')).toHaveText('Your role lets you read this part, not change it.');
  await expect(page.getByRole('button', { name: 'Start assessment' })).toHaveCount(0);
  await page.getByRole('link', { name: 'Baseline self-assessment' }).click();
  await expect(page.getByRole('heading', { name: 'Baseline self-assessment', level: 2 })).toBeVisible();
  expect(await page.locator('main [data-path]').count(), 'the assessment form shows its fields').toBeGreaterThan(0);
  await expect(openFields(page)).toHaveCount(0);
  expect(await page.locator('main button.score').count(), 'the score buttons are shown').toBeGreaterThan(0);
  await expect(page.locator('main button.score:enabled')).toHaveCount(0);

  // The plan: nothing to add, remove or pick.
  await go(page, '#/w/ghana-border/phase/3/plan');
  await expect(page.getByRole('heading', { name: 'Border capacity response 2026' })).toBeVisible();
  await expect(page.getByTestId('read-only')).toBeVisible();
  await expect(openFields(page)).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^(Add|Remove|Keep this|Address this gap)/ })).toHaveCount(0);
  await page.context().close();
});

test('the Ghanaian counterpart sees nothing of Senegal on the Region page', async ({ browser }) => {
  const page = await signedIn(browser, 'counterpart');

  // The picker lists the two Ghana workspaces only.
  const cards = page.locator('main .cards > li');
  await expect(cards).toHaveCount(2);
  await expect(cards.filter({ hasText: 'Dakar port' })).toHaveCount(0);
  await expect(page.locator('main')).not.toContainText(/Senegal|Dakar/);

  await page.getByRole('link', { name: 'Region', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Regional dashboard' })).toBeVisible();
  await expect(page.getByTestId('region-engagements')).toContainText('Northern border crossings');
  await expect(page.getByLabel('Country', { exact: true }).locator('option')).toHaveText(['All countries', 'Ghana']);
  const scope = page.getByLabel('Export', { exact: true }).locator('option');
  await expect(scope).toHaveText(['The whole region', 'Northern border crossings (Ghana)', 'Southern labour corridor (Ghana)']);
  await expect(page.getByTestId('heatmap').locator('[data-testid="heat-row"]')).toHaveCount(1);
  // Nowhere on the page, options and chart labels included (textContent, not only what shows).
  await expect(page.locator('body')).not.toContainText(/Senegal|Dakar/i);
  await page.context().close();
});

test('the engagement report fits a phone screen 360 pixels wide', async ({ browser }) => {
  const page = await signedIn(browser, 'regional', { width: 360, height: 740 });
  await go(page, '#/w/ghana-border/report');
  const report = page.getByTestId('report');
  await expect(report.getByTestId('comparison-chart').first()).toBeVisible();
  await expect(report.getByTestId('report-indicators').first()).toBeVisible();

  // Wide tables scroll inside their own box; the page itself never scrolls sideways.
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(scroll, `the page is ${scroll}px wide in a ${client}px screen`).toBeLessThanOrEqual(client + 1);
  await screenshot(page, 'report-360');
  await page.context().close();
});
