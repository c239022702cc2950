//! Who may read and write what. Every request is checked here, once.
//!
//! Roles are per workspace; `admin` is server-wide and may do everything. A
//! regional officer's role covers whole countries (`Storage::cover`): they
//! are a viewer of every workspace there without being a member of each.

use cd4mm_core::Kind;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
        serde_json::from_value(serde_json::Value::String(code.to_owned())).ok()
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counterparts_write_plans_and_monitoring_only() {
        let writes: Vec<Kind> = Kind::ALL.iter().copied().filter(|k| Role::Counterpart.may_write(*k)).collect();
        assert_eq!(writes, [Kind::Plan, Kind::Monitoring]);
        assert!(Kind::ALL.iter().all(|k| !Role::Viewer.may_write(*k)));
        assert!(!Role::Owner.may_write(Kind::Toolbox));
        assert_eq!(Role::parse("counterpart"), Some(Role::Counterpart));
        assert_eq!(Role::parse("boss"), None);
    }
}
