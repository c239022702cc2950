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
    /// Weighted criteria the partner scores the capacity areas against, to
    /// rank them (phase 1).
    pub prioritisation: Prioritisation,
    /// The workspace of the round this one follows, when it does.
    pub previous_workspace: Option<String>,
}

/// Criteria with weights, and each capacity area's score on each.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Prioritisation {
    pub criteria: Vec<PriorityCriterion>,
    /// Scores 1–5, keyed `area id|criterion id` (one flat map, so two
    /// people scoring different cells never touch the same entry).
    pub scores: std::collections::BTreeMap<String, u8>,
}

/// One prioritisation criterion, e.g. "urgency for the partner", weighted 1–5.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct PriorityCriterion {
    pub id: String,
    pub name: String,
    pub weight: u8,
}

impl Default for PriorityCriterion {
    fn default() -> PriorityCriterion {
        PriorityCriterion { id: String::new(), name: String::new(), weight: 1 }
    }
}

/// A capacity area's place in the prioritisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RankedArea {
    pub area_id: String,
    pub title: String,
    /// The weighted mean of its scores, 1–5; none before any is scored.
    pub score: Option<f64>,
    /// Criteria it was scored on, of all.
    pub scored: usize,
}

/// The key of one area's score on one criterion.
pub fn score_key(area_id: &str, criterion_id: &str) -> String {
    format!("{area_id}|{criterion_id}")
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
    /// The capacity areas by their weighted score, highest first; unscored
    /// ones last, in the agreed order.
    pub fn ranked_areas(&self) -> Vec<RankedArea> {
        let criteria = &self.prioritisation.criteria;
        let mut ranked: Vec<RankedArea> = self
            .capacity_areas
            .iter()
            .map(|a| {
                let scored: Vec<(f64, f64)> = criteria
                    .iter()
                    .filter_map(|c| {
                        let score = self.prioritisation.scores.get(&score_key(&a.id, &c.id))?;
                        Some((f64::from(c.weight), f64::from(*score)))
                    })
                    .collect();
                let weights: f64 = scored.iter().map(|(w, _)| w).sum();
                let score = (weights > 0.0).then(|| scored.iter().map(|(w, s)| w * s).sum::<f64>() / weights);
                RankedArea { area_id: a.id.clone(), title: a.title.clone(), score, scored: scored.len() }
            })
            .collect();
        // Stable: equal scores keep the agreed order.
        ranked.sort_by(|a, b| b.score.unwrap_or(f64::MIN).total_cmp(&a.score.unwrap_or(f64::MIN)));
        ranked
    }

    pub(crate) fn check(&self, p: &mut Problems) {
        p.required("title", &self.title);
        for c in &self.prioritisation.criteria {
            let at = format!("prioritisation/criteria/{}", c.id);
            p.required(&format!("{at}/name"), &c.name);
            p.range(&format!("{at}/weight"), f64::from(c.weight), 1.0, 5.0);
        }
        for (key, score) in &self.prioritisation.scores {
            p.range(&format!("prioritisation/scores/{key}"), f64::from(*score), 1.0, 5.0);
        }
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
    fn capacity_areas_rank_by_their_weighted_scores() {
        let area = |id: &str| CapacityArea { id: id.into(), title: id.into(), ..CapacityArea::default() };
        let criterion = |id: &str, weight| PriorityCriterion { id: id.into(), name: id.into(), weight };
        let mut e = Engagement { capacity_areas: vec![area("a"), area("b"), area("c")], ..Engagement::default() };
        e.prioritisation.criteria = vec![criterion("urgency", 3), criterion("feasibility", 1)];
        for (a, c, s) in [("a", "urgency", 2), ("a", "feasibility", 5), ("b", "urgency", 4), ("b", "feasibility", 1)] {
            e.prioritisation.scores.insert(score_key(a, c), s);
        }
        let ranked = e.ranked_areas();
        let order: Vec<(&str, Option<f64>)> = ranked.iter().map(|r| (r.area_id.as_str(), r.score)).collect();
        // b: (3×4 + 1×1) / 4 = 3.25; a: (3×2 + 1×5) / 4 = 2.75; c unscored, last.
        assert_eq!(order, [("b", Some(3.25)), ("a", Some(2.75)), ("c", None)]);
        e.prioritisation.scores.insert(score_key("c", "urgency"), 9);
        let mut p = Problems::default();
        e.check(&mut p);
        assert!(p.0.iter().any(|x| x.field == "prioritisation/scores/c|urgency"), "{:?}", p.0);
    }

    #[test]
    fn quadrants_follow_the_grid() {
        let s = |power, interest| Stakeholder { power, interest, ..Stakeholder::default() }.quadrant();
        assert_eq!(s(4, 4), Quadrant::ManageClosely);
        assert_eq!(s(3, 1), Quadrant::KeepSatisfied);
        assert_eq!(s(2, 3), Quadrant::KeepInformed);
        assert_eq!(s(1, 2), Quadrant::Monitor);
    }
}
