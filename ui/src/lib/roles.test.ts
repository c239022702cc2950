import { describe, expect, it } from 'vitest';
import type { Kind } from './bindings';
import { mayChange, mayWrite } from './roles';

const KINDS: Kind[] = ['engagement', 'assessment', 'plan', 'monitoring', 'toolbox'];
const writable = (role: string | null, admin = false) => KINDS.filter((k) => mayWrite(role, k, admin));

describe('mayWrite', () => {
  it('lets owners and editors change every document of the workspace', () => {
    expect(writable('owner')).toEqual(['engagement', 'assessment', 'plan', 'monitoring']);
    expect(writable('editor')).toEqual(['engagement', 'assessment', 'plan', 'monitoring']);
  });
  it('lets the government counterpart change plans and monitoring, and parts of the assessment and engagement', () => {
    expect(writable('counterpart')).toEqual(['engagement', 'assessment', 'plan', 'monitoring']);
  });
  it('lets a viewer, such as a regional officer, change nothing', () => {
    expect(writable('viewer')).toEqual([]);
  });
  it('lets no one change what they have no role in, nor an unknown role', () => {
    expect(writable(null)).toEqual([]);
    expect(writable('auditor')).toEqual([]);
  });
  it('lets an administrator change everything but the toolbox, which ships with the app', () => {
    expect(writable('viewer', true)).toEqual(['engagement', 'assessment', 'plan', 'monitoring']);
  });
});

describe('mayChange', () => {
  it('lets the counterpart rate, argue and validate an assessment, not redesign it', () => {
    expect(mayChange('counterpart', 'assessment', 'responses/q1/existing')).toBe(true);
    expect(mayChange('counterpart', 'assessment', 'validation_record')).toBe(true);
    expect(mayChange('counterpart', 'assessment', 'participants')).toBe(true);
    expect(mayChange('counterpart', 'assessment', 'template')).toBe(false);
    expect(mayChange('counterpart', 'assessment', 'title')).toBe(false);
  });
  it('lets the counterpart scope the engagement and its capacity areas only', () => {
    expect(mayChange('counterpart', 'engagement', 'scope/why')).toBe(true);
    expect(mayChange('counterpart', 'engagement', 'capacity_areas')).toBe(true);
    expect(mayChange('counterpart', 'engagement', 'stakeholders')).toBe(false);
  });
  it('leaves owners whole documents and viewers nothing', () => {
    expect(mayChange('owner', 'assessment', 'template')).toBe(true);
    expect(mayChange('counterpart', 'plan', 'title')).toBe(true);
    expect(mayChange('viewer', 'assessment', 'responses/q1/existing')).toBe(false);
    expect(mayChange('viewer', 'assessment', 'title', true)).toBe(true);
  });
});
