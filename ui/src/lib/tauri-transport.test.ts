import { beforeEach, describe, expect, it, vi } from 'vitest';

const calls: { cmd: string; args?: unknown }[] = [];
let answer: (cmd: string) => unknown = () => null;

vi.mock('@tauri-apps/api/core', () => ({
  invoke: async (cmd: string, args?: unknown) => {
    calls.push({ cmd, args });
    const a = answer(cmd);
    if (a instanceof Error) throw a.cause;
    return a;
  },
}));

const { TauriTransport } = await import('./transport');

describe('the Tauri transport', () => {
  beforeEach(() => {
    calls.length = 0;
    const store = new Map<string, string>();
    vi.stubGlobal('localStorage', {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => store.set(k, v),
      removeItem: (k: string) => store.delete(k),
    });
  });

  it('sends a command as the shell expects it', async () => {
    answer = () => ({ reply: 'templates', data: [] });
    const t = new TauriTransport();
    expect(await t.call({ command: 'templates' })).toEqual({ reply: 'templates', data: [] });
    expect(calls).toEqual([{ cmd: 'command', args: { command: { command: 'templates' } } }]);
  });

  it('turns the shell’s {code, message, field} into a CommandError', async () => {
    answer = () => new Error('refused', { cause: { code: 'invalid', message: 'too big', field: 'budget' } });
    const e = await new TauriTransport().call({ command: 'templates' }).catch((x) => x);
    expect(e).toMatchObject({ code: 'invalid', message: 'too big', field: 'budget' });
  });

  it('resumes a signed-in device, or one working on its own', async () => {
    answer = () => ({ state: 'online', server: 'https://r.example', user: 'officer', unsent: 0, last_sync_ms: null, progress: null, message: null, admin: false });
    expect(await new TauriTransport().resume()).toMatchObject({ username: 'officer', server: 'https://r.example' });

    answer = () => ({ state: 'local_only', server: null, user: null, unsent: 0, last_sync_ms: null, progress: null, message: null, admin: false });
    const t = new TauriTransport();
    expect(await t.resume()).toBeNull();
    await t.workLocalOnly();
    expect(await t.resume()).toMatchObject({ server: null });
  });

  it('carries the server administrator flag, so an administrator is offered what the server accepts', async () => {
    answer = () => ({ state: 'online', server: 'https://r.example', user: 'admin', unsent: 0, last_sync_ms: null, progress: null, message: null, admin: true });
    expect(await new TauriTransport().resume()).toMatchObject({ username: 'admin', admin: true });
    expect(await new TauriTransport().signIn('https://r.example', 'admin', 'pw')).toMatchObject({ admin: true });
  });

  it('signs in with the server address the person typed', async () => {
    answer = () => ({ state: 'syncing', server: 'https://r.example', user: 'officer', unsent: 3, last_sync_ms: null, progress: 0, message: null, admin: false });
    const s = await new TauriTransport().signIn('https://r.example', 'officer', 'pw');
    expect(calls[0]).toEqual({ cmd: 'sign_in', args: { server: 'https://r.example', username: 'officer', password: 'pw' } });
    expect(s.username).toBe('officer');
  });

  it('reads the dashboard and saves exports through the shell', async () => {
    answer = (cmd) => (cmd === 'regional' ? new TextEncoder().encode('{"plans":{"plans":2}}').buffer : '/home/ama/Downloads/x.csv');
    const t = new TauriTransport();
    expect(await t.dashboard('?country=Ghana')).toEqual({ plans: { plans: 2 } });
    expect(await t.saveExport('/api/export/plans.csv', 'x.csv')).toBe('/home/ama/Downloads/x.csv');
    expect(calls).toEqual([
      { cmd: 'regional', args: { path: '/api/dashboard?country=Ghana' } },
      { cmd: 'save_export', args: { path: '/api/export/plans.csv', fileName: 'x.csv' } },
    ]);
  });
});
