//! What the sync client (`cd4mm-sync`) keeps on the device: which local changes
//! the server has acknowledged, the cursor of each workspace's log, and the
//! server's epoch.

use crate::{Result, Store, StoreError};
use cd4mm_core::automerge::Automerge;
use rusqlite::{OptionalExtension, params};

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
    /// (causal order per document), up to about `max_bytes` (always at least
    /// one). Changes of other workspaces (made on this device before it could
    /// sync them, say) stay here until the device syncs those workspaces.
    pub fn unacked(&self, workspaces: &[String], max_bytes: usize) -> Result<Vec<Pending>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.doc_id, d.workspace, d.kind, c.hash, c.bytes FROM changes c JOIN documents d ON d.id = c.doc_id
             WHERE c.local = 1 AND c.acked = 0 AND d.kind != 'toolbox'
               AND d.workspace IN (SELECT value FROM json_each(?1)) ORDER BY c.rowid",
        )?;
        let mut rows = stmt.query([json_list(workspaces)])?;
        let (mut out, mut total) = (Vec::new(), 0usize);
        while let Some(r) = rows.next()? {
            let hash: Vec<u8> = r.get(3)?;
            let bytes: Vec<u8> = r.get(4)?;
            if !out.is_empty() && total + bytes.len() > max_bytes {
                break;
            }
            total += bytes.len();
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
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached("UPDATE changes SET acked = 1 WHERE hash = ?1 AND local = 1")?;
            for h in hashes {
                stmt.execute([h.as_slice()])?;
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
        self.conn.execute(
            "INSERT INTO sync_cursors (workspace, seq) VALUES (?1, ?2) ON CONFLICT (workspace) DO UPDATE SET seq = ?2",
            params![workspace, seq as i64],
        )?;
        Ok(())
    }

    /// The server epoch this device last synced with.
    pub fn server_epoch(&self) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = 'server_epoch'", [], |r| r.get(0)).optional()?)
    }

    pub fn set_server_epoch(&mut self, epoch: &str) -> Result<()> {
        self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('server_epoch', ?1)", [epoch])?;
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
        let tx = self.conn.transaction()?;
        for id in &ids {
            let doc = crate::load_raw(&tx, id)?;
            for change in doc.get_changes(&[]).iter().filter(|c| c.actor_id() == &actor) {
                crate::insert_change(&tx, id, change, true)?;
            }
        }
        tx.execute("DELETE FROM sync_cursors", [])?;
        tx.execute("UPDATE changes SET acked = 0 WHERE local = 1", [])?;
        tx.commit()?;
        Ok(())
    }

    /// Merge a whole document received as one snapshot. Returns the number of
    /// changes that were new here.
    pub fn merge_snapshot(&mut self, id: &str, snapshot: &[u8], now_ms: i64) -> Result<usize> {
        let doc = Automerge::load(snapshot).map_err(|e| StoreError::BadChanges {
            id: id.to_owned(),
            reason: format!("the snapshot does not decode ({e})"),
        })?;
        let changes: Vec<Vec<u8>> = doc.get_changes(&[]).iter().map(|c| c.raw_bytes().to_vec()).collect();
        self.apply_remote(id, &changes, now_ms)
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
        let tx = self.conn.transaction()?;
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
