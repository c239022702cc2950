//! Projections: the plain rows derived from a document for lists, dashboards and
//! full-text search. The store keeps them in tables updated in the same
//! transaction as the change; they can always be rebuilt from the documents.

use crate::document::Content;
use crate::vocabulary::code_of;
use serde::{Deserialize, Serialize};

/// Every row one document contributes.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Rows {
    pub title: String,
    pub stakeholders: Vec<StakeholderRow>,
    pub questions: Vec<QuestionRow>,
    pub activities: Vec<ActivityRow>,
    pub indicators: Vec<IndicatorRow>,
    pub measurements: Vec<MeasurementRow>,
    pub search: Vec<SearchRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StakeholderRow {
    pub id: String,
    pub name: String,
    pub stakeholder_type: String,
    pub power: i64,
    pub interest: i64,
    pub stance: String,
    pub quadrant: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct QuestionRow {
    pub question_id: String,
    pub section_id: String,
    pub level: Option<String>,
    pub core_issue: Option<String>,
    pub functional_capacity: Option<String>,
    pub existing: Option<i64>,
    pub desired: Option<i64>,
    pub gap: Option<i64>,
    pub priority: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ActivityRow {
    pub id: String,
    pub outcome_id: String,
    pub output_id: String,
    pub title: String,
    pub activity_type: String,
    pub status: String,
    pub budget: f64,
    pub owner: String,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IndicatorRow {
    pub id: String,
    pub result_id: String,
    pub name: String,
    pub baseline: f64,
    pub target: f64,
    pub target_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MeasurementRow {
    pub id: String,
    pub indicator_id: String,
    pub date: Option<String>,
    pub value: f64,
}

/// A piece of text to find with full-text search, and the item it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchRow {
    pub item_id: String,
    pub title: String,
    pub body: String,
}

fn search(item_id: &str, title: &str, parts: &[&str]) -> Option<SearchRow> {
    let body = parts.iter().filter(|p| !p.trim().is_empty()).copied().collect::<Vec<_>>().join("\n");
    (!body.is_empty() || !title.is_empty()).then(|| SearchRow {
        item_id: item_id.to_owned(),
        title: title.to_owned(),
        body,
    })
}

/// The rows of one document's content.
pub fn rows(content: &Content) -> Rows {
    let mut r = Rows { title: content.title().to_owned(), ..Rows::default() };
    match content {
        Content::Engagement(e) => {
            r.search.extend(search("", &e.title, &[&e.context, &e.scope.why, &e.scope.for_whom, &e.scope.for_what]));
            for s in &e.stakeholders {
                r.stakeholders.push(StakeholderRow {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    stakeholder_type: code_of(&s.stakeholder_type),
                    power: i64::from(s.power),
                    interest: i64::from(s.interest),
                    stance: code_of(&s.stance),
                    quadrant: code_of(&s.quadrant()),
                });
                r.search.extend(search(&s.id, &s.name, &[&s.organisation, &s.notes]));
            }
            for l in &e.log {
                r.search.extend(search(&l.id, "", &[&l.summary, &l.follow_up]));
            }
            for a in &e.capacity_areas {
                r.search.extend(search(&a.id, &a.title, &[&a.description, &a.rationale]));
            }
        }
        Content::Assessment(a) => {
            r.search.extend(search("", &a.title, &[&a.findings]));
            for g in a.gaps() {
                r.questions.push(QuestionRow {
                    level: g.level.map(|v| v.code()),
                    core_issue: g.core_issue.map(|v| v.code()),
                    functional_capacity: g.functional_capacity.map(|v| v.code()),
                    existing: g.existing,
                    desired: g.desired,
                    gap: g.gap,
                    priority: i64::from(g.priority),
                    question_id: g.question_id,
                    section_id: g.section_id,
                });
            }
            for (qid, resp) in &a.responses {
                r.search.extend(search(qid, "", &[&resp.evidence]).filter(|s| !s.body.is_empty()));
            }
        }
        Content::Plan(p) => {
            r.search.extend(search("", &p.title, &[&p.objective.statement, &p.assumptions, &p.sustainability]));
            for (oc, op, a) in p.activities() {
                r.activities.push(ActivityRow {
                    id: a.id.clone(),
                    outcome_id: oc.id.clone(),
                    output_id: op.id.clone(),
                    title: a.title.clone(),
                    activity_type: code_of(&a.activity_type),
                    status: code_of(&a.status),
                    budget: a.budget,
                    owner: a.owner.clone(),
                    starts_on: a.starts_on.map(|d| d.to_string()),
                    ends_on: a.ends_on.map(|d| d.to_string()),
                });
                r.search.extend(search(&a.id, &a.title, &[&a.description, &a.notes]));
            }
            for (result_id, i) in p.indicators() {
                r.indicators.push(IndicatorRow {
                    id: i.id.clone(),
                    result_id,
                    name: i.name.clone(),
                    baseline: i.baseline,
                    target: i.target,
                    target_on: i.target_on.map(|d| d.to_string()),
                });
            }
            for risk in &p.risks {
                r.search.extend(search(&risk.id, "", &[&risk.description, &risk.mitigation]));
            }
        }
        Content::Monitoring(m) => {
            for x in &m.measurements {
                r.measurements.push(MeasurementRow {
                    id: x.id.clone(),
                    indicator_id: x.indicator_id.clone(),
                    date: x.date.map(|d| d.to_string()),
                    value: x.value,
                });
            }
            for u in &m.progress {
                r.search.extend(search(&u.id, "", &[&u.narrative, &u.outputs_delivered]));
            }
            for t in &m.trainings {
                r.search.extend(search(&t.id, &t.title, &[&t.notes]));
            }
            for l in &m.lessons {
                r.search.extend(search(&l.id, "", &[&l.lesson]));
            }
            for i in &m.issues {
                r.search.extend(search(&i.id, "", &[&i.description, &i.action]));
            }
        }
        Content::Toolbox(t) => {
            for e in &t.entries {
                r.search.extend(search(&e.id, &e.name, &[&e.purpose, &e.summary]));
            }
        }
    }
    r
}
