//! The next round of an engagement: a new engagement that starts from what
//! the last one left. Its stakeholders and team, the capacity gaps still open
//! in its latest capacity assessment (whether the last plan addressed them or
//! not), and the lessons its monitoring recorded are carried over, so the
//! next round's mapping and prioritisation start from evidence, not from a
//! blank page.

use crate::Content;
use crate::Date;
use crate::engagement::{CapacityArea, Engagement, LogEntry, Prioritisation};
use crate::template::Purpose;
use crate::vocabulary::ContactKind;
use serde::{Deserialize, Serialize};

/// The words the new engagement is written with, in its team's language
/// (the caller's catalogue): `{n}` and the like are filled in here.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct RoundWords {
    /// The log entry: `{stakeholders}`, `{gaps}`, `{lessons}`, `{previous}`.
    pub carried: String,
    /// A capacity area's rationale when the last plan addressed its gap.
    pub addressed: String,
    /// …and when it did not.
    pub not_addressed: String,
    /// The heading of the lessons in the new engagement's context.
    pub lessons: String,
}

/// Open gaps carried over, at most: the largest, by the partner's priority.
pub const GAPS_CARRIED: usize = 15;

/// Lessons carried into the new context, at most (the newest), each cut to
/// [`LESSON_CHARS`]: a round's context stays a page, well inside what one
/// document change may hold.
pub const LESSONS_CARRIED: usize = 30;
pub const LESSON_CHARS: usize = 600;

/// The new engagement, titled `title`, from the documents of the previous
/// round's workspace `previous_workspace`, dated `on`.
pub fn next_round(
    title: &str,
    previous_workspace: &str,
    contents: &[Content],
    on: Date,
    words: &RoundWords,
) -> Engagement {
    let previous = contents.iter().find_map(|c| match c {
        Content::Engagement(e) => Some(e),
        _ => None,
    });
    // The latest capacity assessment: what is still open now.
    let latest = contents
        .iter()
        .filter_map(|c| match c {
            Content::Assessment(a) if a.template.as_ref().is_some_and(|t| t.purpose() == Purpose::CapacityGaps) => {
                Some(a)
            }
            _ => None,
        })
        .max_by_key(|a| (a.completed_on.or(a.started_on), a.baseline_id.is_some()));
    let addressed = |question: &str| {
        contents.iter().any(|c| match c {
            Content::Plan(p) => p.activities().any(|(_, _, a)| a.addresses.iter().any(|g| g.question_id == question)),
            _ => false,
        })
    };
    let mut areas = Vec::new();
    if let Some(a) = latest
        && let Some(template) = &a.template
    {
        for gap in a.prioritised_gaps().into_iter().take(GAPS_CARRIED) {
            let text = template.question(&gap.question_id).map_or(gap.question_id.as_str(), |(_, q)| q.text.as_str());
            areas.push(CapacityArea {
                id: format!("gap-{}", gap.question_id),
                title: text.chars().take(300).collect(),
                description: String::new(),
                level: gap.level,
                core_issue: gap.core_issue,
                priority: gap.priority.clamp(1, 5),
                rationale: if addressed(&gap.question_id) {
                    words.addressed.clone()
                } else {
                    words.not_addressed.clone()
                },
            });
        }
    }
    let mut lessons: Vec<(Option<Date>, &str)> = contents
        .iter()
        .filter_map(|c| match c {
            Content::Monitoring(m) => {
                Some(m.lessons.iter().map(|l| (l.date, l.lesson.trim())).filter(|(_, l)| !l.is_empty()))
            }
            _ => None,
        })
        .flatten()
        .collect();
    lessons.sort_by_key(|l| std::cmp::Reverse(l.0));
    lessons.truncate(LESSONS_CARRIED);
    let lessons: Vec<String> = lessons.into_iter().map(|(_, l)| crate::regional::shortened(l, LESSON_CHARS)).collect();
    let previous_title = previous.map_or("", |e| e.title.as_str());
    let mut context = String::new();
    if !lessons.is_empty() {
        context.push_str(&words.lessons);
        for l in &lessons {
            context.push_str("\n- ");
            context.push_str(l);
        }
    }
    let stakeholders = previous.map(|e| e.stakeholders.clone()).unwrap_or_default();
    let summary = words
        .carried
        .replace("{stakeholders}", &stakeholders.len().to_string())
        .replace("{gaps}", &areas.len().to_string())
        .replace("{lessons}", &lessons.len().to_string())
        .replace("{previous}", &crate::regional::shortened(previous_title, 200));
    Engagement {
        title: title.to_owned(),
        country: previous.map(|e| e.country.clone()).unwrap_or_default(),
        partner_institution: previous.map(|e| e.partner_institution.clone()).unwrap_or_default(),
        area: previous.and_then(|e| e.area),
        context,
        stakeholders,
        log: vec![LogEntry {
            id: "next-round".into(),
            date: Some(on),
            kind: ContactKind::Other,
            summary,
            ..LogEntry::default()
        }],
        capacity_areas: areas,
        team: previous.map(|e| e.team.clone()).unwrap_or_default(),
        // The criteria, not last round's scores: the new areas are scored anew.
        prioritisation: Prioritisation {
            criteria: previous.map(|e| e.prioritisation.criteria.clone()).unwrap_or_default(),
            ..Prioritisation::default()
        },
        previous_workspace: Some(previous_workspace.to_owned()),
        ..Engagement::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::Assessment;
    use crate::engagement::Stakeholder;
    use crate::monitoring::{Lesson, Monitoring};
    use crate::plan::{Activity, GapRef, Outcome, Output, Plan};

    fn words() -> RoundWords {
        RoundWords {
            carried: "From {previous}: {stakeholders} stakeholders, {gaps} gaps, {lessons} lessons".into(),
            addressed: "addressed, still open".into(),
            not_addressed: "not addressed".into(),
            lessons: "Lessons:".into(),
        }
    }

    #[test]
    fn a_workspace_of_many_long_lessons_carries_a_page_of_them() {
        let long = "x".repeat(200_000);
        let lessons = (0..500).map(|n| Lesson { id: format!("l{n}"), lesson: long.clone(), ..Lesson::default() });
        let m = Monitoring { lessons: lessons.collect(), ..Monitoring::default() };
        let contents = [Content::Engagement(Engagement::default()), Content::Monitoring(m)];
        let next = next_round("R", "w", &contents, Date::parse("2027-01-10").expect("date"), &words());
        assert!(next.context.chars().count() < LESSONS_CARRIED * (LESSON_CHARS + 4) + 20, "{}", next.context.len());
    }

    #[test]
    fn stakeholders_open_gaps_and_lessons_carry_over() {
        let templates = crate::data::templates().expect("templates");
        let border = templates.iter().find(|t| t.id == "border_management").expect("template");
        let mut a = Assessment::start("Baseline", border);
        let ids: Vec<String> = border.questions().take(3).map(|(_, q)| q.id.clone()).collect();
        for (i, id) in ids.iter().enumerate() {
            let r = a.responses.get_mut(id).expect("question");
            // Gaps 3, 0 and 1: the middle one is closed and stays behind.
            (r.existing, r.desired) = (Some([2, 4, 3][i]), Some([5, 4, 4][i]));
        }
        let engagement = Engagement {
            title: "Northern borders".into(),
            country: "Ghana".into(),
            stakeholders: vec![
                Stakeholder { id: "s1".into(), name: "GIS".into(), ..Stakeholder::default() },
                Stakeholder { id: "s2".into(), name: "Police".into(), ..Stakeholder::default() },
            ],
            ..Engagement::default()
        };
        let activity = Activity {
            id: "a".into(),
            title: "T".into(),
            addresses: vec![GapRef { id: "g".into(), assessment_id: "baseline".into(), question_id: ids[0].clone() }],
            ..Activity::default()
        };
        let output = Output { id: "op".into(), activities: vec![activity], ..Output::default() };
        let plan = Plan {
            title: "P".into(),
            outcomes: vec![Outcome { id: "oc".into(), outputs: vec![output], ..Outcome::default() }],
            ..Plan::default()
        };
        let lesson = |id: &str, text: &str| Lesson { id: id.into(), lesson: text.into(), ..Lesson::default() };
        let monitoring = Monitoring {
            lessons: vec![lesson("l1", "Train supervisors first"), lesson("l2", "  ")],
            ..Monitoring::default()
        };
        let contents = [
            Content::Engagement(engagement),
            Content::Assessment(a),
            Content::Plan(plan),
            Content::Monitoring(monitoring),
        ];
        let on = Date::parse("2027-01-10").expect("date");
        let next = next_round("Northern borders, round 2", "gh-north", &contents, on, &words());
        assert_eq!((next.title.as_str(), next.country.as_str()), ("Northern borders, round 2", "Ghana"));
        assert_eq!(next.previous_workspace.as_deref(), Some("gh-north"));
        assert_eq!(next.stakeholders.len(), 2);
        let areas: Vec<(&str, &str)> =
            next.capacity_areas.iter().map(|c| (c.id.as_str(), c.rationale.as_str())).collect();
        assert_eq!(
            areas,
            [
                (format!("gap-{}", ids[0]).as_str(), "addressed, still open"),
                (format!("gap-{}", ids[2]).as_str(), "not addressed")
            ]
        );
        assert!(next.context.contains("Train supervisors first"));
        assert_eq!(next.log[0].summary, "From Northern borders: 2 stakeholders, 2 gaps, 1 lessons");
        assert!(crate::Content::Engagement(next).problems().is_empty());
    }
}
