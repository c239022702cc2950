//! Typed edits: what a user can do to a document, as data.
//!
//! An edit names its target by a path of map keys and list-item ids (never list
//! indices, which shift when others insert), e.g.
//! `outcomes/oc1/outputs/op1/activities/a7/budget`. Edits are checked against the
//! typed model before anything is written; see [`crate::Document::apply`].

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

/// One user action on one document. Becomes exactly one Automerge change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Edit {
    /// Set a field. Long text is diffed into the existing text, so concurrent
    /// edits of other sentences survive. Setting a field that holds a conflict
    /// resolves it with this value.
    Set { path: String, value: Json },
    /// Add an item (which carries its own new `id`) to a list, before the item
    /// `before` or at the end.
    Insert {
        list: String,
        item: Json,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        before: Option<String>,
    },
    /// Remove an item from a list.
    Remove { list: String, id: String },
    /// Move an item within its list, before the item `before` or to the end.
    /// (Automerge has no move: the item is removed and inserted again, so an
    /// edit made concurrently to the moved item on another device is lost.)
    Move {
        list: String,
        id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        before: Option<String>,
    },
}

impl Edit {
    /// A short description for the change's message, e.g. `set plan budget`.
    pub fn describe(&self) -> String {
        match self {
            Edit::Set { path, .. } => format!("set {path}"),
            Edit::Insert { list, item, .. } => {
                format!("add {list}/{}", item.get("id").and_then(Json::as_str).unwrap_or("?"))
            }
            Edit::Remove { list, id } => format!("remove {list}/{id}"),
            Edit::Move { list, id, .. } => format!("move {list}/{id}"),
        }
    }

    /// Path of what the edit changes: its field or its item.
    pub fn target(&self) -> String {
        match self {
            Edit::Set { path, .. } => path.clone(),
            Edit::Insert { list, item, .. } => {
                crate::mapping::join(list, item.get("id").and_then(Json::as_str).unwrap_or(""))
            }
            Edit::Remove { list, id } | Edit::Move { list, id, .. } => crate::mapping::join(list, id),
        }
    }
}

/// Split a path into its segments, refusing empty ones.
pub(crate) fn segments(path: &str) -> Result<Vec<&str>, String> {
    let segs: Vec<&str> = path.split('/').collect();
    if segs.iter().any(|s| s.is_empty()) {
        return Err(format!("`{path}` is not a valid path; write keys and item ids separated by `/`"));
    }
    Ok(segs)
}

/// Find the value at `segs` in a JSON tree: keys in objects, item ids in arrays.
/// With `create`, missing object keys are created as empty objects.
pub(crate) fn locate_mut<'a>(mut node: &'a mut Json, segs: &[&str], create: bool) -> Result<&'a mut Json, String> {
    for (i, seg) in segs.iter().enumerate() {
        let so_far = segs[..=i].join("/");
        node = match node {
            Json::Object(map) => {
                if create && !map.contains_key(*seg) {
                    map.insert((*seg).to_owned(), Json::Object(Default::default()));
                }
                map.get_mut(*seg).ok_or_else(|| format!("there is no `{so_far}`"))?
            }
            Json::Array(items) => items
                .iter_mut()
                .find(|item| item.get("id").and_then(Json::as_str) == Some(seg))
                .ok_or_else(|| format!("there is no item `{seg}` in `{}`", segs[..i].join("/")))?,
            _ => {
                return Err(format!("`{}` holds a single value, not fields or items", segs[..i].join("/")));
            }
        };
    }
    Ok(node)
}

/// Read-only counterpart of [`locate_mut`].
pub(crate) fn locate<'a>(mut node: &'a Json, segs: &[&str]) -> Option<&'a Json> {
    for seg in segs {
        node = match node {
            Json::Object(map) => map.get(*seg)?,
            Json::Array(items) => items.iter().find(|item| item.get("id").and_then(Json::as_str) == Some(seg))?,
            _ => return None,
        };
    }
    Some(node)
}

/// Position of the item `id` in a JSON array.
pub(crate) fn position(items: &[Json], id: &str) -> Option<usize> {
    items.iter().position(|item| item.get("id").and_then(Json::as_str) == Some(id))
}
