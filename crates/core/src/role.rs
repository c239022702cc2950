//! Who may read and write what in a workspace: the one definition the
//! server enforces, the command API checks before it touches a store, and
//! the UI reads (generated into TypeScript) to offer only what would be kept.
//!
//! Roles are per workspace; a server administrator may do everything. A
//! regional officer is a viewer of every workspace of the countries their
//! role covers, without being a member of each.

use crate::Kind;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the engagement: reads and writes everything in it.
    Owner,
    /// A field officer: reads and writes everything in it.
    Editor,
    /// A government counterpart: writes plans and monitoring data, takes part
    /// in the assessment (ratings, evidence, participants, findings,
    /// validation) and in scoping the engagement; reads the rest.
    Counterpart,
    /// Reads only.
    Viewer,
}

impl Role {
    pub const ALL: &'static [Role] = &[Role::Owner, Role::Editor, Role::Counterpart, Role::Viewer];

    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL.iter().copied().find(|r| r.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Editor => "editor",
            Role::Counterpart => "counterpart",
            Role::Viewer => "viewer",
        }
    }

    /// Every role may read every document of its workspace.
    pub fn may_read(self, _kind: Kind) -> bool {
        true
    }

    /// What of a document of `kind` this role may change.
    pub fn reach(self, kind: Kind) -> Reach {
        match (self, kind) {
            // The toolbox is published centrally, by administrators only.
            (_, Kind::Toolbox) => Reach::Nothing,
            (Role::Owner | Role::Editor, _) => Reach::Whole,
            (Role::Counterpart, Kind::Plan | Kind::Monitoring) => Reach::Whole,
            // The assessment is the partner's own: they rate, argue and
            // validate it; its design and its place in the engagement are
            // the officers' to set up.
            (Role::Counterpart, Kind::Assessment) => Reach::Parts(COUNTERPART_ASSESSMENT),
            (Role::Counterpart, Kind::Engagement) => Reach::Parts(COUNTERPART_ENGAGEMENT),
            (Role::Viewer, _) => Reach::Nothing,
        }
    }

    /// Whether this role may change anything in a document of `kind`.
    pub fn may_write(self, kind: Kind) -> bool {
        !matches!(self.reach(kind), Reach::Nothing)
    }

    /// Whether this role may change what lies at `path` (e.g.
    /// `responses/q1/existing`) in a document of `kind`.
    pub fn may_change(self, kind: Kind, path: &str) -> bool {
        self.may_change_part(kind, path.split('/').next().unwrap_or_default())
    }

    /// Whether this role may change the top-level field `part` (exactly that
    /// key: a key may hold a `/`) of a document of `kind`.
    pub fn may_change_part(self, kind: Kind, part: &str) -> bool {
        match self.reach(kind) {
            Reach::Nothing => false,
            Reach::Whole => true,
            Reach::Parts(parts) => parts.contains(&part),
        }
    }

    /// Why a change of `part` (a top-level field) of a `kind` document is
    /// refused to this role, in words that name the right it lacks.
    pub fn refusal(self, kind: Kind, part: &str) -> String {
        match self.reach(kind) {
            Reach::Parts(parts) => format!(
                "your role ({}) may change only {} of {} documents, not `{part}`",
                self.code(),
                parts.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", "),
                kind.code()
            ),
            _ => format!("your role ({}) may not change {} documents", self.code(), kind.code()),
        }
    }

    /// The kinds this role may write, in `Kind::ALL` order.
    pub fn writes(self) -> Vec<Kind> {
        Kind::ALL.iter().copied().filter(|k| self.may_write(*k)).collect()
    }
}

/// What of a document a role may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    Nothing,
    /// Only these top-level fields (and what they hold).
    Parts(&'static [&'static str]),
    Whole,
}

/// What a counterpart may change in an assessment: the ratings, evidence and
/// comments, who took part, the findings and the validation.
pub const COUNTERPART_ASSESSMENT: &[&str] = &["responses", "participants", "findings", "validation_record"];

/// What a counterpart may change in an engagement: what the capacity is for,
/// the capacity areas with their priorities, and the prioritisation that
/// ranks them.
pub const COUNTERPART_ENGAGEMENT: &[&str] = &["scope", "capacity_areas", "prioritisation"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counterparts_write_plans_and_monitoring_and_take_part_in_the_assessment() {
        assert_eq!(Role::Counterpart.writes(), [Kind::Engagement, Kind::Assessment, Kind::Plan, Kind::Monitoring]);
        assert!(Role::Counterpart.may_change(Kind::Assessment, "responses/q1/existing"));
        assert!(Role::Counterpart.may_change(Kind::Assessment, "validation_record"));
        assert!(!Role::Counterpart.may_change(Kind::Assessment, "template"));
        assert!(!Role::Counterpart.may_change(Kind::Engagement, "stakeholders/s1/name"));
        assert!(Role::Counterpart.may_change(Kind::Engagement, "scope/why"));
        assert!(Role::Counterpart.may_change(Kind::Plan, "outcomes"));
        assert!(!Role::Viewer.may_change(Kind::Plan, "title"));
        let why = Role::Counterpart.refusal(Kind::Assessment, "template");
        assert!(why.contains("`responses`") && why.contains("not `template`"), "{why}");
        assert!(Role::Viewer.writes().is_empty());
        assert!(!Role::Owner.may_write(Kind::Toolbox));
        assert_eq!(Role::parse("counterpart"), Some(Role::Counterpart));
        assert_eq!(Role::parse("boss"), None);
    }
}
