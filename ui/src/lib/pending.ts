/**
 * The document as it will read once the edits still waiting to be sent have
 * landed: offline, a person sees what they typed at once instead of the last
 * value the server returned.
 *
 * Edits are applied to the JSON as the server applies them
 * (`crates/core/src/edit.rs` and `Document::check`): paths of map keys and
 * list-item ids, `set` creating missing maps on its way, `before` naming the
 * item to go before (none: the end). What the server would refuse here is
 * skipped rather than thrown: another device may have removed the target
 * meanwhile, and the server will say so when the edit goes. The typed model's
 * own checks are not repeated; the server's answer replaces this guess.
 */
import type { Edit, JsonValue } from './bindings';
import { isObject } from './paths';

type Fields = { [key: string]: JsonValue };
type Container = JsonValue[] | Fields;

/** Fields the app sets itself (`HEADER` in document.rs): never edited. */
const HEADER = new Set(['kind', 'schema', 'workspace']);

/**
 * Segments that would reach an object's prototype if written as keys. The
 * edits come from storage another script or an older version may have
 * written, so they are refused rather than trusted.
 */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** Longer or deeper paths are no document's: skipped, not walked. */
const MAX_PATH_CHARS = 2000;
const MAX_SEGMENTS = 64;

export interface Pending {
  value: JsonValue;
  /** Ids of inserted items and paths of set fields still waiting to be sent. */
  waiting: Set<string>;
}

export function applyPending(value: JsonValue, edits: Edit[]): Pending {
  const draft = new Draft(value);
  const waiting = new Set<string>();
  for (const edit of edits) {
    try {
      apply(draft, edit, waiting);
    } catch {
      // Malformed beyond what the checks foresee (e.g. hostile storage): skip it.
    }
  }
  return { value: draft.root, waiting };
}

function apply(draft: Draft, edit: Edit, waiting: Set<string>): void {
  switch (edit.op) {
    case 'set': {
      const segs = segments(edit.path);
      if (!segs || HEADER.has(edit.path)) return;
      const last = segs[segs.length - 1];
      const holder = draft.open(segs.slice(0, -1), true);
      // A path ending at a list item names the item, not a field of it.
      if (!holder || Array.isArray(holder)) return;
      holder[last] = edit.value;
      waiting.add(edit.path);
      return;
    }
    case 'insert': {
      const id = idOf(edit.item);
      if (id === undefined || id.trim() === '') return;
      const items = list(draft, edit.list, (found) => {
        if (position(found, id) !== -1) return false;
        return edit.before == null || position(found, edit.before) !== -1;
      });
      if (!items) return;
      items.splice(insertionPoint(items, edit.before), 0, edit.item);
      waiting.add(id);
      return;
    }
    case 'remove': {
      const items = list(draft, edit.list, (found) => position(found, edit.id) !== -1);
      if (!items) return;
      items.splice(position(items, edit.id), 1);
      forgetUnder(waiting, edit.list, edit.id);
      return;
    }
    case 'move': {
      // The item leaves its place first, so `before` is looked up among the others.
      const valid = (found: JsonValue[]) =>
        position(found, edit.id) !== -1 &&
        (edit.before == null || (edit.before !== edit.id && position(found, edit.before) !== -1));
      const items = list(draft, edit.list, valid);
      if (!items) return;
      const [item] = items.splice(position(items, edit.id), 1);
      items.splice(insertionPoint(items, edit.before), 0, item);
      return;
    }
  }
}

/**
 * The list at `path`, writable, when it exists and `valid` accepts it as it
 * stands: checked before anything is copied, so a skipped edit leaves no trace.
 */
function list(draft: Draft, path: string, valid: (items: JsonValue[]) => boolean): JsonValue[] | null {
  const segs = segments(path);
  if (!segs) return null;
  const found = draft.peek(segs);
  if (!Array.isArray(found) || !valid(found)) return null;
  const items = draft.open(segs, false);
  return Array.isArray(items) ? items : null;
}

/** A removed item is no longer waiting, nor are the fields set inside it. */
function forgetUnder(waiting: Set<string>, list: string, id: string): void {
  waiting.delete(id);
  const prefix = `${list}/${id}/`;
  for (const entry of waiting) if (entry.startsWith(prefix)) waiting.delete(entry);
}

/** As the server splits paths: no empty segment; here also none that is unsafe. */
function segments(path: unknown): string[] | null {
  if (typeof path !== 'string' || path.length > MAX_PATH_CHARS) return null;
  const segs = path.split('/');
  if (segs.length > MAX_SEGMENTS) return null;
  if (segs.some((s) => s === '' || FORBIDDEN.has(s))) return null;
  return segs;
}

function idOf(item: JsonValue): string | undefined {
  if (!isObject(item) || !Object.hasOwn(item, 'id')) return undefined;
  return typeof item.id === 'string' ? item.id : undefined;
}

function position(items: JsonValue[], id: string): number {
  return items.findIndex((item) => idOf(item) === id);
}

function insertionPoint(items: JsonValue[], before: string | null | undefined): number {
  return before == null ? items.length : position(items, before);
}

/** An object's own field only: `toString` is no document field. */
function field(fields: Fields, key: string): JsonValue | undefined {
  return Object.hasOwn(fields, key) ? fields[key] : undefined;
}

/**
 * The document being changed, copied on write: a container is copied the
 * first time an edit changes something inside it, so the input is never
 * mutated and what no edit touches is shared with it.
 */
class Draft {
  private copies = new WeakSet<object>();

  constructor(public root: JsonValue) {}

  /** The value at `segs`, read only (undefined: there is none). */
  peek(segs: string[]): JsonValue | undefined {
    let node: JsonValue | undefined = this.root;
    for (const seg of segs) {
      if (Array.isArray(node)) node = node.find((item) => idOf(item) === seg);
      else if (isObject(node)) node = field(node, seg);
      else return undefined;
    }
    return node;
  }

  /**
   * The container at `segs`, made writable along with every container above
   * it; with `create`, missing maps on the way are created (as `set` does on
   * the server). Null, with nothing changed, when the path leads nowhere.
   */
  open(segs: string[], create: boolean): Container | null {
    if (!this.reachable(segs, create)) return null;
    if (!isContainer(this.root)) return null;
    let node = this.writable(this.root);
    this.root = node;
    for (const seg of segs) {
      if (Array.isArray(node)) {
        const at = position(node, seg);
        const next = this.writable(node[at] as Container);
        node[at] = next;
        node = next;
      } else {
        const existing = field(node, seg);
        const next = existing === undefined ? this.fresh() : this.writable(existing as Container);
        node[seg] = next;
        node = next;
      }
    }
    return node;
  }

  /** Whether `open` would succeed: checked first so a failed walk copies nothing. */
  private reachable(segs: string[], create: boolean): boolean {
    let node: JsonValue | undefined = this.root;
    for (const seg of segs) {
      if (Array.isArray(node)) {
        node = node.find((item) => idOf(item) === seg);
        if (node === undefined) return false;
      } else if (isObject(node)) {
        node = field(node, seg);
        // Created maps are empty: the rest of the path is created too.
        if (node === undefined) return create;
      } else {
        return false;
      }
    }
    return isContainer(node);
  }

  private writable(node: Container): Container {
    if (this.copies.has(node)) return node;
    const copy: Container = Array.isArray(node) ? [...node] : { ...node };
    this.copies.add(copy);
    return copy;
  }

  private fresh(): Fields {
    const created: Fields = {};
    this.copies.add(created);
    return created;
  }
}

function isContainer(v: JsonValue | undefined): v is Container {
  return Array.isArray(v) || isObject(v);
}
