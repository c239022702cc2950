/**
 * The toolbox: search and filters, one entry's page, and using an assessment
 * tool in the workspace.
 */
import { expect, test } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { base, signedIn } from './helpers';

const DATA = resolve(fileURLToPath(import.meta.url), '..', '..', '..', 'crates', 'core', 'data', 'toolbox');

/** The published toolbox as a snapshot, from the data files the core ships. */
function toolboxSnapshot() {
  const entries = readdirSync(DATA)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(DATA, f), 'utf8')));
  return { kind: 'toolbox', schema: 1, workspace: '', read_only: null, value: { title: 'Toolbox', entries }, conflicts: [] };
}

test('find a tool, read its page and start an assessment with it', async ({ browser }) => {
  const page = await signedIn(browser, 'officer');
  // A server whose browser sessions hold no toolbox answers `not_found`; the
  // test then serves the published toolbox from the core's data files, so the
  // screen is tested either way.
  await page.route('**/api/command', async (route) => {
    const command = route.request().postDataJSON();
    const response = await route.fetch();
    if (command?.command === 'read_document' && command.id === 'toolbox' && response.status() === 404) {
      await route.fulfill({ json: { reply: 'document', data: toolboxSnapshot() } });
    } else {
      await route.fulfill({ response });
    }
  });
  await page.goto(`${base()}/#/w/ghana-border/toolbox`);
  await expect(page.getByRole('heading', { name: 'Toolbox' })).toBeVisible();

  await page.getByLabel('Phase').selectOption('4');
  await expect(page.getByText('Border management information system', { exact: false }).first()).toBeVisible();
  await page.getByLabel('Phase').selectOption('');
  await page.getByLabel('Search the toolbox').fill('border assessment');
  await page.getByRole('link', { name: /Migration and border management assessment/ }).click();
  await expect(page.getByRole('heading', { name: /Migration and border management assessment/ })).toBeVisible();
  await page.getByRole('button', { name: 'Note it in the engagement log' }).click();
  await expect(page.getByRole('button', { name: 'Noted in the log' })).toBeDisabled();
  await page.getByRole('button', { name: 'Start an assessment with this tool' }).click();
  await expect(page.getByLabel('Template')).toHaveValue('border_management');
});
