/** Reading a document's history: what each change did, in words. */

export interface ChangeDescription {
  verb: 'set' | 'add' | 'remove' | 'move' | 'other';
  path: string;
}

/** `set outcomes/oc1/title` → set, `outcomes/oc1/title` (see `Edit::describe` in the core). */
export function describeChange(summary: string): ChangeDescription {
  const m = /^(set|add|remove|move) (.+)$/.exec(summary.trim());
  if (!m) return { verb: 'other', path: summary };
  return { verb: m[1] as ChangeDescription['verb'], path: m[2] };
}

/**
 * The last segment of a path that is a field name rather than an item id, so
 * "outcomes/oc1/outputs/op1/activities/a7/budget" reads as "budget".
 */
export function fieldOf(path: string): string {
  const segs = path.split('/');
  return segs[segs.length - 1] ?? path;
}
