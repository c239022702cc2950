/**
 * Reading an assessment for display: its frozen template, questions in order,
 * labels of dimensions, and the workshop keyboard.
 */
import type { Assessment, Dimension, Question, Section, Template } from './bindings';

/**
 * The template an assessment froze when it started (stored as a JSON
 * string), with its translations (frozen beside it, in another string).
 */
export function frozenTemplate(a: Assessment): Template | null {
  if (!a.template) return null;
  try {
    const template = JSON.parse(a.template) as Template;
    if (a.template_translations) template.translations = JSON.parse(a.template_translations) as Template['translations'];
    return template;
  } catch {
    return null;
  }
}

export interface PlacedQuestion {
  section: Section;
  question: Question;
  /** Position in the whole questionnaire, from 0. */
  index: number;
}

export function questionsOf(template: Template): PlacedQuestion[] {
  const out: PlacedQuestion[] = [];
  for (const section of template.sections) {
    for (const question of section.questions) out.push({ section, question, index: out.length });
  }
  return out;
}

/** A dimension as a reader names it; enumeration labels come from `label`. */
export function dimensionLabel(
  d: Dimension,
  template: Template | null,
  label: (prefix: string, value: string) => string,
): string {
  switch (d.by) {
    case 'section':
      return template?.sections.find((s) => s.id === d.section)?.title ?? d.section;
    case 'functional_capacity':
      return label('functionalCapacity', d.functional_capacity);
    case 'level_core_issue':
      return `${label('level', d.level)} × ${label('coreIssue', d.core_issue)}`;
  }
}

export type Column = 'existing' | 'desired';

export type WorkshopAction =
  | { kind: 'score'; column: Column; value: number }
  | { kind: 'clear'; column: Column }
  | { kind: 'move'; by: number }
  | { kind: 'column'; column: Column };

/**
 * The workshop keyboard: digits rate the active column, E and D choose the
 * column (existing or desired), J/K or the arrows move between questions,
 * Delete clears. Keys typed into a text field are never taken.
 */
export function workshopKey(key: string, column: Column, scale: number[]): WorkshopAction | null {
  if (/^[0-9]$/.test(key)) {
    const value = Number(key);
    return scale.includes(value) ? { kind: 'score', column, value } : null;
  }
  switch (key) {
    case 'j':
    case 'J':
    case 'ArrowDown':
      return { kind: 'move', by: 1 };
    case 'k':
    case 'K':
    case 'ArrowUp':
      return { kind: 'move', by: -1 };
    case 'e':
    case 'E':
      return { kind: 'column', column: 'existing' };
    case 'd':
    case 'D':
      return { kind: 'column', column: 'desired' };
    case 'Delete':
    case 'Backspace':
      return { kind: 'clear', column };
    default:
      return null;
  }
}
