import { describe, expect, it } from 'vitest';
import type { Entry, Template } from './bindings';
import { localizeEntry, localizeTemplate } from './content-language';

const template: Template = {
  id: 't',
  version: 1,
  title: 'Border assessment',
  description: 'What it is for',
  scale: { points: [{ value: 1, label: 'Not in place', descriptor: 'Nothing exists' }, { value: 2, label: 'In place', descriptor: 'It works' }] },
  sections: [
    {
      id: 's1',
      title: 'Administration',
      questions: [
        { id: 'q1', text: 'Is there a structure?', guidance: 'Read the chart' },
        { id: 'q2', text: 'Is there a strategy?', guidance: '' },
      ],
    },
  ],
  translations: {
    fr: {
      title: 'Évaluation des frontières',
      description: 'À quoi elle sert',
      scale: [{ value: 1, label: 'Inexistant', descriptor: 'Rien n’existe' }],
      sections: { s1: 'Administration' },
      questions: { q1: { text: 'Existe-t-il une structure ?', guidance: 'Lire l’organigramme' } },
    },
  },
};

describe('templates in the workshop language', () => {
  it('uses the translation and lists what still reads in English', () => {
    const { value, missing } = localizeTemplate(template, 'fr');
    expect(value.title).toBe('Évaluation des frontières');
    expect(value.sections[0].questions[0].text).toBe('Existe-t-il une structure ?');
    expect(value.sections[0].questions[0].guidance).toBe('Lire l’organigramme');
    expect(value.scale.points[0].label).toBe('Inexistant');
    // Untranslated: English, and named.
    expect(value.sections[0].questions[1].text).toBe('Is there a strategy?');
    expect([...missing].sort()).toEqual(['question:q2', 'scale:2']);
    // Ids, values and tags are untouched.
    expect(value.scale.points.map((p) => p.value)).toEqual([1, 2]);
    expect(value.sections[0].questions.map((q) => q.id)).toEqual(['q1', 'q2']);
  });

  it('reads a language with no translation at all in English, all of it marked', () => {
    const { value, missing } = localizeTemplate(template, 'es');
    expect(value.title).toBe('Border assessment');
    expect(missing.has('title') && missing.has('question:q1') && missing.has('section:s1')).toBe(true);
    expect(localizeTemplate(template, 'en').missing.size).toBe(0);
  });

  it('translates a toolbox entry', () => {
    const entry = {
      id: 'e',
      name: 'Displacement Tracking Matrix',
      purpose: 'Track',
      summary: 'Long text',
      translations: { es: { name: 'Matriz de Seguimiento de Desplazamientos', purpose: 'Seguir', summary: '' } },
    } as unknown as Entry;
    const { value, missing } = localizeEntry(entry, 'es');
    expect(value.name).toBe('Matriz de Seguimiento de Desplazamientos');
    expect(value.summary).toBe('Long text');
    expect([...missing]).toEqual(['summary']);
  });
});
