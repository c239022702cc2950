//! Phase 1: the engagement document — context, scope, stakeholders, engagement
//! log, prioritised capacity areas and the status of the five phases.
//!
//! Document schema: changing field names breaks documents in the field.

use crate::Date;
use crate::error::Problems;
use crate::vocabulary::{Area, ContactKind, CoreIssue, Level, PhaseState, Quadrant, StakeholderType, Stance};
use serde::{Deserialize, Serialize};

/// One workspace's capacity-development engagement.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Engagement {
    pub title: String,
    pub country: String,
    pub partner_institution: String,
    pub area: Option<Area>,
    pub context: String,
    pub scope: Scope,
    pub phases: Phases,
    pub stakeholders: Vec<Stakeholder>,
    pub log: Vec<LogEntry>,
    pub capacity_areas: Vec<CapacityArea>,
    pub team: Vec<TeamMember>,
}

/// What the capacity is for: agreed with the partner before assessing.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Scope {
    pub why: String,
    pub for_whom: String,
    pub for_what: String,
    pub agreed_on: Option<Date>,
}

/// The state of each of the five phases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Phases {
    pub engagement: PhaseState,
    pub assessment: PhaseState,
    pub response: PhaseState,
    pub implementation: PhaseState,
    pub monitoring: PhaseState,
}

impl Default for Phases {
    fn default() -> Phases {
        Phases {
            engagement: PhaseState::InProgress,
            assessment: PhaseState::NotStarted,
            response: PhaseState::NotStarted,
            implementation: PhaseState::NotStarted,
            monitoring: PhaseState::NotStarted,
        }
    }
}

/// Power and interest are rated 1 (low) to 4 (high): an even scale, so every
/// stakeholder falls clearly on one side of the grid.
pub const GRID_MAX: u8 = 4;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Stakeholder {
    pub id: String,
    pub name: String,
    pub organisation: String,
    #[serde(rename = "type")]
    pub stakeholder_type: StakeholderType,
    pub power: u8,
    pub interest: u8,
    pub stance: Stance,
    pub contact: String,
    pub notes: String,
}

impl Default for Stakeholder {
    fn default() -> Stakeholder {
        Stakeholder {
            id: String::new(),
            name: String::new(),
            organisation: String::new(),
            stakeholder_type: StakeholderType::Ministry,
            power: 2,
            interest: 2,
            stance: Stance::Neutral,
            contact: String::new(),
            notes: String::new(),
        }
    }
}

impl Stakeholder {
    /// Where the stakeholder sits on the power/interest grid (Mendelow).
    pub fn quadrant(&self) -> Quadrant {
        quadrant(self.power, self.interest)
    }
}

/// The quadrant of a power and an interest rating (1 to [`GRID_MAX`]): the
/// scale is even, so every pair sits clearly in one.
pub fn quadrant(power: u8, interest: u8) -> Quadrant {
    let high = GRID_MAX / 2;
    match (power > high, interest > high) {
        (true, true) => Quadrant::ManageClosely,
        (true, false) => Quadrant::KeepSatisfied,
        (false, true) => Quadrant::KeepInformed,
        (false, false) => Quadrant::Monitor,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct LogEntry {
    pub id: String,
    pub date: Option<Date>,
    pub kind: ContactKind,
    pub stakeholder_ids: Vec<String>,
    pub summary: String,
    pub follow_up: String,
}

impl Default for LogEntry {
    fn default() -> LogEntry {
        LogEntry {
            id: String::new(),
            date: None,
            kind: ContactKind::Meeting,
            stakeholder_ids: Vec::new(),
            summary: String::new(),
            follow_up: String::new(),
        }
    }
}

/// A capacity area the partner wants to work on, with its priority (1 low – 5 high).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct CapacityArea {
    pub id: String,
    pub title: String,
    pub description: String,
    pub level: Option<Level>,
    pub core_issue: Option<CoreIssue>,
    pub priority: u8,
    pub rationale: String,
}

impl Default for CapacityArea {
    fn default() -> CapacityArea {
        CapacityArea {
            id: String::new(),
            title: String::new(),
            description: String::new(),
            level: None,
            core_issue: None,
            priority: 3,
            rationale: String::new(),
        }
    }
}

/// A member of the assessment team.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct TeamMember {
    pub id: String,
    pub name: String,
    pub organisation: String,
    pub role: String,
}

impl Engagement {
    pub(crate) fn check(&self, p: &mut Problems) {
        p.required("title", &self.title);
        for s in &self.stakeholders {
            let at = format!("stakeholders/{}", s.id);
            p.required(&format!("{at}/name"), &s.name);
            p.range(&format!("{at}/power"), f64::from(s.power), 1.0, f64::from(GRID_MAX));
            p.range(&format!("{at}/interest"), f64::from(s.interest), 1.0, f64::from(GRID_MAX));
        }
        for a in &self.capacity_areas {
            let at = format!("capacity_areas/{}", a.id);
            p.required(&format!("{at}/title"), &a.title);
            p.range(&format!("{at}/priority"), f64::from(a.priority), 1.0, 5.0);
        }
        for e in &self.log {
            for sid in &e.stakeholder_ids {
                if !self.stakeholders.iter().any(|s| &s.id == sid) {
                    p.add(format!("log/{}/stakeholder_ids", e.id), format!("no stakeholder has the id `{sid}`"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quadrants_follow_the_grid() {
        let s = |power, interest| Stakeholder { power, interest, ..Stakeholder::default() }.quadrant();
        assert_eq!(s(4, 4), Quadrant::ManageClosely);
        assert_eq!(s(3, 1), Quadrant::KeepSatisfied);
        assert_eq!(s(2, 3), Quadrant::KeepInformed);
        assert_eq!(s(1, 2), Quadrant::Monitor);
    }
}
