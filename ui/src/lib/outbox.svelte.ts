/**
 * A browser's edits on their way to the server. Each is written to the
 * browser's own store (IndexedDB, `offline-db.ts`) before the screen shows
 * it as done, so it survives closing the tab, a reload and a phone restart,
 * and it names the version of the document it was made on (`heads`): the
 * server lands it there, so what others wrote meanwhile is merged with it,
 * as between desktops, instead of overwritten.
 *
 * Each edit belongs to the user who made it and is only ever sent as that
 * user: when someone else signs in on the same phone, the edits wait aside
 * until their author signs in again, or are discarded on request. Several
 * tabs share one outbox: one tab sends at a time (a Web Lock), and the others
 * hear of it (a broadcast) and read the store again.
 *
 * The desktop never needs this: its edits are stored locally.
 */
import type { Edit } from './bindings';
import { CommandError } from './errors';
import type { OfflineDb, QueuedEdit } from './offline-db';
import { StorageFull } from './offline-db';
import { announce, exclusively, listen } from './tabs';

export type Unsent = QueuedEdit;

/** An edit the server would not take (role changed, document removed), kept with what was typed. */
export type Refused = QueuedEdit & { code: string; message: string; refused_ms: number };

/** What became of one edit sent. */
export type SendResult = 'sent' | 'offline' | 'refused' | 'signedOut';

/** Why edits are kept only in this tab's memory, for a plain message. */
export type OutboxProblem = 'unavailable' | 'full' | null;

const CHANNEL = 'cd4mm-outbox';
const LOCK = 'cd4mm-outbox-send';

/** User names are unique without case (the server compares them so). */
export function sameUser(a: string | null, b: string | null): boolean {
  return (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
}

export class Outbox {
  items = $state.raw<Unsent[]>([]);
  refused = $state.raw<Refused[]>([]);
  problem = $state<OutboxProblem>(null);
  /** When an edit last reached the server from this browser. */
  lastSentMs = $state<number | null>(null);
  private db: OfflineDb | null = null;
  /** Called after the store was read again (another tab queued or sent edits). */
  onReload: () => void = () => {};
  /** Resolves once the kept edits are read back (immediately without a store). */
  readonly ready: Promise<void>;

  /**
   * `db`: the browser's store, or null to keep edits in memory only (the
   * desktop, whose edits never wait here; tests). A promise of null means
   * the browser has no usable IndexedDB: the app works online and says so.
   */
  constructor(db: Promise<OfflineDb | null> | null = null) {
    this.ready = db
      ? db.then(async (opened) => {
          this.db = opened;
          if (!opened) {
            this.problem = 'unavailable';
            return;
          }
          await this.reload();
          listen(CHANNEL, () => void this.reload());
        })
      : Promise.resolve();
  }

  /**
   * Whose refused edits are in view: the person signed in. Another tab's
   * news reloads for them, not for nobody (their list would vanish).
   */
  private viewer: string | null = null;

  /** Show the refused edits of `user`, who signed in (null: signed out, or the desktop). */
  async showFor(user: string | null) {
    this.viewer = user;
    await this.ready;
    await this.reload();
  }

  /** Read the store again (another tab sent or queued edits). */
  async reload(user: string | null = this.viewer) {
    if (!this.db) return;
    try {
      const [queued, refused] = await Promise.all([this.db.queued(), this.db.refused(user)]);
      // Edits of this tab not yet in the store (it failed) stay in view.
      const memoryOnly = this.items.filter((u) => u.key.startsWith(MEMORY));
      this.items = [...queued, ...memoryOnly];
      this.refused = refused;
      this.onReload();
    } catch {
      // Unreadable now: what is in view stays; the next reload tries again.
    }
  }

  /**
   * Queue an edit of `user`, durable when the promise resolves (unless the
   * store refused it: then it waits in this tab's memory and `problem`
   * says so). A newer value of the same field by the same person replaces
   * an older one still waiting, in its place.
   */
  async add(doc: string, edit: Edit, heads: string[], user: string | null): Promise<Unsent> {
    await this.ready;
    const entry: Unsent = { key: newKey(), doc, edit, heads, user, made_ms: Date.now() };
    const older =
      edit.op === 'set'
        ? this.items.find((u) => u.doc === doc && sameUser(u.user, user) && u.edit.op === 'set' && u.edit.path === edit.path)
        : undefined;
    // In view at once, whatever the store says.
    this.items = older ? this.items.map((u) => (u === older ? entry : u)) : [...this.items, entry];
    if (!this.db) return entry;
    try {
      if (older && !older.key.startsWith(MEMORY)) await this.db.replace(older.key, entry);
      else await this.db.queue(entry);
      this.problem = null;
      announce(CHANNEL, 'queued');
    } catch (e) {
      this.problem = e instanceof StorageFull ? 'full' : 'unavailable';
      const kept: Unsent = { ...entry, key: MEMORY + entry.key };
      this.items = this.items.map((u) => (u === entry ? kept : u));
      return kept;
    }
    return entry;
  }

  /** The waiting edits made by `user`. */
  of(user: string | null): Unsent[] {
    return this.items.filter((u) => sameUser(u.user, user));
  }

  /** The waiting edits of `user` for one document, in order. */
  pendingFor(doc: string, user: string | null): Edit[] {
    return this.items.filter((u) => u.doc === doc && sameUser(u.user, user)).map((u) => u.edit);
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

  /** Refused edits of `user`, newest last. */
  refusedOf(user: string | null): Refused[] {
    return this.refused.filter((r) => sameUser(r.user, user));
  }

  /** Forget the waiting edits of `user`, unsent. */
  async discard(user: string | null) {
    const gone = this.items.filter((u) => sameUser(u.user, user));
    this.items = this.items.filter((u) => !sameUser(u.user, user));
    for (const u of gone) await this.forget(u);
    announce(CHANNEL, 'discarded');
  }

  /** Drop a refused edit once its author has seen it (and copied what they typed). */
  async dropRefused(key: string) {
    this.refused = this.refused.filter((r) => r.key !== key);
    await this.db?.dropRefused(key).catch(() => undefined);
    announce(CHANNEL, 'dropped');
  }

  private async forget(u: Unsent) {
    if (this.db && !u.key.startsWith(MEMORY)) await this.db.unqueue(u.key).catch(() => undefined);
  }

  /**
   * Send the waiting edits of `user` in order, never anyone else's; stop at
   * the first that still cannot go (offline, or the session ended again).
   * One tab at a time: another tab already sending is left to it.
   */
  async flush(user: string | null, send: (u: Unsent) => Promise<SendResult>): Promise<void> {
    await this.ready;
    await exclusively(LOCK, async () => {
      // Another tab may have sent some meanwhile: the store says what is left.
      await this.reload(user);
      for (;;) {
        const next = this.items.find((u) => sameUser(u.user, user));
        if (!next) return;
        const result = await send(next);
        if (result === 'offline' || result === 'signedOut') return;
        this.items = this.items.filter((u) => u !== next);
        await this.forget(next);
        if (result === 'sent') this.lastSentMs = Date.now();
        announce(CHANNEL, 'sent');
      }
    });
  }

  /** Keep an edit the server refused for good, with the reason, for its author to see. */
  async refuse(u: Unsent, error: CommandError) {
    const reason = { code: error.code, message: error.message };
    this.refused = [...this.refused, { ...u, ...reason, refused_ms: Date.now() }];
    await this.db?.refuse(u, reason).catch(() => undefined);
  }
}

/** Keys of edits the store did not take: kept in this tab's memory only. */
const MEMORY = 'memory:';

function newKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
