/**
 * The browser's own store, in IndexedDB: edits waiting to be sent, edits the
 * server refused (kept with what the person typed), and the last answers to
 * read commands, so the app opens and shows documents without a network.
 * Unlike session storage, it survives closing the tab and restarting the phone.
 *
 * What is read back is checked before use: another version of the app, or a
 * script on the same origin, may have written anything there. An entry that
 * does not fit is skipped, as if absent.
 */
import type { Edit, Reply } from './bindings';

export interface QueuedEdit {
  key: string;
  doc: string;
  edit: Edit;
  heads: string[];
  user: string | null;
  made_ms: number;
}

export interface KeptReply {
  reply: Reply;
  read_ms: number;
}

export type RefusedEdit = QueuedEdit & { code: string; message: string; refused_ms: number };

/** The browser refused to store more: the person should free space or go online. */
export class StorageFull extends Error {
  constructor(cause?: unknown) {
    super('This device has no room left to keep edits made offline.', { cause });
    this.name = 'StorageFull';
  }
}

export interface OfflineDb {
  /** All queued edits, in the order they were queued. */
  queued(): Promise<QueuedEdit[]>;
  /** Durable when the promise resolves. Throws StorageFull when the browser's quota is reached. */
  queue(edit: QueuedEdit): Promise<void>;
  /**
   * Replace an entry in place (same position in the queue): a newer value of
   * a field replaces the older one still waiting. When `oldKey` is gone (sent
   * meanwhile), `edit` is queued at the end.
   */
  replace(oldKey: string, edit: QueuedEdit): Promise<void>;
  unqueue(key: string): Promise<void>;
  /**
   * Keep an edit the server refused, with the reason, and take it off the
   * queue in the same transaction: it is never in both lists, nor in neither.
   */
  refuse(edit: QueuedEdit, reason: { code: string; message: string }, refused_ms?: number): Promise<void>;
  /** The refused edits of `user`, in the order they were refused. */
  refused(user: string | null): Promise<RefusedEdit[]>;
  dropRefused(key: string): Promise<void>;
  /** Keep the answer to a read command by `user`; `key` is built by the caller (the command's JSON). */
  keep(user: string, key: string, reply: Reply, read_ms: number): Promise<void>;
  kept(user: string, key: string): Promise<KeptReply | null>;
  /** Forget everything kept for reading by `user` (sign-out on a shared phone); never the queued edits. */
  forgetReads(user: string): Promise<void>;
  close(): void;
}

const QUEUE = 'queue';
const REFUSED = 'refused';
const READS = 'reads';

/**
 * Schema steps: `UPGRADES[n]` takes the database from version `n` to `n + 1`
 * (as the documents' own upgrades do in the core). Add a step, never edit one.
 */
const UPGRADES: Array<(db: IDBDatabase) => void> = [
  (db) => {
    // `seq` orders the queue and survives a reopen; `key` finds an entry.
    db.createObjectStore(QUEUE, { keyPath: 'seq', autoIncrement: true }).createIndex('key', 'key', { unique: true });
    db.createObjectStore(REFUSED, { keyPath: 'seq', autoIncrement: true }).createIndex('key', 'key', {
      unique: true,
    });
    // One user's answers are never found under another's name.
    db.createObjectStore(READS, { keyPath: ['user', 'key'] });
  },
];
const VERSION = UPGRADES.length;

/**
 * How kept answers are written. Raise it when `Reply` changes shape, so that
 * answers kept by an older version are read as absent, and fetched again.
 */
const READ_FORMAT = 1;

/**
 * How long to wait for older tabs to let go of the database before working
 * online only; tabs running this code close at once (see `onversionchange`).
 */
const BLOCKED_WAIT_MS = 5000;

/** Null when this browser has no usable IndexedDB (some private modes): the app then works online only. */
export async function openOfflineDb(name = 'cd4mm'): Promise<OfflineDb | null> {
  const db = await connect(name);
  return db ? new Store(db) : null;
}

function connect(name: string): Promise<IDBDatabase | null> {
  return new Promise((resolve) => {
    let open: IDBOpenDBRequest;
    try {
      if (typeof indexedDB === 'undefined') return resolve(null);
      open = indexedDB.open(name, VERSION);
    } catch {
      return resolve(null);
    }
    let gaveUp = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    open.onupgradeneeded = (event) => {
      for (let v = event.oldVersion; v < VERSION; v++) UPGRADES[v](open.result);
    };
    open.onblocked = () => {
      timer = setTimeout(() => {
        gaveUp = true;
        resolve(null);
      }, BLOCKED_WAIT_MS);
    };
    open.onsuccess = () => {
      clearTimeout(timer);
      const db = open.result;
      if (gaveUp) return db.close();
      // A newer version opened in another tab: let it upgrade. This tab's
      // operations fail from then on, until it is reloaded with the new code.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    // Private modes, a newer database than this code (VersionError), disk errors.
    open.onerror = () => {
      clearTimeout(timer);
      resolve(null);
    };
  });
}

class Store implements OfflineDb {
  constructor(private db: IDBDatabase) {}

  close() {
    this.db.close();
  }

  async queued(): Promise<QueuedEdit[]> {
    const rows = await transact(this.db, [QUEUE], 'readonly', (tx) => request(tx.objectStore(QUEUE).getAll()));
    return rows.map(asQueuedEdit).filter((q): q is QueuedEdit => q !== null);
  }

  queue(edit: QueuedEdit): Promise<void> {
    return transact(this.db, [QUEUE], 'readwrite', async (tx) => {
      await request(tx.objectStore(QUEUE).add(queuedRecord(edit)));
    });
  }

  replace(oldKey: string, edit: QueuedEdit): Promise<void> {
    return transact(this.db, [QUEUE], 'readwrite', async (tx) => {
      const store = tx.objectStore(QUEUE);
      const seq = await request(store.index('key').getKey(oldKey));
      const record = queuedRecord(edit);
      await request(seq === undefined ? store.add(record) : store.put({ ...record, seq }));
    });
  }

  unqueue(key: string): Promise<void> {
    return transact(this.db, [QUEUE], 'readwrite', (tx) => deleteByKey(tx.objectStore(QUEUE), key));
  }

  refuse(edit: QueuedEdit, reason: { code: string; message: string }, refused_ms = Date.now()): Promise<void> {
    return transact(this.db, [QUEUE, REFUSED], 'readwrite', async (tx) => {
      await deleteByKey(tx.objectStore(QUEUE), edit.key);
      const store = tx.objectStore(REFUSED);
      const seq = await request(store.index('key').getKey(edit.key));
      const record = { ...queuedRecord(edit), code: reason.code, message: reason.message, refused_ms };
      await request(seq === undefined ? store.add(record) : store.put({ ...record, seq }));
    });
  }

  async refused(user: string | null): Promise<RefusedEdit[]> {
    const rows = await transact(this.db, [REFUSED], 'readonly', (tx) => request(tx.objectStore(REFUSED).getAll()));
    return rows
      .map(asRefusedEdit)
      .filter((r): r is RefusedEdit => r !== null && sameUser(r.user, user));
  }

  dropRefused(key: string): Promise<void> {
    return transact(this.db, [REFUSED], 'readwrite', (tx) => deleteByKey(tx.objectStore(REFUSED), key));
  }

  keep(user: string, key: string, reply: Reply, read_ms: number): Promise<void> {
    const record = { user: userKey(user), key, reply, read_ms, format: READ_FORMAT };
    return transact(this.db, [READS], 'readwrite', async (tx) => {
      await request(tx.objectStore(READS).put(record));
    });
  }

  async kept(user: string, key: string): Promise<KeptReply | null> {
    const id = [userKey(user), key];
    const row = await transact(this.db, [READS], 'readonly', (tx) => request(tx.objectStore(READS).get(id)));
    return asKeptReply(row, id[0], key);
  }

  forgetReads(user: string): Promise<void> {
    const name = userKey(user);
    // Every [name, key] with a string key: strings sort before arrays.
    const all = IDBKeyRange.bound([name, ''], [name, []]);
    return transact(this.db, [READS], 'readwrite', async (tx) => {
      await request(tx.objectStore(READS).delete(all));
    });
  }
}

/** User names are unique without case (the server compares them so). */
function userKey(user: string | null): string {
  return (user ?? '').toLowerCase();
}

function sameUser(a: string | null, b: string | null): boolean {
  return userKey(a) === userKey(b);
}

/** Only the known fields are written: nothing else the caller's object carries. */
function queuedRecord(q: QueuedEdit): QueuedEdit {
  return { key: q.key, doc: q.doc, edit: q.edit, heads: q.heads, user: q.user, made_ms: q.made_ms };
}

async function deleteByKey(store: IDBObjectStore, key: string): Promise<void> {
  const seq = await request(store.index('key').getKey(key));
  if (seq !== undefined) await request(store.delete(seq));
}

// --- Checking what is read back ---------------------------------------------

type Fields = Record<string, unknown>;

function isFields(v: unknown): v is Fields {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isString(v: unknown): v is string {
  return typeof v === 'string';
}

function isTime(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function isBefore(v: unknown): boolean {
  return v === undefined || v === null || isString(v);
}

function isEdit(v: unknown): v is Edit {
  if (!isFields(v)) return false;
  switch (v.op) {
    case 'set':
      return isString(v.path) && v.value !== undefined;
    case 'insert':
      return isString(v.list) && isFields(v.item) && isBefore(v.before);
    case 'remove':
      return isString(v.list) && isString(v.id);
    case 'move':
      return isString(v.list) && isString(v.id) && isBefore(v.before);
    default:
      return false;
  }
}

function asQueuedEdit(row: unknown): QueuedEdit | null {
  if (!isFields(row)) return null;
  const { key, doc, edit, heads, user, made_ms } = row;
  if (!isString(key) || !isString(doc) || !isEdit(edit) || !isTime(made_ms)) return null;
  if (!Array.isArray(heads) || !heads.every(isString)) return null;
  if (user !== null && !isString(user)) return null;
  return { key, doc, edit, heads, user, made_ms };
}

function asRefusedEdit(row: unknown): RefusedEdit | null {
  const queued = asQueuedEdit(row);
  if (!queued || !isFields(row)) return null;
  const { code, message, refused_ms } = row;
  if (!isString(code) || !isString(message) || !isTime(refused_ms)) return null;
  return { ...queued, code, message, refused_ms };
}

/**
 * What the data of each reply is. Typed over every `Reply` variant, so a new
 * one in the bindings fails the build until it is listed here.
 */
const REPLY_DATA: Record<Reply['reply'], 'list' | 'fields'> = {
  documents: 'list',
  document: 'fields',
  created: 'fields',
  search_hits: 'list',
  templates: 'list',
  assessment: 'fields',
  plan: 'fields',
  monitoring: 'fields',
  ranked_areas: 'list',
  phases: 'fields',
  workspaces: 'list',
  history: 'list',
  not_accepted: 'list',
};

function isReply(v: unknown): v is Reply {
  if (!isFields(v) || !isString(v.reply) || !Object.hasOwn(REPLY_DATA, v.reply)) return false;
  const shape = REPLY_DATA[v.reply as Reply['reply']];
  if (shape === 'list') return Array.isArray(v.data);
  if (!isFields(v.data)) return false;
  // The one the app reads offline most, and edits are made on: check the
  // snapshot itself, with the heads an edit made on it names.
  if (v.reply === 'document') {
    const s = v.data;
    const heads = Array.isArray(s.heads) && s.heads.every(isString);
    return isString(s.kind) && isString(s.workspace) && Array.isArray(s.conflicts) && s.value !== undefined && heads;
  }
  return true;
}

function asKeptReply(row: unknown, user: string, key: string): KeptReply | null {
  if (!isFields(row) || row.format !== READ_FORMAT) return null;
  // Stored under this user and key, but say so too: never another's answer.
  if (row.user !== user || row.key !== key) return null;
  if (!isReply(row.reply) || !isTime(row.read_ms)) return null;
  return { reply: row.reply, read_ms: row.read_ms };
}

// --- Promises over IndexedDB ------------------------------------------------

/** `QuotaExceededError` as the app's own error; anything else unchanged. */
export function storageError(error: unknown): unknown {
  const quota = typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'QuotaExceededError';
  return quota ? new StorageFull(error) : error;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/**
 * Run `body` in one transaction, settling once the transaction has
 * completed, not when its last request succeeded: only then is a write on
 * disk ('strict' durability, where the browser supports it).
 */
function transact<T>(
  db: IDBDatabase,
  stores: string[],
  mode: IDBTransactionMode,
  body: (tx: IDBTransaction) => Promise<T>,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let tx: IDBTransaction;
    try {
      tx = mode === 'readwrite' ? db.transaction(stores, mode, { durability: 'strict' }) : db.transaction(stores, mode);
    } catch (e) {
      return reject(storageError(e));
    }
    let result: T;
    let failure: unknown;
    tx.oncomplete = () => resolve(result);
    tx.onabort = () => reject(storageError(failure ?? tx.error ?? new DOMException('Transaction aborted', 'AbortError')));
    let running: Promise<T>;
    try {
      running = body(tx);
    } catch (e) {
      running = Promise.reject(e);
    }
    running.then(
      (r) => {
        result = r;
      },
      (e) => {
        failure = e;
        try {
          tx.abort();
        } catch {
          // Already finished or aborting: `onabort` reports it.
        }
      },
    );
  });
}
