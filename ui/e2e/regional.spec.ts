/**
 * Issue 5 in the browser: the regional dashboard filtered by country, an
 * export downloaded with the session's token, and the engagement report
 * printed to PDF. Runs after coedit.spec.ts (alphabetical order, one worker),
 * so the demo's conflict is settled first.
 */
import { expect, test } from '@playwright/test';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { screenshot, signedIn } from './helpers';

const OUT = resolve(fileURLToPath(import.meta.url), '..', '..', 'test-results', 'regional');

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
