//! The regional dashboard over three workspaces in two countries, every figure
//! worked out by hand. Only the `administration` section's first question is
//! rated, so each assessment's administration average is that one rating.

use cd4mm_core::assessment::{Assessment, Dimension};
use cd4mm_core::engagement::{Engagement, Phases};
use cd4mm_core::monitoring::{Measurement, Monitoring, ParticipantGroup, ProgressUpdate, Training};
use cd4mm_core::plan::{Activity, Indicator, IndicatorStatus, Outcome, Output, Plan};
use cd4mm_core::regional::{By, Dashboard, Facts, Filter, Measure, WorkspaceFacts, dashboard};
use cd4mm_core::vocabulary::{ActivityStatus, Area, PhaseState};
use cd4mm_core::vocabulary::{AgeGroup, Sex};
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

/// By section, in each template's own points (every assessment here is on
/// the border template's 1–5 scale).
fn by_section() -> Filter {
    Filter { by: By::Section, measure: Measure::ScalePoints, ..Filter::default() }
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

/// An assessment on a shipped template with its first question rated.
fn rated(template_id: &str, existing: i64, desired: i64, on: &str) -> Facts {
    let templates = cd4mm_core::data::templates().expect("templates");
    let template = templates.iter().find(|t| t.id == template_id).expect("template");
    let mut a = Assessment::start("A", template);
    let first = template.sections[0].questions[0].id.clone();
    let r = a.responses.get_mut(&first).expect("question");
    (r.existing, r.desired) = (Some(existing), Some(desired));
    a.completed_on = date(on);
    Facts::of(&Content::Assessment(a))
}

#[test]
fn scales_meet_as_shares_of_their_range_and_profiles_are_not_ranked() {
    let mut region = region();
    // Senegal's later assessments: a governance profile (0–2 scale) and a
    // training evaluation; neither is a capacity gap of the country.
    region[2].documents.push(("mgi".into(), rated("migration_governance", 1, 2, "2027-01-10")));
    region[2].documents.push(("training".into(), rated("training_evaluation", 2, 5, "2027-02-10")));

    // The default measure: each gap as a share of its scale's 1–5 range (4).
    let d = dashboard(&region, &Filter { by: By::Section, ..Filter::default() });
    assert_eq!(d.measure, Measure::ShareOfScale);
    // Ghana: gaps 1 and 3 points → 0.25 and 0.75 → mean 0.5. Senegal: c1's 0,
    // its training evaluation and profile left out.
    assert_eq!(gap(&d, "Ghana"), Some((0.5, 2)));
    assert_eq!(gap(&d, "Senegal"), Some((0.0, 1)));
    assert!(d.heatmap.iter().all(|c| c.template.is_none()));
    // The re-assessment: 2 → 4 on 1–5 is 0.25 → 0.75 of the range.
    let change = d.change.iter().find(|c| c.dimension == administration()).expect("change");
    assert_eq!((change.baseline, change.current, change.change), (0.25, 0.75, 0.5));

    // In points, a cell names its template and is never mixed with another.
    let d = dashboard(&region, &by_section());
    assert!(d.heatmap.iter().all(|c| c.template.as_deref() == Some("border_management")), "{:?}", d.heatmap);

    // The profile: Senegal's, on its own 0–2 scale, its first domain at 1.
    assert_eq!(d.profiles.len(), 1);
    let p = &d.profiles[0];
    assert_eq!((p.country.as_str(), p.template.as_str(), p.scale), ("Senegal", "migration_governance", Some((0, 2))));
    assert_eq!(p.domains.iter().filter_map(|s| s.existing).collect::<Vec<_>>(), [1.0]);
}

#[test]
fn trainees_and_indicators_are_counted_per_country() {
    let mut region = region();
    let group = |id: &str, institution: &str, sex, age_group, count| ParticipantGroup {
        id: id.into(),
        institution: institution.into(),
        sex,
        age_group,
        count,
        ..ParticipantGroup::default()
    };
    let training = Training {
        id: "t".into(),
        title: "Document fraud".into(),
        participants: vec![
            group("g1", "Immigration Service ", Sex::Female, AgeGroup::Under25, 6),
            group("g2", "Immigration Service", Sex::Male, AgeGroup::From25To39, 9),
            group("g3", "Police", Sex::Female, AgeGroup::From25To39, 4),
        ],
        ..Training::default()
    };
    let lesson = cd4mm_core::monitoring::Lesson {
        id: "l".into(),
        date: date("2026-10-01"),
        lesson: "Train supervisors before their teams".into(),
        phase: Some(4),
        ..Default::default()
    };
    let m = Monitoring {
        title: "T".into(),
        plan_id: "plan".into(),
        trainings: vec![training],
        lessons: vec![lesson],
        ..Monitoring::default()
    };
    region[0].documents.push(("trainings".into(), Facts::of(&Content::Monitoring(m))));
    let d = dashboard(&region, &by_section());
    assert_eq!(d.trainees.len(), 1);
    let ghana = &d.trainees[0];
    assert_eq!((ghana.country.as_str(), ghana.trainings, ghana.headcount.total), ("Ghana", 1, 19));
    assert_eq!((ghana.headcount.of_sex(Sex::Female), ghana.headcount.of_sex(Sex::Male)), (10, 9));
    assert_eq!(ghana.headcount.of_age(AgeGroup::From25To39), 13);
    // Institutions as typed, trimmed: the two spellings are one.
    assert_eq!(ghana.by_institution.get("Immigration Service"), Some(&15));
    assert_eq!(ghana.by_institution.get("Police"), Some(&4));
    // Indicators: all four are Ghana's; Senegal has no plan.
    let countries: Vec<&str> = d.indicators_by_country.iter().map(|c| c.country.as_str()).collect();
    assert_eq!(countries, ["Ghana"]);
    assert_eq!(d.indicators_by_country[0].by_status.values().sum::<usize>(), 4);
    // The lesson, with the engagement's area since it names none.
    assert_eq!(d.lessons.len(), 1);
    assert_eq!((d.lessons[0].country.as_str(), d.lessons[0].phase), ("Ghana", Some(4)));
    assert_eq!(d.lessons[0].area, Some(Area::BorderManagement));
}

#[test]
fn an_assessment_keeps_its_averages_not_its_questionnaire() {
    let facts = assessment(2, 5, "2026-03-01", None);
    let bytes = serde_json::to_vec(&facts).expect("json").len();
    let templates = cd4mm_core::data::templates().expect("templates");
    let whole = serde_json::to_vec(templates.iter().find(|t| t.id == "border_management").expect("t")).expect("json");
    assert!(bytes * 2 < whole.len(), "facts {bytes} B vs template {} B", whole.len());
}

#[test]
fn a_hostile_scale_in_one_document_does_not_take_the_dashboard_down() {
    // A template's scale is whatever the document says: bounds this far apart
    // would overflow a subtraction in whole numbers.
    let hostile = Facts::Assessment {
        template: Some("generic_capacity".into()),
        on: date("2026-05-01"),
        baseline_id: None,
        averages: match assessment(1, 5, "2026-05-01", None) {
            Facts::Assessment { averages, .. } => averages,
            _ => unreachable!(),
        },
        validated: false,
        purpose: cd4mm_core::template::Purpose::CapacityGaps,
        scale: Some((i64::MIN, i64::MAX)),
    };
    let mut region = region();
    region[2].documents.push(("hostile".into(), hostile));
    let d = dashboard(&region, &Filter { by: By::Section, ..Filter::default() });
    assert!(d.heatmap.iter().all(|c| c.gap.is_finite()));
    // Countries match whatever their case or spaces.
    let d = dashboard(&region, &Filter { country: Some(" SENEGAL ".into()), by: By::Section, ..Filter::default() });
    assert_eq!(d.engagements.len(), 1);
}
