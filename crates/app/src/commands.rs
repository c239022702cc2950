//! The commands the UI can send, and what each answers. One definition: the
//! desktop shell and the server call [`execute`]; the UI's TypeScript types
//! are generated from these (see [`crate::bindings`]).

use crate::caller::Caller;
use cd4mm_core::assessment::{Assessment, DimensionChange, DimensionScore, QuestionGap, ValidationState};
use cd4mm_core::automerge::ChangeHash;
use cd4mm_core::delivery::Delivery;
use cd4mm_core::design::Design;
use cd4mm_core::engagement::{Engagement, Phases, RankedArea};
use cd4mm_core::monitoring::{Headcount, Learning, Monitoring};
use cd4mm_core::next_round::RoundWords;
use cd4mm_core::plan::{IndicatorStatus, Plan};
use cd4mm_core::template::{Purpose, Template};
use cd4mm_core::toolbox::Toolbox;
use cd4mm_core::vocabulary::Disaggregation;
use cd4mm_core::{Code, Content, Date, Edit, HistoryEntry, Kind, Role, Snapshot};
use cd4mm_store::{DocumentSummary, NotAccepted, SearchHit, Store, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// What the UI asks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    /// Documents, optionally of one workspace, from the projections.
    ListDocuments { workspace: Option<String> },
    /// A document's content and its conflicts.
    ReadDocument { id: String },
    /// A new document of `kind`; an assessment starts from `template`, or,
    /// re-assessing, from the frozen instrument of the assessment `baseline`.
    CreateDocument {
        id: String,
        workspace: String,
        kind: Kind,
        title: String,
        template: Option<String>,
        #[serde(default)]
        baseline: Option<String>,
    },
    /// One checked edit; answers the document as it now is. `made_on`: the
    /// heads (`Snapshot::heads`) of the reading the edit was made on, so
    /// that what others wrote since merges with it (a browser's queued
    /// edits); absent, the edit is made on the document as it now is.
    EditDocument {
        id: String,
        edit: Edit,
        #[serde(default)]
        #[ts(optional)]
        made_on: Option<Vec<String>>,
    },
    /// Shape an assessment's instrument before anyone rates (the design
    /// step): from its shipped template, with these choices.
    DesignAssessment { id: String, design: Design },
    /// Record the partner's validation of an assessment's current ratings:
    /// who validated, when, in which meeting (one edit of `validation_record`).
    ValidateAssessment { id: String, by: String, on: Date, meeting: String },
    /// Full-text search over the toolbox, notes and evidence.
    Search { query: String, limit: u32 },
    /// The assessment templates shipped with the app.
    Templates,
    /// Gaps, averages and priorities of an assessment, compared with its
    /// baseline when it has one.
    AssessmentSummary { id: String },
    /// Record a re-assessment's results as measurements, dated `on`, of the
    /// gap-derived indicators of the plan that `monitoring` follows.
    RecordReassessment { id: String, monitoring: String, on: Date },
    /// The engagement's capacity areas ranked by the prioritisation's weighted scores.
    RankCapacityAreas { id: String },
    /// Progress and indicator status of a plan, from its monitoring documents.
    PlanSummary { id: String, monitoring: Vec<String> },
    /// Figures of a monitoring document: each training's headcount.
    MonitoringSummary { id: String },
    /// The five phases of a workspace's engagement: each at least as far as
    /// the team marked it and as its documents show.
    Phases { workspace: String },
    /// Start the next round: a new engagement `id` in `workspace` carrying
    /// the stakeholders, open gaps and lessons of the round in `from`.
    StartNextRound { id: String, workspace: String, from: String, title: String, on: Date, words: RoundWords },
    /// The workspaces this user may open, with their role in each.
    Workspaces,
    /// Who changed a document and when, newest first.
    History { id: String },
    /// A document as it stood at a moment (Unix milliseconds).
    ReadDocumentAt { id: String, at_ms: i64 },
    /// Documents with edits of this device the server did not accept, and why.
    NotAccepted,
    /// Give up this device's version of a document whose edits were not
    /// accepted; the server's version comes back at the next sync.
    DiscardNotAccepted { id: String },
}

impl Command {
    /// Whether answering changes what the device holds (so a shell syncs soon).
    pub fn writes(&self) -> bool {
        matches!(
            self,
            Command::CreateDocument { .. }
                | Command::StartNextRound { .. }
                | Command::EditDocument { .. }
                | Command::ValidateAssessment { .. }
                | Command::DesignAssessment { .. }
                | Command::RecordReassessment { .. }
                | Command::DiscardNotAccepted { .. }
        )
    }
}

/// What the UI gets back.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "reply", content = "data", rename_all = "snake_case")]
pub enum Reply {
    Documents(Vec<DocumentSummary>),
    Document(Snapshot),
    Created { id: String },
    SearchHits(Vec<SearchHit>),
    Templates(Vec<Template>),
    Assessment(AssessmentSummary),
    Plan(PlanSummary),
    Monitoring(MonitoringSummary),
    RankedAreas(Vec<RankedArea>),
    Phases(PhaseStates),
    Workspaces(Vec<WorkspaceInfo>),
    History(Vec<HistoryEntry>),
    NotAccepted(Vec<NotAccepted>),
}

/// A workspace and what this user may do in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WorkspaceInfo {
    pub id: String,
    pub name: String,
    pub country: String,
    /// `owner` for a workspace kept only on this device.
    pub role: Role,
}

/// Where the device stands with its server, for the status bar. The desktop
/// shell sends it as the `sync-status` event; the browser derives it from its
/// requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncStatus {
    pub state: SyncState,
    /// The server's address, when signed in.
    pub server: Option<String>,
    pub user: Option<String>,
    /// Edits made here that the server has not acknowledged yet.
    pub unsent: u64,
    pub last_sync_ms: Option<i64>,
    /// 0..1 while a sync runs.
    pub progress: Option<f64>,
    /// What went wrong, in plain words, or what is happening.
    pub message: Option<String>,
    /// The signed-in user is a server administrator.
    pub admin: bool,
}

/// Whether the desktop's data is locked: its store is encrypted with a
/// passphrase (no keychain answered, or the user asked for one), which the
/// window asks for before anything else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LockState {
    pub locked: bool,
    /// No passphrase was chosen yet: the window asks for a new one, twice.
    pub first_time: bool,
    /// The shortest passphrase the shell accepts.
    pub min_chars: u32,
    /// The data is locked with the system keychain's key, and the keychain
    /// did not answer, for this reason: no passphrase can open it; the user
    /// unlocks the keychain and tries again.
    pub keychain: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    /// No server: the data stays on this device.
    LocalOnly,
    /// Signed in, but the server cannot be reached; edits wait safely.
    Offline,
    Syncing,
    Online,
    /// The server refused (e.g. the device was revoked): a person must act.
    Error,
}

impl SyncState {
    pub const ALL: &'static [SyncState] =
        &[SyncState::LocalOnly, SyncState::Offline, SyncState::Syncing, SyncState::Online, SyncState::Error];
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AssessmentSummary {
    pub gaps: Vec<QuestionGap>,
    pub prioritised: Vec<QuestionGap>,
    pub averages: Vec<DimensionScore>,
    /// Empty unless the assessment names a baseline.
    pub comparison: Vec<DimensionChange>,
    /// Whether the partner validated the ratings, and what changed since.
    pub validation: ValidationState,
    /// Whether rating has begun (the design step is then over).
    pub rated: bool,
    /// Who set each question's current ratings, by question id: names where
    /// the server told them, else the device's actor (hex).
    pub raters: std::collections::BTreeMap<String, Vec<String>>,
    /// What its template is for: only capacity gaps are ranked and planned
    /// for; a training evaluation belongs to its training.
    pub purpose: Purpose,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PlanSummary {
    /// Activities, periods, spending and risks, from the monitoring documents.
    pub delivery: Delivery,
    pub indicators: Vec<IndicatorLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct IndicatorLine {
    /// `objective`, or the id of the outcome, output or activity measured.
    pub result_id: String,
    pub indicator_id: String,
    pub name: String,
    pub status: IndicatorStatus,
    pub latest_on: Option<Date>,
    pub latest: Option<f64>,
}

/// The phases as shown, beside what the team marked and what the documents
/// show, so the overview can say why a phase is where it is.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PhaseStates {
    pub states: Phases,
    pub team: Phases,
    pub shown: Phases,
    /// The phase the engagement is in by `states`: the first not done (1–5),
    /// or 6 when all five are (`cd4mm_core::phases::current`).
    pub current: u8,
}

/// Figures of a monitoring document.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MonitoringSummary {
    /// Each training's participants, by training id.
    pub headcounts: BTreeMap<String, Headcount>,
    /// Each training's test scores by sex, age group and institution, by
    /// training id, then by disaggregation code.
    pub learning: BTreeMap<String, BTreeMap<String, BTreeMap<String, Learning>>>,
}

/// An error as the UI sees it: a stable code to branch on and a message to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub code: Code,
    pub message: String,
    /// The field a refused edit names, to highlight it.
    pub field: Option<String>,
}

impl AppError {
    pub fn new(code: Code, message: impl Into<String>) -> AppError {
        AppError { code, message: message.into(), field: None }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        let code = match &e {
            StoreError::Core(cd4mm_core::Error::Invalid(f)) => {
                return AppError { code: Code::Invalid, message: f.message.clone(), field: Some(f.field.clone()) };
            }
            StoreError::Core(cd4mm_core::Error::ReadOnly { .. }) => Code::ReadOnly,
            StoreError::NoSuchDocument(_) => Code::NotFound,
            StoreError::Exists(_) => Code::Exists,
            StoreError::Core(_) | StoreError::BadChanges { .. } => Code::BadDocument,
            StoreError::NotADatabase { .. } | StoreError::TooNew { .. } | StoreError::ActorMismatch { .. } => {
                Code::BadDataFile
            }
            StoreError::WrongKey { .. } => Code::WrongPassphrase,
            StoreError::NotEncrypted { .. }
            | StoreError::Encrypting { .. }
            | StoreError::Key(_)
            | StoreError::Sqlite(_)
            | StoreError::Io(_) => Code::Storage,
        };
        AppError::new(code, e.to_string())
    }
}

impl From<cd4mm_core::Error> for AppError {
    fn from(e: cd4mm_core::Error) -> AppError {
        AppError::from(StoreError::Core(e))
    }
}

fn content(store: &mut Store, id: &str) -> Result<Content, AppError> {
    Ok(store.content(id)?)
}

/// Answer one command of `caller` against the device's store, role checks
/// included. `now_ms` dates an edit.
pub fn execute(store: &mut Store, caller: &Caller<'_>, command: Command, now_ms: i64) -> Result<Reply, AppError> {
    caller.check(store, &command)?;
    match command {
        Command::ListDocuments { workspace } => Ok(Reply::Documents(store.list(workspace.as_deref())?)),
        Command::ReadDocument { id } => Ok(Reply::Document(store.read(&id)?)),
        Command::CreateDocument { id, workspace, kind, title, template, baseline } => {
            // The server would refuse the document later; say so now.
            cd4mm_core::admission::check_doc_id(&id).map_err(|r| AppError::new(r.code, r.message))?;
            let content = match kind {
                Kind::Engagement => Content::Engagement(Engagement { title, ..Engagement::default() }),
                Kind::Assessment if let Some(b) = baseline => {
                    let Content::Assessment(base) = content(store, &b)? else {
                        return Err(AppError::new(Code::WrongKind, format!("the baseline `{b}` is not an assessment")));
                    };
                    let again =
                        Assessment::reassess(&base, &b, &title).map_err(|why| AppError::new(Code::Invalid, why))?;
                    Content::Assessment(again)
                }
                Kind::Assessment => {
                    let wanted =
                        template.ok_or_else(|| AppError::new(Code::Invalid, "choose a template for the assessment"))?;
                    let templates = cd4mm_core::data::templates()?;
                    let t = templates
                        .iter()
                        .find(|t| t.id == wanted)
                        .ok_or_else(|| AppError::new(Code::NotFound, format!("there is no template `{wanted}`")))?;
                    Content::Assessment(Assessment::start(&title, t))
                }
                Kind::Plan => Content::Plan(Plan { title, ..Plan::default() }),
                Kind::Monitoring => Content::Monitoring(Monitoring { title, ..Monitoring::default() }),
                Kind::Toolbox => Content::Toolbox(Toolbox { title, entries: vec![] }),
            };
            store.create(&id, &workspace, &content, now_ms)?;
            Ok(Reply::Created { id })
        }
        Command::StartNextRound { id, workspace, from, title, on, words } => {
            cd4mm_core::admission::check_doc_id(&id).map_err(|r| AppError::new(r.code, r.message))?;
            if workspace == from {
                return Err(AppError::new(
                    Code::Invalid,
                    "the next round goes to a workspace of its own: choose one that has no engagement yet",
                ));
            }
            if store.list(Some(&workspace))?.iter().any(|d| d.kind == Kind::Engagement.code()) {
                return Err(AppError::new(
                    Code::Exists,
                    format!("workspace `{workspace}` already has an engagement: choose one that has none"),
                ));
            }
            let mut contents = Vec::new();
            for doc in store.list(Some(&from))? {
                if let Ok(c) = store.content(&doc.id) {
                    contents.push(c);
                }
            }
            // Nothing to start from: a workspace this device does not hold
            // (or may not read) is not quietly taken for an empty round.
            if !contents.iter().any(|c| matches!(c, Content::Engagement(_))) {
                return Err(AppError::new(
                    Code::NotFound,
                    format!("there is no engagement in workspace `{from}` to start the next round from"),
                ));
            }
            let next = cd4mm_core::next_round::next_round(&title, &from, &contents, on, &words);
            store.create(&id, &workspace, &Content::Engagement(next), now_ms)?;
            Ok(Reply::Created { id })
        }
        Command::EditDocument { id, edit, made_on } => {
            let made_on = made_on.map(|heads| versions(&heads)).transpose()?;
            store.edit_on(&id, &edit, made_on.as_deref(), now_ms)?;
            Ok(Reply::Document(store.read(&id)?))
        }
        Command::RecordReassessment { id, monitoring, on } => {
            let Content::Assessment(again) = content(store, &id)? else {
                return Err(AppError::new(Code::WrongKind, format!("`{id}` is not an assessment")));
            };
            let Content::Monitoring(m) = content(store, &monitoring)? else {
                return Err(AppError::new(Code::WrongKind, format!("`{monitoring}` is not monitoring data")));
            };
            let Content::Plan(plan) = content(store, &m.plan_id)? else {
                return Err(AppError::new(Code::WrongKind, format!("`{}` is not a plan", m.plan_id)));
            };
            if again.baseline_id.is_none() {
                return Err(AppError::new(
                    Code::Invalid,
                    "only a re-assessment has results to record against a baseline",
                ));
            }
            let found = cd4mm_core::monitoring::reassessment_measurements(&m, &plan, &again, &again.title, on);
            for measurement in found {
                let item = to_json(&measurement)?;
                let insert = Edit::Insert { list: "measurements".into(), item, before: None };
                store.edit(&monitoring, &insert, now_ms)?;
            }
            Ok(Reply::Document(store.read(&monitoring)?))
        }
        Command::RankCapacityAreas { id } => {
            let Content::Engagement(e) = content(store, &id)? else {
                return Err(AppError::new(Code::WrongKind, format!("`{id}` is not an engagement")));
            };
            Ok(Reply::RankedAreas(e.ranked_areas()))
        }
        Command::DesignAssessment { id, design } => {
            let Content::Assessment(a) = content(store, &id)? else {
                return Err(AppError::new(Code::WrongKind, format!("`{id}` is not an assessment")));
            };
            if a.rated() {
                return Err(AppError::new(
                    Code::Invalid,
                    "rating has begun, so the questions are fixed: start a new assessment to ask others",
                ));
            }
            let frozen =
                a.instrument().ok_or_else(|| AppError::new(Code::Invalid, "the assessment has no template"))?;
            let templates = cd4mm_core::data::templates()?;
            // Designing again starts from the shipped template, so a question
            // left out can come back; an assessment of an older version keeps
            // its own.
            let shipped =
                templates.iter().find(|t| t.id == frozen.id && t.version == frozen.version).unwrap_or(&frozen);
            let workspace = store.summary(&id)?.map(|d| d.workspace).unwrap_or_default();
            let mut areas = Vec::new();
            for d in store.list(Some(&workspace))?.into_iter().filter(|d| d.kind == Kind::Engagement.code()) {
                if let Content::Engagement(e) = content(store, &d.id)? {
                    areas.extend(e.capacity_areas);
                }
            }
            let (mut template, responses) = cd4mm_core::design::design(shipped, &design, &templates, &areas)
                .map_err(|why| AppError::new(Code::Invalid, why))?;
            // Frozen as an assessment keeps it: the translations beside the template.
            let translations = std::mem::take(&mut template.translations);
            let edits = [
                ("template", frozen_json(&template)?),
                ("template_translations", frozen_json(&translations)?),
                ("responses", to_json(&responses)?),
                ("capacity_area_ids", to_json(&design.capacity_area_ids)?),
                ("design", frozen_json(&design)?),
            ];
            for (path, value) in edits {
                store.edit(&id, &Edit::Set { path: path.into(), value }, now_ms)?;
            }
            Ok(Reply::Document(store.read(&id)?))
        }
        Command::ValidateAssessment { id, by, on, meeting } => {
            let Content::Assessment(a) = content(store, &id)? else {
                return Err(AppError::new(Code::WrongKind, format!("`{id}` is not an assessment")));
            };
            if by.trim().is_empty() {
                return Err(AppError::new(Code::Invalid, "say who validated the assessment for the partner"));
            }
            let record = a.validate(by.trim(), on, meeting.trim());
            let value = to_json(&record)?;
            store.edit(&id, &Edit::Set { path: "validation_record".into(), value }, now_ms)?;
            Ok(Reply::Document(store.read(&id)?))
        }
        Command::Search { query, limit } => Ok(Reply::SearchHits(store.search(&query, limit as usize)?)),
        Command::Templates => Ok(Reply::Templates(cd4mm_core::data::templates()?)),
        Command::AssessmentSummary { id } => {
            let Content::Assessment(a) = content(store, &id)? else {
                return Err(AppError::new(Code::WrongKind, format!("`{id}` is not an assessment")));
            };
            let comparison = match &a.baseline_id {
                Some(b) => match content(store, b)? {
                    Content::Assessment(baseline) => {
                        a.compare_with(&baseline).map_err(|why| AppError::new(Code::Invalid, why))?
                    }
                    _ => {
                        return Err(AppError::new(Code::WrongKind, format!("the baseline `{b}` is not an assessment")));
                    }
                },
                None => Vec::new(),
            };
            let names = (caller.authors)()?;
            let mut raters = store.raters(&id)?;
            for actors in raters.values_mut() {
                for actor in actors.iter_mut() {
                    if let Some(name) = names.get(actor.as_str()) {
                        actor.clone_from(name);
                    }
                }
            }
            Ok(Reply::Assessment(AssessmentSummary {
                gaps: a.gaps(),
                prioritised: a.prioritised_gaps(),
                averages: a.averages(),
                comparison,
                validation: a.validation_state(),
                rated: a.rated(),
                raters,
                purpose: a.template.as_ref().map(|t| t.purpose()).unwrap_or_default(),
            }))
        }
        Command::PlanSummary { id, monitoring } => {
            let Content::Plan(plan) = content(store, &id)? else {
                return Err(AppError::new(Code::WrongKind, format!("`{id}` is not a plan")));
            };
            let mut docs = Vec::with_capacity(monitoring.len());
            for m in &monitoring {
                match content(store, m)? {
                    Content::Monitoring(doc) => docs.push(doc),
                    _ => return Err(AppError::new(Code::WrongKind, format!("`{m}` is not monitoring data"))),
                }
            }
            let periods: Vec<(&str, &Monitoring)> = monitoring.iter().map(String::as_str).zip(docs.iter()).collect();
            let indicators = plan
                .indicators()
                .into_iter()
                .map(|(result_id, i)| {
                    // The latest measurement across every monitoring document.
                    let latest = docs.iter().filter_map(|m| m.latest(&i.id)).max_by(|a, b| a.0.cmp(&b.0));
                    IndicatorLine {
                        result_id,
                        indicator_id: i.id.clone(),
                        name: i.name.clone(),
                        status: i.status(latest),
                        latest_on: latest.map(|l| l.0),
                        latest: latest.map(|l| l.1),
                    }
                })
                .collect();
            Ok(Reply::Plan(PlanSummary { delivery: plan.delivery(&periods), indicators }))
        }
        Command::MonitoringSummary { id } => {
            let Content::Monitoring(monitoring) = content(store, &id)? else {
                return Err(AppError::new(Code::WrongKind, format!("`{id}` is not monitoring data")));
            };
            let headcounts = monitoring.trainings.iter().map(|t| (t.id.clone(), t.headcount())).collect();
            let learning = monitoring
                .trainings
                .iter()
                .map(|t| {
                    let by = Disaggregation::ALL.iter().map(|&d| (d.code(), t.learning_by(d))).collect();
                    (t.id.clone(), by)
                })
                .collect();
            Ok(Reply::Monitoring(MonitoringSummary { headcounts, learning }))
        }
        Command::Phases { workspace } => {
            let mut contents = Vec::new();
            for doc in store.list(Some(&workspace))? {
                // A document this app cannot read does not stop the overview.
                if let Ok(c) = store.content(&doc.id) {
                    contents.push((doc.id, c));
                }
            }
            let team = contents
                .iter()
                .find_map(|(_, c)| match c {
                    Content::Engagement(e) => Some(e.phases.clone()),
                    _ => None,
                })
                .unwrap_or_default();
            let evidence = cd4mm_core::phases::Evidence::of(contents.iter().map(|(id, c)| (id.as_str(), c)));
            let states = cd4mm_core::phases::states(&team, &evidence);
            let current = cd4mm_core::phases::current(&states);
            Ok(Reply::Phases(PhaseStates { states, team, shown: evidence.shown(), current }))
        }
        Command::Workspaces => Ok(Reply::Workspaces(caller.workspaces(store)?)),
        Command::History { id } => {
            let mut entries = store.history(&id)?;
            let names = (caller.authors)()?;
            for entry in &mut entries {
                if let Some(name) = names.get(&entry.actor) {
                    entry.author = Some(name.clone());
                }
            }
            Ok(Reply::History(entries))
        }
        Command::ReadDocumentAt { id, at_ms } => Ok(Reply::Document(store.read_as_of(&id, at_ms)?)),
        Command::NotAccepted => Ok(Reply::NotAccepted(store.not_accepted()?)),
        Command::DiscardNotAccepted { id } => {
            store.discard_not_accepted(&id)?;
            Ok(Reply::NotAccepted(store.not_accepted()?))
        }
    }
}

/// The workspaces of the documents on this device, named after their
/// engagement ([`Caller::workspaces`] adds the server's memberships).
pub fn local_workspaces(store: &Store) -> Result<Vec<WorkspaceInfo>, AppError> {
    let mut out: Vec<WorkspaceInfo> = Vec::new();
    for doc in store.list(None)? {
        if doc.workspace.is_empty() {
            continue; // the toolbox belongs to no workspace
        }
        let engagement = doc.kind == Kind::Engagement.code();
        match out.iter_mut().find(|w| w.id == doc.workspace) {
            Some(w) if engagement => w.name = doc.title,
            Some(_) => {}
            None => out.push(WorkspaceInfo {
                name: if engagement { doc.title } else { doc.workspace.clone() },
                id: doc.workspace,
                country: String::new(),
                role: Role::Owner,
            }),
        }
    }
    out.sort_by_key(|w| w.name.to_lowercase());
    Ok(out)
}

/// A value as an edit writes it.
fn to_json(value: &impl Serialize) -> Result<serde_json::Value, AppError> {
    serde_json::to_value(value).map_err(|e| AppError::new(Code::Internal, e.to_string()))
}

/// A value frozen as one JSON string (never edited, so not mergeable).
fn frozen_json(value: &impl Serialize) -> Result<serde_json::Value, AppError> {
    serde_json::to_string(value)
        .map(serde_json::Value::String)
        .map_err(|e| AppError::new(Code::Internal, e.to_string()))
}

/// The heads an edit names as the version it was made on, checked: hex
/// hashes, no more than a document could have.
fn versions(heads: &[String]) -> Result<Vec<ChangeHash>, AppError> {
    if heads.len() > cd4mm_core::MAX_MADE_ON {
        return Err(AppError::new(Code::Invalid, "the edit names too many versions of the document"));
    }
    heads
        .iter()
        .map(|h| {
            h.parse::<ChangeHash>()
                .map_err(|_| AppError::new(Code::Invalid, "the edit names a version that is not a change hash"))
        })
        .collect()
}
