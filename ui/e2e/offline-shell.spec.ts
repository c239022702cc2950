/**
 * The installable offline shell: after one visit the service worker keeps the
 * built UI, so the app opens with no network at all, and a lazily loaded
 * chunk (the French catalogue, the report and administration pages) still
 * loads from its cache. Only the shell: the data the app keeps offline is in
 * IndexedDB, not in the service worker's cache.
 * The manifest that makes it installable is linked and says what it should.
 */
import { expect, test, type Page } from '@playwright/test';
import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { base, settled, signedIn } from './helpers';

const WS = 'ghana-border';
const DIST = resolve(fileURLToPath(import.meta.url), '..', '..', 'dist');

/** The files of the build the server serves, but the service worker itself. */
function builtFiles(): string[] {
  return readdirSync(DIST, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(DIST, join(e.parentPath, e.name)).replaceAll('\\', '/'))
    .filter((f) => f !== 'sw.js' && !f.endsWith('.map'));
}

/** Until the service worker has stored the shell and controls the page. */
async function controlledByServiceWorker(page: Page) {
  // `clientsClaim` hands the open page over once the worker is active.
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), {
      message: 'a service worker controls the page (main.ts calls startOfflineShell())',
      timeout: 30_000,
    })
    .toBe(true);
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  expect(scope, 'the service worker covers the whole server').toBe(`${base()}/`);
}

test('the manifest is linked and describes an installable app', async ({ browser }) => {
  const page = await signedIn(browser, 'officer');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(href, 'index.html links a manifest').toBeTruthy();
  const manifest = await page.evaluate(async (href) => {
    const answer = await fetch(new URL(href, document.baseURI));
    return (await answer.json()) as Record<string, any>;
  }, href!);
  expect(manifest.name).toBe('CD4MM Field');
  expect(manifest.short_name).toBe('CD4MM');
  expect(manifest.display).toBe('standalone');
  const sizes = (manifest.icons as { sizes: string; purpose?: string }[]).map((i) => i.sizes);
  expect(sizes, 'icons for a home screen and a splash screen').toEqual(expect.arrayContaining(['192x192', '512x512']));
  expect(manifest.icons.some((i: { purpose?: string }) => i.purpose === 'maskable'), 'a maskable icon').toBe(true);
  for (const icon of manifest.icons as { src: string }[]) {
    const answer = await page.request.get(new URL(icon.src, `${base()}/`).href);
    expect(answer.headers()['content-type'], `${icon.src} is a PNG`).toBe('image/png');
  }
  await page.context().close();
});

test('after one visit the app opens with no network and its lazy chunks load', async ({ browser }) => {
  const page = await signedIn(browser, 'officer');
  // Open a workspace once, as an officer would before leaving for the field.
  await page.goto(`${base()}/#/w/${WS}/phase/1`);
  await expect(page.getByRole('heading', { name: 'Stakeholder engagement and prioritisation' })).toBeVisible();
  await settled(page);
  await controlledByServiceWorker(page);

  // Only the app's files are kept: API answers belong to one user.
  const cached = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
    }
    return urls;
  });
  expect(cached, 'the shell is in the cache').toContain('/index.html');
  expect(
    cached.filter((path) => /^\/(api|v1)\//.test(path)),
    'no API answer in the service worker cache',
  ).toEqual([]);

  await page.context().setOffline(true);
  await page.goto(`${base()}/#/`);
  await page.reload();
  // The shell itself: header, language menu, and the page under it.
  await expect(page.locator('header.top').getByRole('link', { name: 'CD4MM Field' })).toBeVisible();
  const served = await page.evaluate(() => navigator.serviceWorker.controller !== null);
  expect(served, 'the page reloaded offline is controlled by the service worker').toBe(true);
  await expect(page.locator('main')).not.toContainText(/^\s*Loading/);

  // French is a separate chunk, never loaded in this page before.
  const fromCache: string[] = [];
  page.on('response', (r) => {
    if (r.url().includes('/assets/') && r.fromServiceWorker()) fromCache.push(r.url());
  });
  await page.getByTestId('language').selectOption('fr');
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page.locator('header.top').getByRole('button', { name: 'Se déconnecter' })).toBeVisible();
  expect(fromCache.some((url) => /\/assets\/fr-[\w-]+\.js$/.test(url)), 'the French catalogue came from the service worker').toBe(true);

  // Every other built file too: the region, administration and report pages
  // are chunks of their own, loaded only when opened.
  const files = builtFiles();
  const missing = await page.evaluate(async (files) => {
    const out: string[] = [];
    for (const file of files) {
      const answer = await fetch(`./${file}`).catch(() => null);
      if (!answer?.ok) out.push(file);
    }
    return out;
  }, files);
  expect(files, 'the build has lazily loaded chunks').toEqual(
    expect.arrayContaining([expect.stringMatching(/^assets\/ReportPage-/), expect.stringMatching(/^assets\/AdminPage-/)]),
  );
  expect(missing, 'built files not available offline').toEqual([]);

  await page.context().setOffline(false);
  await page.context().close();
});
