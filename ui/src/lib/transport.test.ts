import { describe, expect, it } from 'vitest';
import type { SyncStatus } from './bindings';
import { CommandError } from './errors';
import { HttpTransport } from './transport';

class MemoryStorage {
  private items = new Map<string, string>();
  getItem(k: string) {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.items.set(k, v);
  }
  removeItem(k: string) {
    this.items.delete(k);
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

describe('the HTTP transport', () => {
  it('signs in, keeps the token for the session and sends it with commands', async () => {
    const seen: RequestInit[] = [];
    const fetcher = (async (url: string, init: RequestInit) => {
      seen.push(init);
      if (url.endsWith('/api/login')) return json(200, { device_id: 'd', token: 'd.secret', username: 'officer', admin: false });
      return json(200, { reply: 'workspaces', data: [] });
    }) as typeof fetch;
    const t = new HttpTransport('http://server', new MemoryStorage() as unknown as Storage, fetcher);
    const session = await t.signIn(null, 'officer', 'pw');
    expect(session.username).toBe('officer');
    expect(await t.resume()).toMatchObject({ username: 'officer' });
    await t.call({ command: 'workspaces' });
    expect((seen[1].headers as Record<string, string>).authorization).toBe('Bearer d.secret');
  });

  it('reads the regional API with the token, and reports its refusals', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const fetcher = (async (url: string, init: RequestInit) => {
      seen.push({ url, init });
      if (url.endsWith('/api/login')) return json(200, { token: 'd.secret', username: 'officer', admin: false });
      if (url.includes('workspace=elsewhere')) return json(403, { code: 'not_a_member', message: 'not a member' });
      return json(200, { engagements: [] });
    }) as typeof fetch;
    const t = new HttpTransport('', new MemoryStorage() as unknown as Storage, fetcher);
    await t.signIn(null, 'officer', 'pw');
    expect(await t.dashboard('?country=Ghana')).toEqual({ engagements: [] });
    expect(seen[1].url).toBe('/api/dashboard?country=Ghana');
    expect(seen[1].init.method).toBe('GET');
    expect((seen[1].init.headers as Record<string, string>).authorization).toBe('Bearer d.secret');
    const e = await t.saveExport('/api/export/plans.csv?workspace=elsewhere', 'x.csv').catch((x) => x);
    expect(e).toMatchObject({ code: 'not_a_member' });
  });

  it('keeps the session’s device id and calls the account API with the token', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const fetcher = (async (url: string, init: RequestInit) => {
      seen.push({ url, init });
      if (url.endsWith('/api/login')) {
        return json(200, { device_id: 'd1', token: 'd1.secret', username: 'admin', admin: true });
      }
      if (url.endsWith('/api/admin/action')) return json(400, { code: 'bad_user', message: 'too short', field: null });
      return json(200, []);
    }) as typeof fetch;
    const storage = new MemoryStorage() as unknown as Storage;
    const t = new HttpTransport('', storage, fetcher);
    expect(await t.signIn(null, 'admin', 'pw')).toMatchObject({ admin: true, device: 'd1' });
    expect(await new HttpTransport('', storage, fetcher).resume()).toMatchObject({ device: 'd1' });
    expect(await t.account('/api/devices')).toEqual([]);
    expect(seen[1]).toMatchObject({ url: '/api/devices', init: { method: 'GET' } });
    const refused = await t.account('/api/admin/action', { type: 'reset_password', username: 'x', password: 'y' }).catch((e) => e);
    expect(refused).toMatchObject({ code: 'bad_user', message: 'too short' });
    expect(seen[2].init.method).toBe('POST');
    expect(JSON.parse(seen[2].init.body as string)).toMatchObject({ type: 'reset_password' });
    expect((seen[2].init.headers as Record<string, string>).authorization).toBe('Bearer d1.secret');
  });

  it('turns a refused command into an error naming its field', async () => {
    const fetcher = (async () =>
      json(400, { code: 'invalid', message: '-5 is negative', field: 'outcomes/o/budget' })) as unknown as typeof fetch;
    const t = new HttpTransport('', new MemoryStorage() as unknown as Storage, fetcher);
    const e = await t.call({ command: 'templates' }).catch((x) => x);
    expect(e).toBeInstanceOf(CommandError);
    expect(e).toMatchObject({ code: 'invalid', field: 'outcomes/o/budget' });
    expect(e.offline).toBe(false);
  });

  it('says "offline" when the server cannot be reached, and the status bar hears it', async () => {
    const fetcher = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    const t = new HttpTransport('', new MemoryStorage() as unknown as Storage, fetcher);
    const states: SyncStatus['state'][] = [];
    t.onSyncStatus((s) => states.push(s.state));
    const e = await t.call({ command: 'templates' }).catch((x) => x);
    expect(e.offline).toBe(true);
    expect(states.at(-1)).toBe('offline');
    t.setUnsent(2);
    expect(states.at(-1)).toBe('offline');
  });

  it('forgets an expired session', async () => {
    const storage = new MemoryStorage();
    storage.setItem('cd4mm.session', JSON.stringify({ token: 'x', username: 'u', admin: false }));
    const fetcher = (async () => json(401, { code: 'unauthorised', message: 'token revoked' })) as unknown as typeof fetch;
    const t = new HttpTransport('', storage as unknown as Storage, fetcher);
    await expect(t.call({ command: 'templates' })).rejects.toMatchObject({ code: 'unauthorised' });
    expect(await t.resume()).toBeNull();
  });

  describe('shared by two tabs of one browser', () => {
    /** A server that signs anyone in with password "pw", tells who each token is, and ends tokens on demand. */
    function server(storage: MemoryStorage) {
      const sent: { url: string; token: string | null }[] = [];
      const ended = new Set<string>();
      const fetcher = (async (url: string, init: RequestInit) => {
        const auth = (init.headers as Record<string, string> | undefined)?.authorization ?? null;
        const token = auth?.replace('Bearer ', '') ?? null;
        sent.push({ url, token });
        if (url.endsWith('/api/login')) {
          const { username, password } = JSON.parse(init.body as string) as { username: string; password: string };
          if (password !== 'pw') return json(401, { code: 'unauthorised', message: 'wrong user name or password' });
          return json(200, { device_id: username, token: `${username}.secret`, username, admin: false });
        }
        if (!token || ended.has(token)) return json(401, { code: 'unauthorised', message: 'token revoked' });
        return json(200, { reply: 'workspaces', data: [] });
      }) as typeof fetch;
      const tab = () => new HttpTransport('', storage as unknown as Storage, fetcher);
      return { sent, ended, tab };
    }

    it('sends nothing more from a page once another tab signed in as someone else: its session ended', async () => {
      const storage = new MemoryStorage();
      const { sent, tab } = server(storage);
      const a = tab();
      const b = tab();
      await a.signIn(null, 'officer', 'pw');
      await b.signOut();
      await b.signIn(null, 'counterpart', 'pw');
      const before = sent.length;
      // Tab A still shows the officer: an edit of theirs must not go out as the counterpart.
      const edit = a.call({ command: 'edit_document', id: 'plan', edit: { op: 'set', path: 'objective', value: 'x' } });
      await expect(edit).rejects.toMatchObject({ code: 'unauthorised' });
      await expect(a.dashboard('')).rejects.toMatchObject({ code: 'unauthorised' });
      expect(sent.length, 'nothing was sent').toBe(before);
      // The counterpart's session is untouched, in their tab and in the store.
      await b.call({ command: 'workspaces' });
      expect(sent.at(-1)?.token).toBe('counterpart.secret');
      // Signing out in tab A ends nobody else's session.
      await a.signOut();
      expect(await tab().resume()).toMatchObject({ username: 'counterpart' });
      // The officer signs in again in tab A: now tab B is the one told.
      await a.signIn(null, 'officer', 'pw');
      await expect(b.call({ command: 'workspaces' })).rejects.toMatchObject({ code: 'unauthorised' });
    });

    it('keeps a session when a password is mistyped in another tab, or an older token is refused', async () => {
      const storage = new MemoryStorage();
      const { ended, tab } = server(storage);
      const a = tab();
      await a.signIn(null, 'officer', 'pw');
      await expect(tab().signIn(null, 'officer', 'typo')).rejects.toMatchObject({ code: 'unauthorised' });
      expect(await tab().resume(), 'a wrong password signs nobody out').toMatchObject({ username: 'officer' });

      // Tab A's request with the officer's token is refused after tab B signed the officer in again.
      ended.add('officer.secret');
      const b = tab();
      await b.resume();
      const stale = a.call({ command: 'workspaces' });
      storage.setItem('cd4mm.session', JSON.stringify({ token: 'officer.new', username: 'officer', admin: false }));
      await expect(stale).rejects.toMatchObject({ code: 'unauthorised' });
      expect(JSON.parse(storage.getItem('cd4mm.session') ?? 'null')).toMatchObject({ token: 'officer.new' });
    });
  });
});
