/**
 * Every page on a 360 × 740 phone: nothing scrolls sideways, phases are named,
 * tables read as cards (each value beside its column's heading) and chart
 * text stays legible. The demo's data, as a field officer, a regional officer
 * and an administrator see it.
 */
import { expect, test, type Page } from '@playwright/test';
import { base, screenshot, settled, signedIn } from './helpers';

const PHONE = { width: 360, height: 740 };
const WS = 'ghana-border';

/** Fails with the elements that stick out past the screen's right edge. */
async function fitsTheScreen(page: Page, name: string) {
  await settled(page);
  const overflow = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    // What is clipped away for screen readers only (a card table's headings) is not on screen.
    const clipped = (e: Element) => {
      for (let x: Element | null = e; x; x = x.parentElement) {
        const style = getComputedStyle(x);
        if (style.clipPath !== 'none' || (style.clip && style.clip !== 'auto')) return true;
      }
      return false;
    };
    const wide = [...document.querySelectorAll<HTMLElement>('main *, header *, nav *')]
      .filter((e) => e.getBoundingClientRect().right > width + 1 && e.getClientRects().length > 0)
      .filter((e) => getComputedStyle(e).visibility !== 'hidden' && !clipped(e))
      // The innermost offenders, not all their ancestors.
      .filter((e, _, all) => !all.some((o) => o !== e && e.contains(o)))
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}.${e.className} (${Math.round(e.getBoundingClientRect().right)}px)`);
    return { scroll: document.documentElement.scrollWidth, width, wide };
  });
  expect(overflow.wide, `${name}: sticks out`).toEqual([]);
  expect(overflow.scroll, `${name}: scrolls sideways`).toBeLessThanOrEqual(overflow.width);
}

/** Text in charts is at least 11 px as drawn (SVGs scale their text with them). */
async function legibleCharts(page: Page, name: string) {
  const small = await page.evaluate(() =>
    [...document.querySelectorAll<SVGTextElement>('main svg text')]
      .filter((t) => t.getClientRects().length > 0 && (t.textContent ?? '').trim() !== '')
      .map((t) => ({ text: t.textContent, px: t.getBoundingClientRect().height }))
      // Rendered height of a line of text is about 1.15 × its size.
      .filter((t) => t.px / 1.15 < 10.5)
      .slice(0, 3),
  );
  expect(small, `${name}: chart text too small`).toEqual([]);
}

async function visit(page: Page, hash: string, name: string, ready: (p: Page) => Promise<void>) {
  await page.goto(`${base()}/#${hash}`);
  await ready(page);
  await fitsTheScreen(page, name);
  await legibleCharts(page, name);
  await screenshot(page, `phone-${name}`);
}

const heading = (name: string | RegExp) => async (p: Page) => {
  await expect(p.getByRole('heading', { name }).first()).toBeVisible();
};

test('the officer’s pages fit a phone', async ({ browser }) => {
  const page = await signedIn(browser, 'officer', PHONE);
  await fitsTheScreen(page, 'workspaces');

  await visit(page, `/w/${WS}`, 'overview', async (p) => {
    await expect(p.getByTestId('phase-card-1')).toBeVisible();
  });
  // The phases are named, not bare numbers.
  const nav = page.getByRole('navigation', { name: 'Engagement' });
  for (const name of ['Stakeholders', 'Assessment', 'Response plan', 'Implementation', 'Monitoring']) {
    await expect(nav.getByRole('link', { name: new RegExp(name) })).toBeVisible();
  }

  await visit(page, `/w/${WS}/phase/1`, 'phase-1', heading('Stakeholders'));
  await visit(page, `/w/${WS}/phase/2/baseline`, 'phase-2', async (p) => {
    await expect(p.getByTestId('gap-table')).toBeVisible();
  });
  // A table as cards: the gap table's values beside their headings.
  const cell = page.getByTestId('gap-table').locator('tbody td').first();
  await expect(cell).toHaveAttribute('data-label', /.+/);
  const label = await cell.evaluate((td) => getComputedStyle(td, '::before').content);
  expect(label).not.toBe('none');

  await visit(page, `/w/${WS}/phase/3/plan`, 'phase-3', heading('Border capacity response 2026'));
  await visit(page, `/w/${WS}/phase/4`, 'phase-4', heading('Progress of activities'));
  await visit(page, `/w/${WS}/phase/5`, 'phase-5', heading('Indicators against targets'));
  await visit(page, `/w/${WS}/toolbox`, 'toolbox', heading('Toolbox'));
  // One entry's page (it overflowed by 56 px).
  await page.getByRole('link', { name: /Migration and border management assessment/ }).click();
  await expect(page.getByRole('button', { name: 'Start an assessment with this tool' })).toBeVisible();
  await fitsTheScreen(page, 'toolbox-entry');
  await screenshot(page, 'phone-toolbox-entry');
  await visit(page, `/w/${WS}/history/plan`, 'history', async (p) => {
    await expect(p.getByTestId('history-table')).toBeVisible();
  });
  await visit(page, `/w/${WS}/report`, 'report', async (p) => {
    await expect(p.getByTestId('report-summary')).toBeVisible();
  });
  await visit(page, `/w/${WS}/donor-report`, 'donor-report', async (p) => {
    await expect(p.getByTestId('donor-budget')).toBeVisible();
  });
});

test('the regional dashboard and administration fit a phone', async ({ browser }) => {
  const regional = await signedIn(browser, 'regional', PHONE);
  await visit(regional, '/region', 'region', async (p) => {
    await expect(p.getByTestId('heatmap')).toBeVisible();
  });
  const admin = await signedIn(browser, 'admin', PHONE);
  for (const section of ['users', 'workspaces', 'coverage', 'devices', 'audit']) {
    await visit(admin, `/admin/${section}`, `admin-${section}`, heading('Server administration'));
  }
});
