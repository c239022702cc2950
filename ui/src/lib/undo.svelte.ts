/**
 * Removing an item is one click, and so is taking it back: the item removed
 * last is kept for a while and "Undo" puts it back where it was (a new edit,
 * like any other, so co-editors and the history see both).
 */
import type { JsonValue } from './bindings';
import { stands, type Doc } from './document.svelte';
import { titleOf } from './history';
import { isObject } from './paths';

interface Removed {
  doc: Doc;
  list: string;
  item: { id: string } & Record<string, JsonValue>;
  /** The item that followed it, to put it back before. */
  before: string | null;
  title: string | null;
}

const KEEP_MS = 30_000;

class Undo {
  last = $state<Removed | null>(null);
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** Removes item `id` from `list` of `doc`, keeping it to offer it back. */
  async remove(doc: Doc, list: string, id: string) {
    const items = doc.get(list);
    const index = Array.isArray(items) ? items.findIndex((x) => isObject(x) && x.id === id) : -1;
    const item = index >= 0 && Array.isArray(items) ? items[index] : undefined;
    const result = await doc.remove(list, id);
    if (!stands(result) || !isObject(item)) return;
    const next = Array.isArray(items) ? items[index + 1] : undefined;
    this.last = {
      doc,
      list,
      // A plain copy: the document's value may change under the proxy.
      item: JSON.parse(JSON.stringify(item)) as Removed['item'],
      before: isObject(next) && typeof next.id === 'string' ? next.id : null,
      title: titleOf(item),
    };
    clearTimeout(this.timer);
    this.timer = setTimeout(() => (this.last = null), KEEP_MS);
  }

  async undo() {
    const r = this.last;
    this.last = null;
    clearTimeout(this.timer);
    if (!r) return;
    const items = r.doc.get(r.list);
    const stillThere = Array.isArray(items) && items.some((x) => isObject(x) && x.id === r.before);
    await r.doc.insert(r.list, r.item, stillThere ? r.before : null);
  }

  dismiss() {
    this.last = null;
    clearTimeout(this.timer);
  }
}

export const undo = new Undo();
