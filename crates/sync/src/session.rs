//! A device's side of the protocol, whatever carries the bytes: what to send
//! from the store, and how to take in the answer. [`crate::Client`] carries it
//! over HTTP; the server runs it in-process for browser users' stores
//! ([`sync_in_process`]).

use crate::wire::{Cursor, OutChange, Resume, SyncRequest, SyncResponse};
use cd4mm_store::{Store, StoreError};
use std::collections::{BTreeMap, HashSet};

/// Changes sent per round, at most (bytes, before compression), on a good
/// link; after cuts the client sends less (see [`Budget`]).
pub const MAX_UPLOAD: usize = 1024 * 1024;
/// Changes sent per round after repeated cuts: a batch this small gets
/// through a link that drops every few KB (one change always goes, however
/// large).
pub const MIN_UPLOAD: usize = 4 * 1024;

/// How much one round may carry each way, before compression: the answer the
/// device asks for and the changes it sends. Both halve after a cut and
/// double after a round that arrived whole, so a bad link gets rounds that
/// pass and a good one few rounds. (Holding back from a size that was cut
/// was tried: on a link that drops every 12 KB it made the rounds smaller and
/// the sync slower, 150 s instead of 95 s, with as many cuts.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub answer: u32,
    pub upload: usize,
}

impl Budget {
    /// The first answer size a sync asks for.
    pub const START_ANSWER: u32 = 256 * 1024;
    /// The smallest answer asked for, after cuts: a few KB always gets through.
    pub const MIN_ANSWER: u32 = 8 * 1024;
    /// The largest answer asked for, on a good link.
    pub const MAX_ANSWER: u32 = 4 * 1024 * 1024;

    pub fn of(answer: u32, upload: usize) -> Budget {
        Budget { answer, upload }
    }

    /// After a round that did not arrive whole.
    pub fn shrink(&mut self) {
        self.answer = (self.answer / 2).max(Budget::MIN_ANSWER);
        self.upload = (self.upload / 2).max(MIN_UPLOAD);
    }

    /// After a round that arrived whole.
    pub fn grow(&mut self) {
        self.answer = self.answer.saturating_mul(2).min(Budget::MAX_ANSWER);
        self.upload = self.upload.saturating_mul(2).min(MAX_UPLOAD);
    }
}

impl Default for Budget {
    fn default() -> Budget {
        Budget::of(Budget::START_ANSWER, MAX_UPLOAD)
    }
}
/// Rounds in one sync, at most: a guard against a server that always says `more`.
pub const MAX_ROUNDS: u32 = 10_000;

/// One round's request, with the hashes of its changes (the answer names
/// changes by their index in the request).
#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    pub request: SyncRequest,
    pub hashes: Vec<[u8; 32]>,
}

/// The next request: the device's cursors and unacknowledged changes (about
/// `budget.upload` bytes of them), asking for an answer of at most
/// `budget.answer` bytes.
pub fn request(store: &Store, workspaces: &[String], budget: Budget) -> Result<Round, StoreError> {
    let pending = store.unacked(workspaces, budget.upload)?;
    let hashes = pending.iter().map(|c| c.hash).collect();
    let request = SyncRequest {
        epoch: store.server_epoch()?,
        budget: budget.answer,
        cursors: workspaces
            .iter()
            .map(|w| {
                // A resume point this build cannot read starts the first sync over.
                let resume = store.resume(w)?.and_then(|r| serde_json::from_str::<Resume>(&r).ok());
                Ok(Cursor { workspace: w.clone(), seq: store.cursor(w)?, resume })
            })
            .collect::<Result<_, StoreError>>()?,
        changes: pending
            .into_iter()
            .map(|c| OutChange { workspace: c.workspace, doc_id: c.doc_id, kind: c.kind, bytes: c.bytes })
            .collect(),
    };
    Ok(Round { request, hashes })
}

/// What taking in an answer did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Absorbed {
    /// The server is not the one the device knew: the device starts over.
    pub new_epoch: bool,
    /// This device's changes the server now holds.
    pub acked: u64,
    /// This device's changes the server refused (see `Store::not_accepted`).
    pub refused: u64,
    pub documents: u64,
    /// Nothing left to send or receive.
    pub finished: bool,
}

/// Take in the answer to `round`: what the server holds is acknowledged,
/// what it refused moves to the "not accepted" list, and each page of news
/// is kept (with where to go on) before the next is asked for.
pub fn absorb(store: &mut Store, round: &Round, response: &SyncResponse, now_ms: i64) -> Result<Absorbed, StoreError> {
    // One commit for the whole answer: a first sync's page of hundreds of
    // documents costs one sync to disk, not one per document.
    store.batch(|store| absorb_in(store, round, response, now_ms))
}

fn absorb_in(store: &mut Store, round: &Round, response: &SyncResponse, now_ms: i64) -> Result<Absorbed, StoreError> {
    let request = &round.request;
    if request.epoch.as_deref().is_some_and(|e| e != response.epoch) {
        // A new epoch: the server was restored. Send again everything this
        // device made and read every workspace from the start; the server keeps
        // each change once, so nothing is duplicated.
        store.forget_sync_state()?;
        store.set_server_epoch(&response.epoch)?;
        return Ok(Absorbed { new_epoch: true, ..Absorbed::default() });
    }
    store.set_server_epoch(&response.epoch)?;
    let deferred: HashSet<u32> = response.deferred.iter().copied().collect();
    let refused: HashSet<u32> = response.refused.iter().map(|r| r.index).collect();
    let held: Vec<[u8; 32]> = (0..round.hashes.len() as u32)
        .filter(|i| !deferred.contains(i) && !refused.contains(i))
        .map(|i| round.hashes[i as usize])
        .collect();
    store.mark_acked(&held)?;
    for r in &response.refused {
        let (Some(hash), Some(change)) = (round.hashes.get(r.index as usize), request.changes.get(r.index as usize))
        else {
            continue; // an index this request never had: nothing to do
        };
        store.refuse(hash, &change.doc_id, r.code, &r.message, now_ms)?;
    }
    let mut documents = 0;
    for news in &response.workspaces {
        for part in &news.snapshots {
            let whole = if part.is_whole() {
                Some(part.bytes.clone())
            } else {
                store.snapshot_part(&part.doc_id, part.offset, part.total, &part.bytes)?
            };
            if let Some(bytes) = whole {
                set_aside_if_bad(store, &part.doc_id, &news.workspace, now_ms, |store| {
                    store.merge_snapshot(&part.doc_id, &bytes, now_ms).map(|()| 1)
                })?;
                documents += 1;
            }
        }
        // Apply per document, keeping log order within each.
        let mut by_doc: BTreeMap<&str, Vec<Vec<u8>>> = BTreeMap::new();
        for c in &news.changes {
            by_doc.entry(c.doc_id.as_str()).or_default().push(c.bytes.clone());
        }
        for (doc_id, changes) in by_doc {
            set_aside_if_bad(store, doc_id, &news.workspace, now_ms, |store| {
                store.apply_remote(doc_id, &changes, now_ms)
            })?;
            documents += 1;
        }
        let resume = match &news.resume {
            // Go on from what this device really kept of the document in parts.
            Some(r) => {
                let kept = if r.offset > 0 { store.snapshot_part_len(&r.doc)? } else { 0 };
                let r = Resume { offset: if kept == r.offset { r.offset } else { 0 }, ..r.clone() };
                Some(serde_json::to_string(&r).unwrap_or_default())
            }
            None => None,
        };
        store.set_position(&news.workspace, news.cursor, resume.as_deref())?;
    }
    // Changes the server neither held nor refused (they build on changes it
    // does not hold yet) wait for a later sync, not for another round now.
    let stalled = !request.changes.is_empty() && held.is_empty() && response.refused.is_empty();
    Ok(Absorbed {
        new_epoch: false,
        acked: held.len() as u64,
        refused: response.refused.len() as u64,
        documents,
        finished: !response.more && (stalled || store.unacked_count_in(&synced(request))? == 0),
    })
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

/// Sync a store with a server in the same process: `round` answers one
/// request, with no budget of the device's own (the server's cap applies).
pub fn sync_in_process<E: From<StoreError>>(
    store: &mut Store,
    workspaces: &[String],
    now_ms: i64,
    mut round: impl FnMut(&SyncRequest) -> Result<SyncResponse, RoundFailure<E>>,
) -> Result<(), E> {
    for _ in 0..MAX_ROUNDS {
        let next = request(store, workspaces, Budget::of(u32::MAX, MAX_UPLOAD))?;
        let response = match round(&next.request) {
            Ok(r) => r,
            Err(RoundFailure::CursorAhead) => {
                store.forget_sync_state()?;
                continue;
            }
            Err(RoundFailure::Failed(e)) => return Err(e),
        };
        if absorb(store, &next, &response, now_ms)?.finished {
            break;
        }
    }
    Ok(())
}

/// Take in one document of `workspace`'s news; if what came cannot be used,
/// or the document is not of that workspace (a server that mixed them up, or
/// a document stored before servers checked), set it aside with the reason
/// and go on: one bad document never stops a sync.
fn set_aside_if_bad(
    store: &mut Store,
    doc_id: &str,
    workspace: &str,
    now_ms: i64,
    take: impl FnOnce(&mut Store) -> Result<usize, StoreError>,
) -> Result<(), StoreError> {
    let elsewhere = "the document belongs to another workspace than the one it came with";
    let known = store.workspace_of(doc_id)?;
    if known.as_deref().is_some_and(|w| w != workspace) {
        return store.quarantine(doc_id, elsewhere, now_ms);
    }
    match take(store) {
        Ok(_) if known.is_none() && store.workspace_of(doc_id)?.is_some_and(|w| w != workspace) => {
            store.forget_document(doc_id)?;
            store.quarantine(doc_id, elsewhere, now_ms)
        }
        Ok(_) => Ok(()),
        Err(StoreError::BadChanges { reason, .. }) => store.quarantine(doc_id, &reason, now_ms),
        Err(StoreError::Core(e)) => store.quarantine(doc_id, &e.to_string(), now_ms),
        Err(e) => Err(e),
    }
}
