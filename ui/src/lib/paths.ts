/**
 * Paths into a document as edits name them: map keys and list-item ids, never
 * list indices (DESIGN.md), e.g. `outcomes/oc1/outputs/op1/activities/a7/budget`.
 */
import type { Conflict, JsonValue } from './bindings';

export function join(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/');
}

/** The value at `path`: keys in objects, item ids in arrays. */
export function getAt(root: JsonValue | undefined, path: string): JsonValue | undefined {
  let node: JsonValue | undefined = root;
  for (const seg of path.split('/').filter((s) => s !== '')) {
    if (Array.isArray(node)) {
      node = node.find((item) => isObject(item) && item.id === seg);
    } else if (isObject(node)) {
      node = node[seg];
    } else {
      return undefined;
    }
  }
  return node;
}

export function isObject(v: JsonValue | undefined): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function conflictAt(conflicts: Conflict[], path: string): Conflict | undefined {
  return conflicts.find((c) => c.path === path);
}

/** Conflicts at `path` or anywhere below it: to mark a whole card. */
export function conflictsUnder(conflicts: Conflict[], path: string): Conflict[] {
  return conflicts.filter((c) => c.path === path || c.path.startsWith(`${path}/`));
}
