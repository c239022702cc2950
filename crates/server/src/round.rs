//! One sync round, written once for every backend: each backend gives a
//! [`LogTx`] (its database transaction) and [`run`] does the rest — check
//! every change, store the new ones, and answer from the log.

use crate::admit::{self, Verdict};
use crate::auth::Device;
use crate::storage::Error;
use crate::storage::{self, Membership, SyncOutcome, check_read, roles};
use cd4mm_core::Code;
use cd4mm_sync::wire::{DocBytes, Refused, Resume, SnapshotPart, SyncRequest, SyncResponse, WorkspaceNews};

/// A log entry as the answer needs it.
#[derive(Debug)]
pub struct Entry {
    pub seq: u64,
    pub doc_id: String,
    pub kind: String,
    pub bytes: Vec<u8>,
    pub device_id: String,
}

/// A document of a workspace with its cached snapshot.
#[derive(Debug)]
pub struct CachedDoc {
    pub id: String,
    pub kind: String,
    pub snapshot: Option<Vec<u8>>,
    pub snapshot_seq: u64,
}

/// What a backend's transaction must offer a sync round.
/// The workspace and kind a document is registered with.
pub type Registered = (String, String);

pub trait LogTx {
    fn epoch(&mut self) -> Result<String, Error>;
    fn memberships(&mut self, device: &Device) -> Result<Vec<Membership>, Error>;
    /// Whether the device was revoked (or is gone).
    fn revoked(&mut self, device_id: &str) -> Result<bool, Error>;
    /// Serialise writers of these workspaces until the transaction ends, so log
    /// numbers commit in order within a workspace (a no-op where the whole
    /// transaction is already exclusive).
    fn lock_workspaces(&mut self, workspaces: &[&str]) -> Result<(), Error>;
    fn last_seq_of(&mut self, workspace: &str) -> Result<u64, Error>;
    /// The document a change (by hash) is logged under, if any.
    fn doc_of_change(&mut self, hash: &[u8; 32]) -> Result<Option<String>, Error>;
    /// A document's last log entry (0: none).
    fn last_seq_of_doc(&mut self, doc_id: &str) -> Result<u64, Error>;
    /// The workspace and kind a document is registered with.
    fn document(&mut self, doc_id: &str) -> Result<Option<Registered>, Error>;
    fn register_document(&mut self, doc_id: &str, workspace: &str, kind: &str) -> Result<(), Error>;
    /// [`LogTx::document`] and [`LogTx::last_seq_of_doc`]: what a verdict
    /// on the document was made on. (A backend across a network answers
    /// both in one round trip.)
    fn registered_and_last(&mut self, doc_id: &str) -> Result<(Option<Registered>, u64), Error> {
        Ok((self.document(doc_id)?, self.last_seq_of_doc(doc_id)?))
    }
    /// [`LogTx::document`] and [`LogTx::cached`], in one round trip where
    /// that matters.
    fn registered_and_cached(&mut self, doc_id: &str) -> Result<(Option<Registered>, Option<CachedDoc>), Error> {
        Ok((self.document(doc_id)?, self.cached(doc_id)?))
    }
    /// [`LogTx::revoked`] and [`LogTx::epoch`], in one round trip where that
    /// matters.
    fn revoked_and_epoch(&mut self, device_id: &str) -> Result<(bool, String), Error> {
        Ok((self.revoked(device_id)?, self.epoch()?))
    }
    /// Tell every server instance, when this transaction commits, that a
    /// workspace has news (a no-op where each instance announces its own).
    fn announce(&mut self, _workspace: &str) -> Result<(), Error> {
        Ok(())
    }
    /// Append a change; `false` if the log already holds it (same hash).
    fn append(
        &mut self,
        workspace: &str,
        doc_id: &str,
        hash: &[u8; 32],
        bytes: &[u8],
        device_id: &str,
        now_ms: i64,
    ) -> Result<bool, Error>;
    /// Up to `limit` documents of a workspace in id order, from `from` on
    /// (`inclusive`: that id too).
    fn documents_from(
        &mut self,
        workspace: &str,
        from: &str,
        inclusive: bool,
        limit: usize,
    ) -> Result<Vec<CachedDoc>, Error>;
    fn changes_of_after(&mut self, doc_id: &str, seq: u64) -> Result<Vec<(u64, Vec<u8>)>, Error>;
    fn cache_snapshot(&mut self, doc_id: &str, snapshot: &[u8], seq: u64) -> Result<(), Error>;
    /// One document with its cached snapshot.
    fn cached(&mut self, doc_id: &str) -> Result<Option<CachedDoc>, Error>;
    /// Keep a document's regional facts (JSON) as of log entry `seq`, unless
    /// facts as of a later entry are already kept. `None` keeps the facts
    /// already there (JSON `null` if none) and only moves `seq` on.
    fn put_facts(&mut self, doc_id: &str, workspace: &str, facts: Option<&str>, seq: u64) -> Result<(), Error>;
    /// Up to `limit` documents (id, workspace) whose log goes beyond their
    /// facts, among these workspaces (`None`: all of them), in id order: the
    /// order a first sync caches snapshots in, so concurrent transactions
    /// touch documents in one order and never deadlock on PostgreSQL.
    fn stale_facts(&mut self, workspaces: Option<&[String]>, limit: usize) -> Result<Vec<(String, String)>, Error>;
    /// Entries of a workspace after `seq`, in order, at most `limit`.
    fn entries_after(&mut self, workspace: &str, seq: u64, limit: usize) -> Result<Vec<Entry>, Error>;
}

/// Up to `limit` documents of a workspace after the id `after` (in id
/// order), each as one compact snapshot (caching those it had to bring up to
/// date): an export, or a protocol-1 first sync, reads a workspace a page at
/// a time.
pub fn saved_page(
    tx: &mut (impl LogTx + ?Sized),
    workspace: &str,
    after: &str,
    limit: usize,
) -> Result<Vec<DocBytes>, Error> {
    let mut out = Vec::new();
    for doc in tx.documents_from(workspace, after, false, limit)? {
        let (id, kind) = (doc.id.clone(), doc.kind.clone());
        let (bytes, _) = current(tx, doc)?;
        out.push(DocBytes { doc_id: id, kind, bytes });
    }
    Ok(out)
}

/// A document's compact snapshot as of its last log entry, and that entry's
/// number (the snapshot's version), caching it when it had to be brought up
/// to date.
fn current(tx: &mut (impl LogTx + ?Sized), doc: CachedDoc) -> Result<(Vec<u8>, u64), Error> {
    let later = tx.changes_of_after(&doc.id, doc.snapshot_seq)?;
    current_with(tx, doc, later)
}

/// [`current`], given the entries after the cached snapshot.
fn current_with(
    tx: &mut (impl LogTx + ?Sized),
    doc: CachedDoc,
    later: Vec<(u64, Vec<u8>)>,
) -> Result<(Vec<u8>, u64), Error> {
    match later.last() {
        None => Ok((doc.snapshot.unwrap_or_default(), doc.snapshot_seq)),
        Some(&(last, _)) => {
            let bytes = storage::snapshot(doc.snapshot.as_deref(), later.into_iter().map(|(_, b)| b))?;
            tx.cache_snapshot(&doc.id, &bytes, last)?;
            Ok((bytes, last))
        }
    }
}

/// Up to `limit` documents of a workspace in id order from `from` on
/// (`inclusive`: that id too), each with the entries its cached snapshot
/// lacks: what a first sync's page will send, read to bring the snapshots
/// up to date before the round ([`crate::Storage::prepare_snapshots`]).
pub fn read_page(
    tx: &mut (impl LogTx + ?Sized),
    workspace: &str,
    from: &str,
    inclusive: bool,
    limit: usize,
) -> Result<Vec<StaleDoc>, Error> {
    let mut out = Vec::new();
    for doc in tx.documents_from(workspace, from, inclusive, limit)? {
        let later = tx.changes_of_after(&doc.id, doc.snapshot_seq)?;
        out.push(StaleDoc {
            doc_id: doc.id,
            workspace: workspace.to_owned(),
            snapshot: doc.snapshot,
            later,
            snapshot_seq: doc.snapshot_seq,
        });
    }
    Ok(out)
}

/// A document's snapshot brought up to date, as of its entry `seq`.
#[derive(Debug)]
pub struct FreshSnapshot {
    pub doc_id: String,
    pub bytes: Vec<u8>,
    pub seq: u64,
}

/// The snapshots of stale documents (CPU work, done with no lock held); a
/// document that cannot be read is left to the round, which answers it as
/// it can.
pub fn fresh_snapshots(stale: Vec<StaleDoc>) -> Vec<FreshSnapshot> {
    stale
        .into_iter()
        .filter_map(|doc| {
            let seq = doc.later.last()?.0;
            let (snapshot, later) = (doc.snapshot, doc.later);
            let bytes = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                storage::snapshot(snapshot.as_deref(), later.into_iter().map(|(_, b)| b)).ok()
            }))
            .ok()
            .flatten()?;
            Some(FreshSnapshot { doc_id: doc.doc_id, bytes, seq })
        })
        .collect()
}

/// Keep fresh snapshots, inside the backend's transaction (only forward:
/// a later one cached meanwhile stays).
pub fn write_snapshots(tx: &mut (impl LogTx + ?Sized), fresh: &[FreshSnapshot]) -> Result<(), Error> {
    for f in fresh {
        tx.cache_snapshot(&f.doc_id, &f.bytes, f.seq)?;
    }
    Ok(())
}

/// The bytes a round's answer may carry: the device's budget within the
/// server's cap (protocol 1 knew no budget).
pub fn page_budget(version: u16, asked: u32, cap: usize) -> usize {
    if version == 1 { cap } else { (asked as usize).clamp(MIN_BUDGET, cap.max(MIN_BUDGET)) }
}

/// Changes after a cached snapshot beyond which refreshing facts also caches
/// a new snapshot (so the next refresh, or first sync, starts from it).
const SNAPSHOT_AFTER: usize = 16;

/// A document whose regional facts are behind its log, as read for
/// refreshing them.
#[derive(Debug)]
pub struct StaleDoc {
    pub doc_id: String,
    pub workspace: String,
    pub snapshot: Option<Vec<u8>>,
    /// Log entries after the snapshot, with their numbers.
    pub later: Vec<(u64, Vec<u8>)>,
    pub snapshot_seq: u64,
}

/// A stale document's facts, brought up to date.
#[derive(Debug)]
pub struct FreshFacts {
    pub doc_id: String,
    pub workspace: String,
    /// `None`: the document cannot be read; its old facts are kept.
    pub facts: Option<String>,
    /// The last log entry they include.
    pub seq: u64,
    /// A new snapshot to cache as of `seq`, when many entries had piled up.
    pub snapshot: Option<Vec<u8>>,
}

/// Up to `limit` stale documents among these workspaces (`None`: all), read
/// inside the backend's transaction. The sync round does not refresh facts
/// (it would slow every device's sync): the server's facts task does after
/// each round, and a dashboard catches up before reading
/// ([`crate::Storage::refresh_facts`]).
pub fn read_stale(
    tx: &mut (impl LogTx + ?Sized),
    workspaces: Option<&[String]>,
    limit: usize,
) -> Result<Vec<StaleDoc>, Error> {
    let mut out = Vec::new();
    for (doc_id, workspace) in tx.stale_facts(workspaces, limit)? {
        let Some(doc) = tx.cached(&doc_id)? else { continue };
        let later = tx.changes_of_after(&doc_id, doc.snapshot_seq)?;
        out.push(StaleDoc { doc_id, workspace, snapshot: doc.snapshot, later, snapshot_seq: doc.snapshot_seq });
    }
    Ok(out)
}

/// The facts of stale documents: the CPU-heavy part, done with no lock or
/// connection held. A document that cannot be read (from a newer version of
/// the software, or one Automerge's readers panic on) keeps its old facts,
/// marked as of its last entry so it is not retried on every pass.
pub fn fresh_facts(stale: Vec<StaleDoc>) -> Vec<FreshFacts> {
    stale
        .into_iter()
        .map(|doc| {
            let seq = doc.later.last().map_or(doc.snapshot_seq, |&(s, _)| s);
            let pile = doc.later.len();
            let (snapshot, later) = (doc.snapshot, doc.later);
            let computed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let bytes =
                    storage::snapshot(snapshot.as_deref(), later.into_iter().map(|(_, b)| b)).map_err(|e| e.message)?;
                let facts = storage::facts(&bytes)?;
                Ok::<_, String>((bytes, facts))
            }))
            .unwrap_or_else(|_| Err("the document breaks the reader".to_owned()));
            let (facts, snapshot) = match computed {
                Ok((bytes, facts)) => (Some(facts), (pile > SNAPSHOT_AFTER).then_some(bytes)),
                Err(why) => {
                    tracing::warn!(doc = doc.doc_id, %why, "regional facts not refreshed");
                    (None, None)
                }
            };
            FreshFacts { doc_id: doc.doc_id, workspace: doc.workspace, facts, seq, snapshot }
        })
        .collect()
}

/// Keep refreshed facts (and snapshots), inside the backend's transaction.
/// Both only ever move forward: facts or a snapshot as of a later entry,
/// written meanwhile, are kept.
pub fn write_facts(tx: &mut (impl LogTx + ?Sized), fresh: &[FreshFacts]) -> Result<(), Error> {
    for f in fresh {
        if let Some(snapshot) = &f.snapshot {
            tx.cache_snapshot(&f.doc_id, snapshot, f.seq)?;
        }
        tx.put_facts(&f.doc_id, &f.workspace, f.facts.as_deref(), f.seq)?;
    }
    Ok(())
}

/// Entries read per query when answering; the byte cap usually stops earlier.
const ENTRIES_PER_QUERY: usize = 2_000;
/// Documents read per query while paging a first sync.
pub const DOCUMENTS_PER_QUERY: usize = 64;
/// The smallest answer a device may ask for: below it, headers dominate.
pub const MIN_BUDGET: usize = 4 * 1024;

/// Run one round inside the backend's transaction (the caller commits), for
/// a device speaking protocol `version`: in version 1 a refused change fails
/// the round and snapshots come whole; from version 2 refusals are reported
/// per change and the answer keeps within the device's budget. `judged`:
/// verdicts reached before the transaction ([`admit::prejudge`]); `None`
/// when some no longer hold and the caller should judge again (roll back).
pub fn run(
    tx: &mut (impl LogTx + ?Sized),
    device: &Device,
    request: &SyncRequest,
    version: u16,
    cap: usize,
    now_ms: i64,
    judged: &admit::Judged,
) -> Result<Option<SyncOutcome>, Error> {
    // Checked again inside the transaction: a device revoked while its
    // request was being judged stores nothing.
    let (revoked, epoch) = tx.revoked_and_epoch(&device.device_id)?;
    if revoked {
        return Err(Error::unauthorised("this device was revoked by an administrator; enrol it again to sync"));
    }
    let members = tx.memberships(device)?;
    let roles = roles(&members);
    check_cursors(request)?;
    for cursor in &request.cursors {
        check_read(device, &roles, &cursor.workspace)?;
        // Against the workspace's own log, so the answer says nothing of
        // how busy the rest of the server is.
        let last_seq = tx.last_seq_of(&cursor.workspace)?;
        if cursor.seq > last_seq || cursor.resume.as_ref().is_some_and(|r| r.at > last_seq) {
            return Err(storage::cursor_ahead(&cursor.workspace));
        }
    }
    let mut written: Vec<&str> = request.changes.iter().map(|c| c.workspace.as_str()).collect();
    written.sort_unstable();
    written.dedup();
    tx.lock_workspaces(&written)?;

    // Judge every change before storing any.
    let Some(verdicts) = admit::judge(tx, &members, &request.changes, judged)? else {
        return Ok(None);
    };
    let mut refused = Vec::new();
    let mut deferred = Vec::new();
    for (index, verdict) in verdicts.iter().enumerate() {
        match verdict {
            Verdict::Refused(r) if version == 1 => return Err(crate::storage::Error::refused(r)),
            Verdict::Refused(r) => {
                refused.push(Refused { index: index as u32, code: r.code.to_owned(), message: r.message.clone() })
            }
            Verdict::Deferred => deferred.push(index as u32),
            Verdict::Accepted(..) | Verdict::Known(_) => {}
        }
    }
    let mut held = Vec::with_capacity(verdicts.len());
    let mut news: Vec<String> = Vec::new();
    for (change, verdict) in request.changes.iter().zip(&verdicts) {
        match verdict {
            Verdict::Accepted(hash, kind) => {
                // The document's own kind, as `judge` read it; never the wire's label.
                tx.register_document(&change.doc_id, &change.workspace, &kind.code())?;
                // Another instance may have registered it first, elsewhere.
                if tx.document(&change.doc_id)?.is_some_and(|(w, _)| w != change.workspace) {
                    return Err(Error::conflict(
                        Code::DocumentMismatch,
                        format!("document `{}` cannot be written in workspace `{}`", change.doc_id, change.workspace),
                    ));
                }
                if tx.append(&change.workspace, &change.doc_id, hash, &change.bytes, &device.device_id, now_ms)?
                    && !news.contains(&change.workspace)
                {
                    news.push(change.workspace.clone());
                }
                held.push(*hash);
            }
            Verdict::Known(hash) => held.push(*hash),
            Verdict::Deferred | Verdict::Refused(_) => {}
        }
    }

    let mut page = Page { budget: page_budget(version, request.budget, cap), sent: 0, more: false };
    let mut workspaces = Vec::with_capacity(request.cursors.len());
    for cursor in &request.cursors {
        let mut out = WorkspaceNews {
            workspace: cursor.workspace.clone(),
            cursor: cursor.seq,
            resume: cursor.resume.clone(),
            snapshots: vec![],
            changes: vec![],
        };
        if version == 1 && cursor.seq == 0 {
            // Protocol 1: one compact snapshot per document, all at once.
            out.cursor = tx.last_seq_of(&cursor.workspace)?;
            let mut after = String::new();
            loop {
                let docs = saved_page(tx, &cursor.workspace, &after, DOCUMENTS_PER_QUERY)?;
                let full = docs.len() == DOCUMENTS_PER_QUERY;
                for doc in docs {
                    after.clone_from(&doc.doc_id);
                    page.take(doc.bytes.len());
                    out.snapshots.push(SnapshotPart {
                        total: doc.bytes.len() as u64,
                        offset: 0,
                        doc_id: doc.doc_id,
                        kind: doc.kind,
                        bytes: doc.bytes,
                    });
                }
                if !full {
                    break;
                }
            }
        } else {
            if cursor.seq == 0 && out.resume.is_none() {
                // A first sync: compact snapshots, not the history.
                out.resume =
                    Some(Resume { at: tx.last_seq_of(&cursor.workspace)?, doc: String::new(), offset: 0, version: 0 });
            }
            if let Some(resume) = out.resume.take() {
                let at = resume.at;
                out.resume = snapshots(tx, &cursor.workspace, resume, &mut page, &mut out.snapshots)?;
                if out.resume.is_none() {
                    // Every document is in, as of `at`: the log goes on from there.
                    out.cursor = at;
                }
            }
            if out.resume.is_none() {
                entries(tx, device, &mut out, &mut page)?;
            }
        }
        workspaces.push(out);
    }
    let response = SyncResponse { epoch, refused, deferred, workspaces, more: page.more };
    Ok(Some(SyncOutcome { response, held, news }))
}

/// One cursor per workspace: each one can cost a workspace's snapshots.
/// Checked before any work is done for them.
pub fn check_cursors(request: &SyncRequest) -> Result<(), Error> {
    let mut seen = std::collections::HashSet::with_capacity(request.cursors.len());
    for cursor in &request.cursors {
        if !seen.insert(cursor.workspace.as_str()) {
            return Err(Error::invalid(
                Code::RepeatedCursor,
                format!("workspace `{}` is named by more than one cursor", cursor.workspace),
            ));
        }
    }
    Ok(())
}

/// How much of the answer's budget is used.
struct Page {
    budget: usize,
    sent: usize,
    more: bool,
}

impl Page {
    /// Whether `bytes` more fit; the first item of an answer always does, so
    /// every round makes progress.
    fn fits(&self, bytes: usize) -> bool {
        self.sent == 0 || self.sent + bytes <= self.budget
    }

    fn take(&mut self, bytes: usize) {
        self.sent += bytes;
    }

    fn room(&self) -> usize {
        self.budget.saturating_sub(self.sent)
    }
}

/// The most operations of a stale document a paged first sync builds inside
/// its round (a few milliseconds): a document new since its preparation, such
/// as one the device itself sends in the same request, still comes in one
/// round trip.
const BUILD_IN_ROUND_OPS: u64 = 10_000;

/// Whether a stale document is cheap to build under the lock: no cached
/// snapshot (whose cost its bytes do not tell: 200,000 operations fit in
/// 140 bytes) and few operations to apply, counted without decoding.
fn cheap_to_build(doc: &CachedDoc, later: &[(u64, Vec<u8>)]) -> bool {
    doc.snapshot.is_none()
        && later
            .iter()
            .try_fold(0u64, |n, (_, b)| cd4mm_core::admission::operations(b).map(|ops| n.saturating_add(ops)))
            .is_some_and(|ops| ops <= BUILD_IN_ROUND_OPS)
}

/// The smallest part of a document worth sending at the end of a page.
const MIN_PART: usize = 1024;

/// A first sync's snapshots from `resume` on, within the page; where to
/// resume next time, or `None` when every document is in.
fn snapshots(
    tx: &mut (impl LogTx + ?Sized),
    workspace: &str,
    resume: Resume,
    page: &mut Page,
    out: &mut Vec<SnapshotPart>,
) -> Result<Option<Resume>, Error> {
    let at = resume.at;
    let (mut from, mut inclusive) = (resume.doc.clone(), true);
    loop {
        let docs = tx.documents_from(workspace, &from, inclusive, DOCUMENTS_PER_QUERY)?;
        let full = docs.len() == DOCUMENTS_PER_QUERY;
        for doc in docs {
            let (id, kind) = (doc.id.clone(), doc.kind.clone());
            let later = tx.changes_of_after(&doc.id, doc.snapshot_seq)?;
            if !later.is_empty() && !cheap_to_build(&doc, &later) {
                // Not prepared (written to since, or beyond what the
                // preparation had time for), and not cheap: not built under
                // the lock. The page ends here; the next request prepares
                // it first.
                page.more = true;
                return Ok(Some(Resume { at, doc: id, offset: 0, version: 0 }));
            }
            let (bytes, version) = current_with(tx, doc, later)?;
            // The document in progress goes on where it stopped, if its
            // snapshot is still the same one; otherwise it starts again.
            let offset = if id == resume.doc && version == resume.version {
                (resume.offset as usize).min(bytes.len())
            } else {
                0
            };
            let rest = bytes.len() - offset;
            if rest > 0 {
                let room = if page.sent == 0 { page.budget } else { page.room() };
                if rest > room && room < MIN_PART {
                    page.more = true;
                    return Ok(Some(Resume { at, doc: id, offset: offset as u64, version }));
                }
                let n = rest.min(room);
                out.push(SnapshotPart {
                    doc_id: id.clone(),
                    kind,
                    offset: offset as u64,
                    total: bytes.len() as u64,
                    bytes: bytes[offset..offset + n].to_vec(),
                });
                page.take(n);
                if n < rest {
                    page.more = true;
                    return Ok(Some(Resume { at, doc: id, offset: (offset + n) as u64, version }));
                }
            }
            (from, inclusive) = (id, false);
        }
        if !full {
            return Ok(None);
        }
    }
}

/// Log entries after the workspace's cursor, within the page.
fn entries(
    tx: &mut (impl LogTx + ?Sized),
    device: &Device,
    out: &mut WorkspaceNews,
    page: &mut Page,
) -> Result<(), Error> {
    loop {
        let entries = tx.entries_after(&out.workspace, out.cursor, ENTRIES_PER_QUERY)?;
        let full = entries.len() == ENTRIES_PER_QUERY;
        for e in entries {
            // A device's own changes are not echoed back to it.
            if e.device_id != device.device_id {
                if !page.fits(e.bytes.len()) {
                    page.more = true;
                    return Ok(());
                }
                page.take(e.bytes.len());
                out.changes.push(DocBytes { doc_id: e.doc_id, kind: e.kind, bytes: e.bytes });
            }
            out.cursor = e.seq;
        }
        if !full {
            return Ok(());
        }
    }
}
