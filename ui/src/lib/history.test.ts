import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from './bindings';
import { bursts, codeLabel, describeChange, itemTitleAt, targetOf } from './history';
import { conflictAt, conflictsUnder, getAt } from './paths';
import { filterEntries, toolboxQuery, toolboxSearch } from './toolbox';
import type { Entry } from './bindings';

describe('change summaries', () => {
  it('read the verb and path the core writes', () => {
    expect(describeChange('set outcomes/oc1/title')).toEqual({ verb: 'set', path: 'outcomes/oc1/title' });
    expect(describeChange('add stakeholders/s3')).toEqual({ verb: 'add', path: 'stakeholders/s3' });
    expect(describeChange('create plan')).toEqual({ verb: 'create', path: '' });
    expect(describeChange('upgrade schema 3 to 4')).toEqual({ verb: 'upgrade', path: '' });
    expect(describeChange('something else')).toEqual({ verb: 'other', path: '' });
  });

  const plan = {
    title: 'Border plan',
    outcomes: [
      {
        id: 'oc1',
        statement: 'Officers apply the SOPs',
        outputs: [{ id: 'op1', statement: 'SOPs written', activities: [{ id: '7a57ea53-0000', title: 'SOP development', budget: 9500 }] }],
      },
    ],
  };

  it('name the field as the form does and the items by their titles', () => {
    const t = targetOf(plan, describeChange('set outcomes/oc1/outputs/op1/activities/7a57ea53-0000/budget'));
    expect(t).toEqual({ section: 'outcomes', field: 'report.budget', items: ['Officers apply the SOPs', 'SOPs written', 'SOP development'] });
  });

  it('mark an item that is gone and a field it does not know, never with the id or key', () => {
    const t = targetOf(plan, describeChange('set outcomes/oc1/outputs/op9/activities/a1/secret_key'));
    expect(t.items).toEqual(['Officers apply the SOPs', null, null]);
    expect(t.field).toBe('unknown');
    expect(JSON.stringify(t)).not.toMatch(/op9|a1|secret_key/);
  });

  it('name a rated question by its text', () => {
    const assessment = { template: { sections: [{ questions: [{ id: 'q1', text: 'Are SOPs in use?' }] }] }, responses: { q1: { existing: 2 } } };
    const t = targetOf(assessment, describeChange('set responses/q1/existing'));
    expect(t).toEqual({ section: 'responses', field: 'score.existing', items: ['Are SOPs in use?'] });
  });

  it('cut long titles', () => {
    const long = { stakeholders: [{ id: 's', name: 'x'.repeat(200) }] };
    expect(targetOf(long, describeChange('add stakeholders/s')).items[0]!.length).toBeLessThanOrEqual(60);
  });
});

describe('itemTitleAt', () => {
  const plan = { outcomes: [{ id: 'oc1', statement: 'Officers apply SOPs', outputs: [{ id: 'op1', statement: 'SOPs', activities: [{ id: 'a1', title: 'SOP development', budget: 1 }] }] }], title: 'Plan' };
  it('names the item a repeated field belongs to', () => {
    expect(itemTitleAt(plan, 'outcomes/oc1/outputs/op1/activities/a1/budget')).toBe('SOP development');
    expect(itemTitleAt(plan, 'outcomes/oc1/assumptions')).toBe('Officers apply SOPs');
  });
  it('leaves alone fields of no item, and an item’s own title', () => {
    expect(itemTitleAt(plan, 'title')).toBeNull();
    expect(itemTitleAt(plan, 'outcomes/oc1/outputs/op1/activities/a1/title')).toBeNull();
    expect(itemTitleAt(plan, 'outcomes/oc1/statement')).toBeNull();
    expect(itemTitleAt(plan, 'outcomes/nope/statement')).toBeNull();
  });
});

describe('codes', () => {
  it('read a code as its enumeration says, by the field that holds it', () => {
    expect(codeLabel('outcomes/o/outputs/p/activities/a/status', 'in_progress')).toBe('activityStatus.in_progress');
    expect(codeLabel('phases/response', 'done')).toBe('phaseState.done');
    expect(codeLabel('stakeholders/s/stance', 'supportive')).toBe('stance.supportive');
    expect(codeLabel('outcomes/o/title', 'in_progress')).toBeNull();
    expect(codeLabel('stakeholders/s/stance', 'no-such-code')).toBeNull();
  });
});

describe('bursts', () => {
  const at = (min: number, actor: string, summary: string): HistoryEntry => ({
    hash: `${actor}${min}${summary}`,
    actor,
    author: null,
    time_ms: min * 60_000,
    summary,
  });

  it('fold one person typing into one field into one line', () => {
    const lines = bursts([
      at(30, 'a', 'set objective/statement'),
      at(28, 'a', 'set objective/statement'),
      at(25, 'a', 'set objective/statement'),
      at(24, 'b', 'set objective/statement'),
      at(10, 'b', 'set objective/statement'),
      at(9, 'b', 'add risks/r1'),
    ]);
    expect(lines[0].oldest.time_ms).toBe(25 * 60_000);
    expect(lines.map((l) => [l.entry.actor, l.count])).toEqual([
      ['a', 3],
      ['b', 1],
      ['b', 1],
      ['b', 1],
    ]);
  });
});

describe('paths into documents', () => {
  const doc = { outcomes: [{ id: 'oc1', outputs: [{ id: 'op1', activities: [{ id: 'a7', budget: 1200 }] }] }] };
  it('find values by keys and item ids, never indices', () => {
    expect(getAt(doc, 'outcomes/oc1/outputs/op1/activities/a7/budget')).toBe(1200);
    expect(getAt(doc, 'outcomes/0/outputs')).toBeUndefined();
  });
  it('find conflicts at and under a path', () => {
    const conflicts = [{ path: 'outcomes/oc1/outputs/op1/activities/a7/budget', values: [] }];
    expect(conflictAt(conflicts, 'outcomes/oc1/outputs/op1/activities/a7/budget')).toBeDefined();
    expect(conflictsUnder(conflicts, 'outcomes/oc1/outputs/op1/activities/a7')).toHaveLength(1);
    expect(conflictsUnder(conflicts, 'outcomes/oc1/outputs/op1/activities/a70')).toHaveLength(0);
  });
});

describe('toolbox filters', () => {
  const entry = (id: string, over: Partial<Entry>): Entry => ({
    id,
    name: id,
    kind: 'tool',
    template: null,
    purpose: '',
    summary: '',
    phases: [],
    levels: [],
    core_issues: [],
    areas: [],
    references: [],
    translations: {},
    ...over,
  });
  const entries = [
    entry('grid', { phases: [1], levels: ['organisation'], areas: ['cross_cutting'], summary: 'Power and interest of stakeholders' }),
    entry('midas', { phases: [4], levels: ['organisation'], areas: ['border_management'] }),
  ];
  it('combine phase, level, area and search hits', () => {
    expect(filterEntries(entries, { phase: 4, level: null, area: null, hits: null }).map((e) => e.id)).toEqual(['midas']);
    expect(filterEntries(entries, { phase: null, level: 'organisation', area: 'cross_cutting', hits: null }).map((e) => e.id)).toEqual(['grid']);
    expect(filterEntries(entries, { phase: null, level: null, area: null, hits: new Set(['midas']) }).map((e) => e.id)).toEqual(['midas']);
  });
});

describe('toolbox filters in the address', () => {
  const levels = ['individual', 'organisation'];
  const areas = ['border_management'];
  it('reads back what it writes', () => {
    const f = { q: 'SOP', phase: '2', level: 'organisation', area: 'border_management' };
    expect(toolboxQuery(toolboxSearch(f), levels, areas)).toEqual(f);
    expect(toolboxSearch({ q: '', phase: '', level: '', area: '' })).toBe('');
  });
  it('drops what it does not know', () => {
    expect(toolboxQuery('?phase=9&level=<b>&area=x&q=' + 'y'.repeat(500), levels, areas)).toEqual({
      q: 'y'.repeat(200),
      phase: '',
      level: '',
      area: '',
    });
  });
});
