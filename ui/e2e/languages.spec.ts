/**
 * French and Spanish are complete: after switching language at runtime, no
 * text of the English catalogue is left on a phase page (labels, buttons,
 * options, headings, accessible names), nor any English text of an
 * assessment template (on the baseline's questions, whose workshop language
 * follows the interface's) or of the toolbox.
 */
import { expect, test } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import en from '../src/lib/i18n/en';
import es from '../src/lib/i18n/es';
import fr from '../src/lib/i18n/fr';
import { base, pageTexts, screenshot, signedIn } from './helpers';

const DATA = resolve(fileURLToPath(import.meta.url), '..', '..', '..', 'crates', 'core', 'data');
type Json = Record<string, unknown>;
const read = (path: string): Json => JSON.parse(readFileSync(path, 'utf8')) as Json;

/** English texts of the templates and the toolbox whose translation into `lang` differs from them. */
function englishContent(lang: string): Set<string> {
  const out = new Set<string>();
  const differs = (english: unknown, translated: unknown) => {
    if (typeof english === 'string' && english.trim() && english !== translated) out.add(english.trim());
  };
  for (const file of readdirSync(join(DATA, 'templates')).filter((f) => f.endsWith('.json'))) {
    const en = read(join(DATA, 'templates', file)) as any;
    const tr = read(join(DATA, 'templates', lang, file)) as any;
    differs(en.title, tr.title);
    for (const p of en.scale.points) {
      const x = tr.scale.find((s: any) => s.value === p.value);
      differs(p.label, x?.label);
      differs(p.descriptor, x?.descriptor);
    }
    for (const s of en.sections) {
      differs(s.title, tr.sections[s.id]);
      for (const q of s.questions) {
        differs(q.text, tr.questions[q.id]?.text);
        differs(q.guidance, tr.questions[q.id]?.guidance);
      }
    }
  }
  for (const file of readdirSync(join(DATA, 'toolbox')).filter((f) => f.endsWith('.json'))) {
    const en = read(join(DATA, 'toolbox', file));
    const tr = read(join(DATA, 'toolbox', lang, file));
    for (const key of ['name', 'purpose']) differs(en[key], tr[key]);
  }
  return out;
}

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
    for (const path of ['phase/1', 'phase/2/baseline', 'phase/3/plan', 'phase/4', 'phase/5', 'donor-report', '']) {
      await page.goto(`${base()}/#/w/ghana-border/${path}`);
      await page.reload();
      await expect(page.locator('main h1').first()).toBeVisible();
      await page.waitForLoadState('networkidle');
      const texts = await pageTexts(page);
      const left = texts.filter((t) => english.has(t)).map((t) => `${english.get(t)}: ${t}`);
      expect(left, `English left on ${path} in ${lang}`).toEqual([]);
      const content = englishContent(lang);
      expect(texts.filter((t) => content.has(t)), `English template or toolbox text on ${path} in ${lang}`).toEqual([]);
      if (path === 'phase/3/plan') await screenshot(page, `phase-3-${lang}`);
    }
    // The toolbox reads in the language too.
    await page.goto(`${base()}/#/w/ghana-border/toolbox`);
    await expect(page.locator('ul.cards li').first()).toBeVisible();
    const content = englishContent(lang);
    const left = (await pageTexts(page)).filter((t) => content.has(t));
    expect(left, `English toolbox text in ${lang}`).toEqual([]);
    // The choice is remembered.
    await page.reload();
    await expect(page.getByTestId('language')).toHaveValue(lang);
  });
}
