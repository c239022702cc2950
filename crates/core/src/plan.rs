//! Phase 3: the response plan as a results framework (objective → outcomes →
//! outputs → activities) with indicators, budget, risks and sustainability notes,
//! and what is computed from it: plan progress and indicator status.
//!
//! Document schema: changing field names breaks documents in the field.

use crate::Date;
use crate::error::Problems;
use crate::monitoring::Monitoring;
use crate::vocabulary::{ActivityStatus, ActivityType, CoreIssue, Direction, Level, Rating};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Plan {
    pub title: String,
    /// Assessment documents this plan responds to.
    pub assessment_ids: Vec<String>,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    /// ISO 4217 code of every amount in the plan, e.g. `USD`.
    pub currency: String,
    pub objective: Objective,
    pub outcomes: Vec<Outcome>,
    pub risks: Vec<Risk>,
    pub assumptions: String,
    pub sustainability: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Objective {
    pub statement: String,
    pub indicators: Vec<Indicator>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Outcome {
    pub id: String,
    pub statement: String,
    pub indicators: Vec<Indicator>,
    pub outputs: Vec<Output>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Output {
    pub id: String,
    pub statement: String,
    pub indicators: Vec<Indicator>,
    pub activities: Vec<Activity>,
}

/// An assessment gap an activity addresses.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct GapRef {
    pub id: String,
    pub assessment_id: String,
    pub question_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Activity {
    pub id: String,
    pub title: String,
    pub description: String,
    #[serde(rename = "type")]
    pub activity_type: ActivityType,
    pub level: Option<Level>,
    pub core_issue: Option<CoreIssue>,
    pub owner: String,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub budget: f64,
    pub status: ActivityStatus,
    pub addresses: Vec<GapRef>,
    pub indicators: Vec<Indicator>,
    pub notes: String,
}

impl Default for Activity {
    fn default() -> Activity {
        Activity {
            id: String::new(),
            title: String::new(),
            description: String::new(),
            activity_type: ActivityType::Training,
            level: None,
            core_issue: None,
            owner: String::new(),
            starts_on: None,
            ends_on: None,
            budget: 0.0,
            status: ActivityStatus::Planned,
            addresses: Vec::new(),
            indicators: Vec::new(),
            notes: String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Indicator {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub direction: Direction,
    pub baseline: f64,
    pub baseline_on: Option<Date>,
    pub target: f64,
    pub target_on: Option<Date>,
    pub means_of_verification: String,
    pub assumptions: String,
}

impl Default for Indicator {
    fn default() -> Indicator {
        Indicator {
            id: String::new(),
            name: String::new(),
            unit: String::new(),
            direction: Direction::Increase,
            baseline: 0.0,
            baseline_on: None,
            target: 0.0,
            target_on: None,
            means_of_verification: String::new(),
            assumptions: String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Risk {
    pub id: String,
    pub description: String,
    pub likelihood: Rating,
    pub impact: Rating,
    pub mitigation: String,
    pub owner: String,
}

impl Default for Risk {
    fn default() -> Risk {
        Risk {
            id: String::new(),
            description: String::new(),
            likelihood: Rating::Medium,
            impact: Rating::Medium,
            mitigation: String::new(),
            owner: String::new(),
        }
    }
}

/// Where an indicator stands against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum IndicatorStatus {
    /// No measurement yet.
    NoData,
    OnTrack,
    AtRisk,
    OffTrack,
    /// The target is reached.
    Achieved,
}

impl IndicatorStatus {
    /// Every status, in the order people see them.
    pub const ALL: &'static [IndicatorStatus] = &[
        IndicatorStatus::NoData,
        IndicatorStatus::OnTrack,
        IndicatorStatus::AtRisk,
        IndicatorStatus::OffTrack,
        IndicatorStatus::Achieved,
    ];
}

/// Below this share of the progress expected by now, an indicator is at risk…
pub const AT_RISK_BELOW: f64 = 0.9;
/// …and below this one, off track. Defaults, not an official standard.
pub const OFF_TRACK_BELOW: f64 = 0.6;

impl Indicator {
    /// Status from the baseline, the target, their dates and the latest
    /// measurement. Progress expected by the measurement date grows linearly from
    /// the baseline date to the target date; once the target date has passed
    /// without reaching the target the indicator is off track.
    pub fn status(&self, latest: Option<(Date, f64)>) -> IndicatorStatus {
        let Some((on, value)) = latest else {
            return IndicatorStatus::NoData;
        };
        let span = self.target - self.baseline;
        let achieved = match self.direction {
            Direction::Increase => value >= self.target,
            Direction::Decrease => value <= self.target,
        };
        if achieved {
            return IndicatorStatus::Achieved;
        }
        if span == 0.0 {
            return IndicatorStatus::OnTrack;
        }
        let actual = (value - self.baseline) / span;
        let expected = match (self.baseline_on, self.target_on) {
            (Some(b), Some(t)) if t > b => {
                ((on.days() - b.days()) as f64 / (t.days() - b.days()) as f64).clamp(0.0, 1.0)
            }
            (_, Some(t)) if on >= t => 1.0,
            _ => 0.0,
        };
        if self.target_on.is_some_and(|t| on >= t) {
            return IndicatorStatus::OffTrack;
        }
        if expected <= 0.0 || actual >= expected * AT_RISK_BELOW {
            IndicatorStatus::OnTrack
        } else if actual >= expected * OFF_TRACK_BELOW {
            IndicatorStatus::AtRisk
        } else {
            IndicatorStatus::OffTrack
        }
    }
}

/// How far the plan has come, by activities and by budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Progress {
    pub activities: usize,
    pub by_status: BTreeMap<ActivityStatus, usize>,
    /// Completed activities over activities not cancelled, 0–1.
    pub completion: f64,
    pub budget: f64,
    pub spent: f64,
    /// Spent over budget, 0 when nothing is budgeted.
    pub budget_used: f64,
}

impl Plan {
    /// Every activity with the ids of its outcome and output.
    pub fn activities(&self) -> impl Iterator<Item = (&Outcome, &Output, &Activity)> {
        self.outcomes
            .iter()
            .flat_map(|oc| oc.outputs.iter().flat_map(move |op| op.activities.iter().map(move |a| (oc, op, a))))
    }

    /// Every indicator with the id of the result it measures (`objective`, or an
    /// outcome, output or activity id).
    pub fn indicators(&self) -> Vec<(String, &Indicator)> {
        let mut out: Vec<(String, &Indicator)> =
            self.objective.indicators.iter().map(|i| ("objective".to_owned(), i)).collect();
        for oc in &self.outcomes {
            out.extend(oc.indicators.iter().map(|i| (oc.id.clone(), i)));
            for op in &oc.outputs {
                out.extend(op.indicators.iter().map(|i| (op.id.clone(), i)));
                for a in &op.activities {
                    out.extend(a.indicators.iter().map(|i| (a.id.clone(), i)));
                }
            }
        }
        out
    }

    /// Whether some activity addresses the given assessment question.
    pub fn addresses(&self, assessment_id: &str, question_id: &str) -> bool {
        self.activities().any(|(_, _, a)| {
            a.addresses.iter().any(|g| g.assessment_id == assessment_id && g.question_id == question_id)
        })
    }

    /// Progress by activities and budget; spending comes from the monitoring
    /// documents (the latest reported cumulative spend per activity).
    pub fn progress(&self, monitoring: &[&Monitoring]) -> Progress {
        let mut by_status = BTreeMap::new();
        let (mut budget, mut spent, mut done, mut live) = (0.0, 0.0, 0usize, 0usize);
        for (_, _, a) in self.activities() {
            *by_status.entry(a.status).or_insert(0) += 1;
            budget += a.budget;
            if a.status != ActivityStatus::Cancelled {
                live += 1;
            }
            if a.status == ActivityStatus::Completed {
                done += 1;
            }
            spent += monitoring
                .iter()
                .flat_map(|m| m.progress.iter())
                .filter(|u| u.activity_id == a.id)
                .max_by(|x, y| x.date.cmp(&y.date).then(x.id.cmp(&y.id)))
                .map_or(0.0, |u| u.spent);
        }
        Progress {
            activities: by_status.values().sum(),
            by_status,
            completion: if live == 0 { 0.0 } else { done as f64 / live as f64 },
            budget,
            spent,
            budget_used: if budget > 0.0 { spent / budget } else { 0.0 },
        }
    }

    pub(crate) fn check(&self, p: &mut Problems) {
        p.required("title", &self.title);
        p.period("ends_on", self.starts_on, self.ends_on);
        check_indicators(p, "objective/indicators", &self.objective.indicators);
        for oc in &self.outcomes {
            let at = format!("outcomes/{}", oc.id);
            check_indicators(p, &format!("{at}/indicators"), &oc.indicators);
            for op in &oc.outputs {
                let at = format!("{at}/outputs/{}", op.id);
                check_indicators(p, &format!("{at}/indicators"), &op.indicators);
                for a in &op.activities {
                    let at = format!("{at}/activities/{}", a.id);
                    p.required(&format!("{at}/title"), &a.title);
                    p.non_negative(&format!("{at}/budget"), a.budget);
                    p.period(&format!("{at}/ends_on"), a.starts_on, a.ends_on);
                    check_indicators(p, &format!("{at}/indicators"), &a.indicators);
                }
            }
        }
    }
}

fn check_indicators(p: &mut Problems, at: &str, indicators: &[Indicator]) {
    for i in indicators {
        let at = format!("{at}/{}", i.id);
        p.required(&format!("{at}/name"), &i.name);
        p.period(&format!("{at}/target_on"), i.baseline_on, i.target_on);
        if !i.baseline.is_finite() || !i.target.is_finite() {
            p.add(&at, "baseline and target must be numbers");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        Date::parse(s).expect("valid test date")
    }

    /// Baseline 20 on 2026-01-01, target 80 on 2026-12-31 (364 days).
    fn indicator() -> Indicator {
        Indicator {
            id: "i".into(),
            name: "Officers trained".into(),
            baseline: 20.0,
            baseline_on: Some(date("2026-01-01")),
            target: 80.0,
            target_on: Some(date("2026-12-31")),
            ..Indicator::default()
        }
    }

    #[test]
    fn indicator_status_follows_data_and_dates() {
        let i = indicator();
        assert_eq!(i.status(None), IndicatorStatus::NoData);
        // 2026-07-02 is day 182 of 364: half the way expected, 50 = half the way done.
        assert_eq!(i.status(Some((date("2026-07-02"), 50.0))), IndicatorStatus::OnTrack);
        // 46 is 26/60 = 0.433 done against 0.5 expected: 0.867 of expected → at risk.
        assert_eq!(i.status(Some((date("2026-07-02"), 46.0))), IndicatorStatus::AtRisk);
        // 35 is 0.25 done: half of what is expected → off track.
        assert_eq!(i.status(Some((date("2026-07-02"), 35.0))), IndicatorStatus::OffTrack);
        assert_eq!(i.status(Some((date("2026-03-01"), 80.0))), IndicatorStatus::Achieved);
        // Past the target date without the target: off track even if close.
        assert_eq!(i.status(Some((date("2027-01-15"), 79.0))), IndicatorStatus::OffTrack);

        let down = Indicator { direction: Direction::Decrease, baseline: 30.0, target: 10.0, ..indicator() };
        // Processing time 30 → 10 days; at mid-year 20 is exactly on the line.
        assert_eq!(down.status(Some((date("2026-07-02"), 20.0))), IndicatorStatus::OnTrack);
        assert_eq!(down.status(Some((date("2026-07-02"), 28.0))), IndicatorStatus::OffTrack);
        assert_eq!(down.status(Some((date("2026-07-02"), 9.0))), IndicatorStatus::Achieved);
    }
    #[test]
    fn progress_counts_activities_and_latest_spend() {
        use crate::monitoring::{Monitoring, ProgressUpdate};
        let act = |id: &str, status, budget| Activity {
            id: id.into(),
            title: id.into(),
            status,
            budget,
            ..Activity::default()
        };
        let plan = Plan {
            outcomes: vec![Outcome {
                id: "oc".into(),
                outputs: vec![Output {
                    id: "op".into(),
                    activities: vec![
                        act("a", ActivityStatus::Completed, 10_000.0),
                        act("b", ActivityStatus::InProgress, 6_000.0),
                        act("c", ActivityStatus::Cancelled, 4_000.0),
                        act("d", ActivityStatus::Planned, 0.0),
                    ],
                    ..Output::default()
                }],
                ..Outcome::default()
            }],
            ..Plan::default()
        };
        let update = |id: &str, activity: &str, on: &str, spent| ProgressUpdate {
            id: id.into(),
            activity_id: activity.into(),
            date: Some(date(on)),
            spent,
            ..ProgressUpdate::default()
        };
        let m = Monitoring {
            // Cumulative spend: the latest update counts, not the sum.
            progress: vec![
                update("u1", "a", "2026-03-31", 4_000.0),
                update("u2", "a", "2026-06-30", 9_000.0),
                update("u3", "b", "2026-06-30", 1_000.0),
            ],
            ..Monitoring::default()
        };
        let p = plan.progress(&[&m]);
        assert_eq!(p.activities, 4);
        assert_eq!(p.by_status.get(&ActivityStatus::Completed), Some(&1));
        // 1 completed of 3 not cancelled.
        assert!((p.completion - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!((p.budget, p.spent), (20_000.0, 10_000.0));
        assert_eq!(p.budget_used, 0.5);
    }
}
