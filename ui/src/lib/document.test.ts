import { describe, expect, it } from 'vitest';
import type { Api } from './api';
import type { Edit, Snapshot } from './bindings';
import { DocRegistry } from './document.svelte';
import { CommandError } from './errors';
import { Outbox } from './outbox.svelte';

/** An API whose answers the test decides: the server's value, and whether the session still holds. */
function fakeApi() {
  const state = {
    value: { objective: 'on the server', risks: [] } as Record<string, unknown>,
    signedIn: true,
    online: true,
    edits: [] as Edit[],
    madeOn: [] as string[][],
    /** Edits asked of the server, taken or not. */
    asked: 0,
  };
  const snapshot = (): Snapshot =>
    ({ value: structuredClone(state.value), conflicts: [], read_only: null, heads: [`h${state.edits.length}`] }) as unknown as Snapshot;
  const check = () => {
    if (!state.online) throw new CommandError('offline', 'cannot reach the server');
    if (!state.signedIn) throw new CommandError('unauthorised', 'the device token is not valid');
  };
  const api = {
    transport: { localStore: false },
    async readKept() {
      check();
      return { snapshot: snapshot(), asOf: null };
    },
    async edit(_doc: string, edit: Edit, madeOn: string[]) {
      state.asked += 1;
      check();
      state.edits.push(edit);
      state.madeOn.push(madeOn);
      if (edit.op === 'set') state.value[edit.path] = edit.value;
      if (edit.op === 'insert') (state.value[edit.list] as unknown[]).push(edit.item);
      return snapshot();
    },
    async history() {
      return [];
    },
  };
  return { api: api as unknown as Api, state };
}

describe('an edit made offline in a browser', () => {
  it('shows at once, marked waiting, and goes out with the version it was made on', async () => {
    const { api, state } = fakeApi();
    const outbox = new Outbox();
    const docs = new DocRegistry(api, outbox, () => {}, () => 'officer');
    const doc = docs.open('plan');
    await doc.ready;
    state.online = false;
    expect(await doc.insert('risks', { id: 'r1', description: 'Staff turnover' })).toBe('offline');
    expect(await doc.set('objective', 'typed offline')).toBe('offline');
    expect(doc.get('risks')).toEqual([{ id: 'r1', description: 'Staff turnover' }]);
    expect(doc.get('objective')).toBe('typed offline');
    expect(doc.isWaiting('r1') && doc.isWaiting('objective')).toBe(true);

    state.online = true;
    await docs.flushOutbox('officer');
    expect(state.madeOn).toEqual([['h0'], ['h0']]);
    expect(outbox.items).toEqual([]);
    expect(doc.isWaiting('r1')).toBe(false);
    expect(doc.get('objective')).toBe('typed offline');
  });
});

describe('an edit made as the session ends', () => {
  it('is kept as its author’s, brings the sign-in back, and goes out as them afterwards', async () => {
    const { api, state } = fakeApi();
    const outbox = new Outbox();
    const errors: CommandError[] = [];
    let user: string | null = 'officer';
    const docs = new DocRegistry(api, outbox, (e) => {
      errors.push(e);
      if (e.unauthorised) user = null;
    }, () => user);
    const doc = docs.open('plan');
    await doc.ready;
    expect(doc.get('objective')).toBe('on the server');

    // Signed out elsewhere, then the person types.
    state.signedIn = false;
    const first = doc.set('objective', 'typed after the session ended');
    const second = doc.set('title', 'and more');
    expect(await first).toBe('signedOut');
    expect(await second).toBe('signedOut');
    // The first send learns the session ended; the second is not tried as nobody.
    expect(errors.map((e) => e.code)).toEqual(['unauthorised']);
    // Not an error of the field: nothing was wrong with what was typed.
    expect(doc.errors).toEqual({});
    expect(outbox.items.map((u) => [u.user, u.edit.op === 'set' && u.edit.path])).toEqual([
      ['officer', 'objective'],
      ['officer', 'title'],
    ]);

    // Someone else signs in: none of it is sent as them.
    state.signedIn = true;
    user = 'counterpart';
    docs.clear();
    await docs.flushOutbox('counterpart');
    expect(state.edits).toEqual([]);
    expect(outbox.items).toHaveLength(2);

    // The author signs in again: both go out, in order.
    user = 'officer';
    docs.clear();
    await docs.flushOutbox('officer');
    expect(state.edits.map((e) => e.op === 'set' && e.path)).toEqual(['objective', 'title']);
    expect(outbox.items).toEqual([]);
    expect(docs.open('plan').get('objective')).toBe('typed after the session ended');
  });

  it('handed over after the app learned the session ended is its author’s, and waits without being sent', async () => {
    const { api, state } = fakeApi();
    const outbox = new Outbox();
    // As the app does: the author of an edit is whoever is signed in, or the
    // one whose session just ended (see `App.report`).
    let session: string | null = 'officer';
    let endedFor: string | null = null;
    const docs = new DocRegistry(
      api,
      outbox,
      (e) => {
        if (e.unauthorised && session) [endedFor, session] = [session, null];
      },
      () => session ?? endedFor,
      () => session !== null,
    );
    const doc = docs.open('plan');
    await doc.ready;

    // The app learns on its own that the session ended (a reading fails)...
    state.signedIn = false;
    await docs.open('other').ready;
    expect([session, endedFor]).toEqual([null, 'officer']);
    // ...and the field it takes away hands over what was typed in its last second.
    await doc.set('objective', 'typed in the last second');
    expect(outbox.items.map((u) => u.user)).toEqual(['officer']);
    expect(state.asked, 'nothing is sent without a session').toBe(0);

    // The author signs in again: it goes out as them.
    state.signedIn = true;
    [session, endedFor] = ['officer', null];
    docs.clear();
    await docs.flushOutbox('officer');
    expect(state.edits.map((e) => e.op === 'set' && e.value)).toEqual(['typed in the last second']);
    expect(outbox.items).toEqual([]);
  });

  it('waiting behind one in flight is not sent when its author signs out and another signs in meanwhile', async () => {
    const { api, state } = fakeApi();
    const outbox = new Outbox();
    let user: string | null = 'officer';
    const docs = new DocRegistry(api, outbox, () => {}, () => user);
    const doc = docs.open('plan');
    await doc.ready;
    state.online = false;
    await doc.set('objective', 'first');
    await doc.set('title', 'second');
    state.online = true;
    // The first edit's answer is slow to come (a phone's link)...
    let answer!: () => void;
    const edit = api.edit.bind(api);
    api.edit = async (...args: Parameters<Api['edit']>) => {
      await new Promise<void>((resolve) => (answer = resolve));
      api.edit = edit;
      return edit(...args);
    };
    const flushing = docs.flushOutbox('officer');
    await new Promise((r) => setTimeout(r, 0));
    // ...and meanwhile the officer signs out and the counterpart signs in.
    user = 'counterpart';
    answer();
    await flushing;
    expect(state.edits.map((e) => e.op === 'set' && e.value)).toEqual(['first']);
    expect(outbox.items.map((u) => [u.user, u.edit.op === 'set' && u.edit.value])).toEqual([['officer', 'second']]);
  });

  it('that fails to load for an ended session says so for the whole screen', async () => {
    const { api, state } = fakeApi();
    state.signedIn = false;
    const errors: CommandError[] = [];
    const docs = new DocRegistry(api, new Outbox(), (e) => errors.push(e), () => 'officer');
    await docs.open('plan').ready;
    expect(errors.map((e) => e.code)).toEqual(['unauthorised']);
  });
});
