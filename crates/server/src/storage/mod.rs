//! The server's database, behind one trait: SQLite (`sqlite.rs`, the default,
//! a single file) and PostgreSQL for deployments that outgrow one machine.
//! The checks a sync must pass are written once, here, and every backend
//! calls them inside its transaction.

mod error;
pub(crate) mod migrate;
pub(crate) mod pg;
pub mod sql;
pub(crate) mod sqlite;

pub use error::{Error, ErrorKind};

use crate::access::Role;
use crate::auth::{self, Device};
use crate::round::{self, FreshFacts, FreshSnapshot, LogTx, StaleDoc};
use cd4mm_core::Code;
use cd4mm_core::administration::AdminAction;
use cd4mm_core::automerge::{Automerge, Change};
pub use cd4mm_sync::account::{Enrolment, Membership};
use cd4mm_sync::wire::{SyncRequest, SyncResponse};
use std::collections::HashMap;

/// What signing in as a user checks.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub user_id: i64,
    /// Argon2 (PHC string).
    pub password_hash: String,
    pub admin: bool,
    /// Disabled by an administrator: no sign-in, no enrolment.
    pub disabled: bool,
}

/// One document's regional facts (JSON of `cd4mm_core::regional::Facts`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactsRow {
    pub workspace: String,
    pub doc_id: String,
    pub facts: String,
}

/// The outcome of a sync round, and which workspaces got news from it.
#[derive(Debug)]
pub struct SyncOutcome {
    pub response: SyncResponse,
    /// Hashes of the request's changes the server holds (new or known), in
    /// request order: protocol 1's acknowledgements.
    pub held: Vec<[u8; 32]>,
    pub news: Vec<String>,
}

impl SyncOutcome {
    /// The answer as protocol 1 says it (snapshots are whole there).
    pub fn v1(self) -> cd4mm_sync::wire::v1::SyncResponse {
        use cd4mm_sync::wire::{DocBytes, v1};
        let r = self.response;
        v1::SyncResponse {
            epoch: r.epoch,
            acked: self.held,
            workspaces: r
                .workspaces
                .into_iter()
                .map(|w| v1::WorkspaceNews {
                    workspace: w.workspace,
                    cursor: w.cursor,
                    snapshots: w
                        .snapshots
                        .into_iter()
                        .map(|s| DocBytes { doc_id: s.doc_id, kind: s.kind, bytes: s.bytes })
                        .collect(),
                    changes: w.changes,
                })
                .collect(),
            more: r.more,
        }
    }
}

/// A device as stored: who it is, its token digest, and whether it was revoked.
#[derive(Debug, Clone)]
pub struct DeviceRecord {
    pub device: Device,
    pub digest: Vec<u8>,
    pub revoked: bool,
    /// A browser session (they expire; devices do not).
    pub browser: bool,
    pub created_at: i64,
    pub last_seen_at: i64,
    /// Its user was disabled by an administrator.
    pub disabled: bool,
}

/// How long browser sessions live (devices in the field are never timed
/// out: they may be offline for weeks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionRules {
    /// A session unused this long has ended.
    pub idle_ms: i64,
    /// A session this old has ended, used or not.
    pub max_ms: i64,
    /// Open sessions per user; signing in again ends the oldest beyond.
    pub per_user: usize,
}

impl SessionRules {
    /// How stale a session's last use may be before it is written again:
    /// once a minute at most, not once per request.
    pub fn touch_every_ms(&self) -> i64 {
        (self.idle_ms / 4).clamp(1, 60_000)
    }

    /// How often ended sessions are swept away.
    pub fn sweep_every(&self) -> std::time::Duration {
        std::time::Duration::from_millis((self.idle_ms / 2).clamp(1000, 300_000) as u64)
    }
}

impl Default for SessionRules {
    fn default() -> SessionRules {
        crate::Config::default().session_rules()
    }
}

/// The server's database. Backends supply the primitives; the rules (token
/// checks, enrolment, password policy) are written once, in the provided methods.
pub trait Storage: Send + Sync + 'static {
    fn epoch(&self) -> Result<String, Error>;
    fn set_epoch(&self, epoch: &str) -> Result<(), Error>;
    fn device_record(&self, device_id: &str) -> Result<Option<DeviceRecord>, Error>;
    /// What signing in as this user checks.
    fn credentials(&self, username: &str) -> Result<Option<Credentials>, Error>;
    /// Register a device and return its id: a new one, or the existing
    /// device of the same user with this actor, signed in again (new token,
    /// no longer revoked). `actor_taken` (409) if the actor is another user's.
    fn insert_device(&self, device: &NewDevice<'_>) -> Result<String, Error>;
    /// Note that a device was used at `now_ms` ([`TOUCH_DEVICE`]).
    fn touch_device(&self, device_id: &str, now_ms: i64) -> Result<(), Error>;
    /// End the browser sessions unused since `idle_since` or started
    /// before `started_before` ([`END_IDLE_SESSIONS`]); their ids.
    fn end_idle_sessions(&self, idle_since: i64, started_before: i64, now_ms: i64) -> Result<Vec<String>, Error>;
    /// End a user's open browser sessions but the newest `keep`
    /// ([`END_SESSIONS_BEYOND`]); their ids.
    fn end_sessions_beyond(&self, user_id: i64, keep: usize, now_ms: i64) -> Result<Vec<String>, Error>;
    /// The workspaces the user may see: those they are a member of, those of
    /// the countries their regional role covers (as a viewer), and every
    /// workspace for an admin.
    fn memberships(&self, device: &Device) -> Result<Vec<Membership>, Error>;
    /// The regional facts of every document of these workspaces.
    fn facts(&self, workspaces: &[String]) -> Result<Vec<FactsRow>, Error>;
    /// Run `f` in one read-only transaction that sees one state of the
    /// database throughout (PostgreSQL: REPEATABLE READ).
    fn reading(&self, f: &mut (dyn FnMut(&mut dyn LogTx) -> Result<(), Error> + Send)) -> Result<(), Error>;
    /// Run `f` in one write transaction: committed when it answers `true`,
    /// rolled back when it answers `false` or fails. Writers of a workspace
    /// go one at a time (`LogTx::lock_workspaces`; SQLite: IMMEDIATE).
    fn writing(&self, f: &mut (dyn FnMut(&mut dyn LogTx) -> Result<bool, Error> + Send)) -> Result<(), Error>;
    /// Up to `limit` documents of these workspaces (`None`: all) whose facts
    /// are stale, read in one transaction ([`crate::round::read_stale`]).
    fn read_stale(&self, workspaces: Option<&[String]>, limit: usize) -> Result<Vec<StaleDoc>, Error> {
        read(self, |tx| round::read_stale(tx, workspaces, limit))
    }
    /// How many documents' regional facts wait to be computed, counted up to `limit`.
    fn facts_backlog(&self, limit: usize) -> Result<usize, Error> {
        read(self, |tx| Ok(tx.stale_facts(None, limit)?.len()))
    }
    /// The database's size in bytes, for the metrics.
    fn database_bytes(&self) -> Result<u64, Error>;
    /// Keep refreshed facts, in one transaction ([`crate::round::write_facts`]).
    fn write_facts(&self, fresh: &[FreshFacts]) -> Result<(), Error> {
        write(self, |tx| round::write_facts(tx, fresh).map(Some)).map(drop)
    }
    /// What a request's changes will be judged against, read in one short
    /// transaction ([`crate::admit::read_bases`]).
    fn bases(&self, device: &Device, request: &SyncRequest) -> Result<crate::admit::Bases, Error> {
        read(self, |tx| crate::admit::read_bases(tx, device, &request.changes))
    }
    /// A first sync's next documents, read in one transaction ([`crate::round::read_page`]).
    fn snapshot_page(
        &self,
        workspace: &str,
        from: &str,
        inclusive: bool,
        limit: usize,
    ) -> Result<Vec<StaleDoc>, Error> {
        read(self, |tx| round::read_page(tx, workspace, from, inclusive, limit))
    }
    /// Up to `limit` documents of a workspace after the id `after`, saved
    /// whole, in one transaction ([`crate::round::saved_page`]): for exports.
    fn saved_page(&self, workspace: &str, after: &str, limit: usize) -> Result<Vec<cd4mm_sync::wire::DocBytes>, Error> {
        Ok(write(self, |tx| round::saved_page(tx, workspace, after, limit).map(Some))?.unwrap_or_default())
    }
    /// Cache fresh snapshots, in one transaction ([`crate::round::write_snapshots`]).
    fn cache_snapshots(&self, fresh: &[FreshSnapshot]) -> Result<(), Error> {
        if fresh.is_empty() {
            return Ok(());
        }
        write(self, |tx| round::write_snapshots(tx, fresh).map(Some)).map(drop)
    }
    /// One sync round ([`crate::round::run`]), in one transaction, with the
    /// verdicts reached beforehand; `None` (nothing written) when some no
    /// longer hold.
    fn sync_judged(
        &self,
        device: &Device,
        request: &SyncRequest,
        version: u16,
        cap: usize,
        now_ms: i64,
        judged: &crate::admit::Judged,
    ) -> Result<Option<SyncOutcome>, Error> {
        write(self, |tx| {
            let Some(outcome) = round::run(tx, device, request, version, cap, now_ms, judged)? else {
                return Ok(None); // rolled back: judged again
            };
            for workspace in &outcome.news {
                tx.announce(workspace)?;
            }
            Ok(Some(outcome))
        })
    }
    /// Whether the storage itself tells every server instance of news (through
    /// `news`); if not, each instance announces its own rounds' news.
    fn delivers_news(&self, _news: tokio::sync::broadcast::Sender<String>) -> bool {
        false
    }
    /// Run `f` in one write transaction over plain SQL, committed when it
    /// succeeds: administration (`crate::accounts`), written once for both
    /// backends.
    fn administer(&self, f: &mut (dyn FnMut(&mut dyn sql::Sql) -> Result<(), Error> + Send)) -> Result<(), Error>;

    // The server's own commands and the demo, as the console
    // (`crate::accounts`: checked and audited as from the web UI).
    fn add_user(&self, username: &str, password: &str, admin: bool, now_ms: i64) -> Result<(), Error> {
        let action = AdminAction::AddUser { username: username.into(), password: password.into(), admin };
        crate::accounts::act(self, crate::accounts::CONSOLE, &action, now_ms).map(drop)
    }
    /// `country`: an ISO 3166-1 code or name, or empty.
    fn add_workspace(&self, id: &str, name: &str, country: &str, now_ms: i64) -> Result<(), Error> {
        let action = AdminAction::AddWorkspace { id: id.into(), name: name.into(), country: country.into() };
        crate::accounts::act(self, crate::accounts::CONSOLE, &action, now_ms).map(drop)
    }
    fn add_member(&self, workspace: &str, username: &str, role: Role) -> Result<(), Error> {
        let action = AdminAction::SetMember { workspace: workspace.into(), username: username.into(), role };
        crate::accounts::act(self, crate::accounts::CONSOLE, &action, crate::now_ms()).map(drop)
    }
    /// Let a user read (as a viewer) every workspace of a country, present
    /// and future: a regional officer's role.
    fn cover(&self, username: &str, country: &str) -> Result<(), Error> {
        let action = AdminAction::Cover { username: username.into(), country: country.into() };
        crate::accounts::act(self, crate::accounts::CONSOLE, &action, crate::now_ms()).map(drop)
    }
    fn revoke_device(&self, device_id: &str, now_ms: i64) -> Result<(), Error> {
        let action = AdminAction::RevokeDevice { device_id: device_id.into() };
        crate::accounts::act(self, crate::accounts::CONSOLE, &action, now_ms).map(drop)
    }

    /// One sync round for a device speaking protocol `version`: its changes
    /// judged first, outside any transaction, then stored and answered in one.
    fn sync(
        &self,
        device: &Device,
        request: &SyncRequest,
        version: u16,
        cap: usize,
        now_ms: i64,
    ) -> Result<SyncOutcome, Error> {
        self.prepare_snapshots(device, request, version, cap)?;
        for attempt in 1..=JUDGING_TRIES {
            let last_try = attempt == JUDGING_TRIES;
            let bases =
                if request.changes.is_empty() { crate::admit::Bases::default() } else { self.bases(device, request)? };
            let judged = crate::admit::prejudge(&bases, device, &request.changes, last_try);
            if let Some(outcome) = self.sync_judged(device, request, version, cap, now_ms, &judged)? {
                return Ok(outcome);
            }
        }
        Err(Error::internal("a sync round was judged again too often"))
    }

    /// Bring up to date, outside the round's transaction, the snapshots a
    /// first sync's next page will send: building a snapshot loads its whole
    /// document, which must not happen under the database's lock (a member
    /// can make many documents stale with one small change each). Only the
    /// device's readable workspaces, and about one page's worth (protocol 1
    /// sends every document at once: all of them).
    fn prepare_snapshots(&self, device: &Device, request: &SyncRequest, version: u16, cap: usize) -> Result<(), Error> {
        crate::round::check_cursors(request)?;
        let first_syncs: Vec<_> = request.cursors.iter().filter(|c| c.seq == 0 || c.resume.is_some()).collect();
        if first_syncs.is_empty() {
            return Ok(());
        }
        let members = self.memberships(device)?;
        let readable = roles(&members);
        let budget = if version == 1 { usize::MAX } else { crate::round::page_budget(version, request.budget, cap) };
        for cursor in first_syncs {
            if check_read(device, &readable, &cursor.workspace).is_err() {
                continue; // the round refuses it
            }
            let from = cursor.resume.as_ref().map_or("", |r| r.doc.as_str());
            // Protocol 1 builds whatever is left under the lock: all of it here.
            let deadline = (version > 1).then(|| std::time::Instant::now() + PREPARE_FOR);
            self.freshen(&cursor.workspace, from, budget, deadline)?;
        }
        Ok(())
    }

    /// Bring a workspace's snapshots up to date in id order from document
    /// `from` on, until `budget` bytes of snapshots are covered or the
    /// `deadline` (checked after each page) has passed, computing each stale
    /// one between short transactions. A snapshot's size does not tell what
    /// it cost to build, hence the deadline; a paged first sync goes on
    /// from the first document left stale at its next request.
    fn freshen(
        &self,
        workspace: &str,
        from: &str,
        budget: usize,
        deadline: Option<std::time::Instant>,
    ) -> Result<(), Error> {
        let (mut from, mut inclusive) = (from.to_owned(), true);
        let mut bytes = 0;
        loop {
            let page = self.snapshot_page(workspace, &from, inclusive, crate::round::DOCUMENTS_PER_QUERY)?;
            let full = page.len() == crate::round::DOCUMENTS_PER_QUERY;
            let Some(last) = page.last().map(|d| d.doc_id.clone()) else { return Ok(()) };
            let (stale, fresh): (Vec<_>, Vec<_>) = page.into_iter().partition(|d| !d.later.is_empty());
            bytes += fresh.iter().map(|d| d.snapshot.as_ref().map_or(0, Vec::len)).sum::<usize>();
            let made = crate::round::fresh_snapshots(stale);
            bytes += made.iter().map(|f| f.bytes.len()).sum::<usize>();
            self.cache_snapshots(&made)?;
            if !full || bytes >= budget || deadline.is_some_and(|d| std::time::Instant::now() >= d) {
                return Ok(());
            }
            (from, inclusive) = (last, false);
        }
    }

    /// The device with this id whose token digest matches, if not revoked.
    fn authenticate(&self, device_id: &str, digest: &[u8]) -> Result<Device, Error> {
        self.authenticate_at(device_id, digest, crate::now_ms(), &SessionRules::default())
    }

    /// [`Storage::authenticate`] at `now_ms`: a browser session unused for
    /// longer than `rules` allow, or older, has ended (the sweeper revokes
    /// it and deletes its store).
    fn authenticate_at(
        &self,
        device_id: &str,
        digest: &[u8],
        now_ms: i64,
        rules: &SessionRules,
    ) -> Result<Device, Error> {
        match self.device_record(device_id)? {
            // Whatever slipped past the revocation that disabling does (a
            // sign-in that raced it): a disabled user's token works nowhere.
            Some(r) if r.digest == digest && r.disabled => {
                Err(Error::unauthorised("this account is disabled; ask an administrator to enable it"))
            }
            Some(r) if r.digest == digest && !r.revoked && r.browser => {
                if now_ms - r.last_seen_at > rules.idle_ms || now_ms - r.created_at > rules.max_ms {
                    return Err(session_ended());
                }
                if now_ms - r.last_seen_at > rules.touch_every_ms() {
                    self.touch_device(device_id, now_ms)?;
                }
                Ok(r.device)
            }
            Some(r) if r.digest == digest && !r.revoked => {
                // For administrators: when a device last synced.
                if now_ms - r.last_seen_at > rules.touch_every_ms() {
                    self.touch_device(device_id, now_ms)?;
                }
                Ok(r.device)
            }
            Some(r) if r.digest == digest && r.browser => Err(session_ended()),
            Some(r) if r.digest == digest => {
                Err(Error::unauthorised("this device was revoked by an administrator; enrol it again to sync"))
            }
            _ => Err(Error::unauthorised("the device token is not valid; enrol the device again")),
        }
    }

    /// Check a password and register a new device with its Automerge actor.
    fn enrol(
        &self,
        username: &str,
        password: &str,
        device_name: &str,
        actor: &str,
        now_ms: i64,
    ) -> Result<Enrolment, Error> {
        self.register(username, password, device_name, actor, now_ms, None)
    }

    /// Check a password and start a browser session (a device of its own
    /// that expires); the user's oldest sessions beyond `rules.per_user`
    /// end (the sweeper deletes their stores).
    fn start_session(
        &self,
        username: &str,
        password: &str,
        actor: &str,
        now_ms: i64,
        rules: &SessionRules,
    ) -> Result<Enrolment, Error> {
        self.register(username, password, "web browser", actor, now_ms, Some(rules))
    }

    /// [`Storage::enrol`] (`session: None`) and [`Storage::start_session`].
    fn register(
        &self,
        username: &str,
        password: &str,
        device_name: &str,
        actor: &str,
        now_ms: i64,
        session: Option<&SessionRules>,
    ) -> Result<Enrolment, Error> {
        if actor.len() < 2 || hex::decode(actor).is_err() {
            return Err(Error::invalid(Code::BadActor, "the device's actor id must be hexadecimal"));
        }
        // Argon2 is slow on purpose; no database lock is held meanwhile.
        crate::accounts::check_device_name(device_name)?;
        let (user_id, admin, verified) = match self.credentials(username)? {
            Some(c) if auth::verify_password(password, &c.password_hash) => {
                // Said only to whoever knows the password.
                if c.disabled {
                    return Err(Error::forbidden(
                        Code::AccountDisabled,
                        "this account is disabled; ask an administrator to enable it",
                    ));
                }
                (c.user_id, c.admin, c.password_hash)
            }
            Some(_) => return Err(Error::unauthorised("wrong user name or password")),
            None => {
                // The same work as for a user who exists: the time taken
                // does not tell which names are users.
                auth::verify_password(password, auth::stand_in_hash());
                return Err(Error::unauthorised("wrong user name or password"));
            }
        };
        let new_id = auth::random_hex(8)?;
        let secret = auth::random_hex(32)?;
        let digest = auth::token_digest(&secret);
        let device_id = self.insert_device(&NewDevice {
            id: &new_id,
            user_id,
            name: device_name,
            digest: &digest,
            actor,
            now_ms,
            browser: session.is_some(),
        })?;
        // The password was checked before the device was written: if the
        // account was disabled, or its password reset, in between, the
        // administrator's action (which revoked what existed then) must
        // also cover this device.
        match self.credentials(username)? {
            Some(c) if !c.disabled && c.password_hash == verified => {}
            _ => {
                let device = Device {
                    device_id: device_id.clone(),
                    user_id,
                    username: username.to_owned(),
                    admin,
                    actor: actor.to_owned(),
                };
                crate::accounts::sign_out(self, &device, now_ms)?;
                return Err(Error::unauthorised("the account changed while signing in; sign in again"));
            }
        }
        if let Some(rules) = session {
            self.end_sessions_beyond(user_id, rules.per_user, now_ms)?;
        }
        Ok(Enrolment { token: format!("{device_id}.{secret}"), device_id, username: username.to_owned(), admin })
    }

    /// Bring the regional facts of up to `limit` stale documents of these
    /// workspaces (`None`: all) up to date; how many. Reading a document
    /// costs CPU in proportion to its history: done between two short
    /// transactions, so sync rounds never wait for it.
    fn refresh_facts(&self, workspaces: Option<&[String]>, limit: usize) -> Result<usize, Error> {
        let stale = self.read_stale(workspaces, limit)?;
        let n = stale.len();
        self.write_facts(&crate::round::fresh_facts(stale))?;
        Ok(n)
    }

    /// Refresh every stale fact of these workspaces (`None`: all), a batch per
    /// transaction so sync rounds run in between; how many were refreshed.
    fn catch_up_facts(&self, workspaces: Option<&[String]>) -> Result<usize, Error> {
        let mut total = 0;
        loop {
            let n = self.refresh_facts(workspaces, FACTS_BATCH)?;
            total += n;
            if n < FACTS_BATCH {
                return Ok(total);
            }
        }
    }

    /// Start a new epoch: after restoring a backup, devices send again what the
    /// server lost.
    fn new_epoch(&self) -> Result<String, Error> {
        let epoch = auth::random_hex(8)?;
        self.set_epoch(&epoch)?;
        Ok(epoch)
    }
}

/// How long a paged first sync's request prepares snapshots before its
/// round; what is left is prepared by the next request.
const PREPARE_FOR: std::time::Duration = std::time::Duration::from_secs(2);

/// How often a round's changes are judged when their documents keep moving
/// meanwhile (a concurrent writer); after that, such changes wait for the
/// device's next round rather than being judged under the database's lock.
const JUDGING_TRIES: usize = 2;

/// Documents whose facts one transaction refreshes: few enough that the
/// SQLite backend's single connection is not held for long (tens of ms),
/// enough that the commit's flush to disk is shared.
const FACTS_BATCH: usize = 32;

/// A device being enrolled.
#[derive(Debug)]
pub struct NewDevice<'a> {
    pub id: &'a str,
    pub user_id: i64,
    pub name: &'a str,
    pub digest: &'a [u8],
    pub actor: &'a str,
    pub now_ms: i64,
    pub browser: bool,
}

/// Register a device, or sign the same user's device with this actor in again
/// (after sign-out or revocation: its unsent edits still carry that actor).
/// Returns the device's id; no row when the actor is another user's. The
/// same text for SQLite and PostgreSQL (`?N` becomes `$N`).
pub const INSERT_DEVICE: &str =
    "INSERT INTO devices (id, user_id, name, token_digest, actor, created_at, browser, last_seen_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6)
     ON CONFLICT (actor) DO UPDATE SET token_digest = excluded.token_digest, name = excluded.name, revoked_at = NULL,
         browser = excluded.browser, last_seen_at = excluded.last_seen_at
     WHERE devices.user_id = excluded.user_id
     RETURNING id";

/// Note a device's use (`?1` id, `?2` now).
pub const TOUCH_DEVICE: &str = "UPDATE devices SET last_seen_at = ?2 WHERE id = ?1";

/// End the browser sessions unused since `?1` or started before `?2`, at
/// `?3`; their ids.
pub const END_IDLE_SESSIONS: &str = "UPDATE devices SET revoked_at = ?3
     WHERE browser AND revoked_at IS NULL AND (last_seen_at < ?1 OR created_at < ?2) RETURNING id";

/// End user `?1`'s open browser sessions but the newest `?2`, at `?3`; their ids.
pub const END_SESSIONS_BEYOND: &str = "UPDATE devices SET revoked_at = ?3
     WHERE browser AND user_id = ?1 AND revoked_at IS NULL AND id NOT IN (
         SELECT id FROM devices WHERE browser AND user_id = ?1 AND revoked_at IS NULL
         ORDER BY created_at DESC, id DESC LIMIT ?2)
     RETURNING id";

/// The answer to a browser session that has ended (signed out, timed out,
/// or ended by a newer one).
fn session_ended() -> Error {
    Error::unauthorised("your session has ended; sign in again (nothing you saved is lost)")
}

/// The answer when a device's actor is already registered to another device.
pub fn actor_taken() -> Error {
    Error::conflict(Code::ActorTaken, "this device's actor id is registered to another user")
}

/// The role a device's user has in each workspace (admins: owner everywhere).
pub fn roles(memberships: &[Membership]) -> HashMap<&str, Role> {
    memberships.iter().map(|m| (m.workspace.as_str(), m.role)).collect()
}

/// The workspace a cursor names must be the user's.
pub fn check_read(device: &Device, roles: &HashMap<&str, Role>, workspace: &str) -> Result<(), Error> {
    if device.admin || roles.contains_key(workspace) {
        Ok(())
    } else {
        Err(Error::forbidden(Code::NotAMember, format!("you are not a member of workspace `{workspace}`")))
    }
}

/// `f`'s answer, read in one transaction of `db` ([`Storage::reading`]).
fn read<S: Storage + ?Sized, T: Send>(
    db: &S,
    f: impl FnOnce(&mut dyn LogTx) -> Result<T, Error> + Send,
) -> Result<T, Error> {
    let mut f = Some(f);
    let mut out = None;
    db.reading(&mut |tx| {
        let f = f.take().ok_or_else(|| Error::internal("a read transaction ran twice"))?;
        out = Some(f(tx)?);
        Ok(())
    })?;
    out.ok_or_else(|| Error::internal("a read transaction did not run"))
}

/// `f`'s answer, written in one transaction of `db` ([`Storage::writing`]):
/// committed if `Some`, rolled back if `None`.
fn write<S: Storage + ?Sized, T: Send>(
    db: &S,
    f: impl FnOnce(&mut dyn LogTx) -> Result<Option<T>, Error> + Send,
) -> Result<Option<T>, Error> {
    let mut f = Some(f);
    let mut out = None;
    db.writing(&mut |tx| {
        let f = f.take().ok_or_else(|| Error::internal("a write transaction ran twice"))?;
        out = f(tx)?;
        Ok(out.is_some())
    })?;
    Ok(out)
}

/// A device has read further than this server's log goes: the server lost part
/// of its log (restored from a backup without a new epoch). The device starts
/// over, as on a new epoch.
pub fn cursor_ahead(workspace: &str) -> Error {
    Error::conflict(
        Code::CursorAhead,
        format!("this device has read further in `{workspace}` than the server holds; it will send its changes again"),
    )
}

/// A compact snapshot from a cached snapshot and the changes after it.
pub fn snapshot(cached: Option<&[u8]>, changes: impl IntoIterator<Item = Vec<u8>>) -> Result<Vec<u8>, Error> {
    let mut doc = match cached {
        Some(bytes) => Automerge::load(bytes).map_err(Error::internal)?,
        None => Automerge::new(),
    };
    let changes: Vec<Change> = changes.into_iter().filter_map(|b| Change::from_bytes(b).ok()).collect();
    crate::admit::apply_leniently(&mut doc, changes);
    Ok(doc.save())
}

/// A document's regional facts (`cd4mm_core::regional::Facts`) as JSON, from
/// its saved bytes; `Err` says why it cannot be read.
pub fn facts(bytes: &[u8]) -> Result<String, String> {
    // Read-only: the actor only names changes an upgrade would make, never kept.
    let actor = cd4mm_core::automerge::ActorId::from(b"cd4mm-regional-0".to_vec());
    let doc = cd4mm_core::Document::load(bytes, actor, 0).map_err(|e| e.to_string())?;
    let content = doc.content().map_err(|e| e.to_string())?;
    serde_json::to_string(&cd4mm_core::regional::Facts::of(&content)).map_err(|e| e.to_string())
}
