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
import type { Outbox, SendResult } from './outbox.svelte';

/**
 * What became of an edit: on the server; waiting in the outbox for the
 * network (`offline`) or for its author to sign in again (`signedOut`); or
 * refused for good (its error shown at the field).
 */
export type EditResult = SendResult;

export class Doc {
  snapshot = $state.raw<Snapshot | null>(null);
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
    /** Who is signed in: the author of the edits made now. */
    private user: () => string | null = () => null,
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

  private accept(snapshot: Snapshot) {
    this.snapshot = snapshot;
    this.version += 1;
    if (snapshot.conflicts.length > 0) void this.loadAuthors();
  }

  async load(): Promise<void> {
    try {
      this.accept(await this.api.read(this.id));
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

  /** Edits of this document go out one after another, in the order they were made. */
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * Send one edit; when the network fails, or the session ended, it waits in
   * the outbox as an edit of whoever made it, to be sent as them only.
   */
  apply(edit: Edit): Promise<EditResult> {
    // The author is who is signed in now: a session that ends while earlier
    // edits travel must not leave this one without its author.
    const author = this.user();
    const result = this.queue.then(async () => {
      const r = await this.send(edit);
      if (r === 'offline' || r === 'signedOut') this.outbox.add(this.id, edit, author);
      return r;
    });
    this.queue = result;
    return result;
  }

  /** Send one edit without queuing it (the outbox replays through here). */
  async send(edit: Edit): Promise<EditResult> {
    const target = edit.op === 'set' ? edit.path : edit.list;
    try {
      this.accept(await this.api.edit(this.id, edit));
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
    private user: () => string | null = () => null,
  ) {}

  open(id: string): Doc {
    let doc = this.docs.get(id);
    if (!doc) {
      doc = new Doc(this.api, id, this.outbox, this.onError, this.user);
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

  /** Send the waiting edits of `user` (the one signed in), never anyone else's. */
  async flushOutbox(user: string | null): Promise<void> {
    await this.outbox.flush(user, async (u) => {
      const doc = this.open(u.doc);
      // After the first reading, so a slow reading cannot hide the edit again.
      await doc.ready;
      return doc.send(u.edit);
    });
  }
}
