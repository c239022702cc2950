import { describe, expect, it } from 'vitest';
import type { Assessment, Template } from './bindings';
import { dimensionLabel, frozenTemplate, questionsOf, workshopKey } from './assessment';

const template: Template = {
  id: 't',
  version: 1,
  title: 'T',
  description: '',
  scale: { points: [1, 2, 3, 4, 5].map((value) => ({ value, label: `L${value}`, descriptor: '' })) },
  sections: [
    { id: 'a', title: 'Administration', questions: [{ id: 'q1', text: 'One', guidance: '' }, { id: 'q2', text: 'Two', guidance: '' }] },
    { id: 'b', title: 'Operations', questions: [{ id: 'q3', text: 'Three', guidance: '' }] },
  ],
};

describe('the frozen template', () => {
  it('is read back from the JSON string the assessment keeps', () => {
    const a = { template: JSON.stringify(template) } as Assessment;
    expect(frozenTemplate(a)?.id).toBe('t');
    expect(frozenTemplate({ template: '{broken' } as Assessment)).toBeNull();
    expect(frozenTemplate({ template: null } as Assessment)).toBeNull();
  });

  it('numbers questions across sections', () => {
    expect(questionsOf(template).map((q) => [q.question.id, q.section.id, q.index])).toEqual([
      ['q1', 'a', 0],
      ['q2', 'a', 1],
      ['q3', 'b', 2],
    ]);
  });
});

describe('dimension labels', () => {
  const label = (prefix: string, value: string) => `${prefix}:${value}`;
  it('name sections by title and other dimensions by their labels', () => {
    expect(dimensionLabel({ by: 'section', section: 'b' }, template, label)).toBe('Operations');
    expect(dimensionLabel({ by: 'functional_capacity', functional_capacity: 'evaluate' }, template, label)).toBe(
      'functionalCapacity:evaluate',
    );
    expect(dimensionLabel({ by: 'level_core_issue', level: 'individual', core_issue: 'knowledge' }, null, label)).toBe(
      'level:individual × coreIssue:knowledge',
    );
  });
});

describe('the workshop keyboard', () => {
  const scale = [1, 2, 3, 4, 5];
  it('rates the active column with digits on the scale only', () => {
    expect(workshopKey('3', 'existing', scale)).toEqual({ kind: 'score', column: 'existing', value: 3 });
    expect(workshopKey('4', 'desired', scale)).toEqual({ kind: 'score', column: 'desired', value: 4 });
    expect(workshopKey('7', 'existing', scale)).toBeNull();
    expect(workshopKey('0', 'existing', [0, 1, 2])).toEqual({ kind: 'score', column: 'existing', value: 0 });
  });

  it('moves with J/K and the arrows, switches column with E/D, clears with Delete', () => {
    expect(workshopKey('j', 'existing', scale)).toEqual({ kind: 'move', by: 1 });
    expect(workshopKey('ArrowUp', 'existing', scale)).toEqual({ kind: 'move', by: -1 });
    expect(workshopKey('d', 'existing', scale)).toEqual({ kind: 'column', column: 'desired' });
    expect(workshopKey('Delete', 'desired', scale)).toEqual({ kind: 'clear', column: 'desired' });
    expect(workshopKey('x', 'existing', scale)).toBeNull();
  });
});
