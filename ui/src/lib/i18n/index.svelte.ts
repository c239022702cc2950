/**
 * The language of the UI: English, French or Spanish, switchable at runtime and
 * remembered in localStorage. Every string a person reads comes from the
 * catalogues in this folder, including the labels of every enumeration.
 * English is built in (every message falls back to it); French and Spanish
 * are loaded when chosen, so nobody downloads the two languages they do not
 * read (each is a sixth of the UI's code).
 */
import en, { type MessageKey, type Messages } from './en';
import { interpolate } from './translate';

export type Locale = 'en' | 'fr' | 'es';
export const LOCALES: Locale[] = ['en', 'fr', 'es'];
/** Each language in its own words, as a menu of languages shows it. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', fr: 'Français', es: 'Español' };
const catalogues: Partial<Record<Locale, Messages>> = $state({ en });
const loaders: Record<Exclude<Locale, 'en'>, () => Promise<{ default: Messages }>> = {
  fr: () => import('./fr'),
  es: () => import('./es'),
};

/** Loads the catalogue of `locale` (once); English needs none. */
export async function loadCatalogue(locale: Locale): Promise<void> {
  if (catalogues[locale]) return;
  try {
    catalogues[locale] = (await loaders[locale as Exclude<Locale, 'en'>]()).default;
  } catch {
    // Not reachable (offline before it was ever loaded): English stands in.
  }
}
export type { MessageKey };

const STORAGE_KEY = 'cd4mm.locale';

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'fr' || saved === 'es') return saved;
  } catch {
    // No storage (private mode): fall back to the browser's language.
  }
  const lang = typeof navigator !== 'undefined' ? navigator.language.slice(0, 2) : 'en';
  return lang === 'fr' || lang === 'es' ? lang : 'en';
}

class I18n {
  locale = $state<Locale>(initialLocale());

  async setLocale(locale: Locale) {
    await loadCatalogue(locale);
    this.locale = locale;
    try {
      localStorage.setItem(STORAGE_KEY, locale);
    } catch {
      // Not remembered; still switched.
    }
    document.documentElement.lang = locale;
  }
}

export const i18n = new I18n();

export function t(key: MessageKey, params?: Record<string, string | number>): string {
  return interpolate(catalogues[i18n.locale]?.[key] ?? en[key] ?? key, params);
}

/** Label of an enumeration value, e.g. `label('level', 'organisation')`. */
export function label(prefix: string, value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return t('common.none');
  const key = `${prefix}.${value}` as MessageKey;
  return key in en ? t(key) : value;
}

/** Options of a select for an enumeration. */
export function options(prefix: string, values: readonly string[]): { value: string; label: string }[] {
  return values.map((value) => ({ value, label: label(prefix, value) }));
}
