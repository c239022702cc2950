/**
 * What field conditions demand of the browser UI: typing survives a lost
 * connection and goes out when it is back; every phase page fits a 360 px
 * phone screen.
 */
import { expect, test } from '@playwright/test';
import { base, screenshot, settled, signedIn } from './helpers';

test('an edit made offline is kept, reported, and sent on retry', async ({ browser }) => {
  const page = await signedIn(browser, 'officer');
  await page.goto(`${base()}/#/w/ghana-border/phase/1`);
  const context = page.getByLabel('Context of the engagement');
  await expect(context).toBeVisible();

  await page.context().setOffline(true);
  await context.fill('Typed during a power cut at the crossing.');
  await context.blur();
  const status = page.getByTestId('sync-status');
  await expect(status).toContainText('Offline');
  await expect(status).toContainText('cannot reach the server');
  await expect(status).toContainText('unsent edits: 1');
  await expect(page.getByText('Not sent yet')).toBeVisible();
  await expect(context).toHaveValue('Typed during a power cut at the crossing.');

  // Retrying while still offline keeps the edit waiting.
  await status.getByRole('button', { name: 'Retry' }).click();
  await expect(status).toContainText('unsent edits: 1');

  // Back online, the waiting edit goes out by itself.
  await page.context().setOffline(false);
  await expect(status).toContainText('Online');
  await expect(status).not.toContainText('unsent edits');
  await page.reload();
  await expect(page.getByLabel('Context of the engagement')).toHaveValue('Typed during a power cut at the crossing.');
});

test('phase pages fit a 360 px wide screen', async ({ browser }) => {
  const page = await signedIn(browser, 'counterpart', { width: 360, height: 740 });
  for (const path of ['phase/1', 'phase/2/baseline', 'phase/3/plan', 'phase/4', 'phase/5', 'toolbox']) {
    await page.goto(`${base()}/#/w/ghana-border/${path}`);
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await page.waitForLoadState('networkidle');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${path} is wider than the screen`).toBeLessThanOrEqual(1);
    if (path === 'phase/2/baseline') await screenshot(page, 'phone-phase-2');
  }
  // A counterpart may not change the engagement: its fields are read-only.
  await page.goto(`${base()}/#/w/ghana-border/phase/1`);
  await page.reload();
  await expect(page.getByLabel('Context of the engagement')).toHaveAttribute('readonly', '');
  await settled(page);
});

test('a wrong password is said in plain words next to the form', async ({ browser }) => {
  const page = await browser.newPage();
  await page.goto(`${base()}/#/`);
  await page.evaluate(() => localStorage.setItem('cd4mm.locale', 'en'));
  await page.reload();
  await page.getByLabel('User name').fill('officer');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('The user name or password is not right.');
  await expect(page.getByLabel('User name')).toHaveValue('officer');
});
