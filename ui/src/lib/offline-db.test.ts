import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Reply } from './bindings';
import { type OfflineDb, type QueuedEdit, StorageFull, openOfflineDb, storageError } from './offline-db';

let counter = 0;
const opened: OfflineDb[] = [];

/** A fresh database per test, so tests never see each other's entries. */
function freshName(): string {
  counter += 1;
  return `cd4mm-test-${counter}-${Math.random().toString(36).slice(2)}`;
}

async function open(name: string): Promise<OfflineDb> {
  const db = await openOfflineDb(name);
  if (!db) throw new Error('fake-indexeddb should be usable');
  opened.push(db);
  return db;
}

afterEach(() => {
  for (const db of opened.splice(0)) db.close();
  vi.restoreAllMocks();
});

function edit(key: string, path = 'title', value = key, user: string | null = 'alice'): QueuedEdit {
  return { key, doc: 'doc1', edit: { op: 'set', path, value }, heads: ['h1'], user, made_ms: 1000 };
}

const documents: Reply = { reply: 'documents', data: [] };
const snapshot: Reply = {
  reply: 'document',
  data: { kind: 'plan', schema: 1, workspace: 'w1', read_only: null, value: { title: 'T' }, conflicts: [], heads: ['h1'] },
};

/** Write `value` into `store` behind the module's back, as an old version or another script might. */
function writeRaw(name: string, store: string, value: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name);
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const db = req.result;
      const tx = db.transaction(store, 'readwrite');
      tx.objectStore(store).put(value);
      tx.oncomplete = () => {
        db.close();
        resolve();
      };
      tx.onabort = () => reject(tx.error);
    };
  });
}

describe('the queue', () => {
  it('keeps the order edits were queued in, across a reopen', async () => {
    const name = freshName();
    const first = await open(name);
    // Same time, keys out of alphabetical order: the order is the queue's, not theirs.
    await first.queue(edit('c'));
    await first.queue(edit('a'));
    await first.queue(edit('b'));
    first.close();
    const again = await open(name);
    expect((await again.queued()).map((q) => q.key)).toEqual(['c', 'a', 'b']);
    await again.queue(edit('d'));
    expect((await again.queued()).map((q) => q.key)).toEqual(['c', 'a', 'b', 'd']);
  });

  it('returns what was queued, field for field', async () => {
    const db = await open(freshName());
    const q: QueuedEdit = {
      key: 'k',
      doc: 'd',
      edit: { op: 'insert', list: 'risks', item: { id: 'r1' }, before: null },
      heads: ['a', 'b'],
      user: null,
      made_ms: 42,
    };
    await db.queue(q);
    expect(await db.queued()).toEqual([q]);
  });

  it('replaces an entry in its place, or queues it last when it is gone', async () => {
    const db = await open(freshName());
    await db.queue(edit('a'));
    await db.queue(edit('b', 'title', 'old'));
    await db.queue(edit('c'));
    await db.replace('b', edit('b2', 'title', 'new'));
    const queued = await db.queued();
    expect(queued.map((q) => q.key)).toEqual(['a', 'b2', 'c']);
    expect(queued[1].edit).toEqual({ op: 'set', path: 'title', value: 'new' });
    await db.replace('gone', edit('e'));
    expect((await db.queued()).map((q) => q.key)).toEqual(['a', 'b2', 'c', 'e']);
  });

  it('unqueues by key, and ignores an unknown key', async () => {
    const db = await open(freshName());
    await db.queue(edit('a'));
    await db.queue(edit('b'));
    await db.unqueue('a');
    await db.unqueue('never');
    expect((await db.queued()).map((q) => q.key)).toEqual(['b']);
  });

  it('refuses to queue the same key twice', async () => {
    const db = await open(freshName());
    await db.queue(edit('a'));
    await expect(db.queue(edit('a'))).rejects.toBeTruthy();
    expect((await db.queued()).map((q) => q.key)).toEqual(['a']);
  });

  it('skips malformed entries read back', async () => {
    const name = freshName();
    const db = await open(name);
    await db.queue(edit('good'));
    const bad = [
      { key: 1, doc: 'd', edit: { op: 'set', path: 'a', value: 1 }, heads: [], user: null, made_ms: 1 },
      { key: 'k1', doc: 'd', edit: { op: 'drop', path: 'a' }, heads: [], user: null, made_ms: 1 },
      { key: 'k2', doc: 'd', edit: { op: 'set', path: 'a', value: 1 }, heads: [7], user: null, made_ms: 1 },
      { key: 'k3', doc: 'd', edit: { op: 'set', path: 'a', value: 1 }, heads: [], user: 5, made_ms: 1 },
      { key: 'k4', doc: 'd', edit: { op: 'insert', list: 'l', item: 'x' }, heads: [], user: null, made_ms: 1 },
      { key: 'k5', doc: 'd', edit: { op: 'set', path: 'a', value: 1 }, heads: [], user: null, made_ms: 'now' },
      { key: 'k6', doc: 'd', edit: null, heads: [], user: null, made_ms: 1 },
    ];
    for (const row of bad) await writeRaw(name, 'queue', row);
    await db.queue(edit('also good'));
    expect((await db.queued()).map((q) => q.key)).toEqual(['good', 'also good']);
  });

  it('is durable only once the transaction completes', async () => {
    const db = await open(freshName());
    let completed = false;
    const done = db.queue(edit('a')).then(() => (completed = true));
    expect(completed).toBe(false);
    await done;
    expect(completed).toBe(true);
  });
});

describe('storage full', () => {
  it('maps QuotaExceededError to StorageFull and leaves other errors alone', () => {
    const quota = new DOMException('full', 'QuotaExceededError');
    const mapped = storageError(quota);
    expect(mapped).toBeInstanceOf(StorageFull);
    expect((mapped as StorageFull).cause).toBe(quota);
    const other = new DOMException('bad key', 'DataError');
    expect(storageError(other)).toBe(other);
    expect(storageError(null)).toBeNull();
  });

  it('rejects queue() with StorageFull when the browser refuses to write', async () => {
    const db = await open(freshName());
    vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    await expect(db.queue(edit('a'))).rejects.toBeInstanceOf(StorageFull);
    vi.restoreAllMocks();
    expect(await db.queued()).toEqual([]);
  });
});

describe('refused edits', () => {
  it('moves an edit off the queue into the refused list, per user', async () => {
    const db = await open(freshName());
    await db.queue(edit('a', 'title', 'x', 'Alice'));
    await db.queue(edit('b', 'title', 'y', 'bob'));
    await db.refuse(edit('a', 'title', 'x', 'Alice'), { code: 'invalid', message: 'too long' }, 5000);
    await db.refuse(edit('b', 'title', 'y', 'bob'), { code: 'forbidden', message: 'not yours' }, 6000);
    expect(await db.queued()).toEqual([]);
    const alices = await db.refused('alice');
    expect(alices).toEqual([{ ...edit('a', 'title', 'x', 'Alice'), code: 'invalid', message: 'too long', refused_ms: 5000 }]);
    expect((await db.refused('BOB')).map((r) => r.key)).toEqual(['b']);
    expect(await db.refused(null)).toEqual([]);
  });

  it('keeps one entry per key when refused again, and drops it on request', async () => {
    const db = await open(freshName());
    await db.refuse(edit('a'), { code: 'c1', message: 'm1' }, 1);
    await db.refuse(edit('b'), { code: 'c', message: 'm' }, 2);
    await db.refuse(edit('a'), { code: 'c2', message: 'm2' }, 3);
    const refused = await db.refused('alice');
    expect(refused.map((r) => [r.key, r.code])).toEqual([
      ['a', 'c2'],
      ['b', 'c'],
    ]);
    await db.dropRefused('a');
    expect((await db.refused('alice')).map((r) => r.key)).toEqual(['b']);
  });

  it('skips malformed refused entries', async () => {
    const name = freshName();
    const db = await open(name);
    await writeRaw(name, 'refused', { ...edit('x'), code: 3, message: 'm', refused_ms: 1 });
    await writeRaw(name, 'refused', { ...edit('y'), code: 'c', message: 'm' });
    await db.refuse(edit('z'), { code: 'c', message: 'm' }, 1);
    expect((await db.refused('alice')).map((r) => r.key)).toEqual(['z']);
  });
});

describe('kept answers', () => {
  it('gives back what was kept for the same user, names compared without case', async () => {
    const db = await open(freshName());
    await db.keep('Alice', '{"command":"workspaces"}', documents, 100);
    expect(await db.kept('alice', '{"command":"workspaces"}')).toEqual({ reply: documents, read_ms: 100 });
    expect(await db.kept('alice', 'other')).toBeNull();
    await db.keep('ALICE', '{"command":"workspaces"}', snapshot, 200);
    expect(await db.kept('Alice', '{"command":"workspaces"}')).toEqual({ reply: snapshot, read_ms: 200 });
  });

  it("never gives one user's answers to another", async () => {
    const db = await open(freshName());
    await db.keep('bob', 'k', snapshot, 1);
    expect(await db.kept('alice', 'k')).toBeNull();
    expect(await db.kept('', 'k')).toBeNull();
    await db.keep('alice', 'k', documents, 2);
    expect((await db.kept('bob', 'k'))?.reply).toEqual(snapshot);
    expect((await db.kept('alice', 'k'))?.reply).toEqual(documents);
  });

  it('forgets the reads of one user only, and never the queue', async () => {
    const db = await open(freshName());
    await db.queue(edit('a'));
    await db.keep('alice', 'k1', documents, 1);
    await db.keep('alice', 'k2', snapshot, 1);
    await db.keep('bob', 'k1', documents, 1);
    await db.keep('alicia', 'k1', documents, 1);
    await db.forgetReads('ALICE');
    expect(await db.kept('alice', 'k1')).toBeNull();
    expect(await db.kept('alice', 'k2')).toBeNull();
    expect(await db.kept('bob', 'k1')).not.toBeNull();
    expect(await db.kept('alicia', 'k1')).not.toBeNull();
    expect((await db.queued()).map((q) => q.key)).toEqual(['a']);
  });

  it('treats corrupt or old answers as absent', async () => {
    const name = freshName();
    const db = await open(name);
    const rows = [
      { user: 'alice', key: 'no-format', reply: documents, read_ms: 1 },
      { user: 'alice', key: 'old-format', reply: documents, read_ms: 1, format: 0 },
      { user: 'alice', key: 'unknown', reply: { reply: 'gossip', data: [] }, read_ms: 1, format: 1 },
      { user: 'alice', key: 'wrong-data', reply: { reply: 'documents', data: {} }, read_ms: 1, format: 1 },
      { user: 'alice', key: 'bad-doc', reply: { reply: 'document', data: { value: 1 } }, read_ms: 1, format: 1 },
      {
        user: 'alice',
        key: 'doc-without-heads',
        reply: { reply: 'document', data: { kind: 'plan', workspace: 'w', value: {}, conflicts: [] } },
        read_ms: 1,
        format: 1,
      },
      { user: 'alice', key: 'no-time', reply: documents, format: 1 },
      { user: 'alice', key: 'string', reply: 'documents', read_ms: 1, format: 1 },
    ];
    for (const row of rows) await writeRaw(name, 'reads', row);
    for (const row of rows) expect(await db.kept('alice', row.key)).toBeNull();
  });
});

describe('opening', () => {
  it('is null without IndexedDB', async () => {
    vi.stubGlobal('indexedDB', undefined);
    try {
      expect(await openOfflineDb(freshName())).toBeNull();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('is null when the database is newer than this code', async () => {
    const name = freshName();
    await new Promise<void>((resolve, reject) => {
      const req = indexedDB.open(name, 99);
      req.onsuccess = () => {
        req.result.close();
        resolve();
      };
      req.onerror = () => reject(req.error);
    });
    expect(await openOfflineDb(name)).toBeNull();
  });

  it('lets a newer version in another tab upgrade', async () => {
    const name = freshName();
    const db = await open(name);
    await db.queue(edit('a'));
    const upgraded = await new Promise<number>((resolve, reject) => {
      const req = indexedDB.open(name, 2);
      req.onblocked = () => reject(new Error('blocked: the old connection stayed open'));
      req.onsuccess = () => {
        const version = req.result.version;
        req.result.close();
        resolve(version);
      };
      req.onerror = () => reject(req.error);
    });
    expect(upgraded).toBe(2);
    // This tab's connection is closed: its operations fail rather than hang.
    await expect(db.queued()).rejects.toBeTruthy();
  });
});
