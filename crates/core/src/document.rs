//! A CD4MM document: an Automerge document of one [`Kind`], with its schema
//! version, read through the typed model and changed only by checked [`Edit`]s.

use crate::admission;
use crate::assessment::Assessment;
use crate::edit::{Edit, locate, locate_mut, position, segments};
use crate::engagement::Engagement;
use crate::error::{Error, FieldError, Problems};
use crate::mapping::{self, Conflict};
use crate::monitoring::Monitoring;
use crate::plan::Plan;
use crate::toolbox::Toolbox;
use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, Automerge, AutomergeError, Change, ChangeHash, ObjId, ObjType, ReadDoc, Value};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

/// The schema version this app writes. Documents with a lower one are upgraded
/// when opened; documents with a higher one open read-only.
pub const SCHEMA: u64 = 1;

/// What a document holds; one Automerge document per thing people edit together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Engagement,
    Assessment,
    Plan,
    Monitoring,
    Toolbox,
}

impl Kind {
    pub const ALL: &'static [Kind] = &[Kind::Engagement, Kind::Assessment, Kind::Plan, Kind::Monitoring, Kind::Toolbox];

    pub fn code(self) -> String {
        crate::vocabulary::code_of(&self)
    }

    pub fn from_code(code: &str) -> Option<Kind> {
        serde_json::from_value(Json::String(code.to_owned())).ok()
    }
}

/// The typed content of a document.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(untagged)]
pub enum Content {
    Engagement(Engagement),
    Assessment(Assessment),
    Plan(Plan),
    Monitoring(Monitoring),
    Toolbox(Toolbox),
}

impl Content {
    pub fn kind(&self) -> Kind {
        match self {
            Content::Engagement(_) => Kind::Engagement,
            Content::Assessment(_) => Kind::Assessment,
            Content::Plan(_) => Kind::Plan,
            Content::Monitoring(_) => Kind::Monitoring,
            Content::Toolbox(_) => Kind::Toolbox,
        }
    }

    /// Read content of `kind` from a document's JSON. Fields the model does not
    /// know are ignored; fields it misses take their defaults.
    pub fn from_json(kind: Kind, value: Json) -> Result<Content, serde_json::Error> {
        Ok(match kind {
            Kind::Engagement => Content::Engagement(serde_json::from_value(value)?),
            Kind::Assessment => Content::Assessment(serde_json::from_value(value)?),
            Kind::Plan => Content::Plan(serde_json::from_value(value)?),
            Kind::Monitoring => Content::Monitoring(serde_json::from_value(value)?),
            Kind::Toolbox => Content::Toolbox(serde_json::from_value(value)?),
        })
    }

    pub fn to_json(&self) -> Json {
        serde_json::to_value(self).unwrap_or(Json::Null)
    }

    /// The display title of the document.
    pub fn title(&self) -> &str {
        match self {
            Content::Engagement(c) => &c.title,
            Content::Assessment(c) => &c.title,
            Content::Plan(c) => &c.title,
            Content::Monitoring(c) => &c.title,
            Content::Toolbox(c) => &c.title,
        }
    }

    /// Every validation problem of the content.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut p = Problems::default();
        match self {
            Content::Engagement(c) => c.check(&mut p),
            Content::Assessment(c) => c.check(&mut p),
            Content::Plan(c) => c.check(&mut p),
            Content::Monitoring(c) => c.check(&mut p),
            Content::Toolbox(c) => c.check(&mut p),
        }
        p.0
    }
}

/// What a reader gets: the content as JSON, every conflict, and the header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Snapshot {
    pub kind: Kind,
    pub schema: u64,
    pub workspace: String,
    /// Why the document cannot be edited, when it cannot.
    pub read_only: Option<String>,
    pub value: Json,
    pub conflicts: Vec<Conflict>,
    /// The Automerge heads (hex) this reading shows: an edit made on it names
    /// them, so it merges with what others wrote meanwhile instead of
    /// overwriting it ([`Document::apply_on`]).
    #[serde(default)]
    pub heads: Vec<String>,
}

/// One change in a document's history: who, when, and what in a few words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistoryEntry {
    pub hash: String,
    /// The Automerge actor (hex) of the device or browser session.
    pub actor: String,
    /// Who that actor belongs to, when the caller knows (the server does).
    pub author: Option<String>,
    /// The author's clock when the change was made, in Unix milliseconds.
    pub time_ms: i64,
    /// The edit's own description, e.g. `set outcomes/oc1/title`.
    pub summary: String,
    /// For a field set (`set …`) among the newest [`HISTORY_VALUES`]
    /// changes: the field's single value before the change, when it had one.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<serde_json::Value>,
    /// The value the change set, as it wrote it (concurrent changes may show another).
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<serde_json::Value>,
}

/// How many of the newest changes a history reads old and new values for:
/// each is two walks of the document at an older state, so a document with
/// years of history is not read thousands of times to show its first page.
pub const HISTORY_VALUES: usize = 500;

/// List items a history may visit in all to find those values; past it, the
/// older changes show no values (a device could make every change name a
/// list of 20,000 items).
pub const HISTORY_ITEM_VISITS: usize = 200_000;

/// A text longer than this is not carried as an old or new value: the line
/// says the text changed, and nothing cut short is offered to restore.
pub const HISTORY_TEXT: usize = 2_000;

/// Old and new value of a field a change set: the field as its
/// dependencies left it, and as the change itself left it.
fn fill_values(doc: &Automerge, entry: &mut HistoryEntry, deps: &[ChangeHash], budget: &mut usize) {
    let Some(path) = entry.summary.strip_prefix("set ") else { return };
    let Ok(hash) = entry.hash.parse::<ChangeHash>() else { return };
    let before = mapping::value_within(doc, path, deps, budget);
    let after = mapping::value_within(doc, path, &[hash], budget);
    // Both or neither: a long text left out on one side would read as empty.
    let long = |v: &Option<serde_json::Value>| {
        v.as_ref().and_then(|v| v.as_str()).is_some_and(|s| s.chars().count() > HISTORY_TEXT)
    };
    if !long(&before) && !long(&after) {
        entry.before = before;
        entry.after = after;
    }
}

/// The most heads an edit may name as the version it was made on: a
/// document rarely has more than a few (one per concurrent writer).
pub const MAX_MADE_ON: usize = 64;

/// Header keys stored at the root of every document beside the content.
pub const HEADER: [&str; 3] = ["kind", "schema", "workspace"];

#[derive(Debug, Clone)]
pub struct Document {
    doc: Automerge,
    kind: Kind,
    schema: u64,
    workspace: String,
}

impl Document {
    /// A new document holding `content`, as one change by `actor` at `now_ms`.
    pub fn create(workspace: &str, content: &Content, actor: ActorId, now_ms: i64) -> Result<Document, Error> {
        if let Some(problem) = content.problems().into_iter().next() {
            return Err(problem.into());
        }
        let kind = content.kind();
        let mut doc = Automerge::new().with_actor(actor);
        let value = content.to_json();
        doc.transact_with::<_, _, AutomergeError, _>(
            |_| commit(now_ms, &format!("create {}", kind.code())),
            |tx| {
                tx.put(automerge::ROOT, "kind", kind.code())?;
                tx.put(automerge::ROOT, "schema", SCHEMA as i64)?;
                tx.put(automerge::ROOT, "workspace", workspace)?;
                for (k, v) in value.as_object().into_iter().flatten() {
                    mapping::put(tx, &automerge::ROOT, k, v)?;
                }
                Ok(())
            },
        )
        .map_err(|f| f.error)?;
        Ok(Document { doc, kind, schema: SCHEMA, workspace: workspace.to_owned() })
    }

    /// Open a saved document (or a concatenation of changes), as `actor`.
    /// Older schemas are upgraded in place by a change dated `now_ms`; check
    /// [`Document::unsaved_changes`] to persist it.
    pub fn load(bytes: &[u8], actor: ActorId, now_ms: i64) -> Result<Document, Error> {
        let doc = Automerge::load(bytes).map_err(|e| Error::NotADocument(format!("the data does not decode ({e})")))?;
        Document::from_automerge(doc, actor, now_ms)
    }

    /// Wrap an Automerge document, as `actor`, upgrading it if needed.
    pub fn from_automerge(mut doc: Automerge, actor: ActorId, now_ms: i64) -> Result<Document, Error> {
        // `load` picks a random actor; edits must carry the device's own.
        doc.set_actor(actor);
        let kind = match doc.get(automerge::ROOT, "kind") {
            Ok(Some((Value::Scalar(s), _))) => s.as_str().and_then(Kind::from_code),
            _ => None,
        }
        .ok_or_else(|| Error::NotADocument("it has no known `kind`".into()))?;
        let schema = match doc.get(automerge::ROOT, "schema") {
            Ok(Some((Value::Scalar(s), _))) => s.as_i64().map_or(0, |v| v.max(0) as u64),
            _ => 0,
        };
        let workspace = match doc.get(automerge::ROOT, "workspace") {
            Ok(Some((Value::Scalar(s), _))) => s.as_str().unwrap_or_default().to_owned(),
            _ => String::new(),
        };
        let mut document = Document { doc, kind, schema, workspace };
        if schema < SCHEMA {
            document.upgrade(now_ms)?;
        }
        Ok(document)
    }

    /// Bring an older document to [`SCHEMA`], one step per version.
    fn upgrade(&mut self, now_ms: i64) -> Result<(), Error> {
        let from = self.schema;
        self.doc
            .transact_with::<_, _, AutomergeError, _>(
                |_| commit(now_ms, &format!("upgrade schema {from} to {SCHEMA}")),
                |tx| {
                    for version in from..SCHEMA {
                        UPGRADES[version as usize](tx, self.kind)?;
                    }
                    tx.put(automerge::ROOT, "schema", SCHEMA as i64)
                },
            )
            .map_err(|f| f.error)?;
        self.schema = SCHEMA;
        Ok(())
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    pub fn schema(&self) -> u64 {
        self.schema
    }

    pub fn workspace(&self) -> &str {
        &self.workspace
    }

    pub fn automerge(&self) -> &Automerge {
        &self.doc
    }

    /// Why this document cannot be edited, if it cannot.
    pub fn read_only(&self) -> Option<Error> {
        (self.schema > SCHEMA).then(|| Error::ReadOnly {
            kind: self.kind.code(),
            found: self.schema,
            supported: SCHEMA,
        })
    }

    /// The content as JSON and every field that holds concurrent values.
    pub fn read(&self) -> Snapshot {
        self.read_at(None)
    }

    /// The document as it stood at `heads` (e.g. "the plan on 1 March").
    pub fn read_at(&self, heads: Option<&[ChangeHash]>) -> Snapshot {
        let (value, conflicts) = mapping::read(&self.doc, heads);
        let mut snapshot = self.snapshot(value, conflicts);
        if let Some(heads) = heads {
            snapshot.heads = heads.iter().map(ChangeHash::to_string).collect();
        }
        snapshot
    }

    /// The content, read and checked against the limits on what may come
    /// from elsewhere in one walk ([`mapping::read_checked`]).
    pub fn read_checked(&self) -> Result<Snapshot, crate::admission::Refusal> {
        let (value, conflicts) = mapping::read_checked(&self.doc)?;
        Ok(self.snapshot(value, conflicts))
    }

    fn snapshot(&self, mut value: serde_json::Value, mut conflicts: Vec<mapping::Conflict>) -> Snapshot {
        if let Some(map) = value.as_object_mut() {
            for key in HEADER {
                map.remove(key);
            }
        }
        // Equal values written concurrently (e.g. two devices upgrading the same
        // document) are not a disagreement worth a person's attention.
        conflicts
            .retain(|c| !HEADER.contains(&c.path.as_str()) && c.values.iter().any(|v| v.value != c.values[0].value));
        if !conflicts.is_empty() {
            self.date_conflicts(&mut conflicts);
        }
        Snapshot {
            kind: self.kind,
            schema: self.schema,
            workspace: self.workspace.clone(),
            read_only: self.read_only().map(|e| e.to_string()),
            value,
            conflicts,
            heads: self.doc.get_heads().iter().map(ChangeHash::to_string).collect(),
        }
    }

    /// When each conflicting value was written: the time of the change that
    /// holds its operation (an actor's changes hold consecutive operations).
    fn date_conflicts(&self, conflicts: &mut [mapping::Conflict]) {
        let changes = self.doc.get_changes_meta(&[]);
        for value in conflicts.iter_mut().flat_map(|c| c.values.iter_mut()) {
            value.time_ms = changes
                .iter()
                .find(|c| c.start_op <= value.op && value.op <= c.max_op && c.actor.to_hex_string() == value.actor)
                .map(|c| c.timestamp);
        }
    }

    /// Who set each assessment question's current ratings: by question id,
    /// the actors (hex) whose values `existing` and `desired` now hold. Read
    /// from the operations themselves, so a device cannot claim another's
    /// rating. Empty for other kinds.
    pub fn raters(&self) -> std::collections::BTreeMap<String, Vec<String>> {
        use automerge::{ObjType, Value};
        let mut out = std::collections::BTreeMap::new();
        let Ok(Some((Value::Object(ObjType::Map), responses))) = self.doc.get(automerge::ROOT, "responses") else {
            return out;
        };
        for question in self.doc.keys(&responses) {
            let Ok(Some((Value::Object(ObjType::Map), response))) = self.doc.get(&responses, question.as_str()) else {
                continue;
            };
            let mut actors: Vec<String> = Vec::new();
            for field in ["existing", "desired"] {
                if let Ok(Some((value, automerge::ObjId::Id(_, actor, _)))) = self.doc.get(&response, field)
                    && !matches!(value, Value::Scalar(ref s) if matches!(**s, automerge::ScalarValue::Null))
                {
                    let hex = actor.to_hex_string();
                    if !actors.contains(&hex) {
                        actors.push(hex);
                    }
                }
            }
            if !actors.is_empty() {
                out.insert(question, actors);
            }
        }
        out
    }

    /// Every change, newest first (by the author's clock, then causal order).
    pub fn history(&self) -> Vec<HistoryEntry> {
        let mut entries: Vec<HistoryEntry> = self
            .doc
            .get_changes_meta(&[])
            .into_iter()
            .map(|c| HistoryEntry {
                hash: c.hash.to_string(),
                actor: c.actor.to_hex_string(),
                author: None,
                time_ms: c.timestamp,
                summary: c.message.map(|m| m.into_owned()).unwrap_or_default(),
                before: None,
                after: None,
            })
            .collect();
        // get_changes_meta is in causal order; a stable sort keeps it for equal times.
        entries.reverse();
        entries.sort_by_key(|e| std::cmp::Reverse(e.time_ms));
        let deps: std::collections::HashMap<String, Vec<ChangeHash>> =
            self.doc.get_changes_meta(&[]).into_iter().map(|c| (c.hash.to_string(), c.deps)).collect();
        let mut budget = HISTORY_ITEM_VISITS;
        for entry in entries.iter_mut().take(HISTORY_VALUES) {
            if let Some(deps) = deps.get(&entry.hash) {
                fill_values(&self.doc, entry, deps, &mut budget);
            }
        }
        entries
    }

    /// The document as it stood at `at_ms`: every change made up to then by
    /// its author's clock (and what those changes had already seen).
    pub fn read_as_of(&self, at_ms: i64) -> Snapshot {
        let changes = self.doc.get_changes_meta(&[]);
        let included: Vec<ChangeHash> = changes.iter().filter(|c| c.timestamp <= at_ms).map(|c| c.hash).collect();
        let seen: std::collections::HashSet<ChangeHash> =
            changes.iter().filter(|c| c.timestamp <= at_ms).flat_map(|c| c.deps.iter().copied()).collect();
        let heads: Vec<ChangeHash> = included.into_iter().filter(|h| !seen.contains(h)).collect();
        self.read_at(Some(&heads))
    }

    /// The typed content.
    pub fn content(&self) -> Result<Content, Error> {
        Content::from_json(self.kind, self.read().value)
            .map_err(|e| Error::NotADocument(format!("its content does not fit the {} model: {e}", self.kind.code())))
    }

    /// Check `edit` against the typed model and apply it as one change by this
    /// document's actor at `now_ms`. On any error nothing is written. Returns the
    /// new change's hash, or `None` when the edit changes nothing.
    pub fn apply(&mut self, edit: &Edit, now_ms: i64) -> Result<Option<ChangeHash>, Error> {
        if let Some(e) = self.read_only() {
            return Err(e);
        }
        match self.check(edit)? {
            Some(checked) => self.write(edit, &checked, now_ms),
            None => Ok(None),
        }
    }

    /// Apply `edit` as made on the document as it stood at `made_on` (the
    /// heads of the reading the person edited), so that what others wrote
    /// since is merged with it, not overwritten: two values of one field
    /// become a conflict, edits of different parts of a text both survive.
    /// This is how a browser's queued edits land, as a device's would.
    ///
    /// The edit is checked and written on a fork at `made_on` plus this
    /// actor's own latest change: the person saw their own earlier edits
    /// (sent from the same queue), and the actor's sequence and operation
    /// counters must carry on from its last change. Heads this document does
    /// not hold are refused. When nobody else wrote since `made_on`, this is
    /// [`Document::apply`].
    pub fn apply_on(&mut self, edit: &Edit, made_on: &[ChangeHash], now_ms: i64) -> Result<Option<ChangeHash>, Error> {
        if let Some(e) = self.read_only() {
            return Err(e);
        }
        if made_on.len() > MAX_MADE_ON {
            return Err(invalid(&edit.target(), format!("names more than {MAX_MADE_ON} versions")));
        }
        if let Some(unknown) = self.doc.get_missing_deps(made_on).first() {
            return Err(invalid(
                &edit.target(),
                format!(
                    "this edit was made on a version of the document this copy does not hold (change {unknown}); \
                     read the document again and repeat the edit"
                ),
            ));
        }
        // The edit must also make sense now, not only on the version it was
        // made on: what others removed or added since is not written over.
        let mut now = self.read().value;
        let gone =
            |now: &mut Json, list: &str, id: &str| list_mut(now, list).is_ok_and(|items| position(items, id).is_none());
        match edit {
            // Sent again (its answer was lost on the way), or someone else
            // removed the item meanwhile: it is gone, as wanted.
            Edit::Remove { list, id } if gone(&mut now, list, id) => return Ok(None),
            // A move is made on the item as it is now: a stale copy would
            // bring back an item removed since, duplicate one moved since, or
            // undo edits made to it since. Moving an item removed since does nothing.
            Edit::Move { list, id, .. } if gone(&mut now, list, id) => return Ok(None),
            Edit::Move { .. } => return self.apply(edit, now_ms),
            // A value inside an item removed since would be written where
            // nobody sees it: refused (the person's words are kept by the
            // sender), and a value equal to today's changes nothing.
            Edit::Set { .. } => {
                if self.check(edit)?.is_none() {
                    return Ok(None);
                }
            }
            // An item with this id added since (or this one, sent again).
            Edit::Insert { list, item, .. } => {
                let id = item.get("id").and_then(Json::as_str).unwrap_or_default();
                if let Ok(items) = list_mut(&mut now, list)
                    && let Some(at) = position(items, id)
                {
                    if item.as_object().into_iter().flatten().all(|(k, v)| items[at].get(k) == Some(v)) {
                        return Ok(None);
                    }
                    return Err(invalid(list, format!("an item with id `{id}` is already there")));
                }
            }
            Edit::Remove { .. } => {}
        }
        let own = self.doc.get_actor().clone();
        let mut current = self.doc.get_heads();
        let mut given = made_on.to_vec();
        current.sort();
        given.sort();
        given.dedup();
        if made_on.is_empty() || given == current || self.doc.get_changes_meta(made_on).iter().all(|c| *c.actor == own)
        {
            return self.apply(edit, now_ms);
        }
        let mut base: Vec<ChangeHash> = made_on.to_vec();
        if let Some(last) = self.doc.get_last_local_change() {
            base.push(last.hash());
        }
        let mut fork = Document {
            doc: self.doc.fork_at(&base)?.with_actor(own.clone()),
            kind: self.kind,
            schema: self.schema,
            workspace: self.workspace.clone(),
        };
        let Some(checked) = fork.check(edit)? else {
            return Ok(None);
        };
        let Some(hash) = fork.write(edit, &checked, now_ms)? else {
            return Ok(None);
        };
        let change = fork
            .doc
            .get_change_by_hash(&hash)
            .ok_or_else(|| Error::NotADocument("the edit's change vanished".into()))?;
        self.apply_changes([change])?;
        // The actor's first change may have come in just now: tell Automerge
        // the actor is known, so its next change carries on from this one.
        self.doc.set_actor(own);
        Ok(Some(hash))
    }

    /// What `edit` would write, checked against the typed model and the rules
    /// without touching the document: `None` when it changes nothing.
    fn check(&self, edit: &Edit) -> Result<Option<Checked>, Error> {
        let snapshot = self.read();
        let current = snapshot.value;
        let target = edit.target();

        // 1. Apply the edit to a JSON copy, checking that its target exists.
        let mut next = current.clone();
        match edit {
            Edit::Set { path, value } => {
                let segs = segments(path).map_err(|m| invalid(path, m))?;
                let (last, parent) = segs.split_last().ok_or_else(|| invalid(path, "empty path".into()))?;
                if HEADER.contains(&path.as_str()) {
                    return Err(invalid(path, "is set by the app and cannot be edited".into()));
                }
                let holder = locate_mut(&mut next, parent, true).map_err(|m| invalid(path, m))?;
                let Some(fields) = holder.as_object_mut() else {
                    return Err(invalid(path, "names a list item; set one of its fields instead".into()));
                };
                fields.insert((*last).to_owned(), value.clone());
            }
            Edit::Insert { list, item, before } => {
                let id = item.get("id").and_then(Json::as_str).unwrap_or_default();
                if id.trim().is_empty() {
                    return Err(invalid(list, "the new item needs an `id`".into()));
                }
                let items = list_mut(&mut next, list)?;
                if let Some(at) = position(items, id) {
                    // The same insert sent again (its answer was lost on the way):
                    // the item there holds what was sent (and defaults beside).
                    if item.as_object().into_iter().flatten().all(|(k, v)| items[at].get(k) == Some(v)) {
                        return Ok(None);
                    }
                    return Err(invalid(list, format!("an item with id `{id}` is already there")));
                }
                let at = insertion_point(items, list, before.as_deref())?;
                items.insert(at, item.clone());
            }
            Edit::Remove { list, id } => {
                let items = list_mut(&mut next, list)?;
                let at = position(items, id).ok_or_else(|| no_item(list, id))?;
                items.remove(at);
            }
            Edit::Move { list, id, before } => {
                let items = list_mut(&mut next, list)?;
                let at = position(items, id).ok_or_else(|| no_item(list, id))?;
                let item = items.remove(at);
                let to = insertion_point(items, list, before.as_deref())?;
                items.insert(to, item);
            }
        }

        // 2. Read it through the typed model, then check the rules.
        let content = Content::from_json(self.kind, next).map_err(|e| invalid(&target, plain_serde(&e)))?;
        let normal = content.to_json();
        let target_segs = segments(&target).map_err(|m| invalid(&target, m))?;
        let value = match (edit, locate(&normal, &target_segs)) {
            (Edit::Remove { .. }, _) => Json::Null,
            (_, None) => return Err(invalid(&target, unknown_field(&normal, &target_segs))),
            // A moved item is written again as it was.
            (Edit::Move { .. }, Some(_)) => locate(&current, &target_segs).cloned().unwrap_or(Json::Null),
            (_, Some(v)) => v.clone(),
        };
        if let Some(number) = number_beyond(&value) {
            return Err(invalid(
                &target,
                format!(
                    "{number} is beyond the largest number this app keeps ({:e} either way)",
                    admission::MAX_NUMBER
                ),
            ));
        }
        let parent = target_segs[..target_segs.len() - 1].join("/");
        if let Some(problem) = content.problems().into_iter().find(|p| concerns(&p.field, &target, &parent, edit)) {
            return Err(problem.into());
        }
        if let Edit::Set { path, .. } = edit {
            let unchanged = locate(&current, &target_segs) == Some(&value);
            let conflicted = snapshot.conflicts.iter().any(|c| &c.path == path);
            if unchanged && !conflicted {
                return Ok(None);
            }
        }
        Ok(Some(Checked { value }))
    }

    /// Write a checked edit as the smallest Automerge change that does it.
    fn write(&mut self, edit: &Edit, checked: &Checked, now_ms: i64) -> Result<Option<ChangeHash>, Error> {
        let value = &checked.value;
        let result = self.doc.transact_with::<_, _, Error, _>(
            |_| commit(now_ms, &edit.describe()),
            |tx| {
                match edit {
                    Edit::Set { path, .. } => {
                        let segs = segments(path).map_err(|m| invalid(path, m))?;
                        let (last, parent) = segs.split_last().ok_or_else(|| invalid(path, "empty path".into()))?;
                        let obj = resolve(tx, parent, true).map_err(|m| invalid(path, m))?;
                        mapping::put(tx, &obj, last, value)?;
                    }
                    Edit::Insert { list, before, .. } => {
                        let obj = list_obj(tx, list)?;
                        let at = index_before(tx, &obj, list, before.as_deref())?;
                        mapping::insert(tx, &obj, last_key(list), at, value)?;
                    }
                    Edit::Remove { list, id } => {
                        let obj = list_obj(tx, list)?;
                        let at = index_of(tx, &obj, id).ok_or_else(|| no_item(list, id))?;
                        tx.delete(&obj, at)?;
                    }
                    Edit::Move { list, id, before } => {
                        let obj = list_obj(tx, list)?;
                        let from = index_of(tx, &obj, id).ok_or_else(|| no_item(list, id))?;
                        tx.delete(&obj, from)?;
                        let to = index_before(tx, &obj, list, before.as_deref())?;
                        mapping::insert(tx, &obj, last_key(list), to, value)?;
                    }
                }
                Ok(())
            },
        );
        match result {
            Ok(success) => Ok(success.hash),
            Err(failure) => Err(failure.error),
        }
    }

    /// Changes made here after `heads` (e.g. an upgrade done on open), to persist.
    pub fn changes_since(&self, heads: &[ChangeHash]) -> Vec<Change> {
        self.doc.get_changes(heads)
    }

    pub fn heads(&self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    /// The change of this hash, when the document holds it.
    pub fn change(&self, hash: &ChangeHash) -> Option<Change> {
        self.doc.get_change_by_hash(hash)
    }

    /// The change made by the last successful [`Document::apply`].
    pub fn last_local_change(&self) -> Option<Change> {
        self.doc.get_last_local_change()
    }

    /// Merge changes from elsewhere (idempotent; out-of-order changes wait for
    /// their dependencies). On an error the document may be half-changed:
    /// reload it.
    pub fn apply_changes(&mut self, changes: impl IntoIterator<Item = Change>) -> Result<(), Error> {
        let changes: Vec<Change> = changes.into_iter().collect();
        crate::admission::apply(&mut self.doc, changes).map_err(|r| Error::NotADocument(r.message))?;
        // A merged upgrade may raise the schema.
        if let Ok(Some((Value::Scalar(s), _))) = self.doc.get(automerge::ROOT, "schema") {
            self.schema = self.schema.max(s.as_i64().unwrap_or(0).max(0) as u64);
        }
        Ok(())
    }

    /// The whole document, compacted.
    pub fn save(&self) -> Vec<u8> {
        self.doc.save()
    }
}

/// Upgrade steps: `UPGRADES[n]` takes a document from schema `n` to `n + 1`.
/// Schema 0 is a document written before versioning: it lacks `schema` and
/// possibly the containers of its kind, which are created empty.
type Upgrade = fn(&mut automerge::transaction::Transaction<'_>, Kind) -> Result<(), AutomergeError>;
const UPGRADES: [Upgrade; SCHEMA as usize] = [upgrade_0_to_1];

/// The lists the upgrade to schema 1 creates where a document lacks them
/// (the server lets a writer of some parts only make them, empty).
pub fn upgrade_fields(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Engagement => &["stakeholders", "log", "capacity_areas", "team"],
        Kind::Assessment => &["participants"],
        Kind::Plan => &["outcomes", "risks"],
        Kind::Monitoring => &["progress", "measurements", "trainings", "issues", "lessons"],
        Kind::Toolbox => &["entries"],
    }
}

fn upgrade_0_to_1(tx: &mut automerge::transaction::Transaction<'_>, kind: Kind) -> Result<(), AutomergeError> {
    for key in upgrade_fields(kind) {
        if tx.get(automerge::ROOT, *key)?.is_none() {
            tx.put_object(automerge::ROOT, *key, ObjType::List)?;
        }
    }
    if tx.get(automerge::ROOT, "workspace")?.is_none() {
        tx.put(automerge::ROOT, "workspace", "")?;
    }
    Ok(())
}

fn commit(now_ms: i64, message: &str) -> CommitOptions {
    CommitOptions::default().with_time(now_ms).with_message(message.to_owned())
}

/// What a checked edit writes: the value at its target, as the typed model
/// normalised it (for a move, the item as it was; nothing for a removal).
struct Checked {
    value: Json,
}

fn invalid(field: &str, message: String) -> Error {
    Error::Invalid(FieldError::new(field, message))
}

fn no_item(list: &str, id: &str) -> Error {
    invalid(list, format!("there is no item `{id}`"))
}

/// The Automerge list an edit names.
fn list_obj(tx: &mut automerge::transaction::Transaction<'_>, list: &str) -> Result<ObjId, Error> {
    let segs = segments(list).map_err(|m| invalid(list, m))?;
    resolve(tx, &segs, false).map_err(|m| invalid(list, m))
}

/// Where to insert in a list: before the item `before`, or at its end.
fn index_before(
    tx: &automerge::transaction::Transaction<'_>,
    obj: &ObjId,
    list: &str,
    before: Option<&str>,
) -> Result<usize, Error> {
    match before {
        Some(b) => index_of(tx, obj, b).ok_or_else(|| no_item(list, b)),
        None => Ok(tx.length(obj)),
    }
}

fn last_key(list: &str) -> &str {
    list.rsplit('/').next().unwrap_or(list)
}

fn list_mut<'a>(root: &'a mut Json, list: &str) -> Result<&'a mut Vec<Json>, Error> {
    let segs = segments(list).map_err(|m| invalid(list, m))?;
    match locate_mut(root, &segs, false) {
        Ok(Json::Array(items)) => Ok(items),
        Ok(_) => Err(invalid(list, "is not a list".into())),
        Err(m) => Err(invalid(list, m)),
    }
}

fn insertion_point(items: &[Json], list: &str, before: Option<&str>) -> Result<usize, Error> {
    match before {
        Some(b) => position(items, b).ok_or_else(|| invalid(list, format!("there is no item `{b}` to insert before"))),
        None => Ok(items.len()),
    }
}

/// Whether a validation problem is one the edit is responsible for: a problem of
/// the edited field, of a sibling field in the same item (e.g. an end date now
/// before the start date), or inside an inserted item.
fn concerns(field: &str, target: &str, parent: &str, edit: &Edit) -> bool {
    let inside = |prefix: &str| field == prefix || field.starts_with(&format!("{prefix}/"));
    match edit {
        Edit::Set { .. } => inside(target) || field.rsplit_once('/').map_or(parent.is_empty(), |(p, _)| p == parent),
        Edit::Insert { .. } => inside(target),
        Edit::Remove { .. } | Edit::Move { .. } => false,
    }
}

/// The Automerge object at `segs` (map keys and list-item ids). With `create`,
/// missing maps on the way are created.
fn resolve(tx: &mut automerge::transaction::Transaction<'_>, segs: &[&str], create: bool) -> Result<ObjId, String> {
    let mut obj = automerge::ROOT;
    for (i, seg) in segs.iter().enumerate() {
        let kind = tx.object_type(&obj).map_err(|e| e.to_string())?;
        obj = if kind == ObjType::List {
            let at = index_of(tx, &obj, seg).ok_or_else(|| format!("there is no item `{seg}`"))?;
            match tx.get(&obj, at) {
                Ok(Some((Value::Object(_), id))) => id,
                _ => return Err(format!("`{}` is not an item", segs[..=i].join("/"))),
            }
        } else {
            match tx.get(&obj, *seg) {
                Ok(Some((Value::Object(_), id))) => id,
                Ok(None) if create => tx.put_object(&obj, *seg, ObjType::Map).map_err(|e| e.to_string())?,
                _ => return Err(format!("there is no `{}`", segs[..=i].join("/"))),
            }
        };
    }
    Ok(obj)
}

/// Index of the item whose `id` is `id` in the list `obj`.
fn index_of(tx: &automerge::transaction::Transaction<'_>, obj: &ObjId, id: &str) -> Option<usize> {
    (0..tx.length(obj)).find(|&i| match tx.get(obj, i) {
        Ok(Some((Value::Object(ObjType::Map), item))) => {
            matches!(tx.get(&item, "id"), Ok(Some((Value::Scalar(s), _))) if s.as_str() == Some(id))
        }
        _ => false,
    })
}

/// serde's message without the line/column noise of a parser.
fn plain_serde(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.find(" at line ") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    }
}

fn unknown_field(normal: &Json, segs: &[&str]) -> String {
    let (last, parent) = segs.split_last().map_or(("", &[][..]), |(l, p)| (*l, p));
    match locate(normal, parent).and_then(Json::as_object) {
        Some(fields) => {
            let known: Vec<&str> = fields.keys().map(String::as_str).collect();
            format!("there is no field `{last}` here; the fields are: {}", known.join(", "))
        }
        None => format!("there is no `{}`", segs.join("/")),
    }
}

#[cfg(test)]
mod tests;

/// A number in `value` (a value about to be written) that a server would
/// refuse (`admission::check_values`), so an edit is refused here first
/// rather than every later change of the document on sync.
fn number_beyond(value: &Json) -> Option<f64> {
    match value {
        Json::Number(n) => n.as_f64().filter(|f| !(f.is_finite() && f.abs() <= admission::MAX_NUMBER)),
        Json::Array(items) => items.iter().find_map(number_beyond),
        Json::Object(fields) => fields.values().find_map(number_beyond),
        _ => None,
    }
}
