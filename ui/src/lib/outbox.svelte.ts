/**
 * Edits that could not reach the server: a browser on a bad network, or whose
 * session ended (timed out, signed out elsewhere, password reset) while the
 * person was typing. They are kept in order and sent again, so nothing typed
 * is lost while the status bar says "offline" or the sign-in form shows. The
 * desktop never needs this: its edits are stored locally.
 *
 * Each edit belongs to the user who made it and is only ever sent as that
 * user: when someone else signs in in the same window, the edits wait aside
 * until their author signs in again, or are discarded on request. They are
 * kept in the window's session storage, so a reload of the sign-in page does
 * not lose them either; they go when the window (tab) is closed.
 */
import type { Edit } from './bindings';

export interface Unsent {
  doc: string;
  edit: Edit;
  /** Who made the edit (null: nobody was signed in by name). */
  user: string | null;
}

/** What became of one edit sent again. */
export type SendResult = 'sent' | 'offline' | 'refused' | 'signedOut';

const STORAGE_KEY = 'cd4mm.outbox';

/** User names are unique without case (the server compares them so). */
export function sameUser(a: string | null, b: string | null): boolean {
  return (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
}

function isUnsent(value: unknown): value is Unsent {
  if (typeof value !== 'object' || value === null) return false;
  const u = value as Record<string, unknown>;
  return (
    typeof u.doc === 'string' &&
    typeof u.edit === 'object' &&
    u.edit !== null &&
    typeof (u.edit as Record<string, unknown>).op === 'string' &&
    (u.user === null || typeof u.user === 'string')
  );
}

export class Outbox {
  items = $state.raw<Unsent[]>([]);

  /** `storage`: where the waiting edits survive a reload (none: memory only). */
  constructor(private storage: Storage | null = null) {
    try {
      const raw = storage?.getItem(STORAGE_KEY);
      const kept: unknown = raw ? JSON.parse(raw) : [];
      if (Array.isArray(kept)) this.items = kept.filter(isUnsent);
    } catch {
      // Unreadable: start empty rather than not at all.
    }
  }

  private keep(items: Unsent[]) {
    this.items = items;
    try {
      if (items.length === 0) this.storage?.removeItem(STORAGE_KEY);
      else this.storage?.setItem(STORAGE_KEY, JSON.stringify(items));
    } catch {
      // Storage full or refused: the edits still wait in memory.
    }
  }

  add(doc: string, edit: Edit, user: string | null = null) {
    // A newer value of the same field by the same person replaces the older one still waiting.
    const items =
      edit.op === 'set'
        ? this.items.filter(
            (u) => !(u.doc === doc && sameUser(u.user, user) && u.edit.op === 'set' && u.edit.path === edit.path),
          )
        : this.items;
    this.keep([...items, { doc, edit, user }]);
  }

  /** The waiting edits made by `user`. */
  of(user: string | null): Unsent[] {
    return this.items.filter((u) => sameUser(u.user, user));
  }

  /** The waiting edits made by anyone but `user`, by author, in order of first edit. */
  othersThan(user: string | null): { user: string | null; count: number }[] {
    const out: { user: string | null; count: number }[] = [];
    for (const u of this.items) {
      if (sameUser(u.user, user)) continue;
      const seen = out.find((o) => sameUser(o.user, u.user));
      if (seen) seen.count += 1;
      else out.push({ user: u.user, count: 1 });
    }
    return out;
  }

  /** Forget the waiting edits of `user`, unsent. */
  discard(user: string | null) {
    this.keep(this.items.filter((u) => !sameUser(u.user, user)));
  }

  /**
   * Send the waiting edits of `user` in order, never anyone else's; stop at
   * the first that still cannot go (offline, or the session ended again).
   */
  async flush(user: string | null, send: (u: Unsent) => Promise<SendResult>): Promise<void> {
    for (;;) {
      const next = this.items.find((u) => sameUser(u.user, user));
      if (!next) return;
      const result = await send(next);
      if (result === 'offline' || result === 'signedOut') return;
      // Sent, or refused for good (its error is shown at the field): drop it.
      // A newer value of its field may have replaced it meanwhile: keep that.
      this.keep(this.items.filter((u) => u !== next));
    }
  }
}
