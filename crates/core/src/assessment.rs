//! Phase 2: the assessment document — a frozen template, participants, method,
//! and per question the existing and desired ratings with evidence — and what is
//! computed from it: gaps, averages per dimension, the prioritised gap list and
//! the comparison of a re-assessment with its baseline.
//!
//! Document schema: changing field names breaks documents in the field.

use crate::Date;
use crate::error::Problems;
use crate::template::Template;
use crate::vocabulary::{Confidence, CoreIssue, FunctionalCapacity, Level, Method, Sex, Validation};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Assessment {
    pub title: String,
    /// The template as it was when the assessment started, stored as one JSON
    /// string: it is never edited, so it need not be a mergeable structure.
    #[serde(with = "frozen")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub template: Option<Template>,
    /// The template's texts in other languages (`Template::translations`),
    /// frozen as one JSON string beside it ("" when none). Kept apart and
    /// left unparsed here: every edit reads the assessment into this model,
    /// and the translations are most of the template's bytes.
    pub template_translations: String,
    pub capacity_area_ids: Vec<String>,
    pub method: Method,
    pub entry_level: Option<Level>,
    pub started_on: Option<Date>,
    pub completed_on: Option<Date>,
    /// The assessment this one measures again (a re-assessment), by document id.
    pub baseline_id: Option<String>,
    pub participants: Vec<Participant>,
    /// Ratings by question id. Every question gets an entry when the assessment
    /// starts, so two devices never create the same entry concurrently.
    pub responses: BTreeMap<String, Response>,
    /// A status label kept from before validation was recorded as an act;
    /// read for older documents, no longer set.
    pub validation: Validation,
    pub validated_on: Option<Date>,
    pub validated_by: String,
    pub findings: String,
    /// The partner's validation: who, when, in which meeting, and the
    /// ratings they validated. It stays when the ratings change later; the
    /// assessment then needs validating again ([`Assessment::validation_state`]).
    pub validation_record: Option<ValidationRecord>,
    /// The choices of the design step that shaped `template`, frozen as one
    /// JSON string; none when the template is run whole.
    #[serde(with = "frozen_design")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub design: Option<Box<crate::design::Design>>,
}

mod frozen_design {
    use crate::design::Design;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Option<Box<Design>>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&serde_json::to_string(d).map_err(serde::ser::Error::custom)?),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Box<Design>>, D::Error> {
        match Option::<String>::deserialize(d)? {
            Some(text) if !text.is_empty() => serde_json::from_str(&text).map(Some).map_err(serde::de::Error::custom),
            _ => Ok(None),
        }
    }
}

/// The partner's validation of an assessment, as it happened.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct ValidationRecord {
    /// The person who validated, for the partner.
    pub by: String,
    pub on: Option<Date>,
    /// The meeting it happened in, e.g. "validation workshop, Ministry of Interior".
    pub meeting: String,
    /// The ratings validated, by question id: frozen as one JSON string
    /// (never edited, so it need not be a mergeable structure).
    #[serde(with = "frozen_ratings")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub ratings: BTreeMap<String, ValidatedRating>,
}

/// What a validation holds of one question's response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct ValidatedRating {
    pub existing: Option<i64>,
    pub desired: Option<i64>,
    pub priority: u8,
}

impl From<&Response> for ValidatedRating {
    fn from(r: &Response) -> ValidatedRating {
        ValidatedRating { existing: r.existing, desired: r.desired, priority: r.priority }
    }
}

/// Where an assessment stands with its partner's validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ValidationState {
    NotValidated,
    /// The ratings are as validated.
    Validated,
    /// Ratings changed after the validation: these, from what was validated
    /// to what they are now.
    NeedsRevalidation {
        changes: Vec<RatingChange>,
    },
}

/// One question whose ratings changed since they were validated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RatingChange {
    pub question_id: String,
    pub validated: ValidatedRating,
    pub now: ValidatedRating,
}

mod frozen_ratings {
    use super::ValidatedRating;
    use serde::{Deserialize, Deserializer, Serializer};
    use std::collections::BTreeMap;

    pub fn serialize<S: Serializer>(r: &BTreeMap<String, ValidatedRating>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&serde_json::to_string(r).map_err(serde::ser::Error::custom)?)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, ValidatedRating>, D::Error> {
        let text = Option::<String>::deserialize(d)?.unwrap_or_default();
        if text.is_empty() {
            return Ok(BTreeMap::new());
        }
        serde_json::from_str(&text).map_err(serde::de::Error::custom)
    }
}

impl Default for Assessment {
    fn default() -> Assessment {
        Assessment {
            title: String::new(),
            template: None,
            template_translations: String::new(),
            capacity_area_ids: Vec::new(),
            method: Method::SelfAssessmentWorkshop,
            entry_level: None,
            started_on: None,
            completed_on: None,
            baseline_id: None,
            participants: Vec::new(),
            responses: BTreeMap::new(),
            validation: Validation::Draft,
            validated_on: None,
            validated_by: String::new(),
            findings: String::new(),
            validation_record: None,
            design: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Participant {
    pub id: String,
    pub name: String,
    pub organisation: String,
    pub role: String,
    pub sex: Sex,
}

impl Default for Participant {
    fn default() -> Participant {
        Participant {
            id: String::new(),
            name: String::new(),
            organisation: String::new(),
            role: String::new(),
            sex: Sex::NotRecorded,
        }
    }
}

/// The ratings of one question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Response {
    pub existing: Option<i64>,
    pub desired: Option<i64>,
    pub evidence: String,
    pub confidence: Option<Confidence>,
    /// The partner's priority for closing this gap, 1 (low) to 5 (high).
    pub priority: u8,
    /// What was said about the rating: disagreements, caveats, follow-ups.
    pub comment: String,
}

impl Default for Response {
    fn default() -> Response {
        Response {
            existing: None,
            desired: None,
            evidence: String::new(),
            confidence: None,
            priority: 3,
            comment: String::new(),
        }
    }
}

/// Partner priorities run from 1 to this.
pub const PRIORITY_MAX: u8 = 5;

mod frozen {
    use crate::template::Template;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &Option<Template>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&serde_json::to_string(t).map_err(serde::ser::Error::custom)?),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Template>, D::Error> {
        match Option::<String>::deserialize(d)? {
            Some(text) => serde_json::from_str(&text).map(Some).map_err(serde::de::Error::custom),
            None => Ok(None),
        }
    }
}

/// One question's gap, with its dimensions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QuestionGap {
    pub question_id: String,
    pub section_id: String,
    pub level: Option<Level>,
    pub core_issue: Option<CoreIssue>,
    pub functional_capacity: Option<FunctionalCapacity>,
    pub existing: Option<i64>,
    pub desired: Option<i64>,
    /// desired − existing, when both are rated.
    pub gap: Option<i64>,
    pub priority: u8,
}

impl QuestionGap {
    /// Gap × partner priority: the order in which gaps are addressed.
    pub fn weight(&self) -> Option<i64> {
        self.gap.map(|g| g.saturating_mul(i64::from(self.priority)))
    }
}

/// A dimension along which ratings are averaged.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Dimension {
    Section { section: String },
    FunctionalCapacity { functional_capacity: FunctionalCapacity },
    LevelCoreIssue { level: Level, core_issue: CoreIssue },
}

/// Averages over the questions of one dimension that have ratings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DimensionScore {
    pub dimension: Dimension,
    pub existing: Option<f64>,
    pub desired: Option<f64>,
    pub gap: Option<f64>,
    /// Questions with both ratings, out of `questions`.
    pub rated: usize,
    pub questions: usize,
}

/// Change of one dimension between a baseline and a re-assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DimensionChange {
    pub dimension: Dimension,
    /// The baseline's existing-capacity average.
    pub baseline: Option<f64>,
    /// The baseline's desired-capacity average: where the partner meant to get.
    pub baseline_desired: Option<f64>,
    /// The re-assessment's existing-capacity average.
    pub current: Option<f64>,
    /// current − baseline of the existing-capacity average.
    pub change: Option<f64>,
    /// The share of the baseline's gap closed since, from 0 (none) to 1
    /// (all; above 1 when the desired level was passed, below 0 when
    /// capacity fell). None where the baseline had no gap to close.
    pub gap_closed: Option<f64>,
}

impl Assessment {
    /// The frozen template with its translations: the whole instrument.
    pub fn instrument(&self) -> Option<Template> {
        let mut t = self.template.clone()?;
        if !self.template_translations.is_empty() {
            t.translations = serde_json::from_str(&self.template_translations).unwrap_or_default();
        }
        Some(t)
    }

    /// The validation to record now: the current ratings, validated by `by`
    /// on `on` in `meeting`.
    pub fn validate(&self, by: &str, on: Date, meeting: &str) -> ValidationRecord {
        ValidationRecord {
            by: by.to_owned(),
            on: Some(on),
            meeting: meeting.to_owned(),
            ratings: self.responses.iter().map(|(id, r)| (id.clone(), ValidatedRating::from(r))).collect(),
        }
    }

    /// Whether the partner validated these ratings, and what changed since.
    pub fn validation_state(&self) -> ValidationState {
        let Some(record) = &self.validation_record else { return ValidationState::NotValidated };
        let none = ValidatedRating { priority: Response::default().priority, ..ValidatedRating::default() };
        let ids: std::collections::BTreeSet<&String> = record.ratings.keys().chain(self.responses.keys()).collect();
        let changes: Vec<RatingChange> = ids
            .into_iter()
            .filter_map(|id| {
                let validated = record.ratings.get(id).copied().unwrap_or(none);
                let now = self.responses.get(id).map(ValidatedRating::from).unwrap_or(none);
                (validated != now).then(|| RatingChange { question_id: id.clone(), validated, now })
            })
            .collect();
        if changes.is_empty() { ValidationState::Validated } else { ValidationState::NeedsRevalidation { changes } }
    }

    /// A new assessment from a template, with an empty entry for every question.
    pub fn start(title: &str, template: &Template) -> Assessment {
        let mut frozen = template.clone();
        let translations = std::mem::take(&mut frozen.translations);
        Assessment {
            title: title.to_owned(),
            template_translations: if translations.is_empty() {
                String::new()
            } else {
                serde_json::to_string(&translations).unwrap_or_default()
            },
            template: Some(frozen),
            responses: template.questions().map(|(_, q)| (q.id.clone(), Response::default())).collect(),
            ..Assessment::default()
        }
    }

    /// Every question of the template with its ratings and gap, in template order.
    pub fn gaps(&self) -> Vec<QuestionGap> {
        let Some(template) = &self.template else {
            return Vec::new();
        };
        template
            .questions()
            .map(|(section, q)| {
                let r = self.responses.get(&q.id).cloned().unwrap_or_default();
                QuestionGap {
                    question_id: q.id.clone(),
                    section_id: section.id.clone(),
                    level: q.level,
                    core_issue: q.core_issue,
                    functional_capacity: q.functional_capacity,
                    existing: r.existing,
                    desired: r.desired,
                    gap: r.existing.zip(r.desired).map(|(e, d)| d.saturating_sub(e)),
                    priority: r.priority,
                }
            })
            .collect()
    }

    /// Positive gaps, largest gap × partner priority first (ties: larger gap,
    /// then template order).
    pub fn prioritised_gaps(&self) -> Vec<QuestionGap> {
        let mut gaps: Vec<QuestionGap> = self.gaps().into_iter().filter(|g| g.gap.is_some_and(|g| g > 0)).collect();
        // A stable sort keeps template order among equals.
        gaps.sort_by(|a, b| b.weight().cmp(&a.weight()).then(b.gap.cmp(&a.gap)));
        gaps
    }

    /// Averages per template section, per functional capacity, and per level ×
    /// core issue. Following the UNDP roll-up, a level × core issue cell is the
    /// mean of its functional-capacity averages, not of its questions directly.
    pub fn averages(&self) -> Vec<DimensionScore> {
        let gaps = self.gaps();
        let mut out = Vec::new();
        let mut sections: Vec<&str> = Vec::new();
        for g in &gaps {
            if !sections.contains(&g.section_id.as_str()) {
                sections.push(&g.section_id);
            }
        }
        for s in sections {
            let members: Vec<&QuestionGap> = gaps.iter().filter(|g| g.section_id == s).collect();
            out.push(score(Dimension::Section { section: s.to_owned() }, &members));
        }
        for &fc in FunctionalCapacity::ALL {
            let members: Vec<&QuestionGap> = gaps.iter().filter(|g| g.functional_capacity == Some(fc)).collect();
            if !members.is_empty() {
                out.push(score(Dimension::FunctionalCapacity { functional_capacity: fc }, &members));
            }
        }
        for &level in Level::ALL {
            for &ci in CoreIssue::ALL {
                let cell: Vec<&QuestionGap> =
                    gaps.iter().filter(|g| g.level == Some(level) && g.core_issue == Some(ci)).collect();
                if cell.is_empty() {
                    continue;
                }
                // Questions without a functional capacity form their own group.
                let mut groups: BTreeMap<Option<FunctionalCapacity>, Vec<&QuestionGap>> = BTreeMap::new();
                for g in &cell {
                    groups.entry(g.functional_capacity).or_default().push(g);
                }
                let subs: Vec<DimensionScore> =
                    groups.values().map(|m| score(Dimension::Section { section: String::new() }, m)).collect();
                out.push(DimensionScore {
                    dimension: Dimension::LevelCoreIssue { level, core_issue: ci },
                    existing: mean(subs.iter().filter_map(|s| s.existing)),
                    desired: mean(subs.iter().filter_map(|s| s.desired)),
                    gap: mean(subs.iter().filter_map(|s| s.gap)),
                    rated: subs.iter().map(|s| s.rated).sum(),
                    questions: cell.len(),
                });
            }
        }
        out
    }

    /// The change of existing capacity per dimension against a baseline
    /// assessment (normally run with the same template).
    ///
    /// Like for like only: both must run the same instrument (template id
    /// and version), or the figures would compare different questions.
    pub fn compare_with(&self, baseline: &Assessment) -> Result<Vec<DimensionChange>, String> {
        let instrument = |a: &Assessment| a.template.as_ref().map(|t| (t.id.clone(), t.version));
        if instrument(self) != instrument(baseline) {
            let name = |a: &Assessment| {
                instrument(a).map_or_else(|| "no template".to_owned(), |(id, v)| format!("`{id}` version {v}"))
            };
            return Err(format!(
                "this re-assessment runs {} but its baseline ran {}: only the same instrument compares like for like",
                name(self),
                name(baseline)
            ));
        }
        let before = baseline.averages();
        Ok(self
            .averages()
            .into_iter()
            .map(|now| {
                let then = before.iter().find(|b| b.dimension == now.dimension);
                let (existing, desired) = (then.and_then(|b| b.existing), then.and_then(|b| b.desired));
                let change = now.existing.zip(existing).map(|(n, t)| n - t);
                let gap = existing.zip(desired).map(|(e, d)| d - e).filter(|g| *g > 0.0);
                DimensionChange {
                    gap_closed: change.zip(gap).map(|(c, g)| c / g),
                    change,
                    dimension: now.dimension,
                    baseline: existing,
                    baseline_desired: desired,
                    current: now.existing,
                }
            })
            .collect())
    }

    /// A re-assessment of `baseline` (document `baseline_id`): the same
    /// frozen instrument (questions, scale, translations), method and
    /// entry level, linked to the same capacity areas; every rating starts
    /// afresh, for the partner to give again.
    pub fn reassess(baseline: &Assessment, baseline_id: &str, title: &str) -> Result<Assessment, String> {
        let template = baseline.instrument().ok_or("the baseline has no instrument to run again")?;
        let template = &template;
        Ok(Assessment {
            method: baseline.method,
            entry_level: baseline.entry_level,
            capacity_area_ids: baseline.capacity_area_ids.clone(),
            baseline_id: Some(baseline_id.to_owned()),
            ..Assessment::start(title, template)
        })
    }

    pub(crate) fn check(&self, p: &mut Problems) {
        p.required("title", &self.title);
        p.period("completed_on", self.started_on, self.completed_on);
        let Some(template) = &self.template else {
            p.add("template", "an assessment needs a template");
            return;
        };
        for (qid, r) in &self.responses {
            let at = format!("responses/{qid}");
            if template.question(qid).is_none() {
                p.add(&at, format!("the template `{}` has no question `{qid}`", template.id));
            }
            for (name, value) in [("existing", r.existing), ("desired", r.desired)] {
                if let Some(v) = value
                    && !template.scale.contains(v)
                {
                    p.add(
                        format!("{at}/{name}"),
                        format!("{v} is not on this assessment's scale; use {}", template.scale.allowed()),
                    );
                }
            }
            p.range(&format!("{at}/priority"), f64::from(r.priority), 1.0, f64::from(PRIORITY_MAX));
        }
    }
}

fn score(dimension: Dimension, members: &[&QuestionGap]) -> DimensionScore {
    DimensionScore {
        dimension,
        existing: mean(members.iter().filter_map(|g| g.existing).map(|v| v as f64)),
        desired: mean(members.iter().filter_map(|g| g.desired).map(|v| v as f64)),
        gap: mean(members.iter().filter_map(|g| g.gap).map(|v| v as f64)),
        rated: members.iter().filter(|g| g.gap.is_some()).count(),
        questions: members.len(),
    }
}

pub(crate) fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::Template;

    /// Four questions in one level × core issue cell: two on engaging stakeholders,
    /// one on evaluation, one with no functional capacity.
    fn template() -> Template {
        let q = |id: &str, fc: Option<&str>| {
            let fc = fc.map(|f| format!(r#","functional_capacity":"{f}""#)).unwrap_or_default();
            format!(r#"{{"id":"{id}","text":"Q {id}","level":"organisation","core_issue":"leadership"{fc}}}"#)
        };
        let text = format!(
            r#"{{"id":"t","version":1,"title":"T","description":"d",
            "scale":{{"points":[{{"value":1,"label":"a","descriptor":""}},{{"value":2,"label":"b","descriptor":""}},{{"value":3,"label":"c","descriptor":""}},{{"value":4,"label":"d","descriptor":""}},{{"value":5,"label":"e","descriptor":""}}]}},
            "sections":[{{"id":"s1","title":"S1","questions":[{},{}]}},{{"id":"s2","title":"S2","questions":[{},{}]}}]}}"#,
            q("q1", Some("engage_stakeholders")),
            q("q2", Some("engage_stakeholders")),
            q("q3", Some("evaluate")),
            q("q4", None)
        );
        Template::parse("t.json", &text).expect("test template is valid")
    }

    fn rate(a: &mut Assessment, q: &str, existing: i64, desired: i64, priority: u8) {
        let r = a.responses.get_mut(q).expect("question exists");
        r.existing = Some(existing);
        r.desired = Some(desired);
        r.priority = priority;
    }

    #[test]
    fn gaps_averages_and_priorities_match_hand_worked_numbers() {
        let mut a = Assessment::start("Baseline", &template());
        rate(&mut a, "q1", 1, 4, 2); // gap 3, weight 6
        rate(&mut a, "q2", 2, 4, 5); // gap 2, weight 10
        rate(&mut a, "q3", 3, 5, 3); // gap 2, weight 6
        // q4 left unrated.

        let gaps = a.gaps();
        assert_eq!(gaps.iter().map(|g| g.gap).collect::<Vec<_>>(), vec![Some(3), Some(2), Some(2), None]);

        let order: Vec<_> = a.prioritised_gaps().iter().map(|g| g.question_id.clone()).collect();
        // q2 weighs 10; q1 and q3 both weigh 6, q1 has the larger gap.
        assert_eq!(order, vec!["q2", "q1", "q3"]);

        let avg = a.averages();
        let find = |d: Dimension| avg.iter().find(|s| s.dimension == d).expect("dimension present").clone();
        let s1 = find(Dimension::Section { section: "s1".into() });
        assert_eq!((s1.existing, s1.desired, s1.gap), (Some(1.5), Some(4.0), Some(2.5)));
        let s2 = find(Dimension::Section { section: "s2".into() });
        assert_eq!((s2.existing, s2.rated, s2.questions), (Some(3.0), 1, 2));
        let engage =
            find(Dimension::FunctionalCapacity { functional_capacity: FunctionalCapacity::EngageStakeholders });
        assert_eq!(engage.existing, Some(1.5));
        // Cell = mean of FC averages: existing (1.5 + 3) / 2 = 2.25, not (1+2+3)/3 = 2.
        let cell = find(Dimension::LevelCoreIssue { level: Level::Organisation, core_issue: CoreIssue::Leadership });
        assert_eq!(cell.existing, Some(2.25));
        assert_eq!(cell.desired, Some(4.5)); // (4 + 5) / 2
        assert_eq!(cell.gap, Some(2.25)); // (2.5 + 2) / 2
        assert_eq!((cell.rated, cell.questions), (3, 4));
    }

    #[test]
    fn reassessment_shows_change_per_dimension() {
        let mut baseline = Assessment::start("Baseline", &template());
        rate(&mut baseline, "q1", 1, 4, 3);
        rate(&mut baseline, "q2", 2, 4, 3);
        let mut again = Assessment::start("Twelve months on", &template());
        rate(&mut again, "q1", 3, 4, 3);
        rate(&mut again, "q2", 4, 4, 3);
        rate(&mut again, "q3", 2, 4, 3);
        let changes = again.compare_with(&baseline).expect("the same instrument");
        let s1 = changes.iter().find(|c| c.dimension == Dimension::Section { section: "s1".into() }).expect("s1");
        assert_eq!((s1.baseline, s1.current, s1.change), (Some(1.5), Some(3.5), Some(2.0)));
        // From 1.5 towards 4: a gap of 2.5, of which 2 closed.
        assert_eq!((s1.baseline_desired, s1.gap_closed), (Some(4.0), Some(0.8)));
        let s2 = changes.iter().find(|c| c.dimension == Dimension::Section { section: "s2".into() }).expect("s2");
        assert_eq!((s2.baseline, s2.current, s2.change), (None, Some(2.0), None), "no baseline rating, no change");
    }

    #[test]
    fn a_reassessment_runs_the_baselines_own_instrument_and_compares_only_with_it() {
        let mut baseline = Assessment::start("Baseline", &template());
        baseline.capacity_area_ids = vec!["ca1".into()];
        rate(&mut baseline, "q1", 1, 4, 5);
        // The template shipped later may differ: the re-assessment keeps the baseline's.
        let again = Assessment::reassess(&baseline, "base", "One year on").expect("reassess");
        assert_eq!(again.template, baseline.template);
        assert_eq!((again.baseline_id.as_deref(), again.capacity_area_ids.clone()), (Some("base"), vec!["ca1".into()]));
        assert!(again.responses.values().all(|r| r.existing.is_none()), "rated afresh");

        let mut other = template();
        other.version += 1;
        let newer = Assessment::start("Newer", &other);
        let err = newer.compare_with(&baseline).expect_err("another version");
        assert!(err.contains("version 2") && err.contains("version 1"), "{err}");
    }

    #[test]
    fn scores_off_the_scale_are_reported() {
        let mut a = Assessment::start("A", &template());
        rate(&mut a, "q1", 0, 6, 9);
        let mut p = Problems::default();
        a.check(&mut p);
        let fields: Vec<_> = p.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["responses/q1/existing", "responses/q1/desired", "responses/q1/priority"]);
        assert!(p.0[0].message.contains("1, 2, 3, 4 or 5"), "{}", p.0[0].message);
    }

    #[test]
    fn a_validation_stays_and_says_what_changed_since() {
        let mut a = Assessment::start("A", &template());
        rate(&mut a, "q1", 2, 4, 5);
        assert_eq!(a.validation_state(), ValidationState::NotValidated);
        let on = crate::Date::parse("2026-11-30").expect("date");
        a.validation_record = Some(a.validate("Mme Diallo", on, "validation workshop"));
        assert_eq!(a.validation_state(), ValidationState::Validated);

        // A record that went through a document (its ratings frozen as text) reads back the same.
        let json = serde_json::to_value(&a).expect("json");
        assert!(json["validation_record"]["ratings"].is_string());
        let back: Assessment = serde_json::from_value(json).expect("back");
        assert_eq!(back.validation_record, a.validation_record);

        // Evidence and comments do not need validating again; ratings do.
        a.responses.get_mut("q1").expect("q1").evidence = "minutes of the meeting".into();
        assert_eq!(a.validation_state(), ValidationState::Validated);
        rate(&mut a, "q1", 3, 4, 5);
        let ValidationState::NeedsRevalidation { changes } = a.validation_state() else { panic!("needs validating") };
        assert_eq!(changes.len(), 1);
        assert_eq!(
            (changes[0].question_id.as_str(), changes[0].validated.existing, changes[0].now.existing),
            ("q1", Some(2), Some(3))
        );
        assert!(a.validation_record.is_some(), "the validation stays on record");
    }
}
