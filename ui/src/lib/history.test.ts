import { describe, expect, it } from 'vitest';
import { describeChange, fieldOf } from './history';
import { conflictAt, conflictsUnder, getAt } from './paths';
import { filterEntries } from './toolbox';
import type { Entry } from './bindings';

describe('change summaries', () => {
  it('read the verb and path the core writes', () => {
    expect(describeChange('set outcomes/oc1/title')).toEqual({ verb: 'set', path: 'outcomes/oc1/title' });
    expect(describeChange('add stakeholders/s3')).toEqual({ verb: 'add', path: 'stakeholders/s3' });
    expect(describeChange('upgrade schema')).toEqual({ verb: 'other', path: 'upgrade schema' });
    expect(fieldOf('outcomes/o/outputs/p/activities/a7/budget')).toBe('budget');
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
