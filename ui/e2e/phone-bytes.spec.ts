/**
 * What a phone downloads, measured on the wire (bytes as transferred, after
 * compression, from Chromium's own network log): the first visit (the app
 * shell, kept by the service worker), keeping the demo workspace for offline
 * use, and one edit sent. Prints the figures and what they cost on a
 * 64 kbit/s link; docs/benchmarks.md quotes them. The assertions are bounds
 * a phone on such a link can live with, not timings.
 */
import { expect, test, type Page, type Request } from '@playwright/test';
import { base, screenshot, settled, signedIn } from './helpers';

/**
 * Bytes received over the network while `action` runs: every response of the
 * context, the service worker's own fetches included (its cache hits are not
 * responses from the network), headers and body as encoded on the wire.
 */
async function received(page: Page, action: () => Promise<void>): Promise<number> {
  let bytes = 0;
  const pending: Promise<void>[] = [];
  const count = (request: Request) => {
    pending.push(
      request.sizes().then(
        (s) => void (bytes += s.responseBodySize + s.responseHeadersSize),
        () => undefined,
      ),
    );
  };
  page.context().on('requestfinished', count);
  await action();
  await page.waitForLoadState('networkidle');
  page.context().off('requestfinished', count);
  await Promise.all(pending);
  return bytes;
}

const at64kbit = (bytes: number) => ((bytes * 8) / 64_000).toFixed(1);

test('a phone’s downloads: the shell once, a workspace kept for offline, an edit', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  const shell = await received(page, async () => {
    await page.goto(`${base()}/#/`);
    await expect(page.getByLabel('User name')).toBeVisible();
    // Everything the service worker keeps is fetched once, now.
    await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, undefined, { timeout: 30_000 });
  });
  await context.close();

  const phone = await signedIn(browser, 'officer', { width: 360, height: 740 });
  await phone.goto(`${base()}/#/w/ghana-border`);
  await expect(phone.getByTestId('keep-offline')).toBeVisible();
  const workspace = await received(phone, async () => {
    await phone.getByTestId('keep-offline').click();
    await expect(phone.getByText(/Kept \d+ documents on this device/)).toBeVisible({ timeout: 60_000 });
  });
  await screenshot(phone, 'phone-kept-offline');
  // The tests before this one add documents to the demo workspace: the
  // figure is read per document too.
  const keptText = await phone.getByText(/Kept \d+ documents on this device/).innerText();
  const kept = Number(/Kept (\d+) documents/.exec(keptText)?.[1]);
  expect(kept).toBeGreaterThan(0);

  await phone.goto(`${base()}/#/w/ghana-border/phase/1`);
  const field = phone.getByLabel('Context of the engagement');
  await expect(field).toBeVisible();
  await settled(phone);
  const edit = await received(phone, async () => {
    const sent = phone.waitForResponse((r) => r.url().endsWith('/api/command') && r.request().postData()?.includes('edit_document') === true);
    await field.fill(`${await field.inputValue()} Measured edit.`);
    await field.blur();
    await (await sent).finished();
    await settled(phone);
  });

  const lines = [
    `first visit (app shell, kept offline): ${shell} bytes, ${at64kbit(shell)} s at 64 kbit/s`,
    `keep the demo workspace for offline use (${kept} documents): ${workspace} bytes, ${at64kbit(workspace)} s at 64 kbit/s`,
    `one edit sent (answer included): ${edit} bytes, ${at64kbit(edit)} s at 64 kbit/s`,
  ];
  console.log(`phone downloads:\n  ${lines.join('\n  ')}`);
  test.info().annotations.push({ type: 'phone downloads', description: lines.join('; ') });
  // Within what a 64 kbit/s link carries in a few minutes at most.
  expect(shell).toBeGreaterThan(50_000);
  expect(shell).toBeLessThan(1_000_000);
  expect(workspace).toBeLessThan(2_000_000);
  // Readings travel packed: an assessment's is 80 KB of JSON, 56 KB a
  // document on average in the demo workspace unpacked.
  expect(workspace / kept).toBeLessThan(25_000);
  expect(edit).toBeGreaterThan(0);
  expect(edit).toBeLessThan(200_000);
});
