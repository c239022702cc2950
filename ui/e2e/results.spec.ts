/**
 * Issue 15 in the browser: monitoring drives the plan. A new reporting period
 * starts each activity from its cumulative spend, not from zero; the plan's
 * standing is read from every period; the overview says phase 3 is done once
 * a plan with indicators is being reported on; and the donor report of a
 * period prints to a PDF whose text says what a donor needs, in English and
 * in French. Runs after partner-validation.spec.ts and before regional.spec.ts
 * (alphabetical order, one worker).
 */
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { screenshot, signedIn } from './helpers';

const OUT = resolve(fileURLToPath(import.meta.url), '..', '..', 'test-results', 'results');

async function go(page: Page, hash: string) {
  await page.goto(page.url().replace(/#.*$/, hash));
}

/** The text of a PDF, as poppler's pdftotext reads it. */
function pdfText(path: string): string {
  return execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
}

test('a new period starts from the cumulative spend, the overview follows the documents, the donor report prints', async ({ browser }) => {
  mkdirSync(OUT, { recursive: true });
  const page = await signedIn(browser, 'officer');

  // The demo's year: the first activity has spent 12,000 × 11/12 by its last update.
  await go(page, '#/w/ghana-border/phase/4');
  const activities = page.getByTestId('delivery-activities');
  await expect(activities).toContainText('11,000');
  await expect(page.getByTestId('delivery-periods').locator('tbody tr')).toHaveCount(1);

  // A new period: the update starts from 11,000 spent, not from nothing.
  await page.locator('details').filter({ has: page.getByLabel('Name of the period') }).locator(':scope > summary').click();
  await page.getByLabel('Name of the period').fill('January 2027');
  await page.getByRole('button', { name: 'Open period' }).click();
  await expect(page.getByText('Recording for January 2027')).toBeVisible();
  await page.getByRole('button', { name: 'Record progress' }).click();
  const update = page.locator('[data-testid^="progress-"]').first();
  await update.locator(':scope > summary').click();
  await expect(update.getByLabel('Spent so far (USD)')).toHaveValue('11000');
  await expect(page.getByTestId('delivery-periods').locator('tbody tr')).toHaveCount(2);
  await screenshot(page, 'delivery');

  // The overview: phase 3 is done (a plan with indicators, reported on), 4 under way.
  await go(page, '#/w/ghana-border');
  await expect(page.getByTestId('phase-state-3')).toContainText('Done');
  await expect(page.getByTestId('phase-state-4')).toContainText('In progress');

  // The donor report of the demo's 2026 period, printed.
  await page.getByTestId('donor-report-link').click();
  const report = page.getByTestId('donor-report');
  await page.getByLabel('Reporting period').selectOption({ label: 'Monitoring 2026' });
  await expect(report.getByTestId('donor-period')).toContainText('Monitoring 2026');
  await expect(report.getByTestId('results-matrix').locator('tbody tr').first()).toBeVisible();
  await page.emulateMedia({ media: 'print' });
  const english = join(OUT, 'donor-report-en.pdf');
  await page.pdf({ path: english, format: 'A4', printBackground: true });
  await page.emulateMedia({ media: 'screen' });
  const text = pdfText(english);
  for (const words of [
    'Report to donors',
    'Border capacity response 2026',
    'Monitoring 2026',
    'Results: achieved against target',
    'Achieved',
    'People trained this period',
    'Budget and spending',
    'Planned budget',
  ]) {
    expect(text, words).toContain(words);
  }
  // The money as the core counts it, the same on paper as on the page.
  const planned = (await report.getByTestId('donor-budget').locator('dd').first().textContent())?.trim() ?? '';
  expect(planned).toMatch(/\$\d/);
  expect(text).toContain(planned);

  // The same report in French.
  await page.getByLabel('Language').selectOption('fr');
  await expect(report).toContainText('Rapport aux bailleurs');
  await page.emulateMedia({ media: 'print' });
  const french = join(OUT, 'donor-report-fr.pdf');
  await page.pdf({ path: french, format: 'A4', printBackground: true });
  const texte = pdfText(french);
  for (const words of ['Rapport aux bailleurs', 'Atteint', 'Budget et dépenses']) expect(texte, words).toContain(words);
});
