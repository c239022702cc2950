//! What the server accepts from a device: each incoming change is decoded
//! within limits, applied to its document, and kept only if the result is
//! still a valid document of the kind and workspace it was registered with,
//! written by the device's own actor under a role that may write that kind.
//!
//! The role is checked against the document's *own* `kind` (its root key,
//! which may never change), never against the label the device put on the
//! wire. Documents outside a workspace and the toolbox are written by
//! administrators only (no workspace role may write the toolbox).
//!
//! Changes are judged per document, in the request's order. A refused
//! change refuses the ones after it in the same document too: a device's
//! later changes build on its earlier ones.

use crate::access::Role;
use crate::auth::Device;
use crate::round::{LogTx, Registered};
use crate::storage::Error;
use crate::storage::Membership;
use cd4mm_core::Code;
use cd4mm_core::admission::{self, Refusal};
use cd4mm_core::automerge::legacy::{Key, ObjectId, OpId, OpType};
use cd4mm_core::automerge::{self, Automerge, Change, ObjType, Prop, ReadDoc, ScalarValue, Value};
use cd4mm_core::{Kind, Reach};
use cd4mm_sync::wire::OutChange;
use std::collections::HashMap;

/// What became of one incoming change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// New and valid: store it, in a document of this kind.
    Accepted([u8; 32], Kind),
    /// The server already holds it.
    Known([u8; 32]),
    /// It builds on changes the server does not hold (yet), or its document
    /// moved while it was being judged: neither stored nor refused; the
    /// device sends it again later.
    Deferred,
    Refused(Refusal),
}

/// A document as it stood when a round's changes were judged against it:
/// read in a short transaction, judged outside any.
#[derive(Debug, Clone, Default)]
pub struct Base {
    /// The workspace and kind it is registered with.
    pub registered: Option<Registered>,
    pub snapshot: Option<Vec<u8>>,
    /// Log entries after the snapshot.
    pub later: Vec<Vec<u8>>,
    /// Its last log entry (0: none). With `registered`, what the round
    /// checks has not moved before it trusts a verdict made outside it.
    pub last: u64,
}

impl Base {
    pub fn read(tx: &mut (impl LogTx + ?Sized), doc_id: &str) -> Result<Base, Error> {
        let (registered, cached) = tx.registered_and_cached(doc_id)?;
        let (snapshot, from) = match cached {
            Some(c) => (c.snapshot, c.snapshot_seq),
            None => (None, 0),
        };
        let later = tx.changes_of_after(doc_id, from)?;
        // The last entry read, not one asked for apart: on a backend whose
        // statements may see different commits, the stamp is what the
        // verdict was made on.
        let last = later.last().map_or(from, |&(seq, _)| seq);
        Ok(Base { registered, snapshot, later: later.into_iter().map(|(_, b)| b).collect(), last })
    }

    /// The document itself (CPU work: decoding and applying).
    fn load(&self) -> Result<Automerge, Error> {
        let mut doc = match self.snapshot.as_deref() {
            Some(bytes) => Automerge::load(bytes).map_err(Error::internal)?,
            None => Automerge::new(),
        };
        let later: Vec<Change> = self.later.iter().filter_map(|b| Change::from_bytes(b.clone()).ok()).collect();
        apply_leniently(&mut doc, later);
        Ok(doc)
    }
}

/// What a round's changes are judged against: the device's memberships and
/// each document they touch.
#[derive(Debug, Default)]
pub struct Bases {
    pub members: Vec<Membership>,
    pub docs: HashMap<String, Base>,
}

/// Read the bases of a request's changes (inside a backend's read transaction).
pub fn read_bases(tx: &mut (impl LogTx + ?Sized), device: &Device, changes: &[OutChange]) -> Result<Bases, Error> {
    let mut docs = HashMap::new();
    for c in changes {
        if !docs.contains_key(&c.doc_id) {
            docs.insert(c.doc_id.clone(), Base::read(tx, &c.doc_id)?);
        }
    }
    Ok(Bases { members: tx.memberships(device)?, docs })
}

/// Verdicts reached before the round's transaction, with what they rest on.
/// Judging is the CPU-heavy part of a round (a change can carry 200,000
/// operations, applied to its whole document): done here, it holds no lock
/// and no connection, so one heavy request never stops the other devices.
/// The round never judges: a verdict whose ground moved meanwhile makes the
/// round start again from fresh bases, or, on the last try, defers the
/// document's changes to the device's next round.
#[derive(Debug, Default)]
pub struct Judged {
    members: Vec<Membership>,
    docs: HashMap<String, Prejudged>,
    /// The last try: defer what no longer holds instead of asking again.
    pub last_try: bool,
}

/// The verdicts on one document's changes, in request order, and the
/// document's registration and last entry they were judged against.
#[derive(Debug)]
struct Prejudged {
    registered: Option<Registered>,
    last: u64,
    verdicts: Vec<Verdict>,
}

/// Judge a request's changes against bases read beforehand. A document whose
/// base could not be loaded has no verdicts: its changes wait.
pub fn prejudge(bases: &Bases, device: &Device, changes: &[OutChange], last_try: bool) -> Judged {
    let roles = crate::storage::roles(&bases.members);
    let mut docs = HashMap::new();
    for (doc_id, indices) in by_document(changes) {
        let Some(base) = bases.docs.get(doc_id) else { continue };
        let of_doc: Vec<&OutChange> = indices.iter().map(|&i| &changes[i]).collect();
        match judge_document(base, device, &roles, &of_doc) {
            Ok(verdicts) => {
                docs.insert(
                    doc_id.to_owned(),
                    Prejudged { registered: base.registered.clone(), last: base.last, verdicts },
                );
            }
            Err(e) => {
                tracing::warn!(doc = doc_id, error = %e.message, "a document could not be loaded to judge changes")
            }
        }
    }
    Judged { members: bases.members.clone(), docs, last_try }
}

/// The verdicts reached beforehand, checked inside the round's transaction:
/// each holds if its document's last entry and registration, and the
/// device's memberships, are what it was judged against. `None`: some do
/// not, and this is not the last try (the caller rolls back and judges
/// again). `verdicts[i]` is the verdict on `changes[i]`.
pub fn judge(
    tx: &mut (impl LogTx + ?Sized),
    members: &[Membership],
    changes: &[OutChange],
    judged: &Judged,
) -> Result<Option<Vec<Verdict>>, Error> {
    let mut verdicts = vec![None; changes.len()];
    // Changes accepted so far in this round, by hash, with their document.
    let mut round: HashMap<[u8; 32], &str> = HashMap::new();
    for (doc_id, indices) in by_document(changes) {
        let before = judged.docs.get(doc_id).filter(|_| judged.members == members);
        let of_doc = match before {
            Some(p)
                if p.verdicts.len() == indices.len()
                    && (p.registered.clone(), p.last) == tx.registered_and_last(doc_id)? =>
            {
                p.verdicts.clone()
            }
            _ if judged.last_try => vec![Verdict::Deferred; indices.len()],
            _ => return Ok(None),
        };
        for (i, v) in indices.into_iter().zip(held_elsewhere(tx, &mut round, doc_id, of_doc)?) {
            verdicts[i] = Some(v);
        }
    }
    Ok(Some(verdicts.into_iter().map(|v| v.unwrap_or_else(|| Verdict::Refused(follows_refused()))).collect()))
}

/// A change is logged once, under one document: the same bytes sent again
/// under another id (in an earlier round or earlier in this one) would
/// register an empty document there. Refused, with the ones after it.
fn held_elsewhere<'a>(
    tx: &mut (impl LogTx + ?Sized),
    round: &mut HashMap<[u8; 32], &'a str>,
    doc_id: &'a str,
    mut verdicts: Vec<Verdict>,
) -> Result<Vec<Verdict>, Error> {
    for i in 0..verdicts.len() {
        let Verdict::Accepted(hash, _) = verdicts[i] else { continue };
        let elsewhere = match round.get(&hash) {
            Some(d) => *d != doc_id,
            None => tx.doc_of_change(&hash)?.is_some_and(|d| d != doc_id),
        };
        round.entry(hash).or_insert(doc_id);
        if elsewhere {
            verdicts[i] = Verdict::Refused(Refusal::new(
                Code::ChangeElsewhere,
                "this change is already held as part of another document",
            ));
            for v in &mut verdicts[i + 1..] {
                *v = Verdict::Refused(follows_refused());
            }
            break;
        }
    }
    Ok(verdicts)
}

/// Each document's changes by index, in the request's order (documents in
/// order of first appearance).
fn by_document(changes: &[OutChange]) -> Vec<(&str, Vec<usize>)> {
    let mut out: Vec<(&str, Vec<usize>)> = Vec::new();
    let mut at: HashMap<&str, usize> = HashMap::new();
    for (i, c) in changes.iter().enumerate() {
        let slot = *at.entry(c.doc_id.as_str()).or_insert_with(|| {
            out.push((c.doc_id.as_str(), Vec::new()));
            out.len() - 1
        });
        out[slot].1.push(i);
    }
    out
}

fn follows_refused() -> Refusal {
    Refusal::new(Code::FollowsRefused, "an earlier change to the same document was not accepted")
}

/// The verdicts on one document's changes, in order.
fn judge_document(
    base: &Base,
    device: &Device,
    roles: &HashMap<&str, Role>,
    changes: &[&OutChange],
) -> Result<Vec<Verdict>, Error> {
    let registered = &base.registered;
    // 1. Each change on its own: the sender's workspace, decoding, actor.
    let mut decoded: Vec<Change> = Vec::with_capacity(changes.len());
    let mut refused: Option<Refusal> = None;
    for change in changes {
        if (change.workspace.as_str(), change.kind.as_str())
            != (changes[0].workspace.as_str(), changes[0].kind.as_str())
        {
            refused = Some(Refusal::new(
                Code::MixedLabels,
                "the changes of one document were sent with different workspaces or kinds",
            ));
            break;
        }
        match precheck(device, roles, change, registered.as_ref().map(|(w, _)| w.as_str())) {
            Ok(c) => decoded.push(c),
            Err(r) => {
                refused = Some(r);
                break;
            }
        }
    }
    let mut verdicts = Vec::with_capacity(changes.len());
    if !decoded.is_empty() {
        let workspace = changes[0].workspace.as_str();
        let expected = Expected {
            device,
            role: role_in(device, roles, workspace),
            workspace,
            label: &changes[0].kind,
            registered,
        };
        let doc = base.load()?;
        // Automerge's readers assert on some documents a crafted change makes
        // (found by fuzzing): such a panic refuses the changes, never the round.
        verdicts =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| judge_applied(doc, base, &decoded, &expected)))
                .unwrap_or_else(|_| {
                    let why = Refusal::new(Code::BadChange, "the changes break their document");
                    decoded.iter().map(|_| Verdict::Refused(why.clone())).collect()
                });
    }
    if let Some(r) = refused {
        verdicts.push(Verdict::Refused(r));
    }
    while verdicts.len() < changes.len() {
        verdicts.push(Verdict::Refused(follows_refused()));
    }
    // Everything after a refusal in the same document is refused too.
    if let Some(first) = verdicts.iter().position(|v| matches!(v, Verdict::Refused(_))) {
        for v in &mut verdicts[first + 1..] {
            if !matches!(v, Verdict::Refused(_)) {
                *v = Verdict::Refused(follows_refused());
            }
        }
    }
    Ok(verdicts)
}

/// The caller's role in a workspace; an administrator owns every workspace
/// that exists (their memberships list them all), and none that does not.
fn role_in(device: &Device, roles: &HashMap<&str, Role>, workspace: &str) -> Option<Role> {
    let role = roles.get(workspace).copied();
    if device.admin { role.map(|_| Role::Owner) } else { role }
}

/// The checks one change passes alone, before it meets its document.
fn precheck(
    device: &Device,
    roles: &HashMap<&str, Role>,
    change: &OutChange,
    registered_workspace: Option<&str>,
) -> Result<Change, Refusal> {
    if role_in(device, roles, &change.workspace).is_none() {
        return Err(Refusal::new(
            Code::NotAMember,
            format!("you are not a member of workspace `{}`", change.workspace),
        ));
    }
    admission::check_doc_id(&change.doc_id)?;
    if Kind::from_code(&change.kind).is_none() {
        return Err(Refusal::new(Code::BadKind, format!("`{}` is not a kind of document", change.kind)));
    }
    let decoded = admission::decode_change(&change.bytes)?;
    if decoded.actor_id().to_hex_string() != device.actor {
        return Err(Refusal::new(
            Code::ForeignActor,
            "a change was made by an actor not registered to this device; changes can only be sent by the device that made them",
        ));
    }
    admission::check_values(&decoded)?;
    // Only a change that decodes and is the device's own learns whether the
    // id is taken elsewhere (ids are global, so an honest change to a taken
    // id must be refused); the refusal says nothing of where.
    if registered_workspace.is_some_and(|w| w != change.workspace) {
        return Err(Refusal::new(
            Code::DocumentMismatch,
            format!("document `{}` cannot be written in workspace `{}`", change.doc_id, change.workspace),
        ));
    }
    Ok(decoded)
}

/// What the document must still be after the changes.
struct Expected<'a> {
    device: &'a Device,
    role: Option<Role>,
    /// The workspace the device wrote to.
    workspace: &'a str,
    /// The kind the device said the document is.
    label: &'a str,
    /// The workspace and kind the document is registered with, if it is.
    registered: &'a Option<Registered>,
}

impl Expected<'_> {
    /// The document's kind, if it is still what it must be.
    fn check(&self, doc: &Automerge) -> Result<Kind, Refusal> {
        let header = admission::check_document(doc)?;
        if header.workspace != self.workspace {
            return Err(Refusal::new(
                Code::BadHeader,
                "the document's content names another workspace than the one it is written in",
            ));
        }
        if let Some((_, kind)) = self.registered
            && *kind != header.kind.code()
        {
            return Err(Refusal::new(Code::BadHeader, "a document's kind cannot change"));
        }
        if self.label != header.kind.code() {
            return Err(Refusal::new(
                Code::KindMismatch,
                format!("the change was sent as a {} but its document is a {}", self.label, header.kind.code()),
            ));
        }
        let allowed = self.device.admin || self.role.is_some_and(|r| r.may_write(header.kind));
        if !allowed {
            let role = self.role.map_or("none", Role::code);
            return Err(Refusal::new(
                Code::RoleForbids,
                format!("your role ({role}) may not change {} documents in `{}`", header.kind.code(), self.workspace),
            ));
        }
        Ok(header.kind)
    }

    /// The role, when it may change only some top-level fields of this kind
    /// of document: its changes are then judged operation by operation.
    fn partial(&self) -> Option<(Role, Kind)> {
        let kind = Kind::from_code(self.label)?;
        let role = self.role.filter(|_| !self.device.admin)?;
        matches!(role.reach(kind), Reach::Parts(_)).then_some((role, kind))
    }

    /// A partial writer's changes, judged on what each operation writes
    /// (`doc` holds them applied; `base` is what the document held before).
    /// Never on how the document renders: a value written again, a Text of
    /// the same letters, a mark, a counter or a conflict that loses all
    /// render the same, and all of them write.
    fn judge_parts(&self, doc: &Automerge, base: &BaseFacts, change: &Change) -> Result<(), Refusal> {
        let Some((role, kind)) = self.partial() else { return Ok(()) };
        if self.registered.is_none() {
            return Err(Refusal::new(
                Code::RoleForbids,
                format!("your role ({}) may not start new {} documents", role.code(), kind.code()),
            ));
        }
        let expanded = change.decode();
        let mut roots: HashMap<String, Option<String>> = HashMap::new();
        for op in &expanded.operations {
            let (field, at_root) = match (&op.obj, &op.key) {
                (ObjectId::Root, Key::Map(key)) => (key.to_string(), true),
                (ObjectId::Root, Key::Seq(_)) => {
                    return Err(Refusal::new(Code::BadChange, "a change writes a list position at the root"));
                }
                (ObjectId::Id(OpId(counter, actor)), _) => {
                    let id = format!("{counter}@{}", actor.to_hex_string());
                    let field = roots.entry(id).or_insert_with_key(|id| field_of(doc, id)).clone();
                    let field = field.ok_or_else(|| {
                        Refusal::new(Code::RoleForbids, "a change writes in an object this document does not hold")
                    })?;
                    (field, false)
                }
            };
            if role.may_change_part(kind, &field) || (at_root && base.upgrade_allows(kind, &field, &op.action)) {
                continue;
            }
            return Err(Refusal::new(Code::RoleForbids, role.refusal(kind, &field)));
        }
        Ok(())
    }
}

/// The top-level field that holds the object `id` (`counter@actor`).
fn field_of(doc: &Automerge, id: &str) -> Option<String> {
    let obj = doc.import_obj(id).ok()?;
    match doc.parents(&obj).ok()?.last()?.prop {
        Prop::Map(key) => Some(key),
        Prop::Seq(_) => None,
    }
}

/// What a document held at its root before a partial writer's changes: the
/// schema upgrade a device makes on open (`cd4mm_core::upgrade_fields`)
/// writes fields that writer may not otherwise write, and is let through.
struct BaseFacts {
    fields: std::collections::HashSet<String>,
    schema: i64,
}

impl BaseFacts {
    fn read(doc: &Automerge) -> BaseFacts {
        let schema = match doc.get(automerge::ROOT, "schema") {
            Ok(Some((Value::Scalar(s), _))) => match s.as_ref() {
                ScalarValue::Int(v) => *v,
                ScalarValue::Uint(v) => i64::try_from(*v).unwrap_or(i64::MAX),
                _ => 0,
            },
            _ => 0,
        };
        BaseFacts { fields: doc.keys(automerge::ROOT).collect(), schema }
    }

    /// Whether a root operation is what the schema upgrade writes: the
    /// current schema over an older one, or an empty list, or a workspace,
    /// where the document had none.
    fn upgrade_allows(&self, kind: Kind, field: &str, action: &OpType) -> bool {
        let upgrading = self.schema < cd4mm_core::SCHEMA as i64;
        let missing = !self.fields.contains(field);
        match (field, action) {
            ("schema", OpType::Put(ScalarValue::Int(v))) => upgrading && *v == cd4mm_core::SCHEMA as i64,
            ("schema", OpType::Put(ScalarValue::Uint(v))) => upgrading && *v == cd4mm_core::SCHEMA,
            ("workspace", OpType::Put(ScalarValue::Str(_))) => upgrading && missing,
            (f, OpType::Make(ObjType::List)) => upgrading && missing && cd4mm_core::upgrade_fields(kind).contains(&f),
            _ => false,
        }
    }
}

/// New changes of one document judged one by one, at most, when together
/// they break it.
const ONE_BY_ONE: usize = 64;

/// Apply the changes to the document (`doc`, loaded from `base`) and judge
/// them. All at once first (the honest case: one check); when that fails,
/// one by one from the base loaded anew, to find the first change that
/// breaks the document. (No copy is kept for that case: it would double the
/// memory of every honest round, and documents hold up to a million
/// operations.)
fn judge_applied(mut doc: Automerge, base: &Base, changes: &[Change], expected: &Expected<'_>) -> Vec<Verdict> {
    // It loaded once; it loads again the same.
    let reload = || base.load().unwrap_or_default();
    let hash = |c: &Change| {
        let mut h = [0u8; 32];
        h.copy_from_slice(c.hash().as_ref());
        h
    };
    let known: Vec<bool> = changes.iter().map(|c| doc.get_change_by_hash(&c.hash()).is_some()).collect();
    if known.iter().all(|k| *k) {
        return changes.iter().map(|c| Verdict::Known(hash(c))).collect();
    }
    let new: Vec<Change> = changes.iter().zip(&known).filter(|(_, k)| !**k).map(|(c, _)| c.clone()).collect();
    let base = expected.partial().map(|_| BaseFacts::read(&doc));
    let parts_hold =
        |doc: &Automerge| base.as_ref().is_none_or(|b| new.iter().all(|c| expected.judge_parts(doc, b, c).is_ok()));
    if admission::apply(&mut doc, new.clone()).is_ok()
        && let Ok(kind) = expected.check(&doc)
        && parts_hold(&doc)
    {
        return changes
            .iter()
            .zip(&known)
            .map(|(c, k)| match (k, doc.get_change_by_hash(&c.hash()).is_some()) {
                (true, _) => Verdict::Known(hash(c)),
                (false, true) => Verdict::Accepted(hash(c), kind),
                (false, false) => Verdict::Deferred,
            })
            .collect();
    }
    // The failed attempt's document goes before another is loaded.
    drop(doc);
    // One by one re-checks the whole document after each change: bounded,
    // so a long hostile batch cannot hold the database for minutes. Past the
    // bound, the batch is refused whole with the reason.
    let fresh = known.iter().filter(|k| !**k).count();
    if fresh > ONE_BY_ONE {
        let mut doc = reload();
        let why = match admission::apply(&mut doc, changes.to_vec()) {
            Err(r) => r,
            Ok(()) => base
                .as_ref()
                .and_then(|b| new.iter().find_map(|c| expected.judge_parts(&doc, b, c).err()))
                .or_else(|| expected.check(&doc).err())
                .unwrap_or_else(|| Refusal::new(Code::BadChange, "the changes break the document")),
        };
        return changes.iter().map(|_| Verdict::Refused(why.clone())).collect();
    }
    let mut doc = reload();
    let mut out = Vec::with_capacity(changes.len());
    for (change, k) in changes.iter().zip(&known) {
        if *k {
            out.push(Verdict::Known(hash(change)));
            continue;
        }
        if let Err(refusal) = admission::apply(&mut doc, vec![change.clone()]) {
            out.push(Verdict::Refused(refusal));
            break;
        }
        if doc.get_change_by_hash(&change.hash()).is_none() {
            out.push(Verdict::Deferred);
            continue;
        }
        let parts = base.as_ref().map_or(Ok(()), |b| expected.judge_parts(&doc, b, change));
        // The role's limits first: for a writer of some parts, what it may
        // not write is the reason, whatever else the change breaks.
        match parts.and_then(|()| expected.check(&doc)) {
            Ok(kind) => out.push(Verdict::Accepted(hash(change), kind)),
            Err(r) => {
                out.push(Verdict::Refused(r));
                break;
            }
        }
    }
    out
}

/// Apply stored changes, skipping any that do not apply (a duplicate
/// (actor, seq) stored before the checks existed), so one bad entry never
/// makes a document unreadable for everyone.
pub fn apply_leniently(doc: &mut Automerge, changes: Vec<Change>) {
    let all = doc.clone();
    if admission::apply(doc, changes.clone()).is_err() {
        *doc = all;
        for change in changes {
            let before = doc.clone();
            if let Err(e) = admission::apply(doc, vec![change]) {
                tracing::warn!(error = %e, "a stored change was skipped");
                *doc = before;
            }
        }
    }
}

#[cfg(test)]
mod tests;
