/**
 * Templates and toolbox entries in the reader's language. Their French and
 * Spanish texts travel with them (a template's inside the assessment's frozen
 * copy); whatever has no translation reads in English and is listed as
 * missing, so the screen can mark it rather than mix languages silently.
 */
import { frozenTemplate, questionsOf } from './assessment';
import type { Assessment, Entry, Template } from './bindings';
import type { Locale } from './i18n/index.svelte';

export interface Localized<T> {
  value: T;
  /** What reads in English for want of a translation: `title`, `section:<id>`, `question:<id>`, `scale:<value>`, `name`, `purpose`, `summary`. */
  missing: Set<string>;
}

const filled = (s: string | undefined | null): s is string => !!s && s.trim() !== '';

/** The template with its texts in `lang` where they exist. */
export function localizeTemplate(template: Template, lang: Locale): Localized<Template> {
  const missing = new Set<string>();
  if (lang === 'en') return { value: template, missing };
  const tr = template.translations?.[lang];
  const pick = (key: string, translated: string | undefined, english: string) => {
    if (filled(translated)) return translated;
    if (filled(english)) missing.add(key);
    return english;
  };
  const value: Template = {
    ...template,
    title: pick('title', tr?.title, template.title),
    description: pick('description', tr?.description, template.description),
    scale: {
      points: template.scale.points.map((p) => {
        const x = tr?.scale.find((s) => s.value === p.value);
        return {
          value: p.value,
          label: pick(`scale:${p.value}`, x?.label, p.label),
          descriptor: filled(x?.label) ? (x?.descriptor ?? p.descriptor) : p.descriptor,
        };
      }),
    },
    sections: template.sections.map((s) => ({
      ...s,
      title: pick(`section:${s.id}`, tr?.sections[s.id], s.title),
      questions: s.questions.map((q) => {
        const x = tr?.questions[q.id];
        return {
          ...q,
          text: pick(`question:${q.id}`, x?.text, q.text),
          guidance: filled(x?.text) ? (x?.guidance ?? q.guidance) : q.guidance,
        };
      }),
    })),
  };
  return { value, missing };
}

/** A toolbox entry with its texts in `lang` where they exist. */
export function localizeEntry(entry: Entry, lang: Locale): Localized<Entry> {
  const missing = new Set<string>();
  if (lang === 'en') return { value: entry, missing };
  const tr = entry.translations?.[lang];
  const pick = (key: 'name' | 'purpose' | 'summary') => {
    if (filled(tr?.[key])) return tr[key];
    if (filled(entry[key])) missing.add(key);
    return entry[key];
  };
  return { value: { ...entry, name: pick('name'), purpose: pick('purpose'), summary: pick('summary') }, missing };
}

/** An assessment's frozen template with its texts in `lang` (English where untranslated). */
export function templateIn(a: Assessment, lang: Locale): Template | null {
  const t = frozenTemplate(a);
  return t ? localizeTemplate(t, lang).value : null;
}

/** The text of question `id` of an assessment, in `lang` where translated; null when it has no such question. */
export function questionIn(a: Assessment | null | undefined, id: string, lang: Locale): string | null {
  const template = a ? templateIn(a, lang) : null;
  return (template && questionsOf(template).find((q) => q.question.id === id)?.question.text) || null;
}
