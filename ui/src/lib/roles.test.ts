import { describe, expect, it } from 'vitest';
import type { Kind } from './bindings';
import { mayWrite } from './roles';

const KINDS: Kind[] = ['engagement', 'assessment', 'plan', 'monitoring', 'toolbox'];
const writable = (role: string | null, admin = false) => KINDS.filter((k) => mayWrite(role, k, admin));

describe('mayWrite', () => {
  it('lets owners and editors change every document of the workspace', () => {
    expect(writable('owner')).toEqual(['engagement', 'assessment', 'plan', 'monitoring']);
    expect(writable('editor')).toEqual(['engagement', 'assessment', 'plan', 'monitoring']);
  });
  it('lets the government counterpart change plans and monitoring only', () => {
    expect(writable('counterpart')).toEqual(['plan', 'monitoring']);
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
