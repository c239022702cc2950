//! The UI's TypeScript types and shared facts (the values of every
//! enumeration, role rights, the power/interest grid), generated from the
//! Rust definitions so they are never written twice. `tests/bindings.rs`
//! fails when a generated file is stale; `UPDATE_BINDINGS=1 cargo test -p
//! cd4mm-app` rewrites them.

use crate::commands::{AppError, Command, Reply};
use std::collections::BTreeMap;
use ts_rs::{Config, TS, TypeVisitor};

/// Where the generated types live, relative to the repository root.
pub const PATH: &str = "ui/src/lib/bindings.ts";
/// Where the generated enumerations live.
pub const VOCABULARY_PATH: &str = "ui/src/lib/vocabulary.ts";

/// Every generated file: (path from the repository root, contents).
pub fn files() -> Vec<(&'static str, String)> {
    vec![(PATH, typescript()), (VOCABULARY_PATH, vocabulary())]
}

const HEADER: &str = "// Generated from the Rust definitions (crates/app/src/bindings.rs) by \
     `UPDATE_BINDINGS=1 cargo test -p cd4mm-app`.\n// Do not edit: change the Rust and regenerate.\n\n";

/// Collects the declaration of every named type reachable from the roots.
struct Collect<'a> {
    cfg: &'a Config,
    decls: BTreeMap<String, String>,
}

impl TypeVisitor for Collect<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if T::output_path().is_none() {
            return; // a primitive or a built-in: nothing to declare
        }
        let name = T::ident(self.cfg);
        if self.decls.contains_key(&name) {
            return;
        }
        self.decls.insert(name, T::decl(self.cfg));
        T::visit_dependencies(self);
    }
}

/// The whole TypeScript file.
pub fn typescript() -> String {
    // Counts and sizes fit JavaScript numbers; `bigint` would burden the UI.
    let cfg = Config::new().with_large_int("number");
    let mut collect = Collect { cfg: &cfg, decls: BTreeMap::new() };
    collect.visit::<Command>();
    collect.visit::<Reply>();
    collect.visit::<AppError>();
    collect.visit::<crate::commands::SyncStatus>();
    collect.visit::<crate::commands::LockState>();
    // The content of each kind of document, to read a `Snapshot`'s value.
    collect.visit::<cd4mm_core::Content>();
    // The regional dashboard, as `/api/dashboard` answers it.
    collect.visit::<cd4mm_core::regional::Dashboard>();
    collect.visit::<cd4mm_core::regional::By>();
    collect.visit::<cd4mm_core::regional::Measure>();
    // The administration pages, as `/api/admin/…` and `/api/devices` answer.
    collect.visit::<cd4mm_core::administration::AdminAction>();
    collect.visit::<cd4mm_core::administration::AdminOverview>();
    collect.visit::<cd4mm_core::administration::AuditLine>();
    collect.visit::<cd4mm_core::administration::RevokeOwnDevice>();
    // Shown beside each stakeholder, computed from the generated grid.
    collect.visit::<cd4mm_core::vocabulary::Quadrant>();
    let mut out = String::from(HEADER);
    for decl in collect.decls.values() {
        out.push_str("export ");
        out.push_str(decl.trim());
        out.push_str("\n\n");
    }
    out.push_str(&constants());
    out
}

/// Facts the UI needs as values, not only types.
fn constants() -> String {
    use cd4mm_core::Role;
    use cd4mm_core::engagement::{GRID_MAX, quadrant};
    let writes: serde_json::Map<String, serde_json::Value> =
        Role::ALL.iter().map(|r| (r.code().to_owned(), serde_json::json!(r.writes()))).collect();
    // Only the kinds a role may change in part: the top-level fields it may change.
    let parts: serde_json::Map<String, serde_json::Value> = Role::ALL
        .iter()
        .map(|r| {
            let kinds: serde_json::Map<String, serde_json::Value> = cd4mm_core::Kind::ALL
                .iter()
                .filter_map(|k| match r.reach(*k) {
                    cd4mm_core::Reach::Parts(p) => Some((k.code(), serde_json::json!(p))),
                    _ => None,
                })
                .collect();
            (r.code().to_owned(), serde_json::Value::Object(kinds))
        })
        .collect();
    let grid: Vec<Vec<_>> = (1..=GRID_MAX).map(|p| (1..=GRID_MAX).map(|i| quadrant(p, i)).collect()).collect();
    format!(
        "/** The kinds of document each workspace role may write (`Role::may_write`). */\n\
         export const ROLE_WRITES: Record<Role, Kind[]> = {};\n\n\
         /** Where a role may change only some top-level fields of a kind: those fields (`Role::reach`). */\n\
         export const ROLE_PARTS: Record<Role, Partial<Record<Kind, readonly string[]>>> = {};\n\n\
         /** Power and interest are rated 1 to this (an even scale). */\n\
         export const GRID_MAX = {GRID_MAX};\n\n\
         /** The quadrant of each rating: `QUADRANT_OF[power - 1][interest - 1]` (`engagement::quadrant`). */\n\
         export const QUADRANT_OF: readonly (readonly Quadrant[])[] = {};\n\n\
         /** Every country a workspace may be in: [ISO 3166-1 code, English name] (`cd4mm_core::country`). */\n\
         export const COUNTRIES: readonly (readonly [string, string])[] = {};\n\n\
         /** The fewest characters a new password has (`administration::MIN_PASSWORD_CHARS`). */\n\
         export const MIN_PASSWORD_CHARS = {};\n",
        serde_json::Value::Object(writes),
        serde_json::Value::Object(parts),
        serde_json::json!(grid),
        serde_json::json!(cd4mm_core::country::all().collect::<Vec<_>>()),
        cd4mm_core::administration::MIN_PASSWORD_CHARS,
    )
}

/// The codes of every value, in the order of the Rust `ALL` list.
fn codes<T: serde::Serialize>(all: &[T]) -> serde_json::Value {
    serde_json::json!(all)
}

/// Every enumeration's values in the order people see them, with the prefix
/// of their labels' message keys (`label(prefix, value)`).
fn vocabulary() -> String {
    use cd4mm_core::vocabulary::*;
    use cd4mm_core::{Role, plan::IndicatorStatus, toolbox::EntryKind};
    // (label prefix, constant, type, values)
    let lists: Vec<(&str, &str, &str, serde_json::Value)> = vec![
        ("level", "LEVELS", "Level", codes(Level::ALL)),
        ("coreIssue", "CORE_ISSUES", "CoreIssue", codes(CoreIssue::ALL)),
        ("functionalCapacity", "FUNCTIONAL_CAPACITIES", "FunctionalCapacity", codes(FunctionalCapacity::ALL)),
        ("stakeholderType", "STAKEHOLDER_TYPES", "StakeholderType", codes(StakeholderType::ALL)),
        ("stance", "STANCES", "Stance", codes(Stance::ALL)),
        ("area", "AREAS", "Area", codes(Area::ALL)),
        ("phaseState", "PHASE_STATES", "PhaseState", codes(PhaseState::ALL)),
        ("contactKind", "CONTACT_KINDS", "ContactKind", codes(ContactKind::ALL)),
        ("method", "METHODS", "Method", codes(Method::ALL)),
        ("confidence", "CONFIDENCES", "Confidence", codes(Confidence::ALL)),
        ("validation", "VALIDATIONS", "Validation", codes(Validation::ALL)),
        ("activityType", "ACTIVITY_TYPES", "ActivityType", codes(ActivityType::ALL)),
        ("activityStatus", "ACTIVITY_STATUSES", "ActivityStatus", codes(ActivityStatus::ALL)),
        ("rating", "RATINGS", "Rating", codes(Rating::ALL)),
        ("direction", "DIRECTIONS", "Direction", codes(Direction::ALL)),
        ("sex", "SEXES", "Sex", codes(Sex::ALL)),
        ("ageGroup", "AGE_GROUPS", "AgeGroup", codes(AgeGroup::ALL)),
        ("severity", "SEVERITIES", "Severity", codes(Severity::ALL)),
        ("criterion", "CRITERIA", "Criterion", codes(Criterion::ALL)),
        ("frequency", "FREQUENCIES", "Frequency", codes(Frequency::ALL)),
        ("horizon", "HORIZONS", "Horizon", codes(Horizon::ALL)),
        ("disaggregation", "DISAGGREGATIONS", "Disaggregation", codes(Disaggregation::ALL)),
        ("riskStatus", "RISK_STATUSES", "RiskStatus", codes(RiskStatus::ALL)),
        ("evaluationType", "EVALUATION_TYPES", "EvaluationType", codes(EvaluationType::ALL)),
        ("responseStatus", "RESPONSE_STATUSES", "ResponseStatus", codes(ResponseStatus::ALL)),
        ("indicatorStatus", "INDICATOR_STATUSES", "IndicatorStatus", codes(IndicatorStatus::ALL)),
        ("entryKind", "ENTRY_KINDS", "EntryKind", codes(EntryKind::ALL)),
        ("syncState", "SYNC_STATES", "SyncState", codes(crate::commands::SyncState::ALL)),
        ("role", "ROLES", "Role", codes(Role::ALL)),
        ("quadrant", "QUADRANTS", "Quadrant", codes(Quadrant::ALL)),
        ("region.by", "BYS", "By", codes(cd4mm_core::regional::By::ALL)),
        ("region.measure", "MEASURES", "Measure", codes(cd4mm_core::regional::Measure::ALL)),
    ];
    let mut types: Vec<&str> = lists.iter().map(|l| l.2).collect();
    types.sort_unstable();
    let mut out = String::from(HEADER);
    out.push_str("/** Every value of each enumeration, in the order people see them (the Rust `ALL` lists). */\n");
    out.push_str(&format!("import type {{ {} }} from './bindings';\n\n", types.join(", ")));
    for (_, name, ty, values) in &lists {
        out.push_str(&format!("export const {name} = {values} as const satisfies readonly {ty}[];\n"));
    }
    out.push_str("\n/** Message-key prefix of each enumeration, as `label(prefix, value)` uses it. */\n");
    out.push_str("export const ENUMERATIONS: Record<string, readonly string[]> = {\n");
    for (prefix, name, _, _) in &lists {
        out.push_str(&format!("  {}: {name},\n", serde_json::json!(prefix)));
    }
    out.push_str("};\n");
    out
}
