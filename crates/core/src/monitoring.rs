//! Phases 4 and 5: the monitoring document of a plan for a reporting period —
//! activity progress, indicator measurements, training events with Kirkpatrick
//! results and disaggregated participants, implementation issues and lessons.
//!
//! Document schema: changing field names breaks documents in the field.

use crate::Date;
use crate::error::Problems;
use crate::vocabulary::{
    ActivityStatus, AgeGroup, Area, Criterion, EvaluationType, Rating, ResponseStatus, RiskStatus, Severity, Sex,
};
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
    /// The plan's risks as reviewed in this period.
    pub risk_reviews: Vec<RiskReview>,
    /// Evaluations of the plan made in this period.
    pub evaluations: Vec<Evaluation>,
}

/// An evaluation of the plan: who made it, how it rates the plan on each
/// OECD-DAC criterion and on what evidence, what it found and recommends,
/// and how management answers each recommendation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Evaluation {
    pub id: String,
    pub title: String,
    #[serde(rename = "type")]
    pub evaluation_type: EvaluationType,
    pub evaluator: String,
    pub date: Option<Date>,
    pub ratings: Vec<CriterionRating>,
    pub findings: String,
    pub recommendations: Vec<Recommendation>,
}

impl Default for Evaluation {
    fn default() -> Evaluation {
        Evaluation {
            id: String::new(),
            title: String::new(),
            evaluation_type: EvaluationType::MidTerm,
            evaluator: String::new(),
            date: None,
            ratings: Vec::new(),
            findings: String::new(),
            recommendations: Vec::new(),
        }
    }
}

/// The four points evaluators rate a criterion on: 1 unsatisfactory to 4
/// highly satisfactory.
pub const CRITERION_RATING_MAX: u8 = 4;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct CriterionRating {
    pub id: String,
    pub criterion: Criterion,
    /// 1–[`CRITERION_RATING_MAX`]; `None` when not rated.
    pub rating: Option<u8>,
    pub evidence: String,
}

impl Default for CriterionRating {
    fn default() -> CriterionRating {
        CriterionRating { id: String::new(), criterion: Criterion::Relevance, rating: None, evidence: String::new() }
    }
}

/// A recommendation and management's response to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Recommendation {
    pub id: String,
    pub text: String,
    pub response: String,
    pub owner: String,
    pub due_on: Option<Date>,
    pub status: ResponseStatus,
}

impl Default for Recommendation {
    fn default() -> Recommendation {
        Recommendation {
            id: String::new(),
            text: String::new(),
            response: String::new(),
            owner: String::new(),
            due_on: None,
            status: ResponseStatus::Planned,
        }
    }
}

/// A risk of the plan looked at again: how likely and how bad it is now,
/// whether it happened, and what is being done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct RiskReview {
    pub id: String,
    pub risk_id: String,
    pub date: Option<Date>,
    pub likelihood: Rating,
    pub impact: Rating,
    pub status: RiskStatus,
    pub action: String,
}

impl Default for RiskReview {
    fn default() -> RiskReview {
        RiskReview {
            id: String::new(),
            risk_id: String::new(),
            date: None,
            likelihood: Rating::Medium,
            impact: Rating::Medium,
            status: RiskStatus::Open,
            action: String::new(),
        }
    }
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
    /// The training-evaluation assessment made of this training, if any:
    /// judged with the training, never ranked as a capacity gap.
    pub evaluation_id: Option<String>,
    /// A training of trainers: how many of the participants now train
    /// others, and how many people they have trained since.
    pub trainers: u32,
    pub trained_by_trainers: u32,
}

/// A count of participants sharing sex, age group and institution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct ParticipantGroup {
    pub id: String,
    /// The institution as written; with `stakeholder_id`, the register's name.
    pub institution: String,
    /// The institution in the engagement's stakeholder register.
    pub stakeholder_id: Option<String>,
    pub sex: Sex,
    pub age_group: AgeGroup,
    pub count: u32,
    /// The group's mean pre- and post-test scores, percent, when recorded
    /// per group: the learning gain by sex, age and institution.
    pub pre_test: Option<f64>,
    pub post_test: Option<f64>,
}

impl Default for ParticipantGroup {
    fn default() -> ParticipantGroup {
        ParticipantGroup {
            id: String::new(),
            institution: String::new(),
            stakeholder_id: None,
            sex: Sex::NotRecorded,
            age_group: AgeGroup::NotRecorded,
            count: 0,
            pre_test: None,
            post_test: None,
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
    /// When the level-3 follow-up is due (three to six months after).
    pub follow_up_on: Option<Date>,
    /// At the follow-up: participants reached, and those of them applying
    /// what they learnt on the job.
    pub followed_up: Option<u32>,
    pub applying: Option<u32>,
}

impl Kirkpatrick {
    /// Learning gain in percentage points, when both tests were run.
    pub fn learning_gain(&self) -> Option<f64> {
        self.pre_test.zip(self.post_test).map(|(pre, post)| post - pre)
    }

    /// Share of the participants followed up who apply what they learnt.
    pub fn applying_share(&self) -> Option<f64> {
        match (self.followed_up, self.applying) {
            (Some(n), Some(a)) if n > 0 => Some(f64::from(a.min(n)) / f64::from(n)),
            _ => None,
        }
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
    /// The phase (1–5) it was learnt in, to find it again.
    pub phase: Option<u8>,
    /// The migration-management area it speaks of.
    pub area: Option<Area>,
}

/// The most people one group of participants (or a cascade) may count: far
/// above any training, low enough that a country's totals stay true sums.
pub const MAX_PEOPLE: f64 = 100_000.0;

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

/// Test scores of the participants sharing one value of a disaggregation
/// key, weighted by each group's size.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Learning {
    /// Participants in groups with both scores.
    pub participants: u32,
    pub pre_test: f64,
    pub post_test: f64,
    pub gain: f64,
}

impl Training {
    /// Mean pre- and post-test scores by sex, age group or institution (by
    /// code, or the institution's name), over the groups that recorded both.
    pub fn learning_by(&self, by: crate::vocabulary::Disaggregation) -> BTreeMap<String, Learning> {
        use crate::vocabulary::Disaggregation;
        let mut sums: BTreeMap<String, (f64, f64, f64)> = BTreeMap::new();
        for g in &self.participants {
            let (Some(pre), Some(post)) = (g.pre_test, g.post_test) else { continue };
            if g.count == 0 {
                continue;
            }
            let key = match by {
                Disaggregation::Sex => g.sex.code(),
                Disaggregation::AgeGroup => g.age_group.code(),
                Disaggregation::Institution => g.institution.trim().to_owned(),
            };
            let n = f64::from(g.count);
            let e = sums.entry(key).or_default();
            *e = (e.0 + n, e.1 + pre * n, e.2 + post * n);
        }
        sums.into_iter()
            .map(|(k, (n, pre, post))| {
                let (pre, post) = (pre / n, post / n);
                (k, Learning { participants: n as u32, pre_test: pre, post_test: post, gain: post - pre })
            })
            .collect()
    }

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
            if let (Some(n), Some(a)) = (t.kirkpatrick.followed_up, t.kirkpatrick.applying)
                && a > n
            {
                p.add(format!("{at}/kirkpatrick/applying"), format!("cannot be more than the {n} followed up"));
            }
            for (name, n) in [("trainers", t.trainers), ("trained_by_trainers", t.trained_by_trainers)] {
                p.range(&format!("{at}/{name}"), f64::from(n), 0.0, MAX_PEOPLE);
            }
            for g in &t.participants {
                p.range(&format!("{at}/participants/{}/count", g.id), f64::from(g.count), 0.0, MAX_PEOPLE);
                for (name, v) in [("pre_test", g.pre_test), ("post_test", g.post_test)] {
                    if let Some(v) = v {
                        p.range(&format!("{at}/participants/{}/{name}", g.id), v, 0.0, 100.0);
                    }
                }
            }
        }
        for l in &self.lessons {
            if let Some(phase) = l.phase {
                p.range(&format!("lessons/{}/phase", l.id), f64::from(phase), 1.0, 5.0);
            }
        }
        for e in &self.evaluations {
            let at = format!("evaluations/{}", e.id);
            for r in &e.ratings {
                if let Some(v) = r.rating {
                    p.range(
                        &format!("{at}/ratings/{}/rating", r.id),
                        f64::from(v),
                        1.0,
                        f64::from(CRITERION_RATING_MAX),
                    );
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

    #[test]
    fn learning_is_weighted_by_group_size_and_broken_down() {
        use crate::vocabulary::Disaggregation;
        let g = |sex, institution: &str, count, pre, post| ParticipantGroup {
            sex,
            institution: institution.into(),
            count,
            pre_test: Some(pre),
            post_test: Some(post),
            ..ParticipantGroup::default()
        };
        let t = Training {
            participants: vec![
                g(Sex::Female, "Police", 10, 40.0, 80.0),
                g(Sex::Female, "Immigration", 5, 70.0, 85.0),
                g(Sex::Male, "Police", 5, 50.0, 60.0),
                // No scores: counted in the headcount, not in the learning.
                ParticipantGroup { sex: Sex::Male, count: 7, ..ParticipantGroup::default() },
            ],
            ..Training::default()
        };
        let by_sex = t.learning_by(Disaggregation::Sex);
        // Women: (10×40 + 5×70) / 15 = 50 before, (10×80 + 5×85) / 15 = 81.67 after.
        let women = &by_sex["female"];
        assert_eq!(women.participants, 15);
        assert!((women.pre_test - 50.0).abs() < 1e-9 && (women.post_test - 1_225.0 / 15.0).abs() < 1e-9);
        assert_eq!(by_sex["male"].participants, 5);
        let by_institution = t.learning_by(Disaggregation::Institution);
        assert_eq!(
            by_institution["Police"].gain,
            (10.0 * 80.0 + 5.0 * 60.0) / 15.0 - (10.0 * 40.0 + 5.0 * 50.0) / 15.0
        );
        let k = Kirkpatrick { followed_up: Some(12), applying: Some(9), ..Kirkpatrick::default() };
        assert_eq!(k.applying_share(), Some(0.75));
    }

    #[test]
    fn hostile_values_in_the_new_records_are_refused() {
        let m = Monitoring {
            title: "M".into(),
            trainings: vec![Training {
                id: "t".into(),
                title: "T".into(),
                trainers: u32::MAX,
                participants: vec![ParticipantGroup {
                    id: "g".into(),
                    count: u32::MAX,
                    pre_test: Some(f64::NAN),
                    ..ParticipantGroup::default()
                }],
                kirkpatrick: Kirkpatrick { followed_up: Some(3), applying: Some(9), ..Kirkpatrick::default() },
                ..Training::default()
            }],
            lessons: vec![Lesson { id: "l".into(), phase: Some(9), ..Lesson::default() }],
            evaluations: vec![Evaluation {
                id: "e".into(),
                ratings: vec![CriterionRating { id: "r".into(), rating: Some(0), ..CriterionRating::default() }],
                ..Evaluation::default()
            }],
            ..Monitoring::default()
        };
        let fields: Vec<String> = crate::Content::Monitoring(m).problems().into_iter().map(|p| p.field).collect();
        for field in [
            "trainings/t/trainers",
            "trainings/t/participants/g/count",
            "trainings/t/participants/g/pre_test",
            "trainings/t/kirkpatrick/applying",
            "lessons/l/phase",
            "evaluations/e/ratings/r/rating",
        ] {
            assert!(fields.iter().any(|f| f == field), "{field} not refused: {fields:?}");
        }
    }
}
