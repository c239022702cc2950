//! The regional dashboard over three workspaces in two countries, every figure
//! worked out by hand. Only the `administration` section's first question is
//! rated, so each assessment's administration average is that one rating.

use cd4mm_core::assessment::{Assessment, Dimension};
use cd4mm_core::engagement::{Engagement, Phases};
use cd4mm_core::monitoring::{Measurement, Monitoring, ProgressUpdate};
use cd4mm_core::plan::{Activity, Indicator, IndicatorStatus, Outcome, Output, Plan};
use cd4mm_core::regional::{By, Dashboard, Facts, Filter, WorkspaceFacts, dashboard};
use cd4mm_core::vocabulary::{ActivityStatus, Area, PhaseState};
use cd4mm_core::{Content, Date};

fn date(s: &str) -> Option<Date> {
    Some(Date::parse(s).expect("date"))
}

fn assessment(existing: i64, desired: i64, on: &str, baseline: Option<&str>) -> Facts {
    let templates = cd4mm_core::data::templates().expect("templates");
    let template = templates.iter().find(|t| t.id == "border_management").expect("template");
    let mut a = Assessment::start("A", template);
    let r = a.responses.get_mut("adm_structure").expect("question");
    (r.existing, r.desired) = (Some(existing), Some(desired));
    a.completed_on = date(on);
    a.baseline_id = baseline.map(str::to_owned);
    Facts::of(&Content::Assessment(a))
}

fn engagement(title: &str, area: Area, done: usize) -> Facts {
    let mut phases = Phases::default();
    let states = [
        &mut phases.engagement,
        &mut phases.assessment,
        &mut phases.response,
        &mut phases.implementation,
        &mut phases.monitoring,
    ];
    for (i, s) in states.into_iter().enumerate() {
        *s = if i < done { PhaseState::Done } else { PhaseState::InProgress };
    }
    Facts::of(&Content::Engagement(Engagement {
        title: title.into(),
        area: Some(area),
        phases,
        ..Engagement::default()
    }))
}

fn plan(currency: &str) -> Facts {
    let activity = |id: &str, budget: f64, status: ActivityStatus| Activity {
        id: id.into(),
        budget,
        status,
        indicators: vec![Indicator { id: format!("i-{id}"), baseline: 0.0, target: 10.0, ..Indicator::default() }],
        ..Activity::default()
    };
    Facts::of(&Content::Plan(Plan {
        title: "P".into(),
        outcomes: vec![Outcome {
            id: "oc".into(),
            outputs: vec![Output {
                id: "op".into(),
                activities: vec![
                    activity("a1", 1_000.0, ActivityStatus::InProgress),
                    activity("a2", 500.0, ActivityStatus::Completed),
                ],
                ..Output::default()
            }],
            ..Outcome::default()
        }],
        currency: currency.into(),
        ..Plan::default()
    }))
}

fn monitoring() -> Facts {
    let update = |id: &str, on: &str, spent: f64| ProgressUpdate {
        id: id.into(),
        activity_id: "a1".into(),
        date: date(on),
        spent,
        ..ProgressUpdate::default()
    };
    Facts::of(&Content::Monitoring(Monitoring {
        title: "M".into(),
        plan_id: "plan".into(),
        // Spend is cumulative: the latest update counts, not the sum.
        progress: vec![update("u1", "2026-06-30", 300.0), update("u2", "2026-09-30", 400.0)],
        measurements: vec![Measurement {
            id: "m1".into(),
            indicator_id: "i-a2".into(),
            date: date("2026-09-30"),
            value: 10.0,
            ..Measurement::default()
        }],
        ..Monitoring::default()
    }))
}

fn region() -> Vec<WorkspaceFacts> {
    let docs = |d: Vec<(&str, Facts)>| d.into_iter().map(|(id, f)| (id.to_owned(), f)).collect();
    vec![
        WorkspaceFacts {
            id: "gh-north".into(),
            country: "Ghana".into(),
            documents: docs(vec![
                ("eng", engagement("Northern border", Area::BorderManagement, 4)),
                ("a1", assessment(2, 5, "2026-03-01", None)),
                ("a2", assessment(4, 5, "2027-03-01", Some("a1"))),
                ("plan", plan("usd")),
                ("mon", monitoring()),
            ]),
        },
        WorkspaceFacts {
            id: "gh-south".into(),
            country: "Ghana".into(),
            documents: docs(vec![
                ("eng", engagement("Southern corridor", Area::LabourMigration, 1)),
                ("b1", assessment(1, 4, "2026-05-01", None)),
                ("plan", plan("EUR")),
            ]),
        },
        WorkspaceFacts {
            id: "sn".into(),
            country: "Senegal".into(),
            documents: docs(vec![
                ("eng", engagement("Dakar port", Area::BorderManagement, 5)),
                ("c1", assessment(3, 3, "2026-04-01", None)),
            ]),
        },
    ]
}

fn administration() -> Dimension {
    Dimension::Section { section: "administration".into() }
}

fn gap(d: &Dashboard, country: &str) -> Option<(f64, usize)> {
    d.heatmap.iter().find(|c| c.country == country && c.dimension == administration()).map(|c| (c.gap, c.assessments))
}

fn by_section() -> Filter {
    Filter { by: By::Section, ..Filter::default() }
}

#[test]
fn every_figure_matches_the_hand_count() {
    let d = dashboard(&region(), &by_section());
    // Phases: 4 done → in phase 5; 1 done → phase 2; all 5 done → 6 (finished).
    let phases: Vec<(&str, u8)> = d.engagements.iter().map(|e| (e.workspace.as_str(), e.phase)).collect();
    assert_eq!(phases, [("gh-north", 5), ("gh-south", 2), ("sn", 6)]);
    // Ghana: the latest assessment of each workspace, gaps 5−4 = 1 and 4−1 = 3 → mean 2.
    assert_eq!(gap(&d, "Ghana"), Some((2.0, 2)));
    assert_eq!(gap(&d, "Senegal"), Some((0.0, 1)));
    // The one re-assessment (a2 over a1): administration 2 → 4.
    let change = d.change.iter().find(|c| c.dimension == administration()).expect("administration change");
    assert_eq!((change.baseline, change.current, change.change, change.pairs), (2.0, 4.0, 2.0, 1));
    // Two plans, each 1,000 + 500 budgeted, in two currencies that are never
    // added up: the USD one (its code in lower case) has 400 spent (the latest
    // cumulative figure); the EUR one has no monitoring.
    assert_eq!(d.plans.plans, 2);
    let budgets: Vec<(&str, usize, f64, f64)> =
        d.plans.budgets.iter().map(|b| (b.currency.as_str(), b.plans, b.planned, b.spent)).collect();
    assert_eq!(budgets, [("EUR", 1, 1_500.0, 0.0), ("USD", 1, 1_500.0, 400.0)]);
    assert_eq!(d.plans.activities.get(&ActivityStatus::InProgress), Some(&2));
    assert_eq!(d.plans.activities.get(&ActivityStatus::Completed), Some(&2));
    // Indicators: the USD plan's i-a2 reached its target of 10; its i-a1 and
    // both of the EUR plan's have no measurement.
    assert_eq!(d.indicators.get(&IndicatorStatus::Achieved), Some(&1));
    assert_eq!(d.indicators.get(&IndicatorStatus::NoData), Some(&3));
}

#[test]
fn filters_narrow_every_figure() {
    // By country (any case): Senegal only.
    let d = dashboard(&region(), &Filter { country: Some("senegal".into()), ..by_section() });
    assert_eq!(d.engagements.len(), 1);
    assert_eq!(gap(&d, "Ghana"), None);
    assert_eq!(d.plans.plans, 0);

    // By period: up to the end of 2026 the northern workspace's latest is a1
    // (gap 3), so Ghana's mean is (3 + 3) / 2; the re-assessment falls outside.
    let d = dashboard(&region(), &Filter { to: date("2026-12-31"), ..by_section() });
    assert_eq!(gap(&d, "Ghana"), Some((3.0, 2)));
    assert!(d.change.is_empty(), "{:?}", d.change);

    // By thematic area: labour migration is the southern corridor only.
    let d = dashboard(&region(), &Filter { area: Some(Area::LabourMigration), ..by_section() });
    assert_eq!(gap(&d, "Ghana"), Some((3.0, 1)));
    assert_eq!(d.plans.budgets.iter().map(|b| b.currency.as_str()).collect::<Vec<_>>(), ["EUR"]);

    // By template: no assessment uses the MGI template.
    let d = dashboard(&region(), &Filter { template: Some("mgi".into()), ..by_section() });
    assert!(d.heatmap.is_empty());

    // Drawn by level × core issue (the default): only those cells.
    let d = dashboard(&region(), &Filter::default());
    assert!(!d.heatmap.is_empty());
    assert!(d.heatmap.iter().all(|c| matches!(c.dimension, Dimension::LevelCoreIssue { .. })));
}

#[test]
fn an_assessment_keeps_its_averages_not_its_questionnaire() {
    let facts = assessment(2, 5, "2026-03-01", None);
    let bytes = serde_json::to_vec(&facts).expect("json").len();
    let templates = cd4mm_core::data::templates().expect("templates");
    let whole = serde_json::to_vec(templates.iter().find(|t| t.id == "border_management").expect("t")).expect("json");
    assert!(bytes * 2 < whole.len(), "facts {bytes} B vs template {} B", whole.len());
}
