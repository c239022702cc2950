//! The mapping between Automerge trees and JSON values.
//!
//! Documents are read into `serde_json::Value` and then into the typed model with
//! serde, so a document written by an older app (a missing field) or a newer one
//! (an extra field) still reads. Writing is the reverse, but always *minimal*: an
//! edit touches only the field or item it names, so concurrent values elsewhere in
//! the document are never overwritten by accident.
//!
//! Representation (changing it breaks devices in the field):
//! - JSON objects are Automerge maps; arrays are Automerge lists.
//! - Strings under a key listed by [`is_long_text`] are Automerge `Text`, merged
//!   character by character; every other string is a scalar (last writer wins,
//!   concurrent values kept as a conflict).
//! - Whole numbers are `Int`, other numbers `F64`; `null` is `Null`.

use crate::admission::{self, MAX_DEPTH, MAX_ITEMS, MAX_STRING, MAX_VALUES, Refusal};
use automerge::{ChangeHash, ObjId, ObjType, ReadDoc, ScalarValue, Value, transaction::Transactable};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value as Json};

/// Keys whose strings are long, collaboratively edited text.
///
/// One list for every document kind: a key means the same thing wherever it
/// appears, so `notes` is mergeable text in a stakeholder and in an activity alike.
const LONG_TEXT_KEYS: &[&str] = &[
    "context",
    "description",
    "evidence",
    "findings",
    "follow_up",
    "lesson",
    "means_of_verification",
    "mitigation",
    "narrative",
    "notes",
    "assumptions",
    "rationale",
    "statement",
    "summary",
    "sustainability",
    "why",
    "for_whom",
    "for_what",
    "action",
    "outputs_delivered",
    "behaviour_notes",
    "results_notes",
];

/// Whether strings under `key` are stored as mergeable Automerge `Text`.
pub fn is_long_text(key: &str) -> bool {
    LONG_TEXT_KEYS.contains(&key)
}

/// One value of a field that holds several concurrent values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConflictValue {
    pub value: Json,
    /// Hex id of the Automerge actor (device or server user) that wrote it.
    pub actor: String,
    /// Whether Automerge shows this value by default.
    pub winner: bool,
    /// When it was written, by its author's clock (Unix milliseconds): a
    /// person choosing between two values asks which is the newer.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_ms: Option<i64>,
    /// The operation that wrote it (its counter), to find its change.
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub(crate) op: u64,
}

/// A field that holds concurrent values, found while reading a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Conflict {
    /// Path of the field, as an [`crate::Edit`] would name it: keys, and item ids in lists.
    pub path: String,
    pub values: Vec<ConflictValue>,
}

/// Read the whole document (or the document as of `heads`) into JSON, collecting
/// every field that holds concurrent values.
///
/// Documents from elsewhere are checked before they are stored
/// ([`crate::admission`]), but a device may hold one that arrived before the
/// checks existed: the reader never goes deeper than
/// [`crate::admission::MAX_DEPTH`] (deeper values read as `null`), so no
/// document can overflow the stack.
pub fn read(doc: &impl ReadDoc, heads: Option<&[ChangeHash]>) -> (Json, Vec<Conflict>) {
    let mut reader = Reader { doc, heads, conflicts: Vec::new(), limits: None };
    let value = reader.map(&automerge::ROOT, "", 0);
    (value, reader.conflicts)
}

/// Read the whole current document as [`read`] does, checking on the way
/// that its shape is within the limits of [`crate::admission`]: depth, the
/// length of every text, the items of every map and list, and the values in
/// all. Every value of a conflicted field counts and is checked, shown or
/// not. One walk, for documents that came from elsewhere.
pub fn read_checked(doc: &impl ReadDoc) -> Result<(Json, Vec<Conflict>), Refusal> {
    let mut reader = Reader { doc, heads: None, conflicts: Vec::new(), limits: Some(Limits::default()) };
    let value = reader.map(&automerge::ROOT, "", 0);
    match reader.limits.and_then(|l| l.passed) {
        Some(refusal) => Err(refusal),
        None => Ok((value, reader.conflicts)),
    }
}

struct Reader<'a, D> {
    doc: &'a D,
    heads: Option<&'a [ChangeHash]>,
    conflicts: Vec<Conflict>,
    /// Checking the limits ([`read_checked`]): the count so far, and the
    /// first limit passed (the walk stops there).
    limits: Option<Limits>,
}

#[derive(Default)]
struct Limits {
    values: usize,
    passed: Option<Refusal>,
}

impl<D: ReadDoc> Reader<'_, D> {
    fn stopped(&self) -> bool {
        self.limits.as_ref().is_some_and(|l| l.passed.is_some())
    }

    fn refuse(&mut self, refusal: impl FnOnce() -> Refusal) {
        if let Some(limits) = &mut self.limits {
            limits.passed.get_or_insert_with(refusal);
        }
    }

    /// An object holds `items` entries, and `values` values in all (more
    /// than its items where fields hold concurrent values).
    fn count(&mut self, items: usize, values: usize) {
        let Some(limits) = &mut self.limits else { return };
        limits.values += values;
        if items > MAX_ITEMS {
            self.refuse(admission::too_many_items);
        } else if limits.values > MAX_VALUES {
            self.refuse(admission::too_many_values);
        }
    }

    fn check_len(&mut self, len: usize) {
        if len > MAX_STRING {
            self.refuse(admission::string_too_long);
        }
    }

    fn map(&mut self, obj: &ObjId, path: &str, depth: usize) -> Json {
        // One pass over the map's winners; every value of a key is looked up
        // only where there is a conflict (`get_all` per key cost a third of
        // reading a document).
        let items: Vec<(String, Value<'static>, ObjId, bool)> = match self.heads {
            Some(h) => self
                .doc
                .map_range_at(obj, .., h)
                .map(|i| (i.id(), i))
                .map(|(id, i)| (i.key.into_owned(), i.value.into_value(), id, i.conflict))
                .collect(),
            None => self
                .doc
                .map_range(obj, ..)
                .map(|i| (i.id(), i))
                .map(|(id, i)| (i.key.into_owned(), i.value.into_value(), id, i.conflict))
                .collect(),
        };
        self.count(items.len(), items.len());
        let mut out = Map::new();
        for (key, value, id, conflict) in items {
            if self.stopped() {
                return Json::Null;
            }
            if !conflict {
                let value = self.value(&value, &id, &join(path, &key), depth);
                out.insert(key, value);
                continue;
            }
            let all = match self.heads {
                Some(h) => self.doc.get_all_at(obj, key.as_str(), h),
                None => self.doc.get_all(obj, key.as_str()),
            }
            .unwrap_or_default();
            let child_path = join(path, &key);
            self.count(0, all.len().saturating_sub(1));
            let Some((winner_value, winner_id)) = all.last().cloned() else {
                continue;
            };
            // The winner is read once and reused: reading it again for the
            // conflict would double the work at every conflicted level.
            let value = self.value(&winner_value, &winner_id, &child_path, depth);
            if all.len() > 1 {
                let values = all
                    .iter()
                    .map(|(v, id)| ConflictValue {
                        value: if *id == winner_id { value.clone() } else { self.value(v, id, &child_path, depth) },
                        actor: actor_of(id),
                        winner: *id == winner_id,
                        time_ms: None,
                        op: counter_of(id),
                    })
                    .collect();
                self.conflicts.push(Conflict { path: child_path.clone(), values });
            }
            out.insert(key, value);
        }
        Json::Object(out)
    }

    fn list(&mut self, obj: &ObjId, path: &str, depth: usize) -> Json {
        // One pass (looking each index up cost a walk of the list per item).
        let items: Vec<(usize, Value<'static>, ObjId, bool)> = match self.heads {
            Some(h) => self
                .doc
                .list_range_at(obj, .., h)
                .map(|i| (i.id(), i))
                .map(|(id, i)| (i.index, i.value.into_value(), id, i.conflict))
                .collect(),
            None => self
                .doc
                .list_range(obj, ..)
                .map(|i| (i.id(), i))
                .map(|(id, i)| (i.index, i.value.into_value(), id, i.conflict))
                .collect(),
        };
        self.count(items.len(), items.len());
        let mut out = Vec::with_capacity(items.len());
        for (index, value, id, conflict) in items {
            if self.stopped() {
                return Json::Null;
            }
            // Items are addressed by their `id` (stable across syncs); others by index.
            let segment = self.item_id(&value, &id).unwrap_or_else(|| index.to_string());
            let item_path = join(path, &segment);
            let item = self.value(&value, &id, &item_path, depth);
            out.push(item);
            if conflict && self.limits.is_some() {
                // Only the winner is shown; the others are checked all the same.
                let all = self.doc.get_all(obj, index).unwrap_or_default();
                self.count(0, all.len().saturating_sub(1));
                for (other, other_id) in all.iter().filter(|(_, i)| *i != id) {
                    self.value(other, other_id, &item_path, depth);
                }
            }
        }
        Json::Array(out)
    }

    fn item_id(&self, value: &Value<'_>, obj: &ObjId) -> Option<String> {
        if !matches!(value, Value::Object(ObjType::Map)) {
            return None;
        }
        let got = match self.heads {
            Some(h) => self.doc.get_at(obj, "id", h),
            None => self.doc.get(obj, "id"),
        };
        match got {
            Ok(Some((Value::Scalar(s), _))) => s.as_str().map(str::to_owned),
            _ => None,
        }
    }

    /// A value found in an object at `depth` (the root's fields are at 0).
    fn value(&mut self, value: &Value<'_>, id: &ObjId, path: &str, depth: usize) -> Json {
        if matches!(value, Value::Object(ObjType::Map | ObjType::Table | ObjType::List)) && depth >= MAX_DEPTH {
            self.refuse(admission::too_deep);
            return Json::Null;
        }
        match value {
            Value::Object(ObjType::Map | ObjType::Table) => self.map(id, path, depth + 1),
            Value::Object(ObjType::List) => self.list(id, path, depth + 1),
            Value::Object(ObjType::Text) => {
                let text = match self.heads {
                    Some(h) => self.doc.text_at(id, h),
                    None => self.doc.text(id),
                }
                .unwrap_or_default();
                self.check_len(text.len());
                Json::String(text)
            }
            Value::Scalar(s) => {
                match s.as_ref() {
                    ScalarValue::Str(text) => self.check_len(text.len()),
                    ScalarValue::Bytes(bytes) => self.check_len(bytes.len()),
                    _ => {}
                }
                scalar_to_json(s)
            }
        }
    }
}

/// The value at `path` (keys in maps, item ids in lists) as the document
/// stood at `heads`, when it is a single value: a scalar or a text. None for
/// a path that did not exist then, or that names a map or a list (a history
/// line says "5,200 → 4,500", not a whole item).
pub fn value_at(doc: &impl ReadDoc, path: &str, heads: &[ChangeHash]) -> Option<Json> {
    let mut unbounded = usize::MAX;
    value_within(doc, path, heads, &mut unbounded)
}

/// [`value_at`], visiting at most `budget` list items in all (taken off it):
/// a history reads the values of hundreds of changes, and a hostile device
/// could name a list of 20,000 items in each.
pub fn value_within(doc: &impl ReadDoc, path: &str, heads: &[ChangeHash], budget: &mut usize) -> Option<Json> {
    if path.split('/').count() > MAX_DEPTH * 2 {
        return None;
    }
    let mut obj = automerge::ROOT;
    let mut found: Option<(Value<'static>, ObjId)> = None;
    for seg in path.split('/') {
        if let Some((value, id)) = found.take() {
            match value {
                Value::Object(ObjType::Map | ObjType::Table | ObjType::List) => obj = id,
                _ => return None,
            }
        }
        let here = match doc.object_type(&obj).ok()? {
            ObjType::List => doc.list_range_at(&obj, .., heads).find_map(|item| {
                *budget = budget.checked_sub(1)?;
                let id = item.id();
                let value = item.value.into_value();
                // An item's id is written once, when it is inserted: read as
                // the document is now (reading "as at" rebuilds a clock per call).
                if !matches!(value, Value::Object(ObjType::Map)) {
                    return None;
                }
                let now = doc.get(&id, "id");
                let item_id = match now {
                    Ok(Some(found)) => Some(found),
                    _ => doc.get_at(&id, "id", heads).ok().flatten(),
                };
                let named = matches!(item_id, Some((Value::Scalar(s), _)) if s.as_str() == Some(seg));
                named.then_some((value, id))
            }),
            ObjType::Map | ObjType::Table => {
                doc.get_at(&obj, seg, heads).ok().flatten().map(|(v, id)| (v.into_owned(), id))
            }
            ObjType::Text => None,
        };
        found = Some(here?);
    }
    let (value, id) = found?;
    match value {
        Value::Object(ObjType::Text) => doc.text_at(&id, heads).ok().map(Json::String),
        Value::Scalar(s) => Some(scalar_to_json(&s)),
        Value::Object(_) => None,
    }
}

fn scalar_to_json(s: &ScalarValue) -> Json {
    match s {
        ScalarValue::Str(s) => Json::String(s.to_string()),
        ScalarValue::Int(i) | ScalarValue::Timestamp(i) => Json::from(*i),
        ScalarValue::Uint(u) => Json::from(*u),
        ScalarValue::F64(f) => Number::from_f64(*f).map_or(Json::Null, Json::Number),
        ScalarValue::Counter(c) => Json::from(i64::from(c)),
        ScalarValue::Boolean(b) => Json::Bool(*b),
        ScalarValue::Null | ScalarValue::Bytes(_) | ScalarValue::Unknown { .. } => Json::Null,
    }
}

fn counter_of(id: &ObjId) -> u64 {
    match id {
        ObjId::Root => 0,
        ObjId::Id(counter, _, _) => *counter,
    }
}

fn actor_of(id: &ObjId) -> String {
    match id {
        ObjId::Root => String::new(),
        ObjId::Id(_, actor, _) => actor.to_hex_string(),
    }
}

pub(crate) fn join(path: &str, segment: &str) -> String {
    if path.is_empty() { segment.to_owned() } else { format!("{path}/{segment}") }
}

/// Put `value` at `key` of the map `obj`, creating Text, maps and lists as the
/// representation says. An existing Text under the key is updated in place
/// (diffed), so concurrent edits of other sentences survive.
pub fn put(tx: &mut impl Transactable, obj: &ObjId, key: &str, value: &Json) -> Result<(), automerge::AutomergeError> {
    if let Json::String(s) = value {
        if let Ok(Some((Value::Object(ObjType::Text), text_id))) = tx.get(obj, key) {
            return update_text(tx, &text_id, s);
        }
        if is_long_text(key) {
            let text_id = tx.put_object(obj, key, ObjType::Text)?;
            return update_text(tx, &text_id, s);
        }
    }
    match value {
        Json::Object(fields) => {
            let map = tx.put_object(obj, key, ObjType::Map)?;
            fill_map(tx, &map, fields)
        }
        Json::Array(items) => {
            let list = tx.put_object(obj, key, ObjType::List)?;
            fill_list(tx, &list, key, items)
        }
        scalar => tx.put(obj, key, json_to_scalar(scalar)),
    }
}

/// Insert `value` into the list `list` at `index`. `list_key` is the key the list
/// sits under (list items of strings under a long-text key become Text).
pub fn insert(
    tx: &mut impl Transactable,
    list: &ObjId,
    list_key: &str,
    index: usize,
    value: &Json,
) -> Result<(), automerge::AutomergeError> {
    match value {
        Json::Object(fields) => {
            let map = tx.insert_object(list, index, ObjType::Map)?;
            fill_map(tx, &map, fields)
        }
        Json::Array(items) => {
            let sub = tx.insert_object(list, index, ObjType::List)?;
            fill_list(tx, &sub, list_key, items)
        }
        Json::String(s) if is_long_text(list_key) => {
            let text_id = tx.insert_object(list, index, ObjType::Text)?;
            update_text(tx, &text_id, s)
        }
        scalar => tx.insert(list, index, json_to_scalar(scalar)),
    }
}

/// The longest changed stretch (old and new together, in characters, after
/// their common beginning and end) that is diffed character by character.
/// Automerge's diff costs (changed length) × (edit distance): a stretch of a
/// few thousand characters is milliseconds, two unrelated 100,000-character
/// texts were more than twenty minutes of one core for one edit.
pub const TEXT_DIFF_LIMIT: usize = 4_000;

/// Make the Text `text` say `new`: diffed, so concurrent edits of other
/// sentences survive, when what changed is short (the common case: typing);
/// replaced whole when it is not (a text pasted over another), which keeps
/// the cost of one edit linear in its length.
fn update_text(tx: &mut impl Transactable, text: &ObjId, new: &str) -> Result<(), automerge::AutomergeError> {
    let old = tx.text(text)?;
    if old == new {
        return Ok(());
    }
    let prefix = old.chars().zip(new.chars()).take_while(|(a, b)| a == b).count();
    let suffix = old.chars().rev().zip(new.chars().rev()).take_while(|(a, b)| a == b).count();
    let (old_len, new_len) = (old.chars().count(), new.chars().count());
    let common = (prefix + suffix).min(old_len.min(new_len));
    if old_len + new_len - 2 * common <= TEXT_DIFF_LIMIT {
        return tx.update_text(text, new);
    }
    let length = tx.length(text);
    tx.splice_text(text, 0, length as isize, new)
}

fn fill_map(
    tx: &mut impl Transactable,
    map: &ObjId,
    fields: &Map<String, Json>,
) -> Result<(), automerge::AutomergeError> {
    for (k, v) in fields {
        put(tx, map, k, v)?;
    }
    Ok(())
}

fn fill_list(
    tx: &mut impl Transactable,
    list: &ObjId,
    key: &str,
    items: &[Json],
) -> Result<(), automerge::AutomergeError> {
    for (i, item) in items.iter().enumerate() {
        insert(tx, list, key, i, item)?;
    }
    Ok(())
}

fn json_to_scalar(value: &Json) -> ScalarValue {
    match value {
        Json::Bool(b) => ScalarValue::Boolean(*b),
        Json::Number(n) => {
            if let Some(i) = n.as_i64() {
                ScalarValue::Int(i)
            } else if let Some(u) = n.as_u64() {
                ScalarValue::Uint(u)
            } else {
                let f = n.as_f64().unwrap_or(0.0);
                // Whole floats are stored as Int so that an integer field reads back as one.
                if f.fract() == 0.0 && f.abs() < 9.0e15 { ScalarValue::Int(f as i64) } else { ScalarValue::F64(f) }
            }
        }
        Json::String(s) => ScalarValue::Str(s.as_str().into()),
        Json::Null | Json::Object(_) | Json::Array(_) => ScalarValue::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::{ActorId, Automerge};
    use serde_json::json;

    #[test]
    fn round_trips_json_with_text_and_lists() {
        let mut doc = Automerge::new();
        let value = json!({"title": "Plan", "notes": "long text", "n": 3, "x": 2.5, "items": [{"id": "a", "statement": "s"}], "tags": ["t1"]});
        doc.transact::<_, _, automerge::AutomergeError>(|tx| {
            for (k, v) in value.as_object().into_iter().flatten() {
                put(tx, &automerge::ROOT, k, v)?;
            }
            Ok(())
        })
        .expect("write");
        let (read_back, conflicts) = read(&doc, None);
        assert_eq!(read_back, value);
        assert!(conflicts.is_empty());
        let (notes, _) = doc.get(automerge::ROOT, "notes").expect("get").expect("present");
        assert_eq!(notes, Value::Object(ObjType::Text), "notes must be mergeable text");
    }

    #[test]
    fn concurrent_scalar_writes_are_reported_with_their_actors() {
        let mut a = Automerge::new().with_actor(ActorId::from(vec![1u8; 16]));
        a.transact::<_, _, automerge::AutomergeError>(|tx| put(tx, &automerge::ROOT, "budget", &json!(100)))
            .expect("write");
        let mut b = a.fork().with_actor(ActorId::from(vec![2u8; 16]));
        a.transact::<_, _, automerge::AutomergeError>(|tx| put(tx, &automerge::ROOT, "budget", &json!(12000)))
            .expect("write");
        b.transact::<_, _, automerge::AutomergeError>(|tx| put(tx, &automerge::ROOT, "budget", &json!(9500)))
            .expect("write");
        a.merge(&mut b).expect("merge");
        let (_, conflicts) = read(&a, None);
        assert_eq!(conflicts.len(), 1, "the budget holds two concurrent values");
        let mut values: Vec<_> = conflicts[0].values.iter().map(|v| (v.value.clone(), v.actor.clone())).collect();
        values.sort_by_key(|(v, _)| v.as_i64());
        assert_eq!(values[0], (json!(9500), "02".repeat(16)));
        assert_eq!(values[1], (json!(12000), "01".repeat(16)));
    }
}
