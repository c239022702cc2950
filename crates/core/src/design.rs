//! Phase 2's design step: before anyone rates, the assessment team chooses
//! what the assessment asks — the levels, core issues, functional capacities
//! and sections that matter, questions left out, questions of the partner's
//! own, the scale — and links it to the engagement's capacity areas, whose
//! priorities seed the questions'. The designed instrument is what the
//! assessment freezes; a re-assessment runs it again as it is.

use crate::assessment::{Assessment, Response};
use crate::engagement::CapacityArea;
use crate::template::{Question, Scale, Section, Template};
use crate::vocabulary::{CoreIssue, FunctionalCapacity, Level};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The choices of the design step. Empty lists keep everything of that kind.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Design {
    /// Keep only questions at these levels.
    pub levels: Vec<Level>,
    pub core_issues: Vec<CoreIssue>,
    pub functional_capacities: Vec<FunctionalCapacity>,
    /// Keep only these sections, by id.
    pub sections: Vec<String>,
    /// Questions left out, by id.
    pub dropped: Vec<String>,
    /// Questions of the partner's own, about its context.
    pub added: Vec<AddedQuestion>,
    /// Use the scale of this shipped template instead.
    pub scale_from: Option<String>,
    /// A scale of the team's own (points, labels, descriptors): it wins over
    /// `scale_from`.
    pub scale: Option<Scale>,
    /// The engagement's capacity areas the assessment looks at.
    pub capacity_area_ids: Vec<String>,
}

/// A question added in the design step, to an existing section or to a
/// section of context questions (`context`) at the end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AddedQuestion {
    pub section: String,
    pub question: Question,
}

/// The section that added questions go to when they name no other.
pub const CONTEXT_SECTION: &str = "context";

/// Most questions a design may add.
pub const MAX_ADDED: usize = 50;

/// The instrument `shipped` shaped by `design`, and a fresh response per
/// question, its priority seeded from the linked capacity areas (the highest
/// priority among the areas whose level and core issue the question shares;
/// an area without one matches any). `templates` are the shipped ones, for
/// `scale_from`.
pub fn design(
    shipped: &Template,
    design: &Design,
    templates: &[Template],
    areas: &[CapacityArea],
) -> Result<(Template, BTreeMap<String, Response>), String> {
    fn keeps<T: PartialEq>(chosen: &[T], tag: &Option<T>) -> bool {
        // A question with no tag in a dimension is about none in particular: it stays.
        chosen.is_empty() || tag.as_ref().is_none_or(|t| chosen.contains(t))
    }
    if design.added.len() > MAX_ADDED {
        return Err(format!("a design adds at most {MAX_ADDED} questions"));
    }
    if let Some(id) = design.capacity_area_ids.iter().find(|id| !areas.iter().any(|a| &&a.id == id)) {
        return Err(format!("the engagement has no capacity area `{id}`"));
    }
    let mut t = shipped.clone();
    for s in &mut t.sections {
        s.questions.retain(|q| {
            keeps(&design.levels, &q.level)
                && keeps(&design.core_issues, &q.core_issue)
                && keeps(&design.functional_capacities, &q.functional_capacity)
                && !design.dropped.contains(&q.id)
        });
    }
    t.sections.retain(|s| design.sections.is_empty() || design.sections.contains(&s.id));
    for added in &design.added {
        let q = &added.question;
        if q.text.trim().is_empty() {
            return Err("an added question needs its text".into());
        }
        if q.id.trim().is_empty() || shipped.question(&q.id).is_some() || t.question(&q.id).is_some() {
            return Err(format!("the added question id `{}` is blank or already used", q.id));
        }
        let section = match t.sections.iter_mut().find(|s| s.id == added.section) {
            Some(s) => s,
            None if added.section == CONTEXT_SECTION => {
                t.sections.push(Section { id: CONTEXT_SECTION.into(), title: "Context".into(), questions: vec![] });
                t.sections.last_mut().ok_or("no section")?
            }
            None => return Err(format!("there is no section `{}` to add a question to", added.section)),
        };
        section.questions.push(q.clone());
    }
    t.sections.retain(|s| !s.questions.is_empty());
    if t.sections.is_empty() {
        return Err("the design leaves no question to ask: choose fewer filters".into());
    }
    if let Some(from) = &design.scale_from {
        let other = templates.iter().find(|x| &x.id == from).ok_or(format!("there is no template `{from}`"))?;
        t.scale = other.scale.clone();
        for (language, text) in &mut t.translations {
            text.scale = other.translations.get(language).map(|x| x.scale.clone()).unwrap_or_default();
        }
    }
    if let Some(own) = &design.scale {
        if own.points.len() < 2 || own.points.len() > 11 {
            return Err("a scale of your own needs from 2 to 11 points".into());
        }
        if own.points.windows(2).any(|w| w[1].value <= w[0].value) {
            return Err("the scale's values must increase from one point to the next".into());
        }
        if own.points.iter().any(|p| p.label.trim().is_empty()) {
            return Err("every point of the scale needs a label".into());
        }
        t.scale = own.clone();
        // Written in the team's own words: no translation of it exists.
        for text in t.translations.values_mut() {
            text.scale.clear();
        }
    }
    // Translations of what is no longer asked only weigh on every copy.
    let asked: Vec<String> = t.questions().map(|(_, q)| q.id.clone()).collect();
    for text in t.translations.values_mut() {
        text.questions.retain(|id, _| asked.contains(id));
    }
    let linked: Vec<&CapacityArea> = areas.iter().filter(|a| design.capacity_area_ids.contains(&a.id)).collect();
    let responses = t
        .questions()
        .map(|(_, q)| {
            let seeded = linked
                .iter()
                .filter(|a| a.level.is_none_or(|l| q.level == Some(l)))
                .filter(|a| a.core_issue.is_none_or(|c| q.core_issue == Some(c)))
                .map(|a| a.priority)
                .max();
            let priority = seeded.unwrap_or(Response::default().priority);
            (q.id.clone(), Response { priority, ..Response::default() })
        })
        .collect();
    Ok((t, responses))
}

impl Assessment {
    /// Whether anyone has rated a question yet: from then on the instrument
    /// is fixed, so that every rating answers the same question.
    pub fn rated(&self) -> bool {
        self.responses.values().any(|r| r.existing.is_some() || r.desired.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generic() -> (Template, Vec<Template>) {
        let all = crate::data::templates().expect("templates");
        (all.iter().find(|t| t.id == "generic_capacity").expect("generic").clone(), all)
    }

    #[test]
    fn a_design_keeps_what_the_team_chose_and_adds_the_partners_questions() {
        let (shipped, all) = generic();
        let area = CapacityArea {
            id: "ca1".into(),
            level: Some(Level::Organisation),
            core_issue: Some(CoreIssue::Knowledge),
            priority: 5,
            ..CapacityArea::default()
        };
        let extra = Question {
            id: "ctx_corridor".into(),
            text: "Does the border post on the northern corridor open at night?".into(),
            guidance: String::new(),
            level: Some(Level::Organisation),
            core_issue: Some(CoreIssue::InstitutionalArrangements),
            functional_capacity: None,
        };
        let dropped = shipped
            .questions()
            .find(|(_, q)| q.level == Some(Level::Organisation))
            .map(|(_, q)| q.id.clone())
            .expect("an organisation question");
        let d = Design {
            levels: vec![Level::Organisation],
            dropped: vec![dropped.clone()],
            added: vec![AddedQuestion { section: CONTEXT_SECTION.into(), question: extra }],
            scale_from: Some("border_management".into()),
            capacity_area_ids: vec!["ca1".into()],
            ..Design::default()
        };
        let (t, responses) = design(&shipped, &d, &all, &[area]).expect("designed");
        assert!(t.questions().all(|(_, q)| q.level == Some(Level::Organisation)));
        assert!(t.question(&dropped).is_none());
        assert_eq!(t.sections.last().map(|s| s.id.as_str()), Some(CONTEXT_SECTION));
        let border = all.iter().find(|x| x.id == "border_management").expect("border");
        assert_eq!(t.scale, border.scale);
        assert_eq!(responses.len(), t.questions().count());
        // The linked area's priority seeds its questions'; others keep the default.
        for (_, q) in t.questions() {
            let expected = if q.core_issue == Some(CoreIssue::Knowledge) { 5 } else { 3 };
            assert_eq!(responses[&q.id].priority, expected, "{}", q.id);
        }
        assert!(t.translations["fr"].questions.keys().all(|id| t.question(id).is_some()));
    }

    #[test]
    fn a_scale_of_the_teams_own_replaces_the_templates_if_it_makes_sense() {
        let (shipped, all) = generic();
        let point =
            |value, label: &str| crate::template::ScalePoint { value, label: label.into(), descriptor: String::new() };
        let own = Scale { points: vec![point(0, "Absent"), point(1, "Emerging"), point(2, "Established")] };
        let d = Design { scale: Some(own.clone()), ..Design::default() };
        let (t, _) = design(&shipped, &d, &all, &[]).expect("designed");
        assert_eq!(t.scale, own);
        assert!(t.translations.values().all(|x| x.scale.is_empty()), "no stale translated labels");
        let back = Design { scale: Some(Scale { points: vec![point(2, "b"), point(1, "a")] }), ..Design::default() };
        assert!(design(&shipped, &back, &all, &[]).expect_err("decreasing").contains("increase"));
        let unnamed = Design { scale: Some(Scale { points: vec![point(1, "a"), point(2, " ")] }), ..Design::default() };
        assert!(design(&shipped, &unnamed, &all, &[]).expect_err("no label").contains("label"));
    }

    #[test]
    fn a_design_that_asks_nothing_or_names_what_is_not_there_is_refused() {
        let (shipped, all) = generic();
        let none = Design { sections: vec!["nowhere".into()], ..Design::default() };
        assert!(design(&shipped, &none, &all, &[]).expect_err("nothing left").contains("no question"));
        let area = Design { capacity_area_ids: vec!["ghost".into()], ..Design::default() };
        assert!(design(&shipped, &area, &all, &[]).expect_err("no such area").contains("ghost"));
        let taken = shipped.questions().next().map(|(_, q)| q.clone()).expect("a question");
        let twice = Design {
            added: vec![AddedQuestion { section: CONTEXT_SECTION.into(), question: taken }],
            ..Design::default()
        };
        assert!(design(&shipped, &twice, &all, &[]).expect_err("id used").contains("already used"));
    }
}
