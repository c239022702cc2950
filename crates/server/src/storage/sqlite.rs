//! The embedded default: one SQLite file in the data directory, no setup.

use crate::access::Role;
use crate::auth::Device;
use crate::round::{CachedDoc, Entry, LogTx, Registered};
use crate::storage::sql::{Row, Sql, Value};
use crate::storage::{self, Credentials, DeviceRecord, FactsRow, Membership, NewDevice, Storage};
use crate::storage::{Error, migrate};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use std::path::Path;
use std::sync::Mutex;

#[derive(Debug)]
pub struct Sqlite {
    conn: Mutex<Connection>,
}

impl Sqlite {
    /// Open (or create) the database, migrate it, and give it an epoch.
    pub fn open(path: &Path) -> Result<Sqlite, String> {
        let mut conn = Connection::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        let fail = |e: rusqlite::Error| format!("{}: {e}", path.display());
        let mut schema = Schema(&mut conn);
        migrate::check(&mut schema, &path.display().to_string())?;
        conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(fail)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(fail)?;
        conn.pragma_update(None, "synchronous", "FULL").map_err(fail)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(fail)?;
        migrate::run(&mut Schema(&mut conn), &path.display().to_string())?;
        let db = Sqlite { conn: Mutex::new(conn) };
        let has_epoch =
            db.with(|c| Ok(c.query_row("SELECT count(*) FROM meta WHERE key = 'epoch'", [], |r| r.get::<_, i64>(0))?));
        if has_epoch.map_err(|e| e.message)? == 0 {
            db.new_epoch().map_err(|e| e.message)?;
        }
        Ok(db)
    }

    fn with<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T, Error>) -> Result<T, Error> {
        // A panic mid-transaction rolled it back (the transaction dropped);
        // the connection is fine, so one bad request never stops the server.
        let mut conn = self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut conn)
    }
}

/// A database's parts (type and name: `table users`, `trigger …`) and the
/// SQL that made each, as SQLite keeps them (its own left out).
pub(crate) type Layout = std::collections::BTreeMap<(String, String), Option<String>>;

/// The parts of the database `conn` reads.
pub(crate) fn layout(conn: &Connection) -> rusqlite::Result<Layout> {
    let mut parts =
        conn.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")?;
    parts.query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?.collect()
}

/// The layout of a new database of this version (every migration run, in memory).
pub(crate) fn new_layout() -> Result<Layout, String> {
    let mut conn = Connection::open_in_memory().map_err(|e| e.to_string())?;
    migrate::run(&mut Schema(&mut conn), "a new database")?;
    layout(&conn).map_err(|e| e.to_string())
}

/// The schema version, in SQLite's `user_version`.
struct Schema<'a>(&'a mut Connection);

impl migrate::Schema for Schema<'_> {
    type Error = rusqlite::Error;
    const DIALECT: migrate::Dialect = migrate::Dialect::Sqlite;

    fn version(&mut self) -> rusqlite::Result<i64> {
        self.0.query_row("PRAGMA user_version", [], |r| r.get(0))
    }

    fn step(&mut self, sql: &str, version: i64) -> rusqlite::Result<()> {
        let tx = self.0.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()
    }
}

/// A unique-constraint violation as `exists` (409), anything else as internal.
fn unique(e: rusqlite::Error, what: String) -> Error {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => Error::exists(&what),
        _ => Error::internal(e),
    }
}

fn memberships(conn: &Connection, device: &Device) -> Result<Vec<Membership>, Error> {
    let sql = if device.admin {
        "SELECT w.id, w.name, w.country, coalesce(m.role, 'owner') FROM workspaces w
         LEFT JOIN members m ON m.workspace_id = w.id AND m.user_id = ?1 ORDER BY w.id"
    } else {
        // Members, and viewers of the countries their regional role covers.
        "SELECT w.id, w.name, w.country, coalesce(m.role, 'viewer') FROM workspaces w
         LEFT JOIN members m ON m.workspace_id = w.id AND m.user_id = ?1
         WHERE m.role IS NOT NULL
            OR EXISTS (SELECT 1 FROM coverage c WHERE c.user_id = ?1 AND lower(c.country) = lower(w.country))
         ORDER BY w.id"
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([device.user_id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (workspace, name, country, role) = row?;
        let role = Role::parse(&role).ok_or_else(|| Error::internal(format!("unknown role {role}")))?;
        out.push(Membership { workspace, name, country, role });
    }
    Ok(out)
}

impl Storage for Sqlite {
    fn epoch(&self) -> Result<String, Error> {
        self.with(|c| Ok(c.query_row("SELECT value FROM meta WHERE key = 'epoch'", [], |r| r.get(0))?))
    }

    fn set_epoch(&self, epoch: &str) -> Result<(), Error> {
        self.with(|c| {
            c.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('epoch', ?1)", [epoch])?;
            Ok(())
        })
    }

    fn device_record(&self, device_id: &str) -> Result<Option<DeviceRecord>, Error> {
        self.with(|c| {
            Ok(c.query_row(
                "SELECT d.id, d.user_id, u.username, u.admin, d.actor, d.token_digest, d.revoked_at IS NOT NULL,
                        d.browser, d.created_at, d.last_seen_at, u.disabled_at IS NOT NULL
                 FROM devices d JOIN users u ON u.id = d.user_id WHERE d.id = ?1",
                [device_id],
                |r| {
                    Ok(DeviceRecord {
                        device: Device {
                            device_id: r.get(0)?,
                            user_id: r.get(1)?,
                            username: r.get(2)?,
                            admin: r.get(3)?,
                            actor: r.get(4)?,
                        },
                        digest: r.get(5)?,
                        revoked: r.get(6)?,
                        browser: r.get(7)?,
                        created_at: r.get(8)?,
                        last_seen_at: r.get(9)?,
                        disabled: r.get(10)?,
                    })
                },
            )
            .optional()?)
        })
    }

    fn credentials(&self, username: &str) -> Result<Option<Credentials>, Error> {
        self.with(|c| {
            let sql = "SELECT id, password_hash, admin, disabled_at IS NOT NULL FROM users WHERE username = ?1";
            Ok(c.query_row(sql, [username], |r| {
                Ok(Credentials { user_id: r.get(0)?, password_hash: r.get(1)?, admin: r.get(2)?, disabled: r.get(3)? })
            })
            .optional()?)
        })
    }

    fn insert_device(&self, d: &NewDevice<'_>) -> Result<String, Error> {
        self.with(|c| {
            let id: Option<String> = c
                .query_row(
                    storage::INSERT_DEVICE,
                    params![d.id, d.user_id, d.name, d.digest, d.actor, d.now_ms, d.browser],
                    |r| r.get(0),
                )
                .optional()?;
            id.ok_or_else(storage::actor_taken)
        })
    }

    fn memberships(&self, device: &Device) -> Result<Vec<Membership>, Error> {
        self.with(|c| memberships(c, device))
    }

    fn facts(&self, workspaces: &[String]) -> Result<Vec<FactsRow>, Error> {
        self.with(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT workspace_id, doc_id, facts FROM facts
                 WHERE workspace_id IN (SELECT value FROM json_each(?1)) ORDER BY workspace_id, doc_id",
            )?;
            let list = serde_json::Value::from(workspaces.to_vec()).to_string();
            let rows =
                stmt.query_map([list], |r| Ok(FactsRow { workspace: r.get(0)?, doc_id: r.get(1)?, facts: r.get(2)? }))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn reading(&self, f: &mut (dyn FnMut(&mut dyn LogTx) -> Result<(), Error> + Send)) -> Result<(), Error> {
        // Deferred: in WAL mode, one snapshot of the database from its first read.
        self.with(|c| {
            let tx = c.transaction()?;
            f(&mut Tx(&tx))
        })
    }

    fn writing(&self, f: &mut (dyn FnMut(&mut dyn LogTx) -> Result<bool, Error> + Send)) -> Result<(), Error> {
        self.with(|c| {
            // IMMEDIATE: one writer at a time, so log numbers commit in order.
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if f(&mut Tx(&tx))? {
                tx.commit()?;
            }
            Ok(())
        })
    }

    fn administer(&self, f: &mut (dyn FnMut(&mut dyn Sql) -> Result<(), Error> + Send)) -> Result<(), Error> {
        self.with(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            f(&mut Plain(&tx))?;
            tx.commit()?;
            Ok(())
        })
    }

    fn database_bytes(&self) -> Result<u64, Error> {
        self.with(|c| {
            let pages: i64 =
                c.query_row("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()", [], |r| {
                    r.get(0)
                })?;
            Ok(pages.max(0) as u64)
        })
    }

    fn touch_device(&self, device_id: &str, now_ms: i64) -> Result<(), Error> {
        self.with(|c| {
            c.execute(storage::TOUCH_DEVICE, params![device_id, now_ms])?;
            Ok(())
        })
    }

    fn end_idle_sessions(&self, idle_since: i64, started_before: i64, now_ms: i64) -> Result<Vec<String>, Error> {
        self.with(|c| {
            let mut stmt = c.prepare(storage::END_IDLE_SESSIONS)?;
            let rows = stmt.query_map(params![idle_since, started_before, now_ms], |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn end_sessions_beyond(&self, user_id: i64, keep: usize, now_ms: i64) -> Result<Vec<String>, Error> {
        self.with(|c| {
            let mut stmt = c.prepare(storage::END_SESSIONS_BEYOND)?;
            let rows = stmt.query_map(params![user_id, keep as i64, now_ms], |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}

/// A `documents` row selected as `id, kind, snapshot, snapshot_seq`.
fn cached_doc(r: &rusqlite::Row<'_>) -> rusqlite::Result<CachedDoc> {
    Ok(CachedDoc { id: r.get(0)?, kind: r.get(1)?, snapshot: r.get(2)?, snapshot_seq: r.get::<_, i64>(3)? as u64 })
}

/// A sync round's view of an SQLite transaction.
struct Tx<'a>(&'a rusqlite::Transaction<'a>);

impl LogTx for Tx<'_> {
    fn epoch(&mut self) -> Result<String, Error> {
        Ok(self.0.query_row("SELECT value FROM meta WHERE key = 'epoch'", [], |r| r.get(0))?)
    }

    fn memberships(&mut self, device: &Device) -> Result<Vec<Membership>, Error> {
        memberships(self.0, device)
    }

    fn revoked(&mut self, device_id: &str) -> Result<bool, Error> {
        let active: Option<bool> = self
            .0
            .query_row("SELECT revoked_at IS NULL FROM devices WHERE id = ?1", [device_id], |r| r.get(0))
            .optional()?;
        Ok(active != Some(true))
    }

    fn lock_workspaces(&mut self, _workspaces: &[&str]) -> Result<(), Error> {
        Ok(()) // the IMMEDIATE transaction already excludes other writers
    }

    fn last_seq_of(&mut self, workspace: &str) -> Result<u64, Error> {
        Ok(self.0.query_row("SELECT coalesce(max(seq), 0) FROM log WHERE workspace_id = ?1", [workspace], |r| {
            r.get::<_, i64>(0)
        })? as u64)
    }

    fn doc_of_change(&mut self, hash: &[u8; 32]) -> Result<Option<String>, Error> {
        Ok(self
            .0
            .prepare_cached("SELECT doc_id FROM log WHERE hash = ?1")?
            .query_row([hash.as_slice()], |r| r.get(0))
            .optional()?)
    }

    fn last_seq_of_doc(&mut self, doc_id: &str) -> Result<u64, Error> {
        Ok(self
            .0
            .query_row("SELECT coalesce(max(seq), 0) FROM log WHERE doc_id = ?1", [doc_id], |r| r.get::<_, i64>(0))?
            as u64)
    }

    fn document(&mut self, doc_id: &str) -> Result<Option<Registered>, Error> {
        Ok(self
            .0
            .query_row("SELECT workspace_id, kind FROM documents WHERE id = ?1", [doc_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?)
    }

    fn register_document(&mut self, doc_id: &str, workspace: &str, kind: &str) -> Result<(), Error> {
        self.0
            .prepare_cached("INSERT OR IGNORE INTO documents (id, workspace_id, kind) VALUES (?1, ?2, ?3)")?
            .execute(params![doc_id, workspace, kind])?;
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
        let inserted = self
            .0
            .prepare_cached(
                "INSERT OR IGNORE INTO log (workspace_id, doc_id, hash, bytes, device_id, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![workspace, doc_id, hash.as_slice(), bytes, device_id, now_ms])?;
        Ok(inserted > 0)
    }

    fn documents_from(
        &mut self,
        workspace: &str,
        from: &str,
        inclusive: bool,
        limit: usize,
    ) -> Result<Vec<CachedDoc>, Error> {
        let mut stmt = self.0.prepare_cached(
            "SELECT id, kind, snapshot, snapshot_seq FROM documents
             WHERE workspace_id = ?1 AND (id > ?2 OR (?3 AND id = ?2)) ORDER BY id LIMIT ?4",
        )?;
        let rows = stmt.query_map(params![workspace, from, inclusive, limit as i64], cached_doc)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn changes_of_after(&mut self, doc_id: &str, seq: u64) -> Result<Vec<(u64, Vec<u8>)>, Error> {
        let mut stmt =
            self.0.prepare_cached("SELECT seq, bytes FROM log WHERE doc_id = ?1 AND seq > ?2 ORDER BY seq")?;
        let rows = stmt.query_map(params![doc_id, seq as i64], |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn cached(&mut self, doc_id: &str) -> Result<Option<CachedDoc>, Error> {
        Ok(self
            .0
            .query_row("SELECT id, kind, snapshot, snapshot_seq FROM documents WHERE id = ?1", [doc_id], |r| {
                Ok(CachedDoc {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    snapshot: r.get(2)?,
                    snapshot_seq: r.get::<_, i64>(3)? as u64,
                })
            })
            .optional()?)
    }

    fn put_facts(&mut self, doc_id: &str, workspace: &str, facts: Option<&str>, seq: u64) -> Result<(), Error> {
        self.0
            .prepare_cached(
                "INSERT INTO facts (doc_id, workspace_id, facts, seq) VALUES (?1, ?2, coalesce(?3, 'null'), ?4)
                 ON CONFLICT (doc_id) DO UPDATE SET facts = coalesce(?3, facts.facts), seq = excluded.seq
                 WHERE facts.seq < excluded.seq",
            )?
            .execute(params![doc_id, workspace, facts, seq as i64])?;
        Ok(())
    }

    fn stale_facts(&mut self, workspaces: Option<&[String]>, limit: usize) -> Result<Vec<(String, String)>, Error> {
        let mut stmt = self.0.prepare_cached(
            "SELECT d.id, d.workspace_id FROM documents d LEFT JOIN facts f ON f.doc_id = d.id
             WHERE (?1 IS NULL OR d.workspace_id IN (SELECT value FROM json_each(?1)))
               AND d.last_seq > coalesce(f.seq, 0)
             ORDER BY d.id LIMIT ?2",
        )?;
        let list = workspaces.map(|w| serde_json::Value::from(w.to_vec()).to_string());
        let rows = stmt.query_map(params![list, limit as i64], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn cache_snapshot(&mut self, doc_id: &str, snapshot: &[u8], seq: u64) -> Result<(), Error> {
        self.0.execute(
            "UPDATE documents SET snapshot = ?2, snapshot_seq = ?3 WHERE id = ?1 AND snapshot_seq < ?3",
            params![doc_id, snapshot, seq as i64],
        )?;
        Ok(())
    }

    fn entries_after(&mut self, workspace: &str, seq: u64, limit: usize) -> Result<Vec<Entry>, Error> {
        let mut stmt = self.0.prepare_cached(
            "SELECT l.seq, l.doc_id, d.kind, l.bytes, l.device_id FROM log l JOIN documents d ON d.id = l.doc_id
             WHERE l.workspace_id = ?1 AND l.seq > ?2 ORDER BY l.seq LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![workspace, seq as i64, limit as i64], |r| {
            Ok(Entry {
                seq: r.get::<_, i64>(0)? as u64,
                doc_id: r.get(1)?,
                kind: r.get(2)?,
                bytes: r.get(3)?,
                device_id: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// Administration's plain SQL on a transaction (`storage::sql`).
struct Plain<'a>(&'a rusqlite::Transaction<'a>);

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, Value as V};
        Ok(match self {
            Value::Null => ToSqlOutput::Owned(V::Null),
            Value::Int(n) => ToSqlOutput::Owned(V::Integer(*n)),
            Value::Bool(b) => ToSqlOutput::Owned(V::Integer(i64::from(*b))),
            Value::Text(s) => ToSqlOutput::Borrowed(rusqlite::types::ValueRef::Text(s.as_bytes())),
        })
    }
}

impl Sql for Plain<'_> {
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, Error> {
        Ok(self.0.execute(sql, rusqlite::params_from_iter(params)).map_err(|e| unique(e, "that".into()))? as u64)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, Error> {
        use rusqlite::types::ValueRef;
        let mut stmt = self.0.prepare(sql)?;
        let width = stmt.column_count();
        let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| {
            (0..width)
                .map(|i| {
                    Ok(match r.get_ref(i)? {
                        ValueRef::Integer(n) => Value::Int(n),
                        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                        ValueRef::Real(x) => Value::Int(x as i64),
                        ValueRef::Null | ValueRef::Blob(_) => Value::Null,
                    })
                })
                .collect::<rusqlite::Result<Row>>()
        })?;
        rows.collect::<rusqlite::Result<_>>().map_err(|e| unique(e, "that".into()))
    }
}
