/**
 * French and Spanish are complete: after switching language at runtime, no
 * text of the English catalogue is left on a phase page (labels, buttons,
 * options, headings, accessible names).
 */
import { expect, test } from '@playwright/test';
import en from '../src/lib/i18n/en';
import es from '../src/lib/i18n/es';
import fr from '../src/lib/i18n/fr';
import { base, pageTexts, screenshot, signedIn } from './helpers';

for (const [lang, catalogue] of [
  ['fr', fr],
  ['es', es],
] as const) {
  test(`switching to ${lang} leaves no English on the phase pages`, async ({ browser }) => {
    const page = await signedIn(browser, 'officer');
    await page.goto(`${base()}/#/w/ghana-border/phase/1`);
    await expect(page.getByRole('heading', { name: 'Stakeholder engagement and prioritisation' })).toBeVisible();
    await page.getByTestId('language').selectOption(lang);
    await expect(page.locator('html')).toHaveAttribute('lang', lang);

    // English messages whose translation differs: none of them may be on screen.
    const english = new Map<string, string>(
      Object.entries(en as Record<string, string>)
        .filter(([key, text]) => (catalogue as Record<string, string>)[key] !== text)
        .map(([key, text]) => [text, key]),
    );
    for (const path of ['phase/1', 'phase/2/baseline', 'phase/3/plan', 'phase/4', 'phase/5']) {
      await page.goto(`${base()}/#/w/ghana-border/${path}`);
      await page.reload();
      await expect(page.locator('.phase-header h1')).toBeVisible();
      await page.waitForLoadState('networkidle');
      const left = (await pageTexts(page)).filter((t) => english.has(t)).map((t) => `${english.get(t)}: ${t}`);
      expect(left, `English left on ${path} in ${lang}`).toEqual([]);
      if (path === 'phase/3/plan') await screenshot(page, `phase-3-${lang}`);
    }
    // The choice is remembered.
    await page.reload();
    await expect(page.getByTestId('language')).toHaveValue(lang);
  });
}
