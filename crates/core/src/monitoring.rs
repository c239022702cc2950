//! Phases 4 and 5: the monitoring document of a plan for a reporting period —
//! activity progress, indicator measurements, training events with Kirkpatrick
//! results and disaggregated participants, implementation issues and lessons.
//!
//! Document schema: changing field names breaks documents in the field.

use crate::Date;
use crate::error::Problems;
use crate::vocabulary::{ActivityStatus, AgeGroup, Criterion, Severity, Sex};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Monitoring {
    pub title: String,
    pub plan_id: String,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub progress: Vec<ProgressUpdate>,
    pub measurements: Vec<Measurement>,
    pub trainings: Vec<Training>,
    pub issues: Vec<Issue>,
    pub lessons: Vec<Lesson>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct ProgressUpdate {
    pub id: String,
    pub activity_id: String,
    pub date: Option<Date>,
    pub status: ActivityStatus,
    pub percent_complete: f64,
    /// Cumulative spend on the activity as of this update.
    pub spent: f64,
    pub narrative: String,
    pub outputs_delivered: String,
}

impl Default for ProgressUpdate {
    fn default() -> ProgressUpdate {
        ProgressUpdate {
            id: String::new(),
            activity_id: String::new(),
            date: None,
            status: ActivityStatus::InProgress,
            percent_complete: 0.0,
            spent: 0.0,
            narrative: String::new(),
            outputs_delivered: String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Measurement {
    pub id: String,
    pub indicator_id: String,
    pub date: Option<Date>,
    pub value: f64,
    pub source: String,
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Training {
    pub id: String,
    pub activity_id: Option<String>,
    pub title: String,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    pub location: String,
    pub participants: Vec<ParticipantGroup>,
    pub kirkpatrick: Kirkpatrick,
    pub notes: String,
}

/// A count of participants sharing sex, age group and institution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct ParticipantGroup {
    pub id: String,
    pub institution: String,
    pub sex: Sex,
    pub age_group: AgeGroup,
    pub count: u32,
}

impl Default for ParticipantGroup {
    fn default() -> ParticipantGroup {
        ParticipantGroup {
            id: String::new(),
            institution: String::new(),
            sex: Sex::NotRecorded,
            age_group: AgeGroup::NotRecorded,
            count: 0,
        }
    }
}

/// Results of a training on Kirkpatrick's four levels.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Kirkpatrick {
    /// Level 1: mean satisfaction, 1–5.
    pub reaction: Option<f64>,
    /// Level 2: mean pre- and post-test scores, percent.
    pub pre_test: Option<f64>,
    pub post_test: Option<f64>,
    /// Level 3: use on the job, observed some months later.
    pub behaviour_notes: String,
    /// Level 4: results for the organisation.
    pub results_notes: String,
}

impl Kirkpatrick {
    /// Learning gain in percentage points, when both tests were run.
    pub fn learning_gain(&self) -> Option<f64> {
        self.pre_test.zip(self.post_test).map(|(pre, post)| post - pre)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Issue {
    pub id: String,
    pub date: Option<Date>,
    pub description: String,
    pub severity: Severity,
    pub action: String,
    pub resolved: bool,
}

impl Default for Issue {
    fn default() -> Issue {
        Issue {
            id: String::new(),
            date: None,
            description: String::new(),
            severity: Severity::Medium,
            action: String::new(),
            resolved: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Lesson {
    pub id: String,
    pub date: Option<Date>,
    pub criterion: Option<Criterion>,
    pub lesson: String,
}

/// Participants of a training, in total and disaggregated by sex and by age
/// group: the one rule behind the training pages, the report and the exports.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Headcount {
    pub total: u32,
    /// Only the sexes recorded at least once.
    pub by_sex: BTreeMap<Sex, u32>,
    /// Only the age groups recorded at least once.
    pub by_age: BTreeMap<AgeGroup, u32>,
}

impl Headcount {
    pub fn of_sex(&self, sex: Sex) -> u32 {
        self.by_sex.get(&sex).copied().unwrap_or(0)
    }

    pub fn of_age(&self, age: AgeGroup) -> u32 {
        self.by_age.get(&age).copied().unwrap_or(0)
    }
}

impl Training {
    pub fn headcount(&self) -> Headcount {
        let mut h = Headcount::default();
        // Saturating: counts come from documents anyone in the workspace wrote.
        for g in &self.participants {
            h.total = h.total.saturating_add(g.count);
            let sex = h.by_sex.entry(g.sex).or_default();
            *sex = sex.saturating_add(g.count);
            let age = h.by_age.entry(g.age_group).or_default();
            *age = age.saturating_add(g.count);
        }
        h
    }
}

impl Monitoring {
    /// The latest measurement of an indicator (by date, then id for a stable tie-break).
    pub fn latest(&self, indicator_id: &str) -> Option<(Date, f64)> {
        self.measurements
            .iter()
            .filter(|m| m.indicator_id == indicator_id)
            .filter_map(|m| m.date.map(|d| (d, m.id.as_str(), m.value)))
            .max_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)))
            .map(|(d, _, v)| (d, v))
    }

    pub(crate) fn check(&self, p: &mut Problems) {
        p.required("title", &self.title);
        p.period("ends_on", self.starts_on, self.ends_on);
        for u in &self.progress {
            let at = format!("progress/{}", u.id);
            p.range(&format!("{at}/percent_complete"), u.percent_complete, 0.0, 100.0);
            p.non_negative(&format!("{at}/spent"), u.spent);
        }
        for t in &self.trainings {
            let at = format!("trainings/{}", t.id);
            p.required(&format!("{at}/title"), &t.title);
            p.period(&format!("{at}/ends_on"), t.starts_on, t.ends_on);
            if let Some(r) = t.kirkpatrick.reaction {
                p.range(&format!("{at}/kirkpatrick/reaction"), r, 1.0, 5.0);
            }
            for (name, v) in [("pre_test", t.kirkpatrick.pre_test), ("post_test", t.kirkpatrick.post_test)] {
                if let Some(v) = v {
                    p.range(&format!("{at}/kirkpatrick/{name}"), v, 0.0, 100.0);
                }
            }
        }
        for m in &self.measurements {
            if !m.value.is_finite() {
                p.add(format!("measurements/{}/value", m.id), "must be a number");
            }
        }
    }
}

/// The re-assessment's results as measurements of the plan's gap-derived
/// indicators: for each activity that addresses a question of the baseline,
/// its indicators get the question's existing rating now, dated `on`.
/// Results already recorded (same indicator, date and source) are left out,
/// so recording twice adds nothing.
pub fn reassessment_measurements(
    monitoring: &Monitoring,
    plan: &crate::plan::Plan,
    reassessment: &crate::assessment::Assessment,
    reassessment_title: &str,
    on: crate::Date,
) -> Vec<Measurement> {
    let Some(baseline) = reassessment.baseline_id.as_deref() else { return Vec::new() };
    let source = format!("Re-assessment: {reassessment_title}");
    let mut out: Vec<Measurement> = Vec::new();
    for (_, _, activity) in plan.activities() {
        for gap in activity.addresses.iter().filter(|g| g.assessment_id == baseline) {
            let Some(value) = reassessment.responses.get(&gap.question_id).and_then(|r| r.existing) else { continue };
            for indicator in &activity.indicators {
                let known =
                    |m: &Measurement| m.indicator_id == indicator.id && m.date == Some(on) && m.source == source;
                if monitoring.measurements.iter().any(known) || out.iter().any(known) {
                    continue;
                }
                out.push(Measurement {
                    // Named after what it records: recording again finds it.
                    id: format!("reassessed-{}-{on}", indicator.id),
                    indicator_id: indicator.id.clone(),
                    date: Some(on),
                    value: value as f64,
                    source: source.clone(),
                    notes: format!("question {}", gap.question_id),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headcount_and_learning_gain() {
        let g = |sex, age_group, count| ParticipantGroup { sex, age_group, count, ..ParticipantGroup::default() };
        let t = Training {
            participants: vec![
                g(Sex::Female, AgeGroup::Under25, 7),
                g(Sex::Male, AgeGroup::Under25, 11),
                g(Sex::Female, AgeGroup::From40To54, 2),
            ],
            kirkpatrick: Kirkpatrick { pre_test: Some(48.5), post_test: Some(81.0), ..Kirkpatrick::default() },
            ..Training::default()
        };
        let h = t.headcount();
        assert_eq!((h.total, h.of_sex(Sex::Female), h.of_sex(Sex::Male), h.of_sex(Sex::Other)), (20, 9, 11, 0));
        assert_eq!((h.of_age(AgeGroup::Under25), h.of_age(AgeGroup::From40To54)), (18, 2));
        // Only what was recorded is listed.
        assert_eq!(h.by_sex.len(), 2);
        // A hostile count does not overflow.
        let huge = Training { participants: vec![g(Sex::Male, AgeGroup::From55, u32::MAX); 2], ..Training::default() };
        assert_eq!(huge.headcount().total, u32::MAX);
        assert_eq!(t.kirkpatrick.learning_gain(), Some(32.5));
    }
}
