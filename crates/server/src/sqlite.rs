//! The embedded default: one SQLite file in the data directory, no setup.

use crate::access::Role;
use crate::auth::{self, Device};
use crate::error::ApiError;
use crate::storage::{self, DeviceInfo, Enrolment, Membership, Storage, SyncOutcome, check_change, check_read, roles};
use axum::http::StatusCode;
use cd4mm_sync::wire::{DocBytes, SyncRequest, SyncResponse, WorkspaceNews};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use std::path::Path;
use std::sync::Mutex;

const MIGRATIONS: &[&str] = &[include_str!("../../../migrations/server-sqlite/0001_init.sql")];

#[derive(Debug)]
pub struct Sqlite {
    conn: Mutex<Connection>,
}

impl Sqlite {
    /// Open (or create) the database, migrate it, and give it an epoch.
    pub fn open(path: &Path) -> Result<Sqlite, String> {
        let mut conn = Connection::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        let fail = |e: rusqlite::Error| format!("{}: {e}", path.display());
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(fail)?;
        if version > MIGRATIONS.len() as i64 {
            return Err(format!(
                "{} was written by a newer cd4mm-server (database version {version}); update the server",
                path.display()
            ));
        }
        conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(fail)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(fail)?;
        conn.pragma_update(None, "synchronous", "FULL").map_err(fail)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(fail)?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
            let tx = conn.transaction().map_err(fail)?;
            tx.execute_batch(sql).map_err(fail)?;
            tx.pragma_update(None, "user_version", i as i64 + 1).map_err(fail)?;
            tx.commit().map_err(fail)?;
        }
        let db = Sqlite { conn: Mutex::new(conn) };
        let has_epoch =
            db.with(|c| Ok(c.query_row("SELECT count(*) FROM meta WHERE key = 'epoch'", [], |r| r.get::<_, i64>(0))?));
        if has_epoch.map_err(|e| e.message)? == 0 {
            db.new_epoch().map_err(|e| e.message)?;
        }
        Ok(db)
    }

    fn with<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T, ApiError>) -> Result<T, ApiError> {
        let mut conn = self.conn.lock().map_err(|_| ApiError::internal("database lock poisoned"))?;
        f(&mut conn)
    }
}

fn memberships(conn: &Connection, device: &Device) -> Result<Vec<Membership>, ApiError> {
    let sql = if device.admin {
        "SELECT w.id, w.name, w.country, coalesce(m.role, 'owner') FROM workspaces w
         LEFT JOIN members m ON m.workspace_id = w.id AND m.user_id = ?1 ORDER BY w.id"
    } else {
        "SELECT w.id, w.name, w.country, m.role FROM workspaces w
         JOIN members m ON m.workspace_id = w.id AND m.user_id = ?1 ORDER BY w.id"
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([device.user_id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (workspace, name, country, role) = row?;
        let role = Role::parse(&role).ok_or_else(|| ApiError::internal(format!("unknown role {role}")))?;
        out.push(Membership { workspace, name, country, role });
    }
    Ok(out)
}

impl Storage for Sqlite {
    fn epoch(&self) -> Result<String, ApiError> {
        self.with(|c| Ok(c.query_row("SELECT value FROM meta WHERE key = 'epoch'", [], |r| r.get(0))?))
    }

    fn authenticate(&self, device_id: &str, digest: &[u8]) -> Result<Device, ApiError> {
        self.with(|c| {
            let found = c
                .query_row(
                    "SELECT d.id, d.user_id, u.username, u.admin, d.actor, d.token_digest, d.revoked_at
                     FROM devices d JOIN users u ON u.id = d.user_id WHERE d.id = ?1",
                    [device_id],
                    |r| {
                        Ok((
                            Device {
                                device_id: r.get(0)?,
                                user_id: r.get(1)?,
                                username: r.get(2)?,
                                admin: r.get::<_, i64>(3)? != 0,
                                actor: r.get(4)?,
                            },
                            r.get::<_, Vec<u8>>(5)?,
                            r.get::<_, Option<i64>>(6)?,
                        ))
                    },
                )
                .optional()?;
            match found {
                Some((device, stored, None)) if stored == digest => Ok(device),
                Some((_, stored, Some(_))) if stored == digest => {
                    Err(ApiError::unauthorised("this device was revoked by an administrator; enrol it again to sync"))
                }
                _ => Err(ApiError::unauthorised("the device token is not valid; enrol the device again")),
            }
        })
    }

    fn enrol(
        &self,
        username: &str,
        password: &str,
        device_name: &str,
        actor: &str,
        now_ms: i64,
    ) -> Result<Enrolment, ApiError> {
        if actor.len() < 2 || hex::decode(actor).is_err() {
            return Err(ApiError::bad_request("bad_actor", "the device's actor id must be hexadecimal"));
        }
        let user = self.with(|c| {
            Ok(c.query_row("SELECT id, password_hash, admin FROM users WHERE username = ?1", [username], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)? != 0))
            })
            .optional()?)
        })?;
        // Verify outside the lock: Argon2 is slow on purpose.
        let (user_id, admin) = match user {
            Some((id, hash, admin)) if auth::verify_password(password, &hash) => (id, admin),
            _ => return Err(ApiError::unauthorised("wrong user name or password")),
        };
        let device_id = auth::random_hex(8)?;
        let secret = auth::random_hex(32)?;
        self.with(|c| {
            let taken: i64 = c.query_row("SELECT count(*) FROM devices WHERE actor = ?1", [actor], |r| r.get(0))?;
            if taken > 0 {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "actor_taken",
                    "this device's actor id is already registered to another device",
                ));
            }
            c.execute(
                "INSERT INTO devices (id, user_id, name, token_digest, actor, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![device_id, user_id, device_name, auth::token_digest(&secret), actor, now_ms],
            )?;
            Ok(())
        })?;
        Ok(Enrolment { token: format!("{device_id}.{secret}"), device_id, username: username.to_owned(), admin })
    }

    fn memberships(&self, device: &Device) -> Result<Vec<Membership>, ApiError> {
        self.with(|c| memberships(c, device))
    }

    fn sync(&self, device: &Device, request: &SyncRequest, cap: usize, now_ms: i64) -> Result<SyncOutcome, ApiError> {
        self.with(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let epoch: String = tx.query_row("SELECT value FROM meta WHERE key = 'epoch'", [], |r| r.get(0))?;
            let members = memberships(&tx, device)?;
            let roles = roles(&members);
            let last_seq: i64 = tx.query_row("SELECT coalesce(max(seq), 0) FROM log", [], |r| r.get(0))?;
            for cursor in &request.cursors {
                check_read(device, &roles, &cursor.workspace)?;
                if cursor.seq > last_seq as u64 {
                    return Err(storage::cursor_ahead(&cursor.workspace));
                }
            }
            // Check every change before storing any: a request is all or nothing.
            let mut checked = Vec::with_capacity(request.changes.len());
            for change in &request.changes {
                let existing = tx
                    .query_row("SELECT workspace_id, kind FROM documents WHERE id = ?1", [&change.doc_id], |r| {
                        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                    })
                    .optional()?;
                checked.push(check_change(device, &roles, change, existing)?);
            }
            let mut acked = Vec::with_capacity(checked.len());
            let mut news: Vec<String> = Vec::new();
            for (change, check) in request.changes.iter().zip(&checked) {
                tx.prepare_cached("INSERT OR IGNORE INTO documents (id, workspace_id, kind) VALUES (?1, ?2, ?3)")?
                    .execute(params![change.doc_id, change.workspace, change.kind])?;
                let inserted = tx
                    .prepare_cached(
                        "INSERT OR IGNORE INTO log (workspace_id, doc_id, hash, bytes, device_id, received_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    )?
                    .execute(params![change.workspace, change.doc_id, check.hash.as_slice(), change.bytes, device.device_id, now_ms])?;
                if inserted > 0 && !news.contains(&change.workspace) {
                    news.push(change.workspace.clone());
                }
                acked.push(check.hash);
            }

            let mut budget = cap;
            let mut more = false;
            let mut workspaces = Vec::with_capacity(request.cursors.len());
            for cursor in &request.cursors {
                let mut out =
                    WorkspaceNews { workspace: cursor.workspace.clone(), cursor: cursor.seq, snapshots: vec![], changes: vec![] };
                if cursor.seq == 0 {
                    // First sync: one compact snapshot per document.
                    out.cursor = tx.query_row(
                        "SELECT coalesce(max(seq), 0) FROM log WHERE workspace_id = ?1",
                        [&cursor.workspace],
                        |r| r.get::<_, i64>(0),
                    )? as u64;
                    let docs: Vec<(String, String, Option<Vec<u8>>, i64)> = {
                        let mut stmt = tx.prepare_cached(
                            "SELECT id, kind, snapshot, snapshot_seq FROM documents WHERE workspace_id = ?1 ORDER BY id",
                        )?;
                        let rows = stmt.query_map([&cursor.workspace], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
                        rows.collect::<Result<_, _>>()?
                    };
                    for (doc_id, kind, cached, cached_seq) in docs {
                        let later: Vec<(i64, Vec<u8>)> = {
                            let mut stmt =
                                tx.prepare_cached("SELECT seq, bytes FROM log WHERE doc_id = ?1 AND seq > ?2 ORDER BY seq")?;
                            let rows = stmt.query_map(params![doc_id, cached_seq], |r| Ok((r.get(0)?, r.get(1)?)))?;
                            rows.collect::<Result<_, _>>()?
                        };
                        let bytes = if later.is_empty() {
                            cached.unwrap_or_default()
                        } else {
                            let last = later.last().map_or(cached_seq, |(s, _)| *s);
                            let bytes = storage::snapshot(cached.as_deref(), later.into_iter().map(|(_, b)| b))?;
                            tx.execute(
                                "UPDATE documents SET snapshot = ?2, snapshot_seq = ?3 WHERE id = ?1",
                                params![doc_id, bytes, last],
                            )?;
                            bytes
                        };
                        budget = budget.saturating_sub(bytes.len());
                        out.snapshots.push(DocBytes { doc_id, kind, bytes });
                    }
                } else {
                    let mut stmt = tx.prepare_cached(
                        "SELECT l.seq, l.doc_id, d.kind, l.bytes, l.device_id FROM log l JOIN documents d ON d.id = l.doc_id
                         WHERE l.workspace_id = ?1 AND l.seq > ?2 ORDER BY l.seq",
                    )?;
                    let mut rows = stmt.query(params![cursor.workspace, cursor.seq as i64])?;
                    while let Some(r) = rows.next()? {
                        let bytes: Vec<u8> = r.get(3)?;
                        if budget < bytes.len() && !out.changes.is_empty() {
                            more = true;
                            break;
                        }
                        out.cursor = r.get::<_, i64>(0)? as u64;
                        // A device's own changes are not echoed back to it.
                        if r.get::<_, String>(4)? != device.device_id {
                            budget = budget.saturating_sub(bytes.len());
                            out.changes.push(DocBytes { doc_id: r.get(1)?, kind: r.get(2)?, bytes });
                        }
                    }
                }
                workspaces.push(out);
            }
            tx.commit()?;
            Ok(SyncOutcome { response: SyncResponse { epoch, acked, workspaces, more }, news })
        })
    }

    fn add_user(&self, username: &str, password: &str, admin: bool, now_ms: i64) -> Result<i64, ApiError> {
        if username.trim().is_empty() || password.len() < 8 {
            return Err(ApiError::bad_request(
                "bad_user",
                "a user needs a name and a password of at least 8 characters",
            ));
        }
        let hash = auth::hash_password(password)?;
        self.with(|c| {
            c.execute(
                "INSERT INTO users (username, password_hash, admin, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![username, hash, admin, now_ms],
            )
            .map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::ConstraintViolation) => {
                    ApiError::new(StatusCode::CONFLICT, "exists", format!("user `{username}` already exists"))
                }
                _ => ApiError::internal(e),
            })?;
            Ok(c.last_insert_rowid())
        })
    }

    fn add_workspace(&self, id: &str, name: &str, country: &str, now_ms: i64) -> Result<(), ApiError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO workspaces (id, name, country, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![id, name, country, now_ms],
            )
            .map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::ConstraintViolation) => {
                    ApiError::new(StatusCode::CONFLICT, "exists", format!("workspace `{id}` already exists"))
                }
                _ => ApiError::internal(e),
            })?;
            Ok(())
        })
    }

    fn add_member(&self, workspace: &str, username: &str, role: Role) -> Result<(), ApiError> {
        self.with(|c| {
            let user: Option<i64> =
                c.query_row("SELECT id FROM users WHERE username = ?1", [username], |r| r.get(0)).optional()?;
            let user =
                user.ok_or_else(|| ApiError::bad_request("no_user", format!("there is no user `{username}`")))?;
            let ws: i64 = c.query_row("SELECT count(*) FROM workspaces WHERE id = ?1", [workspace], |r| r.get(0))?;
            if ws == 0 {
                return Err(ApiError::bad_request("no_workspace", format!("there is no workspace `{workspace}`")));
            }
            c.execute(
                "INSERT INTO members (workspace_id, user_id, role) VALUES (?1, ?2, ?3)
                 ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = ?3",
                params![workspace, user, role.code()],
            )?;
            Ok(())
        })
    }

    fn revoke_device(&self, device_id: &str, now_ms: i64) -> Result<(), ApiError> {
        self.with(|c| {
            let n = c.execute(
                "UPDATE devices SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
                params![device_id, now_ms],
            )?;
            if n == 0 {
                return Err(ApiError::bad_request("no_device", format!("there is no active device `{device_id}`")));
            }
            Ok(())
        })
    }

    fn devices(&self) -> Result<Vec<DeviceInfo>, ApiError> {
        self.with(|c| {
            let mut stmt = c.prepare(
                "SELECT d.id, u.username, d.name, d.actor, d.revoked_at IS NOT NULL FROM devices d
                 JOIN users u ON u.id = d.user_id ORDER BY u.username, d.created_at",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(DeviceInfo {
                    device_id: r.get(0)?,
                    username: r.get(1)?,
                    name: r.get(2)?,
                    actor: r.get(3)?,
                    revoked: r.get(4)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn new_epoch(&self) -> Result<String, ApiError> {
        let epoch = auth::random_hex(8)?;
        self.with(|c| {
            c.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('epoch', ?1)", [&epoch])?;
            Ok(())
        })?;
        Ok(epoch)
    }
}
