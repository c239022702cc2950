//! PostgreSQL storage, for deployments that outgrow one machine: several
//! stateless server instances on one database. News of new changes crosses
//! instances with `LISTEN/NOTIFY` on the channel `cd4mm_news`.
//!
//! Writers of a workspace take a transaction-scoped advisory lock on it, so
//! within a workspace log numbers commit in the order they were handed out and
//! a device's cursor never skips an entry that commits late.

use crate::access::Role;
use crate::auth::{self, Device};
use crate::round::{CachedDoc, Entry, LogTx, Registered};
use crate::storage::sql::{Row as SqlRow, Sql, Value};
use crate::storage::{self, Credentials, DeviceRecord, FactsRow, Membership, NewDevice, Storage};
use crate::storage::{Error, ErrorKind, migrate};
use cd4mm_core::Code;
use postgres::IsolationLevel;
use postgres::error::SqlState;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{Client, GenericClient, NoTls, Row, Statement, Transaction};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;
use tokio::sync::broadcast;

/// Advisory lock held while migrating, so instances starting together migrate once.
const MIGRATION_LOCK: i64 = 0x0cd4_0001;
const NEWS_CHANNEL: &str = "cd4mm_news";
/// Advisory lock held by every administration transaction.
const ADMINISTRATION_LOCK: i64 = 0x0cd4_0002;
/// How long a request waits for a connection when all are in use.
const WAIT_FOR_CONNECTION: Duration = Duration::from_secs(30);

/// The connections of this instance: at most `limit` open at once, in use
/// or idle. A request beyond waits for one to come back (PostgreSQL refuses
/// connections past its `max_connections`, and a refused one was a 500).
struct Pool {
    limit: usize,
    state: Mutex<PoolState>,
    returned: Condvar,
}

#[derive(Default)]
struct PoolState {
    idle: Vec<Conn>,
    /// Open connections, idle ones included.
    open: usize,
}

impl Pool {
    fn new(limit: usize, first: Conn) -> Pool {
        Pool { limit, state: Mutex::new(PoolState { idle: vec![first], open: 1 }), returned: Condvar::new() }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, PoolState> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// An idle connection, a new one if there is room, or one that comes
    /// back within the wait.
    fn take(&self, connector: &Connector) -> Result<Conn, Error> {
        let deadline = std::time::Instant::now() + WAIT_FOR_CONNECTION;
        let mut state = self.lock();
        loop {
            while let Some(conn) = state.idle.pop() {
                if !conn.client.is_closed() {
                    return Ok(conn);
                }
                state.open -= 1;
            }
            if state.open < self.limit {
                state.open += 1;
                drop(state);
                return connector.connect().map(Conn::new).map_err(|e| {
                    self.lock().open -= 1;
                    self.returned.notify_one();
                    Error::from(e)
                });
            }
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return Err(Error::new(
                    ErrorKind::Unavailable,
                    Code::Busy,
                    "the database is busy; try again in a moment",
                ));
            }
            state = self.returned.wait_timeout(state, left).unwrap_or_else(std::sync::PoisonError::into_inner).0;
        }
    }

    /// Give a connection back (a closed one frees its place).
    fn give(&self, conn: Conn) {
        let mut state = self.lock();
        if conn.client.is_closed() {
            state.open -= 1;
        } else {
            state.idle.push(conn);
        }
        drop(state);
        self.returned.notify_one();
    }
}

/// A pooled connection and the statements prepared on it. A query sent as
/// text costs two round trips (parse, then execute); a prepared one, one.
/// Each SQL text of the hot paths is prepared once per connection.
struct Conn {
    client: Client,
    statements: HashMap<&'static str, Statement>,
}

impl Conn {
    fn new(client: Client) -> Conn {
        Conn { client, statements: HashMap::new() }
    }

    /// The connection itself, its statements kept.
    fn prepared(&mut self) -> Prepared<'_, Client> {
        Prepared { client: &mut self.client, statements: &mut self.statements }
    }

    /// A transaction that uses (and adds to) the connection's statements.
    fn in_transaction<T>(
        &mut self,
        start: impl FnOnce(&mut Client) -> Result<Transaction<'_>, postgres::Error>,
        f: impl FnOnce(&mut Prepared<'_, Transaction<'_>>) -> Result<(T, bool), Error>,
    ) -> Result<T, Error> {
        let mut tx = start(&mut self.client)?;
        let (out, commit) = f(&mut Prepared { client: &mut tx, statements: &mut self.statements })?;
        if commit {
            tx.commit()?;
        }
        Ok(out)
    }
}

/// A client (a connection or a transaction on it) that prepares each SQL text
/// once and then sends only its parameters.
struct Prepared<'a, C> {
    client: &'a mut C,
    statements: &'a mut HashMap<&'static str, Statement>,
}

type Params<'p> = [&'p (dyn ToSql + Sync)];

impl<C: GenericClient> Prepared<'_, C> {
    fn statement(&mut self, sql: &'static str) -> Result<Statement, postgres::Error> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(sql)?;
        self.statements.insert(sql, statement.clone());
        Ok(statement)
    }

    fn query(&mut self, sql: &'static str, params: &Params<'_>) -> Result<Vec<Row>, postgres::Error> {
        let statement = self.statement(sql)?;
        self.client.query(&statement, params)
    }

    fn query_opt(&mut self, sql: &'static str, params: &Params<'_>) -> Result<Option<Row>, postgres::Error> {
        let statement = self.statement(sql)?;
        self.client.query_opt(&statement, params)
    }

    fn query_one(&mut self, sql: &'static str, params: &Params<'_>) -> Result<Row, postgres::Error> {
        let statement = self.statement(sql)?;
        self.client.query_one(&statement, params)
    }

    fn execute(&mut self, sql: &'static str, params: &Params<'_>) -> Result<u64, postgres::Error> {
        let statement = self.statement(sql)?;
        self.client.execute(&statement, params)
    }
}

impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Error {
        // `postgres::Error` displays as "db error": log what the database said.
        match e.as_db_error() {
            Some(db) => Error::internal(format!("PostgreSQL {}: {}", db.code().code(), db.message())),
            None => Error::internal(e),
        }
    }
}

fn conflict(e: postgres::Error, what: String) -> Error {
    if e.code() == Some(&SqlState::UNIQUE_VIOLATION) { Error::exists(&what) } else { Error::internal(e) }
}

/// How this instance reaches the database: its URL, over TLS when the URL
/// asks for it (`sslmode=require`), the server's certificate checked against
/// the system's authorities and the file `database_ca` names.
#[derive(Clone)]
pub(crate) struct Connector {
    url: String,
    tls: Option<tokio_postgres_rustls::MakeRustlsConnect>,
}

impl Connector {
    pub(crate) fn new(url: &str, ca: Option<&std::path::Path>) -> Result<Connector, String> {
        let wants_tls = url.split(['?', '&']).any(|p| p == "sslmode=require");
        if !wants_tls {
            return Ok(Connector { url: url.to_owned(), tls: None });
        }
        let extra = match ca {
            Some(path) => {
                use tokio_rustls::rustls::pki_types::{CertificateDer, pem::PemObject};
                CertificateDer::pem_file_iter(path)
                    .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                    .map_err(|e| format!("cannot read the database's certificate authority {}: {e}", path.display()))?
            }
            None => Vec::new(),
        };
        let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
        let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider.clone())
            .map_err(|e| format!("cannot set up TLS to PostgreSQL: {e}"))?;
        let config = tokio_rustls::rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        Ok(Connector { url: url.to_owned(), tls: Some(tokio_postgres_rustls::MakeRustlsConnect::new(config)) })
    }

    fn connect(&self) -> Result<Client, postgres::Error> {
        match &self.tls {
            Some(tls) => Client::connect(&self.url, tls.clone()),
            None => Client::connect(&self.url, NoTls),
        }
    }
}

pub struct Postgres {
    connector: Connector,
    pool: Pool,
    /// Ends the news listener when the storage is dropped.
    stop: Arc<AtomicBool>,
}

impl Drop for Postgres {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // A blocking client must not be dropped on an async runtime's thread.
        let idle = self.pool.state.get_mut().map(|s| std::mem::take(&mut s.idle)).unwrap_or_default();
        let _ = std::thread::spawn(move || drop(idle)).join();
    }
}

impl std::fmt::Debug for Postgres {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Postgres").finish_non_exhaustive()
    }
}

impl Postgres {
    /// Connect, migrate (once, whichever instance comes first) and make sure
    /// there is an epoch. Blocking.
    /// `connections`: the most this instance opens (see
    /// `Config::database_connections`).
    pub fn open(url: &str, connections: Option<usize>, ca: Option<&std::path::Path>) -> Result<Postgres, String> {
        let connector = Connector::new(url, ca)?;
        // The blocking client runs its own small runtime, which cannot start on
        // a thread of another runtime: do all its work on a thread of our own.
        std::thread::scope(|s| s.spawn(|| Postgres::open_here(connector, connections)).join())
            .map_err(|_| "PostgreSQL setup panicked".to_owned())?
    }

    fn open_here(connector: Connector, connections: Option<usize>) -> Result<Postgres, String> {
        let mut client = connector.connect().map_err(|e| format!("cannot connect to PostgreSQL: {e}"))?;
        let fail = |e: postgres::Error| format!("PostgreSQL: {e}");
        client.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK]).map_err(fail)?;
        client.batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)").map_err(fail)?;
        migrate::run(&mut Schema(&mut client), "the database")?;
        let epoch = auth::random_hex(8).map_err(|e| e.message)?;
        client
            .execute("INSERT INTO meta (key, value) VALUES ('epoch', $1) ON CONFLICT (key) DO NOTHING", &[&epoch])
            .map_err(fail)?;
        client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]).map_err(fail)?;
        let limit = match connections {
            Some(n) => n.max(1),
            None => {
                let max: String = client.query_one("SHOW max_connections", &[]).map_err(fail)?.get(0);
                (max.parse::<usize>().unwrap_or(100) / 4).clamp(2, 32)
            }
        };
        tracing::info!(connections = limit, "PostgreSQL connection pool");
        Ok(Postgres { connector, pool: Pool::new(limit, Conn::new(client)), stop: Arc::new(AtomicBool::new(false)) })
    }

    /// Run `f` with a pooled connection, on a thread of our own (see `open`).
    fn with<T: Send>(&self, f: impl FnOnce(&mut Conn) -> Result<T, Error> + Send) -> Result<T, Error> {
        std::thread::scope(|s| s.spawn(|| self.with_here(f)).join())
            .map_err(|_| Error::internal("a PostgreSQL worker panicked"))?
    }

    fn with_here<T>(&self, f: impl FnOnce(&mut Conn) -> Result<T, Error>) -> Result<T, Error> {
        let mut conn = self.pool.take(&self.connector)?;
        // A panic in `f` loses this connection but must not keep its place.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut conn)));
        self.pool.give(conn);
        result.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
}

/// A read-only transaction that sees one snapshot of the database for every
/// row it reads.
fn snapshot_read(c: &mut Client) -> Result<Transaction<'_>, postgres::Error> {
    c.build_transaction().isolation_level(IsolationLevel::RepeatableRead).read_only(true).start()
}

fn memberships(c: &mut Prepared<'_, impl GenericClient>, device: &Device) -> Result<Vec<Membership>, Error> {
    let sql = if device.admin {
        "SELECT w.id, w.name, w.country, coalesce(m.role, 'owner') FROM workspaces w
         LEFT JOIN members m ON m.workspace_id = w.id AND m.user_id = $1 ORDER BY w.id"
    } else {
        // Members, and viewers of the countries their regional role covers.
        "SELECT w.id, w.name, w.country, coalesce(m.role, 'viewer') FROM workspaces w
         LEFT JOIN members m ON m.workspace_id = w.id AND m.user_id = $1
         WHERE m.role IS NOT NULL
            OR EXISTS (SELECT 1 FROM coverage c WHERE c.user_id = $1 AND lower(c.country) = lower(w.country))
         ORDER BY w.id"
    };
    let mut out = Vec::new();
    for row in c.query(sql, &[&device.user_id])? {
        let role: String = row.get(3);
        let role = Role::parse(&role).ok_or_else(|| Error::internal(format!("unknown role {role}")))?;
        out.push(Membership { workspace: row.get(0), name: row.get(1), country: row.get(2), role });
    }
    Ok(out)
}

impl Storage for Postgres {
    fn epoch(&self) -> Result<String, Error> {
        self.with(|c| Ok(c.prepared().query_one("SELECT value FROM meta WHERE key = 'epoch'", &[])?.get(0)))
    }

    fn set_epoch(&self, epoch: &str) -> Result<(), Error> {
        self.with(|c| {
            c.client.execute(
                "INSERT INTO meta (key, value) VALUES ('epoch', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                &[&epoch],
            )?;
            Ok(())
        })
    }

    fn device_record(&self, device_id: &str) -> Result<Option<DeviceRecord>, Error> {
        self.with(|c| {
            Ok(c.prepared()
                .query_opt(
                    "SELECT d.id, d.user_id, u.username, u.admin, d.actor, d.token_digest, d.revoked_at IS NOT NULL,
                        d.browser, d.created_at, d.last_seen_at, u.disabled_at IS NOT NULL
                 FROM devices d JOIN users u ON u.id = d.user_id WHERE d.id = $1",
                    &[&device_id],
                )?
                .map(|r| DeviceRecord {
                    device: Device {
                        device_id: r.get(0),
                        user_id: r.get(1),
                        username: r.get(2),
                        admin: r.get(3),
                        actor: r.get(4),
                    },
                    digest: r.get(5),
                    revoked: r.get(6),
                    browser: r.get(7),
                    created_at: r.get(8),
                    last_seen_at: r.get(9),
                    disabled: r.get(10),
                }))
        })
    }

    fn credentials(&self, username: &str) -> Result<Option<Credentials>, Error> {
        self.with(|c| {
            let sql = "SELECT id, password_hash, admin, disabled_at IS NOT NULL FROM users WHERE username = $1";
            Ok(c.prepared().query_opt(sql, &[&username])?.map(|r| Credentials {
                user_id: r.get(0),
                password_hash: r.get(1),
                admin: r.get(2),
                disabled: r.get(3),
            }))
        })
    }

    fn insert_device(&self, d: &NewDevice<'_>) -> Result<String, Error> {
        self.with(|c| {
            let sql = storage::INSERT_DEVICE.replace('?', "$");
            let row =
                c.client.query_opt(&sql, &[&d.id, &d.user_id, &d.name, &d.digest, &d.actor, &d.now_ms, &d.browser])?;
            row.map(|r| r.get(0)).ok_or_else(storage::actor_taken)
        })
    }

    fn database_bytes(&self) -> Result<u64, Error> {
        self.with(|c| {
            let bytes: i64 = c.client.query_one("SELECT pg_database_size(current_database())", &[])?.get(0);
            Ok(bytes.max(0) as u64)
        })
    }

    fn touch_device(&self, device_id: &str, now_ms: i64) -> Result<(), Error> {
        self.with(|c| {
            c.client.execute(&storage::TOUCH_DEVICE.replace('?', "$"), &[&device_id, &now_ms])?;
            Ok(())
        })
    }

    fn end_idle_sessions(&self, idle_since: i64, started_before: i64, now_ms: i64) -> Result<Vec<String>, Error> {
        self.with(|c| {
            let sql = storage::END_IDLE_SESSIONS.replace('?', "$");
            Ok(c.client.query(&sql, &[&idle_since, &started_before, &now_ms])?.iter().map(|r| r.get(0)).collect())
        })
    }

    fn end_sessions_beyond(&self, user_id: i64, keep: usize, now_ms: i64) -> Result<Vec<String>, Error> {
        self.with(|c| {
            let sql = storage::END_SESSIONS_BEYOND.replace('?', "$");
            Ok(c.client.query(&sql, &[&user_id, &(keep as i64), &now_ms])?.iter().map(|r| r.get(0)).collect())
        })
    }

    fn memberships(&self, device: &Device) -> Result<Vec<Membership>, Error> {
        self.with(|c| memberships(&mut c.prepared(), device))
    }

    fn facts(&self, workspaces: &[String]) -> Result<Vec<FactsRow>, Error> {
        self.with(|c| {
            let rows = c.client.query(
                "SELECT workspace_id, doc_id, facts FROM facts WHERE workspace_id = ANY($1) ORDER BY workspace_id, doc_id",
                &[&workspaces],
            )?;
            Ok(rows.iter().map(|r| FactsRow { workspace: r.get(0), doc_id: r.get(1), facts: r.get(2) }).collect())
        })
    }

    fn reading(&self, f: &mut (dyn FnMut(&mut dyn LogTx) -> Result<(), Error> + Send)) -> Result<(), Error> {
        self.with(|c| c.in_transaction(snapshot_read, |tx| Ok((f(tx)?, false))))
    }

    fn writing(&self, f: &mut (dyn FnMut(&mut dyn LogTx) -> Result<bool, Error> + Send)) -> Result<(), Error> {
        self.with(|c| c.in_transaction(Client::transaction, |tx| Ok(((), f(tx)?))))
    }

    fn administer(&self, f: &mut (dyn FnMut(&mut dyn Sql) -> Result<(), Error> + Send)) -> Result<(), Error> {
        self.with(|c| {
            let mut tx = c.client.transaction()?;
            // One administration at a time, as SQLite's single writer gives:
            // rules that count (the last administrator) hold between instances.
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&ADMINISTRATION_LOCK])?;
            f(&mut Plain(&mut tx))?;
            tx.commit()?;
            Ok(())
        })
    }

    fn delivers_news(&self, news: broadcast::Sender<String>) -> bool {
        let (connector, stop) = (self.connector.clone(), self.stop.clone());
        std::thread::Builder::new().name("cd4mm-pg-news".into()).spawn(move || listen(&connector, &news, &stop)).is_ok()
    }
}

/// Forward `NOTIFY cd4mm_news` to this instance's live subscribers until
/// `stop` is set, reconnecting (after a pause) when the connection drops.
fn listen(connector: &Connector, news: &broadcast::Sender<String>, stop: &AtomicBool) {
    while !stop.load(Ordering::Relaxed) {
        match connector.connect() {
            Ok(mut client) => {
                if let Err(e) = client.batch_execute(&format!("LISTEN {NEWS_CHANNEL}")) {
                    tracing::warn!(error = %e, "cannot LISTEN on PostgreSQL; retrying");
                } else {
                    loop {
                        if stop.load(Ordering::Relaxed) {
                            return;
                        }
                        let mut notifications = client.notifications();
                        let mut waiting = notifications.timeout_iter(Duration::from_millis(500));
                        match FallibleIterator::next(&mut waiting) {
                            Ok(Some(n)) => {
                                let _ = news.send(n.payload().to_owned());
                            }
                            Ok(None) => {} // nothing within the timeout: check `stop`, wait again
                            Err(e) => {
                                tracing::warn!(error = %e, "lost the PostgreSQL news connection; reconnecting");
                                break;
                            }
                        }
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot listen for news on PostgreSQL; retrying"),
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// A `documents` row selected as `id, kind, snapshot, snapshot_seq`.
fn cached_doc(r: &postgres::Row) -> CachedDoc {
    CachedDoc { id: r.get(0), kind: r.get(1), snapshot: r.get(2), snapshot_seq: r.get::<_, i64>(3) as u64 }
}

/// The schema version, in a one-row table.
struct Schema<'a>(&'a mut Client);

impl migrate::Schema for Schema<'_> {
    type Error = postgres::Error;
    const DIALECT: migrate::Dialect = migrate::Dialect::Postgres;

    fn version(&mut self) -> Result<i64, postgres::Error> {
        Ok(self.0.query_opt("SELECT version FROM schema_version", &[])?.map_or(0, |r| r.get(0)))
    }

    fn step(&mut self, sql: &str, version: i64) -> Result<(), postgres::Error> {
        let mut tx = self.0.transaction()?;
        tx.batch_execute(sql)?;
        tx.execute("DELETE FROM schema_version", &[])?;
        tx.execute("INSERT INTO schema_version (version) VALUES ($1)", &[&version])?;
        tx.commit()
    }
}

/// A sync round's view of a Postgres transaction.
impl LogTx for Prepared<'_, Transaction<'_>> {
    fn announce(&mut self, workspace: &str) -> Result<(), Error> {
        // Delivered to every instance (this one included) on commit.
        self.execute("SELECT pg_notify($1, $2)", &[&NEWS_CHANNEL, &workspace])?;
        Ok(())
    }

    fn epoch(&mut self) -> Result<String, Error> {
        Ok(self.query_one("SELECT value FROM meta WHERE key = 'epoch'", &[])?.get(0))
    }

    fn memberships(&mut self, device: &Device) -> Result<Vec<Membership>, Error> {
        memberships(self, device)
    }

    fn revoked(&mut self, device_id: &str) -> Result<bool, Error> {
        let active = self.query_opt("SELECT revoked_at IS NULL FROM devices WHERE id = $1", &[&device_id])?;
        Ok(active.map(|r| r.get::<_, bool>(0)) != Some(true))
    }

    fn lock_workspaces(&mut self, workspaces: &[&str]) -> Result<(), Error> {
        // Sorted by the caller, so two writers never wait on each other in a cycle.
        for w in workspaces {
            self.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", &[w])?;
        }
        Ok(())
    }

    fn last_seq_of(&mut self, workspace: &str) -> Result<u64, Error> {
        Ok(self
            .query_one("SELECT coalesce(max(seq), 0) FROM log WHERE workspace_id = $1", &[&workspace])?
            .get::<_, i64>(0) as u64)
    }

    fn doc_of_change(&mut self, hash: &[u8; 32]) -> Result<Option<String>, Error> {
        Ok(self.query_opt("SELECT doc_id FROM log WHERE hash = $1", &[&hash.as_slice()])?.map(|r| r.get(0)))
    }

    fn last_seq_of_doc(&mut self, doc_id: &str) -> Result<u64, Error> {
        Ok(self.query_one("SELECT coalesce(max(seq), 0) FROM log WHERE doc_id = $1", &[&doc_id])?.get::<_, i64>(0)
            as u64)
    }

    fn document(&mut self, doc_id: &str) -> Result<Option<Registered>, Error> {
        Ok(self
            .query_opt("SELECT workspace_id, kind FROM documents WHERE id = $1", &[&doc_id])?
            .map(|r| (r.get(0), r.get(1))))
    }

    fn registered_and_last(&mut self, doc_id: &str) -> Result<(Option<Registered>, u64), Error> {
        let row = self.query_one(
            "SELECT d.workspace_id, d.kind, (SELECT coalesce(max(seq), 0) FROM log WHERE doc_id = $1)
             FROM (SELECT 1) one LEFT JOIN documents d ON d.id = $1",
            &[&doc_id],
        )?;
        let registered = row.get::<_, Option<String>>(0).zip(row.get::<_, Option<String>>(1));
        Ok((registered, row.get::<_, i64>(2) as u64))
    }

    fn registered_and_cached(&mut self, doc_id: &str) -> Result<(Option<Registered>, Option<CachedDoc>), Error> {
        let row = self.query_opt(
            "SELECT id, kind, snapshot, snapshot_seq, workspace_id FROM documents WHERE id = $1",
            &[&doc_id],
        )?;
        Ok(match row {
            Some(r) => (Some((r.get(4), r.get(1))), Some(cached_doc(&r))),
            None => (None, None),
        })
    }

    fn revoked_and_epoch(&mut self, device_id: &str) -> Result<(bool, String), Error> {
        let row = self.query_one(
            "SELECT (SELECT revoked_at IS NULL FROM devices WHERE id = $1), (SELECT value FROM meta WHERE key = 'epoch')",
            &[&device_id],
        )?;
        Ok((row.get::<_, Option<bool>>(0) != Some(true), row.get(1)))
    }

    fn register_document(&mut self, doc_id: &str, workspace: &str, kind: &str) -> Result<(), Error> {
        self.execute(
            "INSERT INTO documents (id, workspace_id, kind) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
            &[&doc_id, &workspace, &kind],
        )?;
        Ok(())
    }

    fn append(
        &mut self,
        workspace: &str,
        doc_id: &str,
        hash: &[u8; 32],
        bytes: &[u8],
        device_id: &str,
        now_ms: i64,
    ) -> Result<bool, Error> {
        let n = self.execute(
            "INSERT INTO log (workspace_id, doc_id, hash, bytes, device_id, received_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (hash) DO NOTHING",
            &[&workspace, &doc_id, &hash.as_slice(), &bytes, &device_id, &now_ms],
        )?;
        Ok(n > 0)
    }

    fn documents_from(
        &mut self,
        workspace: &str,
        from: &str,
        inclusive: bool,
        limit: usize,
    ) -> Result<Vec<CachedDoc>, Error> {
        // Byte order (`C`), as SQLite compares: pages follow one order.
        let rows = self.query(
            "SELECT id, kind, snapshot, snapshot_seq FROM documents
             WHERE workspace_id = $1 AND (id COLLATE \"C\" > $2 OR ($3 AND id = $2))
             ORDER BY id COLLATE \"C\" LIMIT $4",
            &[&workspace, &from, &inclusive, &(limit as i64)],
        )?;
        Ok(rows.iter().map(cached_doc).collect())
    }

    fn changes_of_after(&mut self, doc_id: &str, seq: u64) -> Result<Vec<(u64, Vec<u8>)>, Error> {
        let rows = self.query(
            "SELECT seq, bytes FROM log WHERE doc_id = $1 AND seq > $2 ORDER BY seq",
            &[&doc_id, &(seq as i64)],
        )?;
        Ok(rows.iter().map(|r| (r.get::<_, i64>(0) as u64, r.get(1))).collect())
    }

    fn cached(&mut self, doc_id: &str) -> Result<Option<CachedDoc>, Error> {
        let row = self.query_opt("SELECT id, kind, snapshot, snapshot_seq FROM documents WHERE id = $1", &[&doc_id])?;
        Ok(row.map(|r| CachedDoc {
            id: r.get(0),
            kind: r.get(1),
            snapshot: r.get(2),
            snapshot_seq: r.get::<_, i64>(3) as u64,
        }))
    }

    fn put_facts(&mut self, doc_id: &str, workspace: &str, facts: Option<&str>, seq: u64) -> Result<(), Error> {
        self.execute(
            "INSERT INTO facts (doc_id, workspace_id, facts, seq) VALUES ($1, $2, coalesce($3, 'null'), $4)
             ON CONFLICT (doc_id) DO UPDATE SET facts = coalesce($3, facts.facts), seq = excluded.seq
             WHERE facts.seq < excluded.seq",
            &[&doc_id, &workspace, &facts, &(seq as i64)],
        )?;
        Ok(())
    }

    fn stale_facts(&mut self, workspaces: Option<&[String]>, limit: usize) -> Result<Vec<(String, String)>, Error> {
        let rows = self.query(
            "SELECT d.id, d.workspace_id FROM documents d LEFT JOIN facts f ON f.doc_id = d.id
             WHERE ($1::text[] IS NULL OR d.workspace_id = ANY($1))
               AND d.last_seq > coalesce(f.seq, 0)
             ORDER BY d.id COLLATE \"C\" LIMIT $2",
            &[&workspaces, &(limit as i64)],
        )?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    fn cache_snapshot(&mut self, doc_id: &str, snapshot: &[u8], seq: u64) -> Result<(), Error> {
        self.execute(
            "UPDATE documents SET snapshot = $2, snapshot_seq = $3 WHERE id = $1 AND snapshot_seq < $3",
            &[&doc_id, &snapshot, &(seq as i64)],
        )?;
        Ok(())
    }

    fn entries_after(&mut self, workspace: &str, seq: u64, limit: usize) -> Result<Vec<Entry>, Error> {
        let rows = self.query(
            "SELECT l.seq, l.doc_id, d.kind, l.bytes, l.device_id FROM log l JOIN documents d ON d.id = l.doc_id
             WHERE l.workspace_id = $1 AND l.seq > $2 ORDER BY l.seq LIMIT $3",
            &[&workspace, &(seq as i64), &(limit as i64)],
        )?;
        Ok(rows
            .iter()
            .map(|r| Entry {
                seq: r.get::<_, i64>(0) as u64,
                doc_id: r.get(1),
                kind: r.get(2),
                bytes: r.get(3),
                device_id: r.get(4),
            })
            .collect())
    }
}

/// Administration's plain SQL on a transaction (`storage::sql`): `?N`
/// becomes `$N`, and values take the column's type.
struct Plain<'a, 'b>(&'a mut Transaction<'b>);

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::{IsNull, Type};
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(n) if *ty == Type::INT4 => i32::try_from(*n)?.to_sql(ty, out),
            Value::Int(n) => n.to_sql(ty, out),
            Value::Bool(b) => b.to_sql(ty, out),
            Value::Text(s) => s.as_str().to_sql(ty, out),
        }
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

fn statement<'p>(sql: &str, params: &'p [Value]) -> (String, Vec<&'p (dyn ToSql + Sync)>) {
    (sql.replace('?', "$"), params.iter().map(|p| p as &(dyn ToSql + Sync)).collect())
}

impl Sql for Plain<'_, '_> {
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, Error> {
        let (sql, params) = statement(sql, params);
        self.0.execute(&sql, &params).map_err(|e| conflict(e, "that".into()))
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<SqlRow>, Error> {
        use postgres::types::Type;
        let (sql, params) = statement(sql, params);
        let rows = self.0.query(&sql, &params).map_err(|e| conflict(e, "that".into()))?;
        let value = |row: &postgres::Row, i: usize| -> Result<Value, postgres::Error> {
            let ty = row.columns()[i].type_();
            Ok(if *ty == Type::BOOL {
                row.try_get::<_, Option<bool>>(i)?.map_or(Value::Null, Value::Bool)
            } else if *ty == Type::INT8 {
                row.try_get::<_, Option<i64>>(i)?.map_or(Value::Null, Value::Int)
            } else if *ty == Type::INT4 {
                row.try_get::<_, Option<i32>>(i)?.map_or(Value::Null, |n| Value::Int(n.into()))
            } else if *ty == Type::TEXT || *ty == Type::VARCHAR || *ty == Type::NAME {
                row.try_get::<_, Option<String>>(i)?.map_or(Value::Null, Value::Text)
            } else {
                Value::Null
            })
        };
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            out.push((0..row.len()).map(|i| value(row, i)).collect::<Result<SqlRow, _>>()?);
        }
        Ok(out)
    }
}
