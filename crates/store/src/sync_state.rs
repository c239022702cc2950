//! What the sync client (`cd4mm-sync`) keeps on the device: which local changes
//! the server has acknowledged, the cursor of each workspace's log, and the
//! server's epoch.

use crate::{Result, Store, StoreError};
use cd4mm_core::Code;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

/// A document with changes of this device the server refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NotAccepted {
    pub doc_id: String,
    pub workspace: String,
    pub kind: String,
    pub title: String,
    /// Why, machine-readable (`role_forbids`, `too_deep`, …).
    pub code: Code,
    /// Why, for people.
    pub message: String,
    /// How many of this device's changes to the document were refused.
    pub changes: u32,
    /// When the last refusal came, in Unix milliseconds.
    pub at_ms: i64,
}

/// A local change the server has not acknowledged yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub doc_id: String,
    pub workspace: String,
    pub kind: String,
    pub hash: [u8; 32],
    pub bytes: Vec<u8>,
}

impl Store {
    /// Unacknowledged local changes of `workspaces` in the order they were made
    /// (causal order per document), up to about `max_bytes` and
    /// [`cd4mm_core::admission::MAX_REQUEST_OPS`] operations (always at least
    /// one). Changes of other workspaces (made on this device before it could
    /// sync them, say) stay here until the device syncs those workspaces.
    pub fn unacked(&self, workspaces: &[String], max_bytes: usize) -> Result<Vec<Pending>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.doc_id, d.workspace, d.kind, c.hash, c.bytes FROM changes c JOIN documents d ON d.id = c.doc_id
             WHERE c.local = 1 AND c.acked = 0 AND d.kind != 'toolbox'
               AND d.workspace IN (SELECT value FROM json_each(?1)) ORDER BY c.rowid",
        )?;
        let mut rows = stmt.query([json_list(workspaces)])?;
        let (mut out, mut total, mut ops) = (Vec::new(), 0usize, 0u64);
        while let Some(r) = rows.next()? {
            let hash: Vec<u8> = r.get(3)?;
            let bytes: Vec<u8> = r.get(4)?;
            // The server takes at most this many operations in one request.
            let n = cd4mm_core::admission::operations(&bytes).unwrap_or(0);
            if !out.is_empty()
                && (total + bytes.len() > max_bytes || ops + n > cd4mm_core::admission::MAX_REQUEST_OPS as u64)
            {
                break;
            }
            total += bytes.len();
            ops += n;
            out.push(Pending {
                doc_id: r.get(0)?,
                workspace: r.get(1)?,
                kind: r.get(2)?,
                hash: hash.try_into().unwrap_or([0; 32]),
                bytes,
            });
        }
        Ok(out)
    }

    /// How many local edits still wait for the server.
    pub fn unacked_count(&self) -> Result<u64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM changes c JOIN documents d ON d.id = c.doc_id
             WHERE c.local = 1 AND c.acked = 0 AND d.kind != 'toolbox'",
            [],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }

    /// How many local edits of `workspaces` still wait for the server.
    pub fn unacked_count_in(&self, workspaces: &[String]) -> Result<u64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM changes c JOIN documents d ON d.id = c.doc_id
             WHERE c.local = 1 AND c.acked = 0 AND d.kind != 'toolbox'
               AND d.workspace IN (SELECT value FROM json_each(?1))",
            [json_list(workspaces)],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }

    /// Record that the server holds these changes.
    pub fn mark_acked(&mut self, hashes: &[[u8; 32]]) -> Result<()> {
        let tx = crate::write(&mut self.conn, self.in_batch)?;
        {
            let mut stmt = tx.prepare_cached("UPDATE changes SET acked = 1 WHERE hash = ?1 AND local = 1")?;
            // A change refused once and taken later (say, a role raised meanwhile).
            let mut taken = tx.prepare_cached("DELETE FROM not_accepted WHERE hash = ?1")?;
            for h in hashes {
                stmt.execute([h.as_slice()])?;
                taken.execute([h.as_slice()])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// How far this device has read `workspace`'s log on the server (0: never).
    pub fn cursor(&self, workspace: &str) -> Result<u64> {
        let seq: Option<i64> = self
            .conn
            .query_row("SELECT seq FROM sync_cursors WHERE workspace = ?1", [workspace], |r| r.get(0))
            .optional()?;
        Ok(seq.unwrap_or(0).max(0) as u64)
    }

    pub fn set_cursor(&mut self, workspace: &str, seq: u64) -> Result<()> {
        self.set_position(workspace, seq, None)
    }

    /// Where a first sync of `workspace` goes on, as the sync client wrote it.
    pub fn resume(&self, workspace: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT resume FROM sync_cursors WHERE workspace = ?1", [workspace], |r| r.get(0))
            .optional()?
            .flatten())
    }

    /// The cursor of `workspace` and, during a paged first sync, where it goes on.
    pub fn set_position(&mut self, workspace: &str, seq: u64, resume: Option<&str>) -> Result<()> {
        self.conn.execute(
            "INSERT INTO sync_cursors (workspace, seq, resume) VALUES (?1, ?2, ?3)
             ON CONFLICT (workspace) DO UPDATE SET seq = ?2, resume = ?3",
            params![workspace, seq as i64, resume],
        )?;
        Ok(())
    }

    /// The largest snapshot a device puts together from parts: a document at
    /// the server's operation limit with long texts stays well below it; a
    /// server that claims more (or sends more than it claimed) is refused
    /// before the parts fill the disk.
    pub const MAX_SNAPSHOT_BYTES: u64 = 256 << 20;

    /// Keep a part of a document's snapshot (bytes `offset..` of `total`);
    /// the whole snapshot once its last part is in. A part that does not
    /// follow what is kept starts the document again (offset 0) or is
    /// ignored (the client then asks for the document from what it has).
    pub fn snapshot_part(&mut self, id: &str, offset: u64, total: u64, bytes: &[u8]) -> Result<Option<Vec<u8>>> {
        if total > Self::MAX_SNAPSHOT_BYTES || offset.saturating_add(bytes.len() as u64) > total {
            let max = Self::MAX_SNAPSHOT_BYTES;
            return Err(StoreError::BadChanges {
                id: id.to_owned(),
                reason: format!(
                    "the server sends a document of more than {total} bytes, or over this app's limit of {max}"
                ),
            });
        }
        let mut kept: Vec<u8> = if offset == 0 {
            Vec::new()
        } else {
            match self
                .conn
                .query_row("SELECT total, bytes FROM snapshot_parts WHERE doc_id = ?1", [id], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?))
                })
                .optional()?
            {
                Some((t, b)) if t as u64 == total && b.len() as u64 == offset => b,
                _ => return Ok(None),
            }
        };
        kept.extend_from_slice(bytes);
        if kept.len() as u64 >= total {
            self.conn.execute("DELETE FROM snapshot_parts WHERE doc_id = ?1", [id])?;
            return Ok(Some(kept));
        }
        self.conn.execute(
            "INSERT INTO snapshot_parts (doc_id, total, bytes) VALUES (?1, ?2, ?3)
             ON CONFLICT (doc_id) DO UPDATE SET total = ?2, bytes = ?3",
            params![id, total as i64, kept],
        )?;
        Ok(None)
    }

    /// How many bytes of a document's snapshot are kept from earlier parts.
    pub fn snapshot_part_len(&self, id: &str) -> Result<u64> {
        let n: Option<i64> = self
            .conn
            .query_row("SELECT length(bytes) FROM snapshot_parts WHERE doc_id = ?1", [id], |r| r.get(0))
            .optional()?;
        Ok(n.unwrap_or(0) as u64)
    }

    /// The server epoch this device last synced with.
    pub fn server_epoch(&self) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = 'server_epoch'", [], |r| r.get(0)).optional()?)
    }

    pub fn set_server_epoch(&mut self, epoch: &str) -> Result<()> {
        self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('server_epoch', ?1)", [epoch])?;
        Ok(())
    }

    /// The device's sign-in (server, user, token), as the shell keeps it:
    /// inside the store, so it is encrypted with everything else.
    pub fn sign_in(&self) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = 'sign_in'", [], |r| r.get(0)).optional()?)
    }

    /// Keep the sign-in (`None`: forget it).
    pub fn set_sign_in(&mut self, json: Option<&str>) -> Result<()> {
        match json {
            Some(json) => {
                self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('sign_in', ?1)", [json])?
            }
            None => self.conn.execute("DELETE FROM meta WHERE key = 'sign_in'", [])?,
        };
        Ok(())
    }

    /// The server is not the one this device knew (restored from a backup): read
    /// every workspace again from the start and send again every change this
    /// device made, including those already folded into snapshots. The server
    /// keeps each change once, so nothing is duplicated.
    pub fn forget_sync_state(&mut self) -> Result<()> {
        let ids: Vec<String> = {
            let mut stmt = self.conn.prepare("SELECT id FROM documents WHERE kind != 'toolbox' ORDER BY id")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let actor = self.actor.clone();
        let tx = crate::write(&mut self.conn, self.in_batch)?;
        for id in &ids {
            let doc = crate::load_raw(&tx, id)?;
            for change in doc.get_changes(&[]).iter().filter(|c| c.actor_id() == &actor) {
                crate::insert_change(&tx, id, change, true)?;
            }
        }
        tx.execute("DELETE FROM sync_cursors", [])?;
        tx.execute("DELETE FROM snapshot_parts", [])?;
        tx.execute("UPDATE changes SET acked = 0 WHERE local = 1", [])?;
        tx.commit()?;
        Ok(())
    }

    /// Merge a whole document received as one snapshot.
    pub fn merge_snapshot(&mut self, id: &str, snapshot: &[u8], now_ms: i64) -> Result<()> {
        let doc = cd4mm_core::admission::load(snapshot)
            .map_err(|r| StoreError::BadChanges { id: id.to_owned(), reason: r.message })?;
        if id != crate::TOOLBOX_ID && !self.exists(id)? {
            // New here (a first sync): kept as received, the snapshot a
            // compaction would have made, instead of change by change.
            return self.create_from_snapshot(id, doc, snapshot, now_ms);
        }
        let changes: Vec<Vec<u8>> = doc.get_changes(&[]).iter().map(|c| c.raw_bytes().to_vec()).collect();
        self.apply_remote(id, &changes, now_ms).map(drop)
    }

    /// Remove every document of the workspaces not in `keep` (the toolbox,
    /// in no workspace, stays), with their changes, rows and cursors: for a
    /// cache whose user lost access (the server's browser sessions). Returns
    /// how many documents went.
    pub fn forget_workspaces_except(&mut self, keep: &[String]) -> Result<usize> {
        let ids: Vec<String> = {
            let mut stmt = self.conn.prepare(
                "SELECT id FROM documents WHERE workspace != '' AND workspace NOT IN (SELECT value FROM json_each(?1))",
            )?;
            let rows = stmt.query_map([json_list(keep)], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let tx = crate::write(&mut self.conn, self.in_batch)?;
        for id in &ids {
            crate::projections::clear(&tx, id)?;
            tx.execute("DELETE FROM changes WHERE doc_id = ?1", [id])?;
            tx.execute("DELETE FROM quarantine WHERE doc_id = ?1", [id])?;
            tx.execute("DELETE FROM documents WHERE id = ?1", [id])?;
        }
        tx.execute(
            "DELETE FROM sync_cursors WHERE workspace NOT IN (SELECT value FROM json_each(?1))",
            [json_list(keep)],
        )?;
        tx.commit()?;
        for id in &ids {
            self.docs.remove(id);
        }
        Ok(ids.len())
    }

    /// The server refused this device's change `hash` of document `id`: it is
    /// never sent again, and shows in [`Store::not_accepted`].
    pub fn refuse(&mut self, hash: &[u8; 32], id: &str, code: Code, message: &str, now_ms: i64) -> Result<()> {
        let tx = crate::write(&mut self.conn, self.in_batch)?;
        tx.execute("UPDATE changes SET acked = -1 WHERE hash = ?1 AND local = 1", [hash.as_slice()])?;
        tx.execute(
            "INSERT INTO not_accepted (hash, doc_id, code, message, at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (hash) DO UPDATE SET code = ?3, message = ?4, at = ?5",
            params![hash.as_slice(), id, code.as_str(), message, now_ms],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Documents with changes of this device the server refused, with the
    /// first reason (a change refused only because an earlier one was says
    /// less), newest first.
    pub fn not_accepted(&self) -> Result<Vec<NotAccepted>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT n.doc_id, coalesce(d.workspace, ''), coalesce(d.kind, ''), coalesce(d.title, ''),
                    n.code, n.message, n.at
             FROM not_accepted n LEFT JOIN documents d ON d.id = n.doc_id
             ORDER BY n.doc_id, n.code = 'follows_refused', n.at",
        )?;
        let mut out: Vec<NotAccepted> = Vec::new();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let doc_id: String = r.get(0)?;
            let at: i64 = r.get(6)?;
            if let Some(last) = out.last_mut().filter(|l| l.doc_id == doc_id) {
                last.changes += 1;
                last.at_ms = last.at_ms.max(at);
                continue;
            }
            out.push(NotAccepted {
                doc_id,
                workspace: r.get(1)?,
                kind: r.get(2)?,
                title: r.get(3)?,
                code: Code::parse(&r.get::<_, String>(4)?),
                message: r.get(5)?,
                changes: 1,
                at_ms: at,
            });
        }
        out.sort_by_key(|n| std::cmp::Reverse(n.at_ms));
        Ok(out)
    }

    /// Give up this device's version of a document whose changes were not
    /// accepted: the document leaves the device, and its workspace is read
    /// again from the server, which brings back the version everyone else
    /// has (if the server has one). Copy what matters out of it first.
    pub fn discard_not_accepted(&mut self, id: &str) -> Result<()> {
        let workspace = self.workspace_of(id)?;
        self.forget_document(id)?;
        if let Some(w) = &workspace {
            self.conn.execute("UPDATE sync_cursors SET seq = 0, resume = NULL WHERE workspace = ?1", [w])?;
        }
        Ok(())
    }

    /// The workspace a document on this device belongs to.
    pub fn workspace_of(&self, id: &str) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT workspace FROM documents WHERE id = ?1", [id], |r| r.get(0)).optional()?)
    }

    /// Remove a document from this device, with its changes and rows.
    pub fn forget_document(&mut self, id: &str) -> Result<()> {
        let tx = crate::write(&mut self.conn, self.in_batch)?;
        crate::projections::clear(&tx, id)?;
        for sql in [
            "DELETE FROM changes WHERE doc_id = ?1",
            "DELETE FROM not_accepted WHERE doc_id = ?1",
            "DELETE FROM snapshot_parts WHERE doc_id = ?1",
            "DELETE FROM documents WHERE id = ?1",
        ] {
            tx.execute(sql, [id])?;
        }
        tx.commit()?;
        self.docs.remove(id);
        Ok(())
    }

    /// Set a document received from elsewhere aside, with the reason: sync
    /// goes on without it, and people see it in [`Store::quarantined`].
    pub fn quarantine(&mut self, id: &str, reason: &str, now_ms: i64) -> Result<()> {
        self.conn.execute(
            "INSERT INTO quarantine (doc_id, reason, at) VALUES (?1, ?2, ?3)
             ON CONFLICT (doc_id) DO UPDATE SET reason = ?2, at = ?3",
            params![id, reason, now_ms],
        )?;
        Ok(())
    }

    /// Documents set aside (id, reason), most recent first.
    pub fn quarantined(&self) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn.prepare_cached("SELECT doc_id, reason FROM quarantine ORDER BY at DESC, doc_id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// A list of names as a JSON array, for `json_each` in a query.
fn json_list(names: &[String]) -> String {
    serde_json::Value::from(names.to_vec()).to_string()
}
