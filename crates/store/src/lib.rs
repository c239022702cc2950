//! # cd4mm-store — the durable local store of a device
//!
//! One SQLite file per profile (WAL, `synchronous = FULL`). Each document is a
//! snapshot plus the Automerge changes after it. An edit is checked by the core,
//! then its change and the document's projections are written in one
//! transaction before [`Store::edit`] returns: a call that returned is on disk,
//! even if the process is killed, or the power fails, the next moment.
//!
//! ```no_run
//! use cd4mm_core::{Content, Edit, engagement::Engagement};
//! # fn main() -> Result<(), cd4mm_store::StoreError> {
//! let mut store = cd4mm_store::Store::open(std::path::Path::new("profile.sqlite3"))?;
//! let content = Content::Engagement(Engagement { title: "Border agency".into(), ..Engagement::default() });
//! store.create("eng-1", "ws-1", &content, 1_780_000_000_000)?;
//! store.edit("eng-1", &Edit::Set { path: "country".into(), value: "Ghana".into() }, 1_780_000_001_000)?;
//! # Ok(()) }
//! ```
//!
//! Modules: [`migrations`] (schema at open), `projections` (rows for lists,
//! dashboards and search, written with every change).

mod key;
pub mod migrations;
mod projections;
mod sync_state;

pub use key::{StoreKey, encrypt_in_place, is_plain};
pub use sync_state::{NotAccepted, Pending};

use cd4mm_core::Code;
use cd4mm_core::admission;
use cd4mm_core::automerge::{ActorId, Automerge, Change, ChangeHash, ReadDoc};
use cd4mm_core::projection::Rows;
use cd4mm_core::{Content, Document, Edit, HistoryEntry, Snapshot};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What can go wrong in the store, in words for the person at the keyboard.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path} is not a CD4MM Field data file (it is not an SQLite database); it was left untouched")]
    NotADatabase { path: PathBuf },
    #[error(
        "{path} was written by a newer version of CD4MM Field (data format {found}; this app knows up to {supported}); update the app. The file was left untouched"
    )]
    TooNew { path: PathBuf, found: i64, supported: i64 },
    #[error("{path} belongs to another device (its Automerge actor differs); it was left untouched")]
    ActorMismatch { path: PathBuf },
    #[error("there is no document `{0}` on this device")]
    NoSuchDocument(String),
    #[error("a document `{0}` already exists")]
    Exists(String),
    #[error("the changes received for `{id}` cannot be used: {reason}")]
    BadChanges { id: String, reason: String },
    #[error("{path} is encrypted with another key: the passphrase is not the one this device's data was locked with")]
    WrongKey { path: PathBuf },
    #[error("{path} is not encrypted yet; encrypt it first (`encrypt_in_place`)")]
    NotEncrypted { path: PathBuf },
    #[error(
        "{path} could not be encrypted ({reason}); it was left as it was and nothing is lost. Free some disk space and start the app again"
    )]
    Encrypting { path: PathBuf, reason: String },
    #[error("the encryption key could not be made: {0}")]
    Key(String),
    #[error(transparent)]
    Core(#[from] cd4mm_core::Error),
    #[error("the local database failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the local data file could not be read: {0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A line of a document list, from the projections (no document is loaded).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DocumentSummary {
    pub id: String,
    pub kind: String,
    pub workspace: String,
    pub title: String,
    pub conflicts: i64,
    pub updated_at: i64,
}

/// A full-text search hit.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchHit {
    pub doc_id: String,
    pub kind: String,
    pub item_id: String,
    pub title: String,
    /// The matching passage, with matches between `[` and `]`.
    pub snippet: String,
}

#[derive(Debug)]
pub struct Store {
    pub(crate) conn: Connection,
    path: PathBuf,
    pub(crate) actor: ActorId,
    /// Documents loaded in memory, so an edit does not reload its document.
    docs: HashMap<String, Document>,
    /// The upgrade a loaded document got in memory (an older schema read by
    /// this app), not yet on disk: it is kept only with this user's first
    /// edit of the document. Stored on receipt, it would go out as this
    /// user's change though they changed nothing (and be refused for a
    /// viewer, who may not write).
    upgrades: HashMap<String, Vec<Change>>,
    /// Inside [`Store::batch`]: each write is a savepoint of the batch's
    /// transaction instead of a transaction of its own.
    in_batch: bool,
    /// What time it is, for what the store writes on its own (an upgrade
    /// made while loading a document, a sync's bookkeeping); every edit's
    /// time is passed in by its caller.
    clock: Clock,
}

/// How a document new to this device arrived.
enum Received<'a> {
    /// Change by change (kept as rows, in order).
    Changes(&'a [Change]),
    /// Whole, as a saved document (kept as the document's snapshot).
    Snapshot(&'a [u8]),
}

/// One write: a transaction of its own (IMMEDIATE, so another process
/// waits instead of failing half-way), or inside a batch a savepoint of the
/// batch's transaction (an error undoes this write only).
pub(crate) enum Write<'a> {
    Own(rusqlite::Transaction<'a>),
    InBatch(rusqlite::Savepoint<'a>),
}

pub(crate) fn write(conn: &mut Connection, in_batch: bool) -> rusqlite::Result<Write<'_>> {
    Ok(if in_batch {
        Write::InBatch(conn.savepoint()?)
    } else {
        Write::Own(conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
    })
}

impl Write<'_> {
    pub(crate) fn commit(self) -> rusqlite::Result<()> {
        match self {
            Write::Own(tx) => tx.commit(),
            Write::InBatch(savepoint) => savepoint.commit(),
        }
    }
}

impl std::ops::Deref for Write<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        match self {
            Write::Own(tx) => tx,
            Write::InBatch(savepoint) => savepoint,
        }
    }
}

/// A source of the time, in Unix milliseconds (`system_clock` unless a test
/// sets another with [`Store::set_clock`]).
pub type Clock = fn() -> i64;

/// The computer's clock.
pub fn system_clock() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Id of the workspace-independent toolbox document.
pub const TOOLBOX_ID: &str = cd4mm_core::toolbox::DOCUMENT_ID;
/// The actor that publishes the toolbox (16 bytes, the same on every device).
const TOOLBOX_PUBLISHER: &[u8; 16] = b"cd4mm-toolbox-01";

impl Store {
    /// Open (or create) the store at `path`. A file that is not SQLite, or that
    /// comes from a newer app, is refused and never written to.
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_inner(path, None, None)
    }

    /// Open (or create) the store at `path`, encrypted with `key` (see
    /// [`StoreKey`]). A wrong key is [`StoreError::WrongKey`]; a store
    /// written before encryption is [`StoreError::NotEncrypted`] (encrypt it
    /// with [`encrypt_in_place`] first). Both are left untouched.
    pub fn open_encrypted(path: &Path, key: &StoreKey) -> Result<Store> {
        if is_plain(path)? {
            return Err(StoreError::NotEncrypted { path: path.to_owned() });
        }
        Store::open_inner(path, None, Some(key))
    }

    /// Open (or create) a store whose changes carry `actor`: a store the server
    /// keeps for a browser session, whose actor is registered to that session.
    /// A store that already has another actor is refused.
    pub fn open_as(path: &Path, actor: &ActorId) -> Result<Store> {
        let store = Store::open_inner(path, Some(actor), None)?;
        if &store.actor != actor {
            return Err(StoreError::ActorMismatch { path: path.to_owned() });
        }
        Ok(store)
    }

    fn open_inner(path: &Path, actor: Option<&ActorId>, key: Option<&StoreKey>) -> Result<Store> {
        if key.is_none()
            && let Ok(mut file) = std::fs::File::open(path)
        {
            use std::io::Read;
            let mut header = [0u8; 16];
            let n = file.read(&mut header)?;
            if n > 0 && (n < 16 || &header != SQLITE_MAGIC) {
                return Err(StoreError::NotADatabase { path: path.to_owned() });
            }
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        if let Some(key) = key {
            // First, before anything reads the file.
            conn.execute_batch(&key.pragma())?;
        }
        let not_a_db = |e: rusqlite::Error| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) if key.is_some() => StoreError::WrongKey { path: path.to_owned() },
            Some(rusqlite::ErrorCode::NotADatabase) => StoreError::NotADatabase { path: path.to_owned() },
            _ => StoreError::Sqlite(e),
        };
        // Read the version before writing anything: a newer file stays untouched.
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(not_a_db)?;
        let supported = migrations::latest();
        if version > supported {
            return Err(StoreError::TooNew { path: path.to_owned(), found: version, supported });
        }
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(not_a_db)?;
        // FULL: a committed edit survives a power cut, not only a crash.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut conn = conn;
        migrations::run(&mut conn)?;
        let actor = Store::device_actor(&conn, actor)?;
        Ok(Store {
            conn,
            path: path.to_owned(),
            actor,
            docs: HashMap::new(),
            upgrades: HashMap::new(),
            in_batch: false,
            clock: system_clock,
        })
    }

    /// Run `f` as one transaction: everything it writes is committed
    /// together, with one sync to disk, or not at all. A sync round writes
    /// what it received this way (one commit per round, not one per
    /// document); a user's edit is never made inside a batch, since it must
    /// be on disk when [`Store::edit`] returns.
    pub fn batch<T>(&mut self, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        if self.in_batch {
            return f(self);
        }
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        self.in_batch = true;
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(self)));
        self.in_batch = false;
        let result = match outcome {
            Ok(Ok(value)) => self.conn.execute_batch("COMMIT").map(|()| value).map_err(StoreError::from),
            Ok(Err(e)) => Err(e),
            Err(panic) => {
                self.rollback_batch();
                std::panic::resume_unwind(panic);
            }
        };
        if result.is_err() {
            self.rollback_batch();
        }
        result
    }

    /// Undo a batch: the disk goes back to before it, and so must memory.
    fn rollback_batch(&mut self) {
        if !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        self.docs.clear();
    }

    /// Tell the time by `clock` from now on.
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    /// The time by this store's clock.
    pub fn now_ms(&self) -> i64 {
        (self.clock)()
    }

    /// The device's Automerge actor: made once, then reused forever.
    fn device_actor(conn: &Connection, wanted: Option<&ActorId>) -> Result<ActorId> {
        let stored: Option<String> =
            conn.query_row("SELECT value FROM meta WHERE key = 'actor'", [], |r| r.get(0)).optional()?;
        if let Some(actor) = stored.and_then(|hex| ActorId::try_from(hex.as_str()).ok()) {
            return Ok(actor);
        }
        let actor = wanted.cloned().unwrap_or_else(ActorId::random);
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('actor', ?1)", [actor.to_hex_string()])?;
        Ok(actor)
    }

    pub fn actor(&self) -> &ActorId {
        &self.actor
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Create a document holding `content` in `workspace`.
    pub fn create(&mut self, id: &str, workspace: &str, content: &Content, now_ms: i64) -> Result<ChangeHash> {
        self.create_as(id, workspace, content, self.actor.clone(), now_ms)
    }

    /// Put the toolbox shipped with the app in its document (`toolbox`), if it
    /// is not there yet. It is written by a fixed publisher actor at time 0, so
    /// every device makes the very same change and syncing them never conflicts.
    pub fn install_toolbox(&mut self) -> Result<bool> {
        if self.exists(TOOLBOX_ID)? {
            return Ok(false);
        }
        let toolbox = cd4mm_core::data::toolbox()?;
        self.create_as(TOOLBOX_ID, "", &Content::Toolbox(toolbox), ActorId::from(TOOLBOX_PUBLISHER.to_vec()), 0)?;
        // Forget the publisher's copy: when loaded again, edits made on this
        // device carry the device's own actor.
        self.docs.remove(TOOLBOX_ID);
        Ok(true)
    }

    fn create_as(
        &mut self,
        id: &str,
        workspace: &str,
        content: &Content,
        actor: ActorId,
        now_ms: i64,
    ) -> Result<ChangeHash> {
        if self.exists(id)? {
            return Err(StoreError::Exists(id.to_owned()));
        }
        // Changes by another actor (the toolbox publisher) are not this device's
        // to send.
        let own = actor == self.actor;
        let doc = Document::create(workspace, content, actor, now_ms)?;
        let change = doc.last_local_change().ok_or_else(|| StoreError::Exists(id.to_owned()))?;
        let tx = write(&mut self.conn, self.in_batch)?;
        tx.execute(
            "INSERT INTO documents (id, kind, workspace, schema, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, doc.kind().code(), workspace, doc.schema() as i64, now_ms],
        )?;
        insert_change(&tx, id, &change, own)?;
        projections::write(&tx, id, &doc, now_ms)?;
        tx.commit()?;
        let hash = change.hash();
        self.docs.insert(id.to_owned(), doc);
        Ok(hash)
    }

    /// Apply a user's edit: checked, then durable before this returns. `None`
    /// when the edit changed nothing.
    pub fn edit(&mut self, id: &str, edit: &Edit, now_ms: i64) -> Result<Option<ChangeHash>> {
        self.edit_on(id, edit, None, now_ms)
    }

    /// [`Store::edit`], as made on the document as it stood at `made_on`
    /// (the heads of the reading the person edited): what others wrote since
    /// merges with it instead of being overwritten ([`Document::apply_on`]).
    pub fn edit_on(
        &mut self,
        id: &str,
        edit: &Edit,
        made_on: Option<&[ChangeHash]>,
        now_ms: i64,
    ) -> Result<Option<ChangeHash>> {
        self.ensure_loaded(id)?;
        let doc = self.docs.get_mut(id).ok_or_else(|| StoreError::NoSuchDocument(id.to_owned()))?;
        let applied = match made_on {
            Some(heads) => doc.apply_on(edit, heads, now_ms),
            None => doc.apply(edit, now_ms),
        };
        let Some(hash) = applied? else {
            return Ok(None);
        };
        let upgrade = self.upgrades.remove(id).unwrap_or_default();
        let result = (|| {
            let change = doc.change(&hash).ok_or_else(|| StoreError::NoSuchDocument(id.to_owned()))?;
            let tx = write(&mut self.conn, self.in_batch)?;
            // The edit depends on the upgrade made in memory: both go to disk.
            for earlier in &upgrade {
                insert_change(&tx, id, earlier, true)?;
            }
            insert_change(&tx, id, &change, true)?;
            projections::write(&tx, id, doc, now_ms)?;
            tx.commit()?;
            Ok(Some(hash))
        })();
        if result.is_err() {
            // Memory holds an edit the disk does not: forget it, reload next time.
            self.docs.remove(id);
        }
        result
    }

    /// Merge changes that came from elsewhere (another device, the server).
    /// Idempotent: changes already here are skipped. A document not yet on this
    /// device is created from them. Returns how many changes were new.
    ///
    /// Changes from elsewhere are checked as the server checks them
    /// ([`cd4mm_core::admission`]): decoded within limits, and the document
    /// must stay of its kind and workspace and within limits. The toolbox
    /// ships with the app and never comes from elsewhere.
    pub fn apply_remote(&mut self, id: &str, changes: &[Vec<u8>], now_ms: i64) -> Result<usize> {
        let bad = |reason: String| StoreError::BadChanges { id: id.to_owned(), reason };
        if id == TOOLBOX_ID {
            return Err(bad("the toolbox ships with the app and is not taken from elsewhere".into()));
        }
        let mut decoded = Vec::with_capacity(changes.len());
        for bytes in changes {
            decoded.push(admission::decode_change(bytes).map_err(|r| bad(r.message))?);
        }
        if !self.exists(id)? {
            return self.create_from_remote(id, decoded, now_ms);
        }
        self.ensure_loaded(id)?;
        let doc = self.docs.get_mut(id).ok_or_else(|| StoreError::NoSuchDocument(id.to_owned()))?;
        let new: Vec<Change> =
            decoded.into_iter().filter(|c| doc.automerge().get_change_by_hash(&c.hash()).is_none()).collect();
        if new.is_empty() {
            return Ok(0);
        }
        if let Err(e) = doc.apply_changes(new.clone()) {
            self.docs.remove(id); // possibly half-changed: reload next time
            return Err(bad(e.to_string()));
        }
        let still = admission::header(doc.automerge())
            .and_then(|h| {
                if h.kind != doc.kind() || h.workspace != doc.workspace() {
                    Err(admission::Refusal::new(Code::BadHeader, "they change the document's kind or workspace"))
                } else {
                    admission::check_history(doc.automerge()).and_then(|_| doc.read_checked())
                }
            })
            .map_err(|r| bad(r.message));
        let snapshot = match still {
            Ok(snapshot) => snapshot,
            Err(e) => {
                self.docs.remove(id); // memory holds what the disk must not: reload next time
                return Err(e);
            }
        };
        let result = (|| {
            let tx = write(&mut self.conn, self.in_batch)?;
            for change in &new {
                insert_change(&tx, id, change, false)?;
            }
            projections::write_read(&tx, id, doc, snapshot, now_ms)?;
            tx.commit()?;
            Ok(new.len())
        })();
        if result.is_err() {
            self.docs.remove(id);
        }
        result
    }

    /// A document first seen in changes from elsewhere.
    fn create_from_remote(&mut self, id: &str, changes: Vec<Change>, now_ms: i64) -> Result<usize> {
        let bad = |reason: String| StoreError::BadChanges { id: id.to_owned(), reason };
        let mut raw = Automerge::new();
        admission::apply(&mut raw, changes.clone()).map_err(|r| bad(r.message))?;
        self.keep_new(id, raw, Received::Changes(&changes), now_ms)?;
        Ok(changes.len())
    }

    /// A document first seen whole, as the snapshot `bytes` (which `raw` was
    /// loaded from).
    pub(crate) fn create_from_snapshot(&mut self, id: &str, raw: Automerge, bytes: &[u8], now_ms: i64) -> Result<()> {
        self.keep_new(id, raw, Received::Snapshot(bytes), now_ms)
    }

    /// Check and keep a document new to this device, as it was received.
    fn keep_new(&mut self, id: &str, raw: Automerge, received: Received<'_>, now_ms: i64) -> Result<()> {
        let bad = |reason: String| StoreError::BadChanges { id: id.to_owned(), reason };
        if raw.get_heads().is_empty() {
            return Err(bad("the change that creates the document has not arrived".into()));
        }
        // Id, size, header and shape only: content from a newer app opens
        // read-only. The server checked all this; a device does not take its
        // word for it. The shape is checked while reading for the projections.
        admission::check_doc_id(id)
            .and_then(|_| admission::check_history(&raw))
            .and_then(|_| admission::header(&raw))
            .map_err(|r| bad(r.message))?;
        let before = raw.get_heads();
        let doc = Document::from_automerge(raw, self.actor.clone(), now_ms).map_err(|e| match e {
            cd4mm_core::Error::NotADocument(_) => bad("the change that creates the document has not arrived".into()),
            other => StoreError::Core(other),
        })?;
        let read = doc.read_checked().map_err(|r| bad(r.message))?;
        let upgrade = if doc.heads() == before { Vec::new() } else { doc.changes_since(&before) };
        let snapshot = match received {
            Received::Snapshot(bytes) => Some(bytes),
            Received::Changes(_) => None,
        };
        let tx = write(&mut self.conn, self.in_batch)?;
        tx.execute(
            "INSERT INTO documents (id, kind, workspace, schema, updated_at, snapshot) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id, doc.kind().code(), doc.workspace(), doc.schema() as i64, now_ms, snapshot],
        )?;
        if let Received::Changes(changes) = received {
            for change in changes {
                insert_change(&tx, id, change, false)?;
            }
        }
        projections::write_read(&tx, id, &doc, read, now_ms)?;
        tx.commit()?;
        if snapshot.is_none() {
            self.docs.insert(id.to_owned(), doc);
            self.upgrades.insert(id.to_owned(), upgrade);
        }
        // A first sync's documents are not kept in memory: a workspace of a
        // thousand plans would stay there until the app closes. Each loads
        // from its snapshot when opened.
        Ok(())
    }

    /// The document with its conflicts.
    pub fn read(&mut self, id: &str) -> Result<Snapshot> {
        self.ensure_loaded(id)?;
        Ok(self.document(id)?.read())
    }

    /// Who set each assessment question's current ratings, by question id
    /// (actors, hex): [`Document::raters`].
    pub fn raters(&mut self, id: &str) -> Result<std::collections::BTreeMap<String, Vec<String>>> {
        self.ensure_loaded(id)?;
        Ok(self.document(id)?.raters())
    }

    /// Who changed the document and when, newest first.
    pub fn history(&mut self, id: &str) -> Result<Vec<HistoryEntry>> {
        self.ensure_loaded(id)?;
        let unsaved = self.upgrades.get(id).map(Vec::as_slice).unwrap_or_default();
        let mut history = self.document(id)?.history();
        // An upgrade only in memory is nobody's change yet.
        history.retain(|entry| !unsaved.iter().any(|c| c.hash().to_string() == entry.hash));
        Ok(history)
    }

    /// The document as it stood at `at_ms` (e.g. "the plan on 1 March").
    pub fn read_as_of(&mut self, id: &str, at_ms: i64) -> Result<Snapshot> {
        self.ensure_loaded(id)?;
        Ok(self.document(id)?.read_as_of(at_ms))
    }

    /// The typed content of a document.
    pub fn content(&mut self, id: &str) -> Result<Content> {
        self.ensure_loaded(id)?;
        Ok(self.document(id)?.content()?)
    }

    /// Every change of the document, encoded, in causal order.
    pub fn changes(&mut self, id: &str) -> Result<Vec<Vec<u8>>> {
        self.changes_since(id, &[])
    }

    /// The changes a peer that has `heads` lacks.
    pub fn changes_since(&mut self, id: &str, heads: &[ChangeHash]) -> Result<Vec<Vec<u8>>> {
        self.ensure_loaded(id)?;
        Ok(self.document(id)?.changes_since(heads).iter().map(|c| c.raw_bytes().to_vec()).collect())
    }

    pub fn heads(&mut self, id: &str) -> Result<Vec<ChangeHash>> {
        self.ensure_loaded(id)?;
        Ok(self.document(id)?.heads())
    }

    /// One document's summary, from the projections.
    pub fn summary(&self, id: &str) -> Result<Option<DocumentSummary>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, kind, workspace, title, conflicts, updated_at FROM documents WHERE id = ?1")?;
        let mut rows = stmt.query_map([id], summary_row)?;
        Ok(rows.next().transpose()?)
    }

    /// Documents, from the projections, optionally of one workspace.
    pub fn list(&self, workspace: Option<&str>) -> Result<Vec<DocumentSummary>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, kind, workspace, title, conflicts, updated_at FROM documents
             WHERE ?1 IS NULL OR workspace = ?1 ORDER BY kind, title, id",
        )?;
        let rows = stmt.query_map([workspace], summary_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Full-text search over toolbox entries, notes and evidence. Words are
    /// matched as prefixes; the query language of FTS5 is not exposed.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let terms: Vec<String> = query
            .split_whitespace()
            .map(|w| w.chars().filter(|c| c.is_alphanumeric()).collect::<String>())
            .filter(|w| !w.is_empty())
            .map(|w| format!("\"{w}\"*"))
            .collect();
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT doc_id, kind, item_id, title, snippet(search, 4, '[', ']', '…', 12)
             FROM search WHERE search MATCH ?1 ORDER BY rank LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![terms.join(" "), limit as i64], |r| {
            Ok(SearchHit {
                doc_id: r.get(0)?,
                kind: r.get(1)?,
                item_id: r.get(2)?,
                title: r.get(3)?,
                snippet: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Replace the document's changes by one compact snapshot. Safe to run from
    /// another connection while this one writes: it works inside one immediate
    /// transaction, and only drops changes that the new snapshot contains.
    pub fn compact(&mut self, id: &str) -> Result<()> {
        let tx = write(&mut self.conn, self.in_batch)?;
        let raw = load_raw(&tx, id)?;
        let snapshot = raw.save();
        let hashes: Vec<Vec<u8>> = {
            let mut stmt = tx.prepare("SELECT hash FROM changes WHERE doc_id = ?1")?;
            let rows = stmt.query_map([id], |r| r.get::<_, Vec<u8>>(0))?;
            rows.collect::<Result<_, _>>()?
        };
        for hash in hashes {
            let included = ChangeHash::try_from(hash.as_slice()).is_ok_and(|h| raw.get_change_by_hash(&h).is_some());
            if included {
                // A local change the server has not acknowledged stays: the next
                // sync sends it.
                tx.execute(
                    "DELETE FROM changes WHERE doc_id = ?1 AND hash = ?2 AND (local = 0 OR acked = 1)",
                    params![id, hash],
                )?;
            }
        }
        tx.execute("UPDATE documents SET snapshot = ?2 WHERE id = ?1", params![id, snapshot])?;
        tx.commit()?;
        Ok(())
    }

    /// Compact every document with more than `threshold` changes after its snapshot.
    pub fn compact_all(&mut self, threshold: usize) -> Result<usize> {
        let ids: Vec<String> = {
            let mut stmt =
                self.conn.prepare("SELECT doc_id FROM changes GROUP BY doc_id HAVING count(*) > ?1 ORDER BY doc_id")?;
            let rows = stmt.query_map([threshold as i64], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        for id in &ids {
            self.compact(id)?;
        }
        Ok(ids.len())
    }

    /// Drop every projection and rebuild it from the documents.
    pub fn rebuild_projections(&mut self, now_ms: i64) -> Result<usize> {
        self.docs.clear();
        let ids: Vec<String> = {
            let mut stmt = self.conn.prepare("SELECT id FROM documents ORDER BY id")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let tx = write(&mut self.conn, self.in_batch)?;
        projections::clear_all(&tx)?;
        for id in &ids {
            let doc = Document::from_automerge(load_raw(&tx, id)?, self.actor.clone(), now_ms)?;
            let updated: i64 = tx.query_row("SELECT updated_at FROM documents WHERE id = ?1", [id], |r| r.get(0))?;
            projections::write(&tx, id, &doc, updated)?;
        }
        tx.commit()?;
        Ok(ids.len())
    }

    /// Every projection row, as text, in a stable order: for comparing stores
    /// and checking a rebuild.
    pub fn projection_dump(&self) -> Result<Vec<String>> {
        projections::dump(&self.conn)
    }

    /// The rows the core derives for a document (what the projections hold).
    pub fn rows(&mut self, id: &str) -> Result<Rows> {
        Ok(cd4mm_core::projection::rows(&self.content(id)?))
    }

    /// SQLite's own integrity check; `ok` when the file is sound.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    fn exists(&self, id: &str) -> Result<bool> {
        Ok(self.conn.query_row("SELECT count(*) FROM documents WHERE id = ?1", [id], |r| r.get::<_, i64>(0))? > 0)
    }

    fn document(&self, id: &str) -> Result<&Document> {
        self.docs.get(id).ok_or_else(|| StoreError::NoSuchDocument(id.to_owned()))
    }

    /// Load a document from its snapshot and later changes, once. An upgrade
    /// made while opening stays in memory until the user edits the document
    /// (see [`Store::upgrades`]).
    fn ensure_loaded(&mut self, id: &str) -> Result<()> {
        if self.docs.contains_key(id) {
            return Ok(());
        }
        let raw = load_raw(&self.conn, id)?;
        let before = raw.get_heads();
        let doc = Document::from_automerge(raw, self.actor.clone(), self.now_ms())?;
        self.upgrades.insert(id.to_owned(), doc.changes_since(&before));
        self.docs.insert(id.to_owned(), doc);
        Ok(())
    }
}

pub(crate) fn insert_change(conn: &Connection, id: &str, change: &Change, local: bool) -> Result<()> {
    conn.prepare_cached("INSERT OR IGNORE INTO changes (doc_id, hash, bytes, local) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![id, change.hash().as_ref(), change.raw_bytes(), local])?;
    Ok(())
}

/// The Automerge document as stored: snapshot, then the changes after it.
pub(crate) fn load_raw(conn: &Connection, id: &str) -> Result<Automerge> {
    let snapshot: Option<Option<Vec<u8>>> =
        conn.query_row("SELECT snapshot FROM documents WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    let Some(snapshot) = snapshot else {
        return Err(StoreError::NoSuchDocument(id.to_owned()));
    };
    let bad = |reason: String| StoreError::BadChanges { id: id.to_owned(), reason };
    let mut doc = match snapshot {
        Some(bytes) => {
            Automerge::load(&bytes).map_err(|e| bad(format!("the stored snapshot does not decode ({e})")))?
        }
        None => Automerge::new(),
    };
    let mut stmt = conn.prepare_cached("SELECT bytes FROM changes WHERE doc_id = ?1 ORDER BY rowid")?;
    let mut changes = Vec::new();
    for bytes in stmt.query_map([id], |r| r.get::<_, Vec<u8>>(0))? {
        changes.push(Change::from_bytes(bytes?).map_err(|e| bad(format!("a stored change does not decode ({e})")))?);
    }
    admission::apply(&mut doc, changes).map_err(|r| bad(r.message))?;
    Ok(doc)
}

/// A `documents` projection row (id, kind, workspace, title, conflicts, updated_at).
fn summary_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DocumentSummary> {
    Ok(DocumentSummary {
        id: r.get(0)?,
        kind: r.get(1)?,
        workspace: r.get(2)?,
        title: r.get(3)?,
        conflicts: r.get(4)?,
        updated_at: r.get(5)?,
    })
}
