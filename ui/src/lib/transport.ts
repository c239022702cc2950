/**
 * One command API, two transports (DESIGN.md): the desktop shell answers
 * commands through Tauri, a cd4mm-server answers them over HTTP for browser
 * users. The rest of the UI only sees `Transport`.
 */
import type { Command, LockState, Reply, SyncStatus } from './bindings';
import { CommandError, isAppError } from './errors';
import type { OfflineDb } from './offline-db';

/**
 * Commands whose answers a browser keeps for reading offline: what a person
 * has opened can be opened again without a network, stamped with its time.
 */
const KEPT_FOR_OFFLINE: ReadonlySet<Command['command']> = new Set([
  'list_documents',
  'read_document',
  'templates',
  'assessment_summary',
  'rank_capacity_areas',
  'plan_summary',
  'monitoring_summary',
  'phases',
  'workspaces',
  'history',
]);

export interface Session {
  username: string | null;
  admin: boolean;
  /** Address of the server, or null when the desktop works on its own. */
  server: string | null;
  /**
   * The server's id of this browser session (its device), to tell it apart in
   * a list of devices; null on the desktop and for a session kept from before
   * the id was kept.
   */
  device: string | null;
}

export interface Transport {
  /**
   * Commands run against a copy kept on this device and synced in the
   * background (the desktop), which can also work without any server; else
   * each command runs on the server that served the page (a browser).
   */
  readonly localStore: boolean;
  call(command: Command): Promise<Reply>;
  /**
   * `call`, saying when the answer was read if it is the copy kept on this
   * device because the server cannot be reached (null: answered just now).
   */
  callKept(command: Command): Promise<{ reply: Reply; asOf: number | null }>;
  /** Forget the answers kept for offline reading by `user` (sign-out on a shared phone). */
  forgetKept(user: string): Promise<void>;
  /** Told the time of each copy answered from this device's store because the server could not be reached. */
  onKept(listener: (readMs: number) => void): void;
  /** The session kept from before a reload, or null when signed out. */
  resume(): Promise<Session | null>;
  signIn(server: string | null, username: string, password: string): Promise<Session>;
  /** Desktop only: keep data on this computer, no server. */
  workLocalOnly(): Promise<Session>;
  signOut(): Promise<void>;
  onSyncStatus(listener: (status: SyncStatus) => void): () => void;
  syncNow(): Promise<void>;
  /** Edits that failed for want of a network, for the status bar. */
  setUnsent(count: number): void;
  /** The server's regional dashboard (`/api/dashboard?…`, docs/regional-api.md) as JSON. */
  dashboard(query: string): Promise<unknown>;
  /**
   * Save an export (`/api/export/…`) as `fileName`: the browser downloads it;
   * the desktop saves it in its exports folder and answers where.
   */
  saveExport(path: string, fileName: string): Promise<string | null>;
  /**
   * The server's account API as JSON (`/api/admin/…` for administrators,
   * `/api/devices…` for everyone): a GET without `body`, else a POST of it.
   * The desktop's shell passes exactly these routes through to its server.
   */
  account(path: string, body?: unknown): Promise<unknown>;
  /** Desktop: whether this computer's data must be unlocked with its passphrase first. */
  lockState(): Promise<LockState>;
  /** Desktop: open this computer's data with its passphrase (the first time: choose it). */
  unlock(passphrase: string): Promise<LockState>;
}

/** A browser keeps nothing on the computer to lock. */
const NOTHING_LOCKED: LockState = { locked: false, first_time: false, min_chars: 0, keychain: null };

export function chooseTransport(offline: Promise<OfflineDb | null> = Promise.resolve(null)): Transport {
  return '__TAURI_INTERNALS__' in window
    ? new TauriTransport()
    : // The session is kept across closing the tab, like the outbox: a phone
      // reopened without a network shows what was kept, and edits made then
      // go out as their author once it is back. Signing out forgets it.
      new HttpTransport('', localStorage, (...args) => fetch(...args), offline);
}

const TOKEN_KEY = 'cd4mm.session';

interface StoredSession {
  token: string;
  username: string;
  admin: boolean;
  /** Absent in a session kept by an older version of the page. */
  device_id?: string;
}

/** Browser users against the cd4mm-server that serves this page. */
export class HttpTransport implements Transport {
  readonly localStore = false;
  private listeners = new Set<(status: SyncStatus) => void>();
  // The page itself just came from the server, so it starts as reachable.
  private status: SyncStatus = {
    state: 'online',
    server: null,
    user: null,
    unsent: 0,
    last_sync_ms: null,
    progress: null,
    message: null,
    admin: false,
  };
  private inFlight = 0;

  constructor(
    private base = '',
    private storage: Storage = sessionStorage,
    private fetcher: typeof fetch = (...args) => fetch(...args),
    /** Where answers are kept for reading offline (none: online only). */
    private offline: Promise<OfflineDb | null> = Promise.resolve(null),
  ) {
    this.status.server = base || (typeof location !== 'undefined' ? location.origin : null);
  }

  /**
   * Whom this page signed in or resumed as. Every tab of the browser shares
   * the one kept session: once another tab signs in as someone else, this
   * page's requests would go out under their name, its waiting edits
   * included. It asks nothing more and is told its session ended instead.
   */
  private mine: string | null = null;

  /** The kept session, if it is still this page's. */
  private session(): StoredSession | null {
    const s = this.stored();
    if (s && this.mine !== null && s.username !== this.mine) {
      throw new CommandError('unauthorised', 'another user signed in in this browser');
    }
    return s;
  }

  private stored(): StoredSession | null {
    const raw = this.storage.getItem(TOKEN_KEY);
    if (!raw) return null;
    try {
      return JSON.parse(raw) as StoredSession;
    } catch {
      return null;
    }
  }

  private emit(patch: Partial<SyncStatus>) {
    this.status = { ...this.status, ...patch };
    for (const l of this.listeners) l(this.status);
  }

  /** Every request goes through here, so the status bar follows the network. */
  private async request(path: string, init: RequestInit): Promise<Response> {
    this.inFlight += 1;
    this.emit({ state: 'syncing', progress: null });
    try {
      const response = await this.fetcher(this.base + path, init);
      this.emit({ state: 'online', last_sync_ms: Date.now(), message: null });
      return response;
    } catch {
      this.emit({ state: 'offline', message: null });
      throw new CommandError('offline', 'cannot reach the server');
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0 && this.status.state === 'syncing') this.emit({ state: 'online' });
    }
  }

  private headers(s: StoredSession | null = this.session()): Record<string, string> {
    const h: Record<string, string> = { 'content-type': 'application/json' };
    if (s) h.authorization = `Bearer ${s.token}`;
    return h;
  }

  /**
   * Turn a refusal into a `CommandError`. A 401 forgets the kept session,
   * but only the one the request was made with (`sent`): another tab may
   * have signed in meanwhile, and a mistyped password signs nobody out.
   */
  private async fail(response: Response, sent: StoredSession | null): Promise<never> {
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      // Not JSON: a proxy or a crash answered; the status says enough.
    }
    const message = isAppError(body) ? body.message : `HTTP ${response.status}`;
    // Wrong password, revoked device, expired session: the server says
    // `unauthorised`; any 401 (a proxy's too) means the token is no good.
    if (response.status === 401) {
      if (sent && this.stored()?.token === sent.token) this.storage.removeItem(TOKEN_KEY);
      throw new CommandError('unauthorised', message, isAppError(body) ? (body.field ?? null) : null);
    }
    if (isAppError(body)) throw new CommandError(body.code, body.message, body.field ?? null);
    throw new CommandError('server', message);
  }

  async call(command: Command): Promise<Reply> {
    return (await this.callKept(command)).reply;
  }

  async callKept(command: Command): Promise<{ reply: Reply; asOf: number | null }> {
    const session = this.session();
    const user = session?.username ?? null;
    const keep = user !== null && KEPT_FOR_OFFLINE.has(command.command);
    const key = JSON.stringify(command);
    let response: Response;
    try {
      response = await this.request('/api/command', {
        method: 'POST',
        headers: this.headers(session),
        body: JSON.stringify(command),
      });
    } catch (e) {
      // No network: the copy kept when this was last read, if any.
      const kept = keep ? await (await this.offline)?.kept(user, key).catch(() => null) : null;
      if (kept) {
        for (const l of this.keptListeners) l(kept.read_ms);
        return { reply: kept.reply, asOf: kept.read_ms };
      }
      throw e;
    }
    if (!response.ok) return this.fail(response, session);
    const reply = (await response.json()) as Reply;
    if (keep) {
      // Best effort: a full store only means this answer is not there offline.
      void this.offline.then((db) => db?.keep(user, key, reply, Date.now())).catch(() => undefined);
    }
    return { reply, asOf: null };
  }

  async forgetKept(user: string): Promise<void> {
    await (await this.offline)?.forgetReads(user).catch(() => undefined);
  }

  private keptListeners: Array<(readMs: number) => void> = [];

  onKept(listener: (readMs: number) => void) {
    this.keptListeners.push(listener);
  }

  /** A GET of the server's regional API with the session's token. */
  private async get(path: string): Promise<Response> {
    const s = this.session();
    const response = await this.request(path, {
      method: 'GET',
      headers: s ? { authorization: `Bearer ${s.token}` } : {},
    });
    if (!response.ok) return this.fail(response, s);
    return response;
  }

  async dashboard(query: string): Promise<unknown> {
    return (await this.get(`/api/dashboard${query}`)).json();
  }

  async account(path: string, body?: unknown): Promise<unknown> {
    if (body === undefined) return (await this.get(path)).json();
    const s = this.session();
    const response = await this.request(path, { method: 'POST', headers: this.headers(s), body: JSON.stringify(body) });
    if (!response.ok) return this.fail(response, s);
    return response.json();
  }

  async saveExport(path: string, fileName: string): Promise<string | null> {
    const blob = await (await this.get(path)).blob();
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    return null;
  }

  async resume(): Promise<Session | null> {
    const s = this.stored();
    if (!s) return null;
    this.mine = s.username;
    this.emit({ user: s.username, admin: s.admin });
    return { username: s.username, admin: s.admin, server: this.status.server, device: s.device_id ?? null };
  }

  async signIn(_server: string | null, username: string, password: string): Promise<Session> {
    const response = await this.request('/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (!response.ok) return this.fail(response, null);
    const body = (await response.json()) as { device_id?: string; token: string; username: string; admin: boolean };
    const kept: StoredSession = {
      token: body.token,
      username: body.username,
      admin: body.admin,
      device_id: body.device_id,
    };
    this.storage.setItem(TOKEN_KEY, JSON.stringify(kept));
    this.mine = body.username;
    this.emit({ user: body.username, admin: body.admin });
    return { username: body.username, admin: body.admin, server: this.status.server, device: body.device_id ?? null };
  }

  async workLocalOnly(): Promise<Session> {
    throw new CommandError('unsupported', 'a browser always works against its server');
  }

  async signOut(): Promise<void> {
    // Another tab's session, if one signed in meanwhile, is not this page's to end.
    const mine = this.stored();
    const ours = mine !== null && (this.mine === null || mine.username === this.mine);
    const headers = this.headers(ours ? mine : null);
    this.mine = null;
    if (!ours) {
      this.emit({ user: null, admin: false });
      return;
    }
    this.storage.removeItem(TOKEN_KEY);
    this.emit({ user: null, admin: false });
    try {
      await this.request('/api/logout', { method: 'POST', headers });
    } catch {
      // Offline: the token is forgotten here; the server lets it expire.
    }
  }

  onSyncStatus(listener: (status: SyncStatus) => void): () => void {
    this.listeners.add(listener);
    listener(this.status);
    return () => this.listeners.delete(listener);
  }

  async syncNow(): Promise<void> {
    // A browser has no local copy to sync: asking for the workspaces checks
    // that the server is reachable again.
    await this.call({ command: 'workspaces' });
  }

  setUnsent(count: number) {
    this.emit({ unsent: count });
  }

  async lockState(): Promise<LockState> {
    return NOTHING_LOCKED;
  }

  async unlock(): Promise<LockState> {
    return NOTHING_LOCKED;
  }
}

/** The desktop shell: commands over the local store, sync in the background. */
export class TauriTransport implements Transport {
  readonly localStore = true;

  private async invoke<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
    const { invoke } = await import('@tauri-apps/api/core');
    try {
      return await invoke<T>(cmd, args);
    } catch (e) {
      throw CommandError.from(e);
    }
  }

  call(command: Command): Promise<Reply> {
    return this.invoke<Reply>('command', { command });
  }

  async callKept(command: Command): Promise<{ reply: Reply; asOf: number | null }> {
    // The desktop answers from its own store, always current.
    return { reply: await this.call(command), asOf: null };
  }

  async forgetKept(): Promise<void> {
    // The desktop's store is its data, not a copy to forget.
  }

  onKept() {
    // Never: the desktop always answers from its own current store.
  }

  async resume(): Promise<Session | null> {
    const status = await this.invoke<SyncStatus>('sync_status');
    if (status.server && status.user) {
      return { username: status.user, admin: status.admin, server: status.server, device: null };
    }
    if (localStorage.getItem('cd4mm.localOnly') === '1') {
      return { username: null, admin: false, server: null, device: null };
    }
    return null;
  }

  async signIn(server: string | null, username: string, password: string): Promise<Session> {
    const status = await this.invoke<SyncStatus>('sign_in', { server, username, password });
    localStorage.removeItem('cd4mm.localOnly');
    return { username: status.user ?? username, admin: status.admin, server: status.server, device: null };
  }

  async workLocalOnly(): Promise<Session> {
    localStorage.setItem('cd4mm.localOnly', '1');
    return { username: null, admin: false, server: null, device: null };
  }

  async signOut(): Promise<void> {
    localStorage.removeItem('cd4mm.localOnly');
    await this.invoke('sign_out');
  }

  onSyncStatus(listener: (status: SyncStatus) => void): () => void {
    let stop: (() => void) | null = null;
    let stopped = false;
    void this.invoke<SyncStatus>('sync_status').then(listener, () => undefined);
    void import('@tauri-apps/api/event').then(({ listen }) =>
      listen<SyncStatus>('sync-status', (event) => listener(event.payload)).then((unlisten) => {
        if (stopped) unlisten();
        else stop = unlisten;
      }),
    );
    return () => {
      stopped = true;
      stop?.();
    };
  }

  async syncNow(): Promise<void> {
    await this.invoke('sync_now');
  }

  setUnsent() {
    // The shell counts unsent edits itself: every edit is stored locally first.
  }

  async dashboard(query: string): Promise<unknown> {
    // The shell passes the server's JSON through as bytes.
    const bytes = await this.invoke<ArrayBuffer>('regional', { path: `/api/dashboard${query}` });
    return JSON.parse(new TextDecoder().decode(bytes));
  }

  saveExport(path: string, fileName: string): Promise<string | null> {
    return this.invoke<string>('save_export', { path, fileName });
  }

  async account(path: string, body?: unknown): Promise<unknown> {
    // The shell passes the server's JSON through as bytes (only the account routes).
    const bytes = await this.invoke<ArrayBuffer>('account', { path, body: body ?? null });
    return JSON.parse(new TextDecoder().decode(bytes));
  }

  lockState(): Promise<LockState> {
    return this.invoke<LockState>('lock_state');
  }

  unlock(passphrase: string): Promise<LockState> {
    return this.invoke<LockState>('unlock', { passphrase });
  }
}
