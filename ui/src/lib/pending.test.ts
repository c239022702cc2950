import { describe, expect, it } from 'vitest';
import type { Edit, JsonValue } from './bindings';
import { applyPending } from './pending';

function plan(): JsonValue {
  return {
    kind: 'plan',
    title: 'Plan',
    outcomes: [
      { id: 'oc1', title: 'One', outputs: [{ id: 'op1', activities: [{ id: 'a1', budget: 10 }] }] },
      { id: 'oc2', title: 'Two', outputs: [] },
      { id: 'oc3', title: 'Three', outputs: [] },
    ],
    risks: [],
  };
}

function ids(value: JsonValue, list: string): string[] {
  const items = (value as Record<string, JsonValue>)[list] as { id: string }[];
  return items.map((i) => i.id);
}

describe('applyPending', () => {
  it('sets a field and marks its path waiting', () => {
    const { value, waiting } = applyPending(plan(), [{ op: 'set', path: 'outcomes/oc1/title', value: 'Uno' }]);
    expect((value as any).outcomes[0].title).toBe('Uno');
    expect([...waiting]).toEqual(['outcomes/oc1/title']);
  });

  it('creates missing maps on the way of a set, as the server does', () => {
    const { value } = applyPending(plan(), [{ op: 'set', path: 'scope/notes/text', value: 'x' }]);
    expect((value as any).scope).toEqual({ notes: { text: 'x' } });
  });

  it('inserts at the end, or before an item', () => {
    const { value, waiting } = applyPending(plan(), [
      { op: 'insert', list: 'outcomes', item: { id: 'oc4' }, before: null },
      { op: 'insert', list: 'outcomes', item: { id: 'oc0' }, before: 'oc1' },
      { op: 'insert', list: 'outcomes', item: { id: 'oc2b' } },
    ]);
    expect(ids(value, 'outcomes')).toEqual(['oc0', 'oc1', 'oc2', 'oc3', 'oc4', 'oc2b']);
    expect(waiting).toEqual(new Set(['oc4', 'oc0', 'oc2b']));
  });

  it('removes an item', () => {
    const { value } = applyPending(plan(), [{ op: 'remove', list: 'outcomes', id: 'oc2' }]);
    expect(ids(value, 'outcomes')).toEqual(['oc1', 'oc3']);
  });

  it('moves an item before another or to the end', () => {
    const first = applyPending(plan(), [{ op: 'move', list: 'outcomes', id: 'oc3', before: 'oc1' }]);
    expect(ids(first.value, 'outcomes')).toEqual(['oc3', 'oc1', 'oc2']);
    const last = applyPending(plan(), [{ op: 'move', list: 'outcomes', id: 'oc1', before: null }]);
    expect(ids(last.value, 'outcomes')).toEqual(['oc2', 'oc3', 'oc1']);
    expect(last.waiting.size).toBe(0);
  });

  it('applies several edits in order', () => {
    const edits: Edit[] = [
      { op: 'set', path: 'title', value: 'A' },
      { op: 'move', list: 'outcomes', id: 'oc1', before: null },
      { op: 'set', path: 'title', value: 'B' },
      { op: 'remove', list: 'outcomes', id: 'oc2' },
      { op: 'insert', list: 'outcomes', item: { id: 'oc9' }, before: 'oc1' },
    ];
    const { value } = applyPending(plan(), edits);
    expect((value as any).title).toBe('B');
    expect(ids(value, 'outcomes')).toEqual(['oc3', 'oc9', 'oc1']);
  });

  it('forgets an item inserted and then removed, and what was set in it', () => {
    const { value, waiting } = applyPending(plan(), [
      { op: 'insert', list: 'risks', item: { id: 'r1', description: '' } },
      { op: 'set', path: 'risks/r1/description', value: 'Floods' },
      { op: 'set', path: 'title', value: 'Kept' },
      { op: 'remove', list: 'risks', id: 'r1' },
    ]);
    expect(ids(value, 'risks')).toEqual([]);
    expect(waiting).toEqual(new Set(['title']));
  });

  it('sets a field inside an inserted item without changing the edit', () => {
    const item = { id: 'r1', description: '' };
    const { value, waiting } = applyPending(plan(), [
      { op: 'insert', list: 'risks', item },
      { op: 'set', path: 'risks/r1/description', value: 'Floods' },
    ]);
    expect((value as any).risks).toEqual([{ id: 'r1', description: 'Floods' }]);
    expect(item.description).toBe('');
    expect(waiting).toEqual(new Set(['r1', 'risks/r1/description']));
  });

  it('skips edits whose target is missing and goes on with the rest', () => {
    const edits: Edit[] = [
      { op: 'set', path: 'outcomes/gone/title', value: 'x' },
      { op: 'set', path: 'outcomes/oc1', value: 'an item, not a field' },
      { op: 'set', path: 'title/deeper', value: 'title is text' },
      { op: 'set', path: 'outcomes//title', value: 'x' },
      { op: 'set', path: 'schema', value: 9 },
      { op: 'remove', list: 'outcomes', id: 'gone' },
      { op: 'remove', list: 'nothing', id: 'oc1' },
      { op: 'remove', list: 'title', id: 'oc1' },
      { op: 'move', list: 'outcomes', id: 'gone', before: null },
      { op: 'move', list: 'outcomes', id: 'oc1', before: 'gone' },
      { op: 'move', list: 'outcomes', id: 'oc1', before: 'oc1' },
      { op: 'insert', list: 'outcomes', item: { id: 'oc1' } },
      { op: 'insert', list: 'outcomes', item: { id: ' ' } },
      { op: 'insert', list: 'outcomes', item: { title: 'no id' } },
      { op: 'insert', list: 'outcomes', item: { id: 'new' }, before: 'gone' },
      { op: 'insert', list: 'missing', item: { id: 'new' } },
      { op: 'set', path: 'title', value: 'Applied' },
    ];
    const { value, waiting } = applyPending(plan(), edits);
    const expected = plan() as any;
    expected.title = 'Applied';
    expect(value).toEqual(expected);
    expect(waiting).toEqual(new Set(['title']));
  });

  it('never changes its input and shares what no edit touched', () => {
    const input = plan();
    const before = structuredClone(input);
    const { value } = applyPending(input, [
      { op: 'set', path: 'outcomes/oc1/outputs/op1/activities/a1/budget', value: 20 },
      { op: 'remove', list: 'outcomes', id: 'oc2' },
      { op: 'move', list: 'outcomes', id: 'oc3', before: 'oc1' },
      { op: 'insert', list: 'risks', item: { id: 'r1' } },
    ]);
    expect(input).toEqual(before);
    expect((value as any).outcomes[0].id).toBe('oc3');
    expect((value as any).outcomes[1].outputs[0].activities[0].budget).toBe(20);
    expect((value as any).outcomes[0]).toBe((input as any).outcomes[2]);
  });

  it('does not throw on hostile edits or values', () => {
    const hostile = [
      null,
      { op: 'set' },
      { op: 'insert', list: 'outcomes', item: null },
      { op: 'remove', list: 42, id: 'oc1' },
      { op: 'explode' },
    ] as unknown as Edit[];
    expect(applyPending(plan(), hostile).value).toEqual(plan());
    expect(applyPending('text', [{ op: 'set', path: 'a', value: 1 }]).value).toBe('text');
    expect(applyPending(null, [{ op: 'remove', list: 'a', id: 'b' }]).value).toBeNull();
  });

  it('skips paths that would reach a prototype', () => {
    const edits: Edit[] = [
      { op: 'set', path: '__proto__/polluted', value: 'yes' },
      { op: 'set', path: 'constructor/prototype/polluted', value: 'yes' },
      { op: 'set', path: 'outcomes/oc1/__proto__', value: { polluted: 'yes' } },
      { op: 'set', path: 'toString/polluted', value: 'yes' },
      { op: 'insert', list: '__proto__', item: { id: 'x' } },
      { op: 'remove', list: 'constructor', id: 'x' },
    ];
    const { value, waiting } = applyPending(plan(), edits);
    expect(({} as any).polluted).toBeUndefined();
    expect((Object.prototype as any).polluted).toBeUndefined();
    expect(Object.getPrototypeOf((value as any).outcomes[0])).toBe(Object.prototype);
    // `toString` is no field of the document: it is created as one, as any missing map.
    expect((value as any).toString).toEqual({ polluted: 'yes' });
    expect(waiting).toEqual(new Set(['toString/polluted']));
  });

  it('keeps an own `__proto__` key of parsed JSON as plain data', () => {
    const input = JSON.parse('{"a": {"__proto__": {"polluted": "yes"}}}') as JsonValue;
    const { value } = applyPending(input, [{ op: 'set', path: 'a/b', value: 1 }]);
    expect(({} as any).polluted).toBeUndefined();
    expect(Object.getPrototypeOf((value as any).a)).toBe(Object.prototype);
  });

  it('skips very long or deep paths', () => {
    const deep = Array.from({ length: 100 }, (_, i) => `k${i}`).join('/');
    const long = 'x'.repeat(5000);
    const { value, waiting } = applyPending(plan(), [
      { op: 'set', path: deep, value: 1 },
      { op: 'set', path: long, value: 1 },
    ]);
    expect(value).toEqual(plan());
    expect(waiting.size).toBe(0);
  });
});
