/**
 * Edits that could not reach the server (a browser on a bad network). They are
 * kept in order and sent again, so nothing typed is lost while the status bar
 * says "offline". The desktop never needs this: its edits are stored locally.
 */
import type { Edit } from './bindings';

export interface Unsent {
  doc: string;
  edit: Edit;
}

export class Outbox {
  items = $state<Unsent[]>([]);

  add(doc: string, edit: Edit) {
    // A newer value of the same field replaces the older one still waiting.
    if (edit.op === 'set') {
      this.items = this.items.filter((u) => !(u.doc === doc && u.edit.op === 'set' && u.edit.path === edit.path));
    }
    this.items = [...this.items, { doc, edit }];
  }

  /** Send waiting edits in order; stop at the first that still cannot go. */
  async flush(send: (u: Unsent) => Promise<'sent' | 'offline' | 'refused'>): Promise<void> {
    while (this.items.length > 0) {
      const next = this.items[0];
      const result = await send(next);
      if (result === 'offline') return;
      // Sent, or refused for good (its error is shown at the field): drop it.
      this.items = this.items.slice(1);
    }
  }
}
