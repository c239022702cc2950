//! What a server or a device accepts from elsewhere.
//!
//! Every change that arrives from another device is hostile until it passes
//! these checks: a member's device may be buggy, old or in the hands of
//! someone who wants to take a region offline. The checks are pure (no I/O)
//! and bounded: nothing here recurses on data from outside or inflates it
//! without a limit.
//!
//! - [`decode_change`]: one encoded change, before it touches a document:
//!   its size, no compressed chunk (an honest device never sends one, and
//!   inflating it is how a 500 KB request becomes gigabytes), its operations.
//! - [`check_values`]: the numbers one change writes are finite and within
//!   [`MAX_NUMBER`] (the edit path refuses the same, so honest devices never
//!   send one).
//! - [`check_document`]: a document after changes were applied: its header
//!   (`kind`, `workspace`, `schema`) is one unambiguous value each, of a
//!   schema this build knows; its shape is within [`MAX_DEPTH`],
//!   [`MAX_STRING`] and [`MAX_ITEMS`]; its content reads into the typed model.
//!
//! The content's *rules* (an activity's end after its start, …) are not
//! checked: concurrent honest edits may break them, and a merge must never be
//! refused for that. Those are shown to people, not enforced on sync.

use crate::code::Code;
use crate::document::{Content, HEADER, Kind, SCHEMA};
use crate::mapping;
use automerge::{Automerge, Change, ReadDoc, ScalarValue, Value};

/// The largest encoded change accepted (bytes).
pub const MAX_CHANGE_BYTES: usize = 4 * 1024 * 1024;
/// The most operations one change may carry.
pub const MAX_CHANGE_OPS: usize = 200_000;
/// The most operations one sync request may carry in all (protocol 2; a
/// single larger change goes alone). Operations cost the server memory and
/// time whether or not they change what the document shows: a few bytes can
/// overwrite one field 200,000 times.
pub const MAX_REQUEST_OPS: usize = 200_000;
/// How deep maps and lists may nest below a document's root. The deepest
/// real document (an assessment's answers' evidence list) is under 8.
pub const MAX_DEPTH: usize = 24;
/// The longest string or text, in bytes (a long narrative is a few KB).
pub const MAX_STRING: usize = 256 * 1024;
/// The most keys of one map or items of one list.
pub const MAX_ITEMS: usize = 20_000;
/// The most values (scalars and objects) in one document.
pub const MAX_VALUES: usize = 1_000_000;
/// The most operations a document's whole history may hold. Requests are
/// bounded one by one; this bounds what they add up to, since every later
/// change is judged against the whole document in memory (a few hundred
/// bytes an operation) and a first sync loads it whole. The busiest real
/// plan holds a few tens of thousands.
pub const MAX_DOCUMENT_OPS: u64 = 500_000;

/// The longest document id (the apps make UUIDs, 36 characters).
pub const MAX_ID: usize = 128;

/// A document id from elsewhere must be a plain name: 1 to [`MAX_ID`]
/// letters, digits, `-`, `_`, `.` or `:`, and not the toolbox's, which every
/// device keeps for the toolbox it ships with.
pub fn check_doc_id(id: &str) -> Result<(), Refusal> {
    let plain = !id.is_empty()
        && id.len() <= MAX_ID
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    if !plain {
        return Err(Refusal::new(
            Code::BadId,
            format!("a document id is 1 to {MAX_ID} letters, digits, `-`, `_`, `.` or `:`"),
        ));
    }
    if id == crate::toolbox::DOCUMENT_ID {
        return Err(Refusal::new(Code::BadId, "that document id is kept for the toolbox shipped with the app"));
    }
    Ok(())
}

/// Why a change or a document was not accepted: a stable machine-readable
/// code and a sentence for people. Never names another workspace's contents.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Refusal {
    pub code: Code,
    pub message: String,
}

impl Refusal {
    pub fn new(code: Code, message: impl Into<String>) -> Refusal {
        Refusal { code, message: message.into() }
    }
}

/// The first bytes of every Automerge chunk; the chunk's type follows the
/// 4-byte checksum.
const CHUNK_MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
const COMPRESSED_CHUNK: u8 = 2;

/// Decode one change received from elsewhere, within limits.
pub fn decode_change(bytes: &[u8]) -> Result<Change, Refusal> {
    if bytes.len() > MAX_CHANGE_BYTES {
        return Err(Refusal::new(
            Code::ChangeTooLarge,
            format!("a change of {} bytes is larger than the limit of {MAX_CHANGE_BYTES} bytes", bytes.len()),
        ));
    }
    if bytes.len() > 8 && bytes[..4] == CHUNK_MAGIC && bytes[8] == COMPRESSED_CHUNK {
        return Err(Refusal::new(
            Code::CompressedChange,
            "a change arrived compressed inside; send changes uncompressed (the whole body may be compressed)",
        ));
    }
    // Automerge's decoder walks every operation before it answers, and a few
    // bytes of run-length encoding can claim 2^62 of them: count first.
    match operations(bytes) {
        Some(n) if n <= MAX_CHANGE_OPS as u64 => {}
        Some(n) => {
            return Err(Refusal::new(
                Code::TooManyOperations,
                format!("a change of {n} operations is more than the limit of {MAX_CHANGE_OPS}"),
            ));
        }
        None => return Err(Refusal::new(Code::BadChange, "a change does not decode")),
    }
    // Automerge's decoder panics on some malformed changes (found by fuzzing).
    let change = std::panic::catch_unwind(|| Change::from_bytes(bytes.to_vec()))
        .map_err(|_| Refusal::new(Code::BadChange, "a change does not decode"))?
        .map_err(|e| Refusal::new(Code::BadChange, format!("a change does not decode ({e})")))?;
    if change.len() > MAX_CHANGE_OPS {
        return Err(Refusal::new(
            Code::TooManyOperations,
            format!("a change of {} operations is more than the limit of {MAX_CHANGE_OPS}", change.len()),
        ));
    }
    Ok(change)
}

/// The largest magnitude of a number a document may hold: 2^53 − 1, the
/// largest whole number the UI (JavaScript) reads exactly. Far above any
/// amount ([`crate::error::MAX_AMOUNT`]) or time stamp, and small enough
/// that a region's sums over millions of values stay finite.
pub const MAX_NUMBER: f64 = 9_007_199_254_740_991.0;

/// Whether a scalar is a number the app can hold (anything else passes).
pub fn number_fits(value: &ScalarValue) -> bool {
    const MAX: u64 = MAX_NUMBER as u64;
    match value {
        ScalarValue::F64(f) => f.is_finite() && f.abs() <= MAX_NUMBER,
        ScalarValue::Int(i) => i.unsigned_abs() <= MAX,
        ScalarValue::Uint(u) => *u <= MAX,
        _ => true,
    }
}

/// Every number a change from elsewhere writes fits [`MAX_NUMBER`]: an
/// infinity, a NaN or 10^308 in a budget line would make a region's totals
/// infinite (and JSON's `null`). Only the change's own values are read, so a
/// document holding such a number from before still takes new changes.
pub fn check_values(change: &Change) -> Result<(), Refusal> {
    let decoded = std::panic::catch_unwind(|| change.decode())
        .map_err(|_| Refusal::new(Code::BadChange, "a change does not decode"))?;
    for op in &decoded.operations {
        if let automerge::legacy::OpType::Put(value) = &op.action
            && !number_fits(value)
        {
            return Err(Refusal::new(
                Code::BadContent,
                format!(
                    "a change writes the number {value}, beyond what the app keeps (at most {MAX_NUMBER:e} either way)"
                ),
            ));
        }
    }
    Ok(())
}

/// Apply changes from elsewhere to `doc`. Automerge panics on some malformed
/// changes (an operation on an object the document lacks, found by fuzzing):
/// the panic is caught and reported as a refusal. After any refusal `doc`
/// may be half-changed: throw it away.
pub fn apply(doc: &mut Automerge, changes: Vec<Change>) -> Result<(), Refusal> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| doc.apply_changes(changes))) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(automerge::AutomergeError::DuplicateSeqNumber(seq, _))) => Err(Refusal::new(
            Code::DuplicateSeq,
            format!("this device already sent a different change number {seq} for this document"),
        )),
        Ok(Err(e)) => Err(Refusal::new(Code::BadChange, format!("the change does not apply to its document ({e})"))),
        Err(_) => Err(Refusal::new(Code::BadChange, "the change names parts of the document that do not exist")),
    }
}

/// How many operations an uncompressed change chunk says it holds: the
/// entries of its `action` column (run-length encoded), read without
/// expanding a single run. `None` when the chunk is not laid out as a change.
/// The layout (Automerge's binary format): magic, checksum, type, length;
/// then dependencies, actor, seq, start op, time, message, other actors, the
/// operation columns' (spec, length) list and their data.
pub fn operations(bytes: &[u8]) -> Option<u64> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(4)? != CHUNK_MAGIC {
        return None;
    }
    r.take(4)?; // checksum
    if r.take(1)?[0] != 1 {
        return None; // not a change chunk (compressed ones are refused above)
    }
    let len = r.uleb()? as usize;
    let body = r.take(len)?;
    let mut r = Reader { bytes: body, at: 0 };
    let deps = r.uleb()? as usize;
    r.take(deps.checked_mul(32)?)?;
    let actor = r.uleb()? as usize;
    r.take(actor)?;
    r.uleb()?; // seq
    r.uleb()?; // start op
    r.sleb()?; // time
    let message = r.uleb()? as usize;
    r.take(message)?;
    for _ in 0..r.uleb()? {
        let other = r.uleb()? as usize;
        r.take(other)?;
    }
    let columns = r.uleb()?;
    let mut layout = Vec::new();
    for _ in 0..columns.min(1024) {
        layout.push((r.uleb()?, r.uleb()? as usize));
    }
    // The action column: id 4, unsigned integers (type 2), not deflated.
    let mut action = None;
    for (spec, len) in layout {
        let data = r.take(len)?;
        if spec >> 4 == 4 {
            action = Some(data);
        }
    }
    let Some(data) = action else { return Some(0) };
    let mut col = Reader { bytes: data, at: 0 };
    let mut total: u64 = 0;
    while col.at < data.len() {
        let count = col.sleb()?;
        let entries = match count {
            0 => col.uleb()?,
            n if n > 0 => {
                col.uleb()?; // the repeated value
                n as u64
            }
            n => {
                let n = n.unsigned_abs();
                for _ in 0..n.min(MAX_CHANGE_OPS as u64 + 1) {
                    col.uleb()?;
                }
                n
            }
        };
        total = total.saturating_add(entries);
        if total > MAX_CHANGE_OPS as u64 {
            return Some(total);
        }
    }
    Some(total)
}

/// Reads Automerge's LEB128 integers and byte runs, never past the end.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let out = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(out)
    }

    fn uleb(&mut self) -> Option<u64> {
        let mut value: u64 = 0;
        for shift in (0..70).step_by(7) {
            let byte = *self.bytes.get(self.at)?;
            self.at += 1;
            value |= u64::from(byte & 0x7f).checked_shl(shift)?;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    fn sleb(&mut self) -> Option<i64> {
        let mut value: i64 = 0;
        let mut shift = 0u32;
        loop {
            let byte = *self.bytes.get(self.at)?;
            self.at += 1;
            if shift >= 64 {
                return None;
            }
            value |= i64::from(byte & 0x7f) << shift;
            shift += 7;
            if byte & 0x80 == 0 {
                if shift < 64 && byte & 0x40 != 0 {
                    value |= -1i64 << shift;
                }
                return Some(value);
            }
        }
    }
}

/// Load a saved document from elsewhere (a snapshot from the server); a
/// panic of Automerge's decoder on malformed bytes is a refusal, not a crash.
pub fn load(bytes: &[u8]) -> Result<Automerge, Refusal> {
    std::panic::catch_unwind(|| Automerge::load(bytes))
        .map_err(|_| Refusal::new(Code::BadDocument, "the document does not decode"))?
        .map_err(|e| Refusal::new(Code::BadDocument, format!("the document does not decode ({e})")))
}

/// A document's header, read strictly: one value each, of the right type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub kind: Kind,
    pub workspace: String,
    pub schema: u64,
}

/// Read the header of a document received from elsewhere. Concurrent writes
/// of the *same* value are harmless (two devices upgrading one document);
/// different values are refused. A schema newer than this build's is read
/// (a device opens such a document read-only); [`check_document`] refuses it.
pub fn header(doc: &Automerge) -> Result<Header, Refusal> {
    let bad = |message: &str| Refusal::new(Code::BadHeader, message.to_owned());
    let kind = one_string(doc, "kind")?.ok_or_else(|| bad("the document has no `kind`"))?;
    let kind = Kind::from_code(&kind).ok_or_else(|| bad("the document's `kind` is not a kind this server knows"))?;
    let workspace = one_string(doc, "workspace")?.unwrap_or_default();
    let mut schema = None;
    for (value, _) in doc.get_all(automerge::ROOT, "schema").unwrap_or_default() {
        let v = match value {
            Value::Scalar(s) => match s.as_ref() {
                ScalarValue::Int(i) if *i >= 0 => *i as u64,
                ScalarValue::Uint(u) => *u,
                _ => return Err(bad("the document's `schema` is not a version number")),
            },
            Value::Object(_) => return Err(bad("the document's `schema` is not a version number")),
        };
        if schema.is_some_and(|s| s != v) {
            return Err(bad("the document holds two different `schema` versions"));
        }
        schema = Some(v);
    }
    Ok(Header { kind, workspace, schema: schema.unwrap_or(0) })
}

fn one_string(doc: &Automerge, key: &str) -> Result<Option<String>, Refusal> {
    let mut found: Option<String> = None;
    for (value, _) in doc.get_all(automerge::ROOT, key).unwrap_or_default() {
        let Value::Scalar(s) = value else {
            return Err(Refusal::new(Code::BadHeader, format!("the document's `{key}` is not a plain string")));
        };
        let Some(v) = s.as_str() else {
            return Err(Refusal::new(Code::BadHeader, format!("the document's `{key}` is not a plain string")));
        };
        if found.as_deref().is_some_and(|f| f != v) {
            return Err(Refusal::new(Code::BadHeader, format!("the document holds two different values of `{key}`")));
        }
        found = Some(v.to_owned());
    }
    Ok(found)
}

/// Check that the shape of a document is within limits: depth, string
/// lengths, items per map or list, and values in all. Every value of a
/// conflicted field counts, not only the one shown. (The check is a read:
/// [`mapping::read_checked`] checks and reads in one walk.)
pub fn check_shape(doc: &Automerge) -> Result<(), Refusal> {
    mapping::read_checked(doc).map(drop)
}

pub(crate) fn too_many_items() -> Refusal {
    Refusal::new(Code::TooManyItems, format!("a list or map holds more than {MAX_ITEMS} items"))
}

pub(crate) fn too_many_values() -> Refusal {
    Refusal::new(Code::TooLarge, format!("the document holds more than {MAX_VALUES} values"))
}

pub(crate) fn too_deep() -> Refusal {
    Refusal::new(Code::TooDeep, format!("the document nests maps and lists deeper than {MAX_DEPTH} levels"))
}

pub(crate) fn string_too_long() -> Refusal {
    Refusal::new(Code::StringTooLong, format!("a text is longer than the limit of {MAX_STRING} bytes"))
}

/// A document's whole history stays within [`MAX_DOCUMENT_OPS`].
pub fn check_history(doc: &Automerge) -> Result<(), Refusal> {
    if doc.stats().num_ops > MAX_DOCUMENT_OPS {
        return Err(Refusal::new(
            Code::DocumentTooLarge,
            format!(
                "the document's history would pass the limit of {MAX_DOCUMENT_OPS} operations; \
                 copy what it needs into a new document"
            ),
        ));
    }
    Ok(())
}

/// Check a whole document received from elsewhere: header, shape, and that
/// its content reads into the typed model of its kind. Returns the header.
pub fn check_document(doc: &Automerge) -> Result<Header, Refusal> {
    check_history(doc)?;
    let header = header(doc)?;
    if header.schema > SCHEMA {
        return Err(Refusal::new(
            Code::NewerSchema,
            format!("the document is of schema {}; this server knows up to {SCHEMA}: update it", header.schema),
        ));
    }
    let (mut value, _) = mapping::read_checked(doc)?;
    if let Some(map) = value.as_object_mut() {
        for key in HEADER {
            map.remove(key);
        }
    }
    Content::from_json(header.kind, value).map_err(|e| {
        Refusal::new(Code::BadContent, format!("the content does not fit the {} model: {e}", header.kind.code()))
    })?;
    Ok(header)
}

#[cfg(test)]
mod tests;

/// What the fuzz targets (`fuzz/`) run, written once so the corpus replay
/// tests run exactly the same: any bytes through the checks, never a panic,
/// never unbounded work.
pub mod fuzz {
    use super::*;
    use crate::plan::Plan;
    use crate::{Content, Document};
    use std::sync::OnceLock;

    /// A plan the fuzzed change is applied to.
    fn base() -> &'static Automerge {
        static BASE: OnceLock<Automerge> = OnceLock::new();
        BASE.get_or_init(|| {
            let plan = Content::Plan(Plan { title: "Fuzz".into(), ..Plan::default() });
            let actor = automerge::ActorId::from(vec![0xf0; 16]);
            Document::create("ws", &plan, actor, 0).map(|d| d.automerge().clone()).unwrap_or_default()
        })
    }

    /// One change, as the server judges it.
    pub fn change(data: &[u8]) {
        let Ok(change) = decode_change(data) else { return };
        // As the server does: a panic of Automerge's on the result refuses it.
        let _ = std::panic::catch_unwind(|| {
            let mut doc = base().clone();
            if apply(&mut doc, vec![change]).is_ok() && check_document(&doc).is_ok() {
                let _ = mapping::read(&doc, None);
            }
        });
    }

    /// A saved document, as a device takes it in.
    pub fn document(data: &[u8]) {
        if data.len() > MAX_CHANGE_BYTES {
            return;
        }
        let Ok(doc) = load(data) else { return };
        let _ = std::panic::catch_unwind(|| {
            if header(&doc).is_ok() && check_shape(&doc).is_ok() && check_document(&doc).is_ok() {
                let _ = mapping::read(&doc, None);
            }
        });
    }
}
