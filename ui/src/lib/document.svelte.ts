/**
 * A document as the UI holds it: the latest snapshot from the command API, the
 * errors of refused edits by field, and who wrote which conflicting value.
 * Components share one `Doc` per id, so an edit made in one place shows
 * everywhere at once.
 */
import type { Conflict, Design, Edit, JsonValue, Kind, Snapshot } from './bindings';
import type { Api } from './api';
import { contentOf, type ContentOf } from './content';
import { CommandError } from './errors';
import { conflictAt, getAt } from './paths';
import { sameUser, type Outbox, type SendResult, type Unsent } from './outbox.svelte';
import { applyPending } from './pending';

/**
 * What became of an edit: on the server; waiting in the outbox for the
 * network (`offline`) or for its author to sign in again (`signedOut`); or
 * refused for good (its error shown at the field).
 */
export type EditResult = SendResult;

/** Whether an edit stands: sent, or kept to be sent (and shown meanwhile). */
export function stands(result: EditResult): boolean {
  return result !== 'refused';
}

function targetOf(edit: Edit): string {
  return edit.op === 'set' ? edit.path : edit.list;
}

export class Doc {
  /** What the screens show: the server's reading with this user's waiting edits laid over it. */
  snapshot = $state.raw<Snapshot | null>(null);
  /** The server's latest reading (or the copy kept from it while offline). */
  private base: Snapshot | null = null;
  /** When `base` was read, if it is a copy kept on this device (offline), else null. */
  asOf = $state<number | null>(null);
  /** Ids of items added and paths of fields set by edits still waiting to be sent. */
  waiting = $state.raw<Set<string>>(new Set());
  /** Error messages of refused edits, by the path of the field they name. */
  errors = $state<Record<string, string>>({});
  loadError = $state<CommandError | null>(null);
  /** Names of the authors of actors, from the history (for conflicts). */
  authors = $state<Record<string, string>>({});
  /** Counts new snapshots, so derived summaries know when to ask again. */
  version = $state(0);

  constructor(
    private api: Api,
    readonly id: string,
    private outbox: Outbox,
    private onError: (e: CommandError) => void,
    /** Whose the edits made now are (see `DocRegistry`). */
    private user: () => string | null = () => null,
    /** Send the outbox (a browser's edits all go through it, in order). */
    private flush: () => Promise<void> = async () => {},
  ) {}

  /** The first reading of the document, done or failed. */
  ready: Promise<void> = Promise.resolve();

  get value(): JsonValue | undefined {
    return this.snapshot?.value;
  }

  /** The content as a document of `kind`: null until it loads, or if it is of another kind (see `contentOf`). */
  content<K extends Kind>(kind: K): ContentOf<K> | null {
    return contentOf(this.snapshot, kind);
  }

  get conflicts(): Conflict[] {
    return this.snapshot?.conflicts ?? [];
  }

  get readOnlyReason(): string | null {
    return this.snapshot?.read_only ?? null;
  }

  get(path: string): JsonValue | undefined {
    return getAt(this.snapshot?.value, path);
  }

  conflict(path: string): Conflict | undefined {
    return conflictAt(this.conflicts, path);
  }

  /** Whether an item (by id) or a field (by path) holds an edit still waiting to be sent. */
  isWaiting(idOrPath: string): boolean {
    return this.waiting.has(idOrPath);
  }

  private accept(snapshot: Snapshot, asOf: number | null = null) {
    this.base = snapshot;
    this.asOf = asOf;
    this.overlay();
    if (snapshot.conflicts.length > 0) void this.loadAuthors();
  }

  /** Lay this user's waiting edits over the server's reading, so they show at once. */
  overlay() {
    if (!this.base) return;
    const pending = this.outbox.pendingFor(this.id, this.user());
    if (pending.length === 0) {
      this.snapshot = this.base;
      this.waiting = new Set();
    } else {
      const { value, waiting } = applyPending(this.base.value, pending);
      this.snapshot = { ...this.base, value };
      this.waiting = waiting;
    }
    this.version += 1;
  }

  async load(): Promise<void> {
    try {
      const read = await this.api.readKept(this.id);
      this.accept(read.snapshot, read.asOf);
      this.loadError = null;
    } catch (e) {
      const err = CommandError.from(e);
      this.loadError = err;
      // No network, or the session ended: said for the whole screen (the
      // latter brings the sign-in form back).
      if (err.offline || err.unauthorised) this.onError(err);
    }
  }

  /** Who each actor is, from the document's history. Best effort. */
  async loadAuthors(): Promise<void> {
    try {
      const history = await this.api.history(this.id);
      const authors: Record<string, string> = { ...this.authors };
      for (const h of history) if (h.author) authors[h.actor] = h.author;
      this.authors = authors;
    } catch {
      // Without names the conflict still shows each value; only the author is missing.
    }
  }

  /** The desktop's edits of this document go out one after another, in the order they were made. */
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * Make one edit, as made on the reading in view (its heads), so that what
   * others wrote meanwhile merges with it. A browser first writes it to its
   * outbox (durable, shown at once, marked waiting), then sends the outbox
   * in order; the desktop's shell stores it locally at once.
   */
  apply(edit: Edit): Promise<EditResult> {
    const heads = this.base?.heads ?? [];
    if (this.api.transport.localStore) {
      const result = this.queue.then(() => this.sendNow(edit, heads));
      this.queue = result;
      return result;
    }
    return this.queueAndSend(edit, heads);
  }

  private async queueAndSend(edit: Edit, heads: string[]): Promise<EditResult> {
    const entry = await this.outbox.add(this.id, edit, heads, this.user());
    this.clearError(targetOf(edit));
    this.overlay();
    await this.flush();
    if (this.outbox.items.some((u) => u.key === entry.key)) return this.sessionEnded ? 'signedOut' : 'offline';
    return this.outbox.refused.some((r) => r.key === entry.key) ? 'refused' : 'sent';
  }

  /** Set when the last send found the session ended (the edit waits for its author). */
  private sessionEnded = false;

  /** Send one waiting edit of the outbox (it replays through here, as its author). */
  async send(u: Unsent): Promise<EditResult> {
    const result = await this.sendNow(u.edit, u.heads, u);
    this.sessionEnded = result === 'signedOut';
    return result;
  }

  private async sendNow(edit: Edit, heads: string[], queued: Unsent | null = null): Promise<EditResult> {
    const target = targetOf(edit);
    try {
      const snapshot = await this.api.edit(this.id, edit, heads);
      // Sent: it leaves the outbox before the new reading is laid out.
      if (queued) this.outbox.items = this.outbox.items.filter((u) => u.key !== queued.key);
      this.accept(snapshot);
      this.clearError(target);
      return 'sent';
    } catch (e) {
      const err = CommandError.from(e);
      if (err.offline) {
        this.onError(err);
        return 'offline';
      }
      if (err.unauthorised) {
        // The session ended (timed out, signed out elsewhere, password reset):
        // the edit is not wrong, only unsent until its author signs in again.
        this.onError(err);
        return 'signedOut';
      }
      if (queued) {
        // Kept with what was typed, in the "not accepted" list; the screen
        // goes back to the server's version.
        await this.outbox.refuse(queued, err);
        this.outbox.items = this.outbox.items.filter((u) => u.key !== queued.key);
        this.overlay();
      }
      this.errors = { ...this.errors, [err.field ?? target]: err.message };
      if (!err.field) this.onError(err);
      return 'refused';
    }
  }

  /**
   * Record the partner's validation of this assessment (an act, not an edit
   * to replay later: it needs the server or this device now). The message of
   * a refusal is returned; null when it was recorded.
   */
  async validate(by: string, on: string, meeting: string): Promise<string | null> {
    try {
      this.accept(await this.api.validateAssessment(this.id, by, on, meeting));
      return null;
    } catch (e) {
      return CommandError.from(e).message;
    }
  }

  /** Apply the design step's choices; the message of a refusal, or null. */
  async design(design: Design): Promise<string | null> {
    try {
      this.accept(await this.api.designAssessment(this.id, design));
      return null;
    } catch (e) {
      return CommandError.from(e).message;
    }
  }

  clearError(path: string) {
    if (!(path in this.errors)) return;
    const { [path]: _, ...rest } = this.errors;
    this.errors = rest;
  }

  set(path: string, value: JsonValue): Promise<EditResult> {
    return this.apply({ op: 'set', path, value });
  }

  insert(list: string, item: { id: string } & Record<string, JsonValue>, before: string | null = null) {
    return this.apply({ op: 'insert', list, item, before });
  }

  remove(list: string, id: string) {
    return this.apply({ op: 'remove', list, id });
  }

  move(list: string, id: string, before: string | null) {
    return this.apply({ op: 'move', list, id, before });
  }
}

/** One `Doc` per document id for the whole app. */
export class DocRegistry {
  private docs = new Map<string, Doc>();

  constructor(
    private api: Api,
    private outbox: Outbox,
    private onError: (e: CommandError) => void,
    /**
     * Whose the edits made now are: the user signed in, or the one whose
     * session just ended under their typing (a field the sign-in form takes
     * away hands over what it held): it waits for them, never for nobody.
     */
    private user: () => string | null = () => null,
    /** Whether a session is open to send with (none once it ended: the edit just waits). */
    private signedIn: () => boolean = () => true,
  ) {}

  open(id: string): Doc {
    let doc = this.docs.get(id);
    if (!doc) {
      const send = () => (this.signedIn() ? this.flushOutbox(this.user()) : Promise.resolve());
      doc = new Doc(this.api, id, this.outbox, this.onError, this.user, send);
      this.docs.set(id, doc);
      doc.ready = doc.load();
    }
    return doc;
  }

  /** Read every open document again: after a sync, or when the window regains focus. */
  async refreshAll(): Promise<void> {
    await Promise.all([...this.docs.values()].map((d) => d.load()));
  }

  clear() {
    this.docs.clear();
  }

  /** One flush at a time in this tab; an edit made meanwhile waits for the next. */
  private flushing: Promise<void> = Promise.resolve();

  /** Send the waiting edits of `user` (the one signed in), never anyone else's. */
  flushOutbox(user: string | null): Promise<void> {
    const run = this.flushing.then(() =>
      this.outbox.flush(user, async (u) => {
        // Its author signed out, and someone else signed in, while the edits
        // before it travelled: it waits for its author, never sent as another.
        if (!sameUser(u.user, this.user())) return 'signedOut';
        const doc = this.open(u.doc);
        // After the first reading, so a slow reading cannot hide the edit again.
        await doc.ready;
        return doc.send(u);
      }),
    );
    this.flushing = run.catch(() => undefined);
    return run;
  }

  /** Lay the outbox over every open document again (another tab queued or sent). */
  overlayAll() {
    for (const d of this.docs.values()) d.overlay();
  }
}
