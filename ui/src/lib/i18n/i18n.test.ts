import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENUMERATIONS } from '../vocabulary';
import en from './en';
import es from './es';
import fr from './fr';
import { interpolate, placeholders } from './translate';

/**
 * Texts that are rightly the same as in English: the product's name, and
 * words French or Spanish write the same way.
 */
const SAME_AS_ENGLISH: Record<'fr' | 'es', string[]> = {
  fr: [
    'app.name',
    'common.date',
    'common.description',
    'assessment.validation',
    'assessment.questions',
    'monitoring.plan',
    'training.institution',
    'criterion.impact',
    'disaggregation.institution',
    'lesson.phase',
    'handover.conditions',
    'evaluationType.ex_post',
    'gaps.ratedOf',
    'plan.dates',
  ],
  es: ['app.name', 'common.no', 'monitoring.plan', 'evaluationType.final', 'evaluationType.ex_post'],
};

const catalogues = { fr, es } as Record<'fr' | 'es', Record<string, string>>;

describe.each(['fr', 'es'] as const)('the %s catalogue', (lang) => {
  const other = catalogues[lang];

  it('has every English key, and no other', () => {
    expect(Object.keys(other).sort()).toEqual(Object.keys(en).sort());
  });

  it('uses the same {placeholders} as English in every message', () => {
    for (const [key, english] of Object.entries(en)) {
      expect(placeholders(other[key] ?? ''), `${lang} ${key}`).toEqual(placeholders(english));
    }
  });

  it('leaves no message in English, except the allowed few', () => {
    const same = Object.entries(en)
      .filter(([key, english]) => other[key] === english && !SAME_AS_ENGLISH[lang].includes(key))
      .map(([key]) => key);
    expect(same, `untranslated ${lang} messages`).toEqual([]);
  });

  it('has no empty message', () => {
    expect(Object.entries(other).filter(([, v]) => v.trim() === '').map(([k]) => k)).toEqual([]);
  });
});

describe('the English catalogue', () => {
  it('labels every value of every enumeration', () => {
    for (const [prefix, values] of Object.entries(ENUMERATIONS)) {
      for (const value of values) expect(en, `${prefix}.${value}`).toHaveProperty(`${prefix}.${value}`);
    }
  });

  it('holds every key the screens ask for', () => {
    const used = new Set<string>();
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.(svelte|ts)$/.test(name) && !name.endsWith('.test.ts')) {
          const text = readFileSync(path, 'utf8');
          for (const m of text.matchAll(/\bt\('([a-zA-Z0-9_.]+)'/g)) used.add(m[1]);
          for (const m of text.matchAll(/key: '(needs\.[a-zA-Z]+)'/g)) used.add(m[1]);
        }
      }
    };
    walk(join(__dirname, '..', '..'));
    const missing = [...used].filter((k) => !(k in en));
    expect(missing, 'keys used in the UI but missing from en.ts').toEqual([]);
  });
});

describe('interpolate', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(interpolate('{n} of {total}', { n: 3, total: 8 })).toBe('3 of 8');
    expect(interpolate('hello {name}', {})).toBe('hello {name}');
  });
});
