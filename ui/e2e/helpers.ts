import { expect, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PASSWORD = 'cd4mm-demo';
export const JOURNEY = 'journey-ws';
export const SCREENS = resolve(fileURLToPath(import.meta.url), '..', '..', 'test-results', 'screens');

export function base(): string {
  const url = process.env.CD4MM_BASE_URL;
  if (!url) throw new Error('CD4MM_BASE_URL is not set: run through playwright test (global setup)');
  return url;
}

/** A fresh browser context signed in as `user`, language English. */
export async function signedIn(
  browser: Browser,
  user: string,
  viewport = { width: 1366, height: 768 },
): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-GB', viewport });
  const page = await context.newPage();
  await page.goto(`${base()}/#/`);
  await page.evaluate(() => localStorage.setItem('cd4mm.locale', 'en'));
  await page.reload();
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(PASSWORD);
  await submitSignIn(page);
  await expect(page.getByRole('heading', { name: 'Your workspaces' })).toBeVisible();
  return page;
}

/**
 * Press "Sign in" on a filled form expected to succeed. The suite signs the
 * demo users in many times from one address, and the server limits that on
 * purpose (a burst, then one try every few seconds per user): when it says
 * to wait, wait as long as it says and press again.
 */
export async function submitSignIn(page: Page) {
  const form = page.getByRole('region', { name: 'Sign in' });
  const limited = page.locator('form [role="alert"]').filter({ hasText: 'too many sign-in attempts' });
  for (let attempt = 0; attempt < 5; attempt++) {
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Whichever comes first; the other wait ends on its own (never rejected).
    const outcome = await Promise.race([
      form.waitFor({ state: 'hidden', timeout: 20_000 }).then(
        () => 'in' as const,
        () => 'in' as const,
      ),
      limited.waitFor({ state: 'visible', timeout: 20_000 }).then(
        () => 'wait' as const,
        () => 'in' as const,
      ),
    ]);
    if (outcome === 'in') return;
    const seconds = Number(/(\d+) seconds?/.exec((await limited.textContent()) ?? '')?.[1] ?? '5');
    await page.waitForTimeout((seconds + 1) * 1000);
  }
}

/**
 * A browser session's token from `POST /api/login`, as the tests' own client.
 * The server limits sign-ins from one address on purpose (the suite signs in
 * many times): on 429 wait as long as `Retry-After` says and ask again.
 */
export async function apiLogin(request: APIRequestContext, username: string): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const response = await request.post(`${base()}/api/login`, { data: { username, password: PASSWORD } });
    if (response.status() === 429) {
      const seconds = Number(response.headers()['retry-after'] ?? '5');
      await new Promise((done) => setTimeout(done, (seconds + 1) * 1000));
      continue;
    }
    expect(response.ok(), await response.text()).toBe(true);
    return ((await response.json()) as { token: string }).token;
  }
  throw new Error(`${username} could not sign in: still limited after five tries`);
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENS, { recursive: true });
  // From the top, so the sticky status bar sits where it belongs in the picture.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENS, `${name}.png`), fullPage: true });
}

/** Wait until no edit is in flight (the sync bar leaves "Syncing…"). */
export async function settled(page: Page) {
  await expect(page.getByTestId('sync-status')).not.toContainText(/Syncing|Synchronisation|Sincronizando/);
}

/** Every text the page shows or announces, trimmed, one per element or attribute. */
export async function pageTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent?.trim();
      if (text) out.push(text);
    }
    for (const el of document.body.querySelectorAll('[aria-label], [title], [placeholder]')) {
      for (const attr of ['aria-label', 'title', 'placeholder']) {
        const v = el.getAttribute(attr)?.trim();
        if (v) out.push(v);
      }
    }
    return out;
  });
}
