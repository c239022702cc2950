//! Phase 3: the response plan as a results framework (objective → outcomes →
//! outputs → activities) with indicators, budget, risks and sustainability notes,
//! and what is computed from it: plan progress and indicator status.
//!
//! Document schema: changing field names breaks documents in the field.

use crate::Date;
use crate::error::Problems;
use crate::vocabulary::{
    ActivityStatus, ActivityType, CoreIssue, Direction, Disaggregation, Frequency, Horizon, Level, Rating,
};
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
    /// Who funds the plan, and how much each has committed.
    pub donors: Vec<Donor>,
    /// What the partner government puts in, in the plan's currency…
    pub government_contribution: f64,
    /// …and in what form (staff time, premises, a budget line).
    pub government_contribution_note: String,
    /// What is handed over to the partner, to whom, when and on what terms.
    pub handover: Vec<Handover>,
    /// What must be done before the plan's team leaves.
    pub exit_checklist: Vec<ExitItem>,
}

/// Something handed over: an SOP, equipment, a system, a training package.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Handover {
    pub id: String,
    pub item: String,
    /// The receiving institution as written…
    pub recipient: String,
    /// …and in the engagement's stakeholder register.
    pub stakeholder_id: Option<String>,
    pub date: Option<Date>,
    pub signed_by: String,
    pub conditions: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct ExitItem {
    pub id: String,
    pub text: String,
    pub done: bool,
}

/// A funder of the plan and what it committed, in the plan's currency.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Donor {
    pub id: String,
    pub name: String,
    pub amount: f64,
    /// The grant or agreement reference, as the donor names it.
    pub agreement: String,
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
    /// What must hold outside the plan's control for this result to follow
    /// (the results matrix's assumptions column).
    pub assumptions: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Output {
    pub id: String,
    pub statement: String,
    pub indicators: Vec<Indicator>,
    pub activities: Vec<Activity>,
    pub assumptions: String,
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
    /// The activity's budget; when it has budget lines, their sum counts
    /// instead ([`Activity::cost`]).
    pub budget: f64,
    pub status: ActivityStatus,
    pub addresses: Vec<GapRef>,
    pub indicators: Vec<Indicator>,
    pub notes: String,
    pub horizon: Option<Horizon>,
    pub budget_lines: Vec<BudgetLine>,
    /// The donor (id in [`Plan::donors`]) or `government` paying for it.
    pub funding_source: String,
}

/// One costed line of an activity's budget.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct BudgetLine {
    pub id: String,
    /// What is bought: trainers' fees, venue, travel, equipment.
    pub item: String,
    pub amount: f64,
}

impl Activity {
    /// What the activity is planned to cost: the sum of its budget lines when
    /// it has any, else its budget.
    pub fn cost(&self) -> f64 {
        if self.budget_lines.is_empty() { self.budget } else { self.budget_lines.iter().map(|l| l.amount).sum() }
    }
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
            horizon: None,
            budget_lines: Vec::new(),
            funding_source: String::new(),
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
    /// The baseline is still to be measured: `baseline` means nothing yet
    /// (a document written before this field reads as known).
    pub baseline_unknown: bool,
    pub baseline_on: Option<Date>,
    pub target: f64,
    pub target_on: Option<Date>,
    pub means_of_verification: String,
    pub assumptions: String,
    /// Values expected on the way to the target.
    pub milestones: Vec<Milestone>,
    pub frequency: Option<Frequency>,
    /// Who measures it.
    pub responsible: String,
    /// How it is measured: survey, records review, observation, test.
    pub collection_method: String,
    /// What its measurements are broken down by.
    pub disaggregation: Vec<Disaggregation>,
    /// It tells whether the change lasts once support ends.
    pub sustainability: bool,
}

/// A value an indicator should have reached by a date.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Milestone {
    pub id: String,
    pub on: Option<Date>,
    pub value: f64,
}

impl Default for Indicator {
    fn default() -> Indicator {
        Indicator {
            id: String::new(),
            name: String::new(),
            unit: String::new(),
            direction: Direction::Increase,
            baseline: 0.0,
            baseline_unknown: false,
            baseline_on: None,
            target: 0.0,
            target_on: None,
            means_of_verification: String::new(),
            assumptions: String::new(),
            milestones: Vec::new(),
            frequency: None,
            responsible: String::new(),
            collection_method: String::new(),
            disaggregation: Vec::new(),
            sustainability: false,
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
    /// Status from the baseline, the milestones, the target, their dates and
    /// the latest measurement. The value expected by the measurement's date
    /// runs in straight lines from the baseline through each dated milestone
    /// to the target; once the target date has passed without reaching the
    /// target the indicator is off track. With the baseline still unknown
    /// there is no distance to measure against: only a milestone due and not
    /// reached puts it at risk.
    pub fn status(&self, latest: Option<(Date, f64)>) -> IndicatorStatus {
        let Some((on, value)) = latest else {
            return IndicatorStatus::NoData;
        };
        let reached = |goal: f64| match self.direction {
            Direction::Increase => value >= goal,
            Direction::Decrease => value <= goal,
        };
        if reached(self.target) {
            return IndicatorStatus::Achieved;
        }
        if self.target_on.is_some_and(|t| on >= t) {
            return IndicatorStatus::OffTrack;
        }
        if self.baseline_unknown {
            let due = self.milestones.iter().filter_map(|m| m.on.map(|d| (d, m.value))).filter(|(d, _)| *d <= on);
            return match due.max_by(|a, b| a.0.cmp(&b.0)) {
                Some((_, goal)) if !reached(goal) => IndicatorStatus::AtRisk,
                _ => IndicatorStatus::OnTrack,
            };
        }
        let span = self.target - self.baseline;
        if span == 0.0 {
            return IndicatorStatus::OnTrack;
        }
        let actual = (value - self.baseline) / span;
        let expected = ((self.expected_on(on) - self.baseline) / span).clamp(0.0, 1.0);
        if expected <= 0.0 || actual >= expected * AT_RISK_BELOW {
            IndicatorStatus::OnTrack
        } else if actual >= expected * OFF_TRACK_BELOW {
            IndicatorStatus::AtRisk
        } else {
            IndicatorStatus::OffTrack
        }
    }

    /// The value expected on `on`: the baseline before anything is due, then
    /// straight lines between the dated baseline, milestones and target.
    pub fn expected_on(&self, on: Date) -> f64 {
        let mut points: Vec<(Date, f64)> = Vec::with_capacity(self.milestones.len() + 2);
        points.extend(self.baseline_on.map(|d| (d, self.baseline)));
        points.extend(self.milestones.iter().filter_map(|m| m.on.map(|d| (d, m.value))));
        points.extend(self.target_on.map(|d| (d, self.target)));
        points.sort_by_key(|p| p.0);
        // Without a dated baseline, nothing is expected before the first point.
        let mut from = (None::<Date>, self.baseline);
        for (date, value) in points {
            if on < date {
                let Some(start) = from.0 else { return from.1 };
                let (run, elapsed) = ((date.days() - start.days()) as f64, (on.days() - start.days()) as f64);
                return if run <= 0.0 { value } else { from.1 + (value - from.1) * elapsed / run };
            }
            from = (Some(date), value);
        }
        from.1
    }
}

/// How far the plan has come, by activities and by budget. Each activity's
/// status and spend are its latest progress update's, whatever the period
/// ([`crate::delivery`]); the status set on the plan counts only until the
/// first update.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Progress {
    pub activities: usize,
    pub by_status: BTreeMap<ActivityStatus, usize>,
    /// Completed activities over activities not cancelled, 0–1.
    pub completion: f64,
    /// Mean percent complete of the activities not cancelled, 0–100.
    pub percent_complete: f64,
    /// What the activities not cancelled cost, plus what cancelled ones had
    /// spent before they stopped.
    pub budget: f64,
    pub spent: f64,
    /// Spent over budget, 0 when nothing is budgeted.
    pub budget_used: f64,
    /// Budget of cancelled activities that they did not spend: free again.
    pub released: f64,
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

    pub(crate) fn check(&self, p: &mut Problems) {
        p.required("title", &self.title);
        p.period("ends_on", self.starts_on, self.ends_on);
        p.non_negative("government_contribution", self.government_contribution);
        for d in &self.donors {
            p.required(&format!("donors/{}/name", d.id), &d.name);
            p.non_negative(&format!("donors/{}/amount", d.id), d.amount);
        }
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
                    for line in &a.budget_lines {
                        p.non_negative(&format!("{at}/budget_lines/{}/amount", line.id), line.amount);
                    }
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
        for m in &i.milestones {
            if !m.value.is_finite() {
                p.add(format!("{at}/milestones/{}/value", m.id), "must be a number");
            }
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
    fn milestones_bend_the_expected_line() {
        // 20 → 80 over the year, but 30 is all that is due by the end of June
        // (training starts in the second half).
        let i = Indicator {
            milestones: vec![Milestone { id: "m".into(), on: Some(date("2026-06-30")), value: 30.0 }],
            ..indicator()
        };
        assert_eq!(i.expected_on(date("2026-06-30")), 30.0);
        assert_eq!(i.expected_on(date("2025-06-30")), 20.0);
        assert_eq!(i.expected_on(date("2027-06-30")), 80.0);
        // 30 on 30 June is what the milestone asked: on track (without it, off track).
        assert_eq!(i.status(Some((date("2026-06-30"), 30.0))), IndicatorStatus::OnTrack);
        assert_eq!(indicator().status(Some((date("2026-06-30"), 30.0))), IndicatorStatus::OffTrack);
        // Half-way from the milestone to the target (day 92 of 184): 55 expected.
        assert_eq!(i.expected_on(date("2026-09-30")), 30.0 + 50.0 * 92.0 / 184.0);
    }

    #[test]
    fn an_unknown_baseline_is_not_a_baseline_of_zero() {
        let i = Indicator {
            baseline: 0.0,
            baseline_unknown: true,
            milestones: vec![Milestone { id: "m".into(), on: Some(date("2026-06-30")), value: 40.0 }],
            ..indicator()
        };
        // With a baseline of 0, 10 in March would be far behind; unknown, it
        // says nothing until a milestone is due.
        assert_eq!(i.status(Some((date("2026-03-31"), 10.0))), IndicatorStatus::OnTrack);
        assert_eq!(i.status(Some((date("2026-07-31"), 35.0))), IndicatorStatus::AtRisk);
        assert_eq!(i.status(Some((date("2026-07-31"), 45.0))), IndicatorStatus::OnTrack);
        assert_eq!(i.status(Some((date("2026-10-31"), 80.0))), IndicatorStatus::Achieved);
        assert_eq!(i.status(Some((date("2027-01-31"), 70.0))), IndicatorStatus::OffTrack);
    }

    #[test]
    fn documents_written_before_the_results_matrix_read_as_they_did() {
        // An indicator and an activity as stored before these fields existed.
        let old = serde_json::json!({
            "id": "i", "name": "Officers trained", "unit": "", "direction": "increase",
            "baseline": 12.0, "baseline_on": null, "target": 40.0, "target_on": null,
            "means_of_verification": "", "assumptions": ""
        });
        let i: Indicator = serde_json::from_value(old).expect("old indicator");
        assert!(!i.baseline_unknown && i.milestones.is_empty() && i.frequency.is_none());
        assert_eq!(i.baseline, 12.0);
        let a: Activity = serde_json::from_value(serde_json::json!({"id": "a", "title": "T", "budget": 900.0}))
            .expect("old activity");
        assert_eq!(a.cost(), 900.0);
    }
}
