//! A device's side of the protocol, whatever carries the bytes: what to send
//! from the store, and how to take in the answer. [`crate::Client`] carries it
//! over HTTP; the server runs it in-process for browser users' stores
//! ([`sync_in_process`]).

use crate::wire::{Cursor, OutChange, SyncRequest, SyncResponse};
use cd4mm_store::{Store, StoreError};
use std::collections::BTreeMap;

/// Changes sent per round, at most (bytes, before compression).
pub const MAX_UPLOAD: usize = 1024 * 1024;
/// Rounds in one sync, at most: a guard against a server that always says `more`.
pub const MAX_ROUNDS: u32 = 10_000;

/// The next request: the device's cursors and unacknowledged changes.
pub fn request(store: &Store, workspaces: &[String]) -> Result<SyncRequest, StoreError> {
    Ok(SyncRequest {
        epoch: store.server_epoch()?,
        cursors: workspaces
            .iter()
            .map(|w| Ok(Cursor { workspace: w.clone(), seq: store.cursor(w)? }))
            .collect::<Result<_, StoreError>>()?,
        changes: store
            .unacked(workspaces, MAX_UPLOAD)?
            .into_iter()
            .map(|c| OutChange { workspace: c.workspace, doc_id: c.doc_id, kind: c.kind, bytes: c.bytes })
            .collect(),
    })
}

/// What taking in an answer did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Absorbed {
    /// The server is not the one the device knew: the device starts over.
    pub new_epoch: bool,
    pub acked: u64,
    pub documents: u64,
    /// Nothing left to send or receive.
    pub finished: bool,
}

/// Take in the answer to `request`.
pub fn absorb(
    store: &mut Store,
    request: &SyncRequest,
    response: &SyncResponse,
    now_ms: i64,
) -> Result<Absorbed, StoreError> {
    if request.epoch.as_deref().is_some_and(|e| e != response.epoch) {
        // A new epoch: the server was restored. Send again everything this
        // device made and read every workspace from the start; the server keeps
        // each change once, so nothing is duplicated.
        store.forget_sync_state()?;
        store.set_server_epoch(&response.epoch)?;
        return Ok(Absorbed { new_epoch: true, ..Absorbed::default() });
    }
    store.set_server_epoch(&response.epoch)?;
    store.mark_acked(&response.acked)?;
    let mut documents = 0;
    for news in &response.workspaces {
        for s in &news.snapshots {
            set_aside_if_bad(store, &s.doc_id, now_ms, |store| store.merge_snapshot(&s.doc_id, &s.bytes, now_ms))?;
            documents += 1;
        }
        // Apply per document, keeping log order within each.
        let mut by_doc: BTreeMap<&str, Vec<Vec<u8>>> = BTreeMap::new();
        for c in &news.changes {
            by_doc.entry(c.doc_id.as_str()).or_default().push(c.bytes.clone());
        }
        for (doc_id, changes) in by_doc {
            set_aside_if_bad(store, doc_id, now_ms, |store| store.apply_remote(doc_id, &changes, now_ms))?;
            documents += 1;
        }
        store.set_cursor(&news.workspace, news.cursor)?;
    }
    // Changes the server neither took nor refused (they build on changes it
    // does not hold yet) wait for a later sync, not for another round now.
    let stalled = !request.changes.is_empty() && response.acked.is_empty();
    Ok(Absorbed {
        new_epoch: false,
        acked: response.acked.len() as u64,
        documents,
        finished: !response.more && (stalled || store.unacked_count_in(&synced(request))? == 0),
    })
}

/// Take in one document; if what came cannot be used, set the document aside
/// with the reason and go on: one bad document never stops a sync.
fn set_aside_if_bad(
    store: &mut Store,
    doc_id: &str,
    now_ms: i64,
    take: impl FnOnce(&mut Store) -> Result<usize, StoreError>,
) -> Result<(), StoreError> {
    match take(store) {
        Ok(_) => Ok(()),
        Err(StoreError::BadChanges { reason, .. }) => store.quarantine(doc_id, &reason, now_ms),
        Err(StoreError::Core(e)) => store.quarantine(doc_id, &e.to_string(), now_ms),
        Err(e) => Err(e),
    }
}

/// The workspaces a request synced.
pub fn synced(request: &SyncRequest) -> Vec<String> {
    request.cursors.iter().map(|c| c.workspace.clone()).collect()
}

/// Why a round carried in-process failed.
#[derive(Debug)]
pub enum RoundFailure<E> {
    /// The device has read further than the server's log goes (`cursor_ahead`).
    CursorAhead,
    Failed(E),
}

/// Sync a store with a server in the same process: `round` answers one request.
pub fn sync_in_process<E: From<StoreError>>(
    store: &mut Store,
    workspaces: &[String],
    now_ms: i64,
    mut round: impl FnMut(&SyncRequest) -> Result<SyncResponse, RoundFailure<E>>,
) -> Result<(), E> {
    for _ in 0..MAX_ROUNDS {
        let request = request(store, workspaces)?;
        let response = match round(&request) {
            Ok(r) => r,
            Err(RoundFailure::CursorAhead) => {
                store.forget_sync_state()?;
                continue;
            }
            Err(RoundFailure::Failed(e)) => return Err(e),
        };
        if absorb(store, &request, &response, now_ms)?.finished {
            break;
        }
    }
    Ok(())
}
