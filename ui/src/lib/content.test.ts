import { describe, expect, expectTypeOf, it } from 'vitest';
import type { JsonValue, Kind, Plan, Snapshot, Toolbox } from './bindings';
import { contentOf } from './content';

const snapshot = (kind: Kind, value: JsonValue): Snapshot => ({
  kind,
  schema: 1,
  workspace: 'w',
  read_only: null,
  value,
  conflicts: [],
  heads: [],
});

describe('contentOf', () => {
  it('gives the content of a document of the kind asked for', () => {
    const value = { title: 'Plan A', currency: 'USD' };
    const plan = contentOf(snapshot('plan', value), 'plan');
    expect(plan).toBe(value);
    expect(plan?.title).toBe('Plan A');
  });

  it('is typed by the kind', () => {
    expectTypeOf(contentOf(snapshot('plan', {}), 'plan')).toEqualTypeOf<Plan | null>();
    expectTypeOf(contentOf(snapshot('toolbox', {}), 'toolbox')).toEqualTypeOf<Toolbox | null>();
  });

  it('is null for a document of another kind', () => {
    expect(contentOf(snapshot('assessment', { title: 'A' }), 'plan')).toBeNull();
    expect(contentOf(snapshot('plan', { title: 'P' }), 'monitoring')).toBeNull();
  });

  it('is null before the document has loaded', () => {
    expect(contentOf(null, 'engagement')).toBeNull();
    expect(contentOf(undefined, 'engagement')).toBeNull();
  });
});
