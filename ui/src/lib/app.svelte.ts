/**
 * The state of the running app: transport, session, sync status, route, the
 * open documents and the workspace in view. One instance, created at start-up.
 */
import { namesOf } from './authors';
import { untrack } from 'svelte';
import type { DocumentSummary, Kind, LockState, SyncStatus, WorkspaceInfo } from './bindings';
import { Api } from './api';
import { DocRegistry } from './document.svelte';
import { CommandError } from './errors';
import { openOfflineDb } from './offline-db';
import { Outbox } from './outbox.svelte';
import { mayChange, mayWrite } from './roles';
import { parseRoute, type Route } from './router';
import { chooseTransport, type Session, type Transport } from './transport';

export class AppState {
  readonly transport: Transport;
  readonly api: Api;
  readonly outbox: Outbox;
  readonly docs: DocRegistry;

  session = $state<Session | null>(null);
  /**
   * Whose session the server ended while the window was open (timed out,
   * signed out elsewhere, password reset): the sign-in form says so and
   * offers their name. Null once someone signs in or signs out.
   */
  endedFor = $state<string | null>(null);
  /** The desktop's data, locked until its passphrase is given (null: not asked yet). */
  lock = $state<LockState | null>(null);
  /** False until the kept session, if any, has been restored. */
  started = $state(false);
  sync = $state<SyncStatus>({
    state: 'offline',
    server: null,
    user: null,
    unsent: 0,
    last_sync_ms: null,
    progress: null,
    message: null,
    admin: false,
  });
  workspaces = $state<WorkspaceInfo[]>([]);
  route = $state<Route>({ page: 'home' });
  /** A message for the whole screen (errors not tied to a field). */
  notice = $state<CommandError | null>(null);
  /** Documents of the workspace in view, from the projections. */
  documents = $state<DocumentSummary[]>([]);
  documentsOf = $state<string | null>(null);
  /**
   * While the server cannot be reached: the time of the oldest copy shown,
   * kept on this device when it was last read (null: everything is current).
   */
  keptAsOf = $state<number | null>(null);
  /** A template chosen in the toolbox, offered first when starting an assessment. */
  pendingTemplate = $state<string | null>(null);

  constructor(transport?: Transport) {
    // A browser keeps waiting edits and what it read in its own store
    // (IndexedDB), so closing the tab or restarting the phone loses nothing.
    const inBrowser = !transport && !('__TAURI_INTERNALS__' in window);
    const offline = inBrowser ? openOfflineDb().catch(() => null) : null;
    this.transport = transport ?? chooseTransport(offline ?? undefined);
    this.api = new Api(this.transport);
    this.outbox = new Outbox(this.transport.localStore ? null : offline);
    this.outbox.onReload = () => this.docs?.overlayAll();
    this.docs = new DocRegistry(
      this.api,
      this.outbox,
      (e) => this.report(e),
      () => this.session?.username ?? this.endedFor,
      () => this.session !== null,
    );
  }

  /** The user signed in, null when nobody is (or the desktop works alone). */
  get user(): string | null {
    return this.session?.username ?? null;
  }

  /**
   * Edits waiting to be sent, for the status bar: those of the user signed
   * in (others' wait aside, see `OthersUnsent`), or all while signed out.
   */
  get unsent(): number {
    return this.session ? this.outbox.of(this.user).length : this.outbox.items.length;
  }

  async start() {
    this.route = parseRoute(location.hash);
    window.addEventListener('hashchange', () => {
      this.route = parseRoute(location.hash);
    });
    // Status arrives synchronously from inside whatever effect made a request:
    // untracked, so no effect ever depends on the status it causes.
    this.transport.onKept((readMs) => {
      if (this.keptAsOf === null || readMs < this.keptAsOf) this.keptAsOf = readMs;
    });
    this.transport.onSyncStatus((status) =>
      untrack(() => {
        const wasSyncing = this.sync.state === 'syncing';
        this.sync = status;
        // The server answers again: what is shown is current once read again.
        if (status.state === 'online' && this.keptAsOf !== null) this.keptAsOf = null;
        // The desktop's background sync brought news: show it.
        if (this.transport.localStore && wasSyncing && status.state === 'online') void this.refresh();
      }),
    );
    $effect.root(() => {
      // The refused edits shown are those of whoever is signed in.
      $effect(() => {
        const user = this.user;
        untrack(() => void this.outbox.showFor(user));
      });
      $effect(() => {
        const n = this.unsent;
        // The transport answers with a new status, which this effect must not track.
        untrack(() => this.transport.setUnsent(n));
      });
    });
    // Browser users see others' edits when they come back to the window, and
    // edits that waited for the network go out as soon as it is back.
    window.addEventListener('focus', () => void this.refresh());
    // Edits not yet on the server are kept on this device, but the person
    // should know they have not reached anyone yet before leaving.
    window.addEventListener('beforeunload', (event) => {
      if (this.unsent > 0) event.preventDefault();
    });
    window.addEventListener('online', () => void this.retry());
    setInterval(() => {
      if (this.unsent > 0) void this.retry();
    }, 15_000);
    // A browser has no sync events: read the open documents again now and
    // then while the page is in view, so co-editors see each other's work.
    setInterval(() => {
      if (!this.transport.localStore && document.visibilityState === 'visible') void this.refresh();
    }, 30_000);
    try {
      this.lock = await this.transport.lockState();
    } catch (e) {
      this.report(CommandError.from(e));
    }
    if (!this.lock?.locked) await this.resume();
    this.started = true;
  }

  private async resume() {
    try {
      this.session = await this.transport.resume();
      if (this.session) {
        await this.loadWorkspaces();
        // Edits kept from before the reload (the window's storage) go out now.
        void this.retry();
      }
    } catch (e) {
      this.report(CommandError.from(e));
    }
  }

  /** Open the desktop's data with its passphrase, then go on as at start. */
  async unlock(passphrase: string) {
    this.lock = await this.transport.unlock(passphrase);
    if (!this.lock.locked) await this.resume();
  }

  report(e: CommandError) {
    if (e.unauthorised) {
      // The session ended: the sign-in form comes back and says so itself,
      // with what waits to be sent; the edits in flight wait in the outbox.
      if (this.session) this.endedFor = this.session.username;
      this.session = null;
      this.docs.clear();
      this.notice = null;
      return;
    }
    this.notice = e;
  }

  async signIn(server: string | null, username: string, password: string) {
    this.session = await this.transport.signIn(server, username, password);
    this.endedFor = null;
    this.notice = null;
    await this.loadWorkspaces();
    // What this user typed before their session ended goes out now; others'
    // edits wait aside for their own author (see `OthersUnsent`).
    await this.retry();
  }

  async workLocalOnly() {
    this.session = await this.transport.workLocalOnly();
    await this.loadWorkspaces();
  }

  /**
   * Who is behind each actor of the workspaces this user may read, from the
   * server (`GET /api/authors`): the browser's history is named by the
   * server, but a desktop reads its own store and asks once per session.
   */
  authors = $state<Record<string, string>>({});
  private authorsAsked = false;

  askAuthors() {
    const server = !this.transport.localStore || !!this.session?.server;
    if (this.authorsAsked || !this.session || !server) return;
    this.authorsAsked = true;
    this.transport.account('/api/authors').then(
      (names) => (this.authors = namesOf(names)),
      () => (this.authorsAsked = false),
    );
  }

  /** The user behind an actor, when known. */
  authorOf(actor: string): string | null {
    return this.authors[actor] ?? null;
  }

  async signOut() {
    // On a shared phone the next person must not find this one's documents;
    // their unsent edits stay, as theirs, until they sign in again.
    if (this.user) await this.transport.forgetKept(this.user);
    await this.transport.signOut();
    this.authors = {};
    this.authorsAsked = false;
    this.session = null;
    this.endedFor = null;
    this.workspaces = [];
    this.documents = [];
    this.documentsOf = null;
    this.docs.clear();
    location.hash = '#/';
  }

  async loadWorkspaces() {
    try {
      this.workspaces = await this.api.workspaces();
    } catch (e) {
      this.report(CommandError.from(e));
    }
  }

  workspace(id: string): WorkspaceInfo | undefined {
    return this.workspaces.find((w) => w.id === id);
  }

  /** May the user change documents of `kind` in the workspace? */
  mayWrite(workspace: string, kind: Kind): boolean {
    return mayWrite(this.roleIn(workspace), kind, this.session?.admin ?? false);
  }

  /** Whether the user may change `path` of a `kind` document here (some roles change only some parts). */
  mayChange(workspace: string, kind: Kind, path: string): boolean {
    return mayChange(this.roleIn(workspace), kind, path, this.session?.admin ?? false);
  }

  private roleIn(workspace: string): string | null {
    const info = this.workspace(workspace);
    // A workspace kept only on this desktop is the user's own.
    return info?.role ?? (this.session?.server === null ? 'owner' : null);
  }

  async loadDocuments(workspace: string) {
    try {
      const all = await this.api.documents(workspace);
      const mine = all.filter((d) => d.workspace === workspace);
      // Open (and start loading) every document here, outside any reactive
      // computation: a signal created inside a $derived is not tracked by that
      // same derived, so a screen that opened it there would miss its loading.
      for (const d of mine) this.docs.open(d.id);
      this.documents = mine;
      this.documentsOf = workspace;
    } catch (e) {
      this.report(CommandError.from(e));
    }
  }

  /**
   * Read a whole workspace now, so all of it opens without a network later
   * (a browser keeps what it reads). Answers how many documents were read.
   */
  async keepForOffline(workspace: string): Promise<number> {
    const all = (await this.api.documents(workspace)).filter((d) => d.workspace === workspace);
    await this.api.phases(workspace);
    for (const d of all) {
      await this.api.read(d.id);
      if (d.kind === 'assessment') await this.api.assessmentSummary(d.id).catch(() => undefined);
      if (d.kind === 'monitoring') await this.api.monitoringSummary(d.id).catch(() => undefined);
    }
    return all.length;
  }

  documentsOfKind(kind: Kind): DocumentSummary[] {
    return this.documents.filter((d) => d.kind === kind);
  }

  async refresh() {
    if (!this.session) return;
    await this.retry();
    if (this.documentsOf) await this.loadDocuments(this.documentsOf);
    await this.docs.refreshAll();
  }

  /** Send the waiting edits of the user signed in (nobody's while signed out). */
  async retry() {
    if (!this.session) return;
    await this.docs.flushOutbox(this.user);
  }

  async syncNow() {
    try {
      await this.transport.syncNow();
      this.notice = null;
      await this.refresh();
    } catch (e) {
      this.report(CommandError.from(e));
    }
  }
}

export const app = new AppState();

