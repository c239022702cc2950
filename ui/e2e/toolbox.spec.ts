/**
 * The toolbox: search and filters, one entry's page, and using an assessment
 * tool in the workspace. The toolbox is the server's own: every browser
 * session holds the published toolbox, and search finds its entries.
 */
import { expect, test } from '@playwright/test';
import { base, signedIn } from './helpers';

test('find a tool, read its page and start an assessment with it', async ({ browser }) => {
  const page = await signedIn(browser, 'officer');
  await page.goto(`${base()}/#/w/ghana-border/toolbox`);
  await expect(page.getByRole('heading', { name: 'Toolbox' })).toBeVisible();

  await page.getByLabel('Phase').selectOption('4');
  await expect(page.getByText('Border management information system', { exact: false }).first()).toBeVisible();
  await page.getByLabel('Phase').selectOption('');
  await page.getByLabel('Search the toolbox').fill('border assessment');
  // The search is in the address: reloaded (or sent to a colleague), the list is the same.
  await expect(page).toHaveURL(/toolbox\?q=border\+assessment$/);
  await page.reload();
  await expect(page.getByLabel('Search the toolbox')).toHaveValue('border assessment');
  await page.getByRole('link', { name: /Migration and border management assessment/ }).click();
  await expect(page.getByRole('heading', { name: /Migration and border management assessment/ })).toBeVisible();
  await page.getByRole('button', { name: 'Note it in the engagement log' }).click();
  await expect(page.getByRole('button', { name: 'Noted in the log' })).toBeDisabled();
  await page.getByRole('button', { name: 'Start an assessment with this tool' }).click();
  await expect(page.getByLabel('Template')).toHaveValue('border_management');
});
