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
    /// A government counterpart: writes plans and monitoring data, reads the rest.
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

    pub fn may_write(self, kind: Kind) -> bool {
        match (self, kind) {
            // The toolbox is published centrally, by administrators only.
            (_, Kind::Toolbox) => false,
            (Role::Owner | Role::Editor, _) => true,
            (Role::Counterpart, Kind::Plan | Kind::Monitoring) => true,
            (Role::Counterpart, _) | (Role::Viewer, _) => false,
        }
    }

    /// The kinds this role may write, in `Kind::ALL` order.
    pub fn writes(self) -> Vec<Kind> {
        Kind::ALL.iter().copied().filter(|k| self.may_write(*k)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counterparts_write_plans_and_monitoring_only() {
        assert_eq!(Role::Counterpart.writes(), [Kind::Plan, Kind::Monitoring]);
        assert!(Role::Viewer.writes().is_empty());
        assert!(!Role::Owner.may_write(Kind::Toolbox));
        assert_eq!(Role::parse("counterpart"), Some(Role::Counterpart));
        assert_eq!(Role::parse("boss"), None);
    }
}
