//! # cd4mm-demo — the demo workspaces, written as a field officer would
//!
//! A demo workspace from the field scenarios (`SCENARIOS.md`): the
//! border-crossing self-assessment and its re-assessment a year later, the plan
//! that answers the largest gaps, and a year of monitoring. Used by this
//! crate's `demo` example and the server's `demo` command, so every shell shows
//! the same data; kept out of the store so the desktop app does not ship it. [`REGION`] adds five smaller engagements in other countries, for
//! the regional review (scenario 6).

use cd4mm_core::assessment::Assessment;
use cd4mm_core::engagement::{CapacityArea, Engagement, Phases, Stakeholder};
use cd4mm_core::monitoring::{Kirkpatrick, Measurement, Monitoring, ParticipantGroup, ProgressUpdate, Training};
use cd4mm_core::plan::{Activity, GapRef, Indicator, Outcome, Output, Plan};
use cd4mm_core::vocabulary::{ActivityStatus, ActivityType, Area, PhaseState, Sex, StakeholderType, Stance};
use cd4mm_core::{Content, Date, Edit};
use cd4mm_store::{Result, Store, StoreError};
use serde_json::json;

const DAY: i64 = 86_400_000;

/// 2026-01-01, when the demo engagement starts.
pub const START_MS: i64 = 1_767_225_600_000;

fn date(s: &str) -> Option<Date> {
    Date::parse(s)
}

/// One of the embedded assessment templates.
fn template(id: &str) -> Result<cd4mm_core::template::Template> {
    cd4mm_core::data::templates()?.into_iter().find(|t| t.id == id).ok_or_else(|| {
        StoreError::Core(cd4mm_core::Error::Data { file: format!("templates/{id}.json"), problem: "missing".into() })
    })
}

/// A list item as JSON (plain structs always serialise).
fn item<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

/// Fill `store` with the demo engagement in `workspace`, as the edits a field
/// officer would make, dated from `t0`.
pub fn seed(store: &mut Store, workspace: &str, t0: i64) -> Result<()> {
    store.install_toolbox()?;
    let engagement = Engagement {
        title: "Northern border crossings".into(),
        country: "Ghana".into(),
        partner_institution: "Ghana Immigration Service".into(),
        area: Some(Area::BorderManagement),
        context: "Mixed flows at three land crossings; paper registers; frequent power cuts.".into(),
        stakeholders: vec![
            Stakeholder {
                id: "gis".into(),
                name: "Immigration Service, border directorate".into(),
                stakeholder_type: StakeholderType::BorderOrMigrationAgency,
                power: 4,
                interest: 4,
                stance: Stance::Supportive,
                ..Stakeholder::default()
            },
            Stakeholder {
                id: "mof".into(),
                name: "Ministry of Finance".into(),
                stakeholder_type: StakeholderType::Ministry,
                power: 4,
                interest: 1,
                ..Stakeholder::default()
            },
        ],
        capacity_areas: vec![CapacityArea {
            id: "ca1".into(),
            title: "Document examination at land borders".into(),
            priority: 5,
            ..CapacityArea::default()
        }],
        ..Engagement::default()
    };
    store.create("engagement", workspace, &Content::Engagement(engagement), t0)?;

    let border = &template("border_management")?;
    let questions: Vec<String> = border.questions().map(|(_, q)| q.id.clone()).collect();
    for (round, (id, title, start)) in
        [("baseline", "Baseline self-assessment", t0), ("reassessment", "Re-assessment after one year", t0 + 365 * DAY)]
            .into_iter()
            .enumerate()
    {
        store.create(id, workspace, &Content::Assessment(Assessment::start(title, border)), start)?;
        // The workshop: one edit per score, as typed during the session.
        for (i, q) in questions.iter().enumerate() {
            let existing = 1 + ((i * 7 + round * 3) % 3) as i64 + round as i64;
            let now = start + i as i64 * 60_000;
            store.edit(
                id,
                &Edit::Set { path: format!("responses/{q}/existing"), value: json!(existing.min(5)) },
                now,
            )?;
            store.edit(id, &Edit::Set { path: format!("responses/{q}/desired"), value: json!(5) }, now + 1)?;
            store.edit(
                id,
                &Edit::Set { path: format!("responses/{q}/priority"), value: json!(1 + (i % 5)) },
                now + 2,
            )?;
        }
        store.edit(
            id,
            &Edit::Set {
                path: format!("responses/{}/evidence", questions[0]),
                value: json!("Participants said the structure chart dates from 2014 and two posts report to nobody."),
            },
            start + DAY,
        )?;
    }
    store.edit("reassessment", &Edit::Set { path: "baseline_id".into(), value: json!("baseline") }, t0 + 366 * DAY)?;

    // The plan answers the three largest prioritised gaps.
    let Content::Assessment(baseline) = store.content("baseline")? else {
        return Err(StoreError::NoSuchDocument("baseline".into()));
    };
    let top: Vec<_> = baseline.prioritised_gaps().into_iter().take(3).collect();
    let kinds = [ActivityType::TrainingOfTrainers, ActivityType::SopOrGuideline, ActivityType::CoordinationMechanism];
    // Titled with the question's words, as "address this gap" does in the UI.
    let question = |id: &str| {
        let text = baseline.template.iter().flat_map(|t| &t.sections).flat_map(|s| &s.questions).find(|q| q.id == id);
        text.map(|q| q.text.clone()).unwrap_or_default()
    };
    let activities = top
        .iter()
        .zip(kinds)
        .enumerate()
        .map(|(i, (gap, kind))| Activity {
            id: format!("act{i}"),
            title: format!("Close the gap: {}", clip(&question(&gap.question_id), 48)),
            activity_type: kind,
            budget: [12_000.0, 9_500.0, 4_000.0][i],
            starts_on: date("2026-02-01"),
            ends_on: date("2026-11-30"),
            status: ActivityStatus::InProgress,
            addresses: vec![GapRef {
                id: format!("g{i}"),
                assessment_id: "baseline".into(),
                question_id: gap.question_id.clone(),
            }],
            indicators: vec![Indicator {
                id: format!("ind{i}"),
                name: format!("Rating of: {}", clip(&question(&gap.question_id), 60)),
                baseline: gap.existing.unwrap_or(1) as f64,
                baseline_on: date("2026-01-15"),
                target: gap.desired.unwrap_or(5) as f64,
                target_on: date("2026-12-31"),
                ..Indicator::default()
            }],
            ..Activity::default()
        })
        .collect();
    let plan = Plan {
        title: "Border capacity response 2026".into(),
        assessment_ids: vec!["baseline".into()],
        currency: "USD".into(),
        outcomes: vec![Outcome {
            id: "oc1".into(),
            statement: "Border officials examine documents consistently and refer vulnerable migrants.".into(),
            outputs: vec![Output {
                id: "op1".into(),
                statement: "Trained trainers, SOPs, a working group".into(),
                activities,
                ..Output::default()
            }],
            ..Outcome::default()
        }],
        ..Plan::default()
    };
    store.create("plan", workspace, &Content::Plan(plan), t0 + 30 * DAY)?;

    // A year of monitoring: monthly progress and measurements, one training.
    let monitoring = Monitoring { title: "Monitoring 2026".into(), plan_id: "plan".into(), ..Monitoring::default() };
    store.create("monitoring", workspace, &Content::Monitoring(monitoring), t0 + 31 * DAY)?;
    for month in 2..=12u32 {
        let on = format!("2026-{month:02}-28");
        let now = t0 + i64::from(month) * 30 * DAY;
        for i in 0..3usize {
            let update = ProgressUpdate {
                id: format!("p{month}-{i}"),
                activity_id: format!("act{i}"),
                date: date(&on),
                percent_complete: f64::from(month - 1) * 9.0,
                spent: [12_000.0, 9_500.0, 4_000.0][i] * f64::from(month - 1) / 12.0,
                ..ProgressUpdate::default()
            };
            store.edit(
                "monitoring",
                &Edit::Insert { list: "progress".into(), item: item(&update), before: None },
                now,
            )?;
            let m = Measurement {
                id: format!("m{month}-{i}"),
                indicator_id: format!("ind{i}"),
                date: date(&on),
                value: 1.0 + f64::from(month) * [0.3, 0.25, 0.1][i],
                ..Measurement::default()
            };
            store.edit(
                "monitoring",
                &Edit::Insert { list: "measurements".into(), item: item(&m), before: None },
                now + 1,
            )?;
        }
    }
    let training = Training {
        id: "tot1".into(),
        activity_id: Some("act0".into()),
        title: "Training of trainers: document examination".into(),
        starts_on: date("2026-04-13"),
        ends_on: date("2026-04-17"),
        participants: vec![
            ParticipantGroup {
                id: "g1".into(),
                institution: "Immigration Service".into(),
                sex: Sex::Female,
                count: 9,
                ..ParticipantGroup::default()
            },
            ParticipantGroup {
                id: "g2".into(),
                institution: "Immigration Service".into(),
                sex: Sex::Male,
                count: 13,
                ..ParticipantGroup::default()
            },
        ],
        kirkpatrick: Kirkpatrick {
            reaction: Some(4.4),
            pre_test: Some(52.0),
            post_test: Some(81.0),
            ..Kirkpatrick::default()
        },
        ..Training::default()
    };
    store.edit(
        "monitoring",
        &Edit::Insert { list: "trainings".into(), item: item(&training), before: None },
        t0 + 110 * DAY,
    )?;
    Ok(())
}

/// One country's engagement in the regional demo.
#[derive(Debug, Clone, Copy)]
pub struct CountryDemo {
    pub workspace: &'static str,
    pub country: &'static str,
    pub title: &'static str,
    pub partner: &'static str,
    pub area: Area,
    pub currency: &'static str,
    /// How many of the five phases are done.
    pub phases_done: usize,
    /// Shifts the scores, so countries differ on the dashboard.
    pub shift: usize,
}

/// Five engagements besides the Ghana one, as a regional office would see
/// them: two on labour migration, so filtering by area narrows the view.
pub const REGION: [CountryDemo; 5] = [
    CountryDemo {
        workspace: "senegal-labour",
        country: "Senegal",
        title: "Labour mobility agreements",
        partner: "Ministry of Labour",
        area: Area::LabourMigration,
        currency: "XOF",
        phases_done: 3,
        shift: 1,
    },
    CountryDemo {
        workspace: "niger-border",
        country: "Niger",
        title: "Agadez border posts",
        partner: "Directorate of Territorial Surveillance",
        area: Area::BorderManagement,
        currency: "XOF",
        phases_done: 2,
        shift: 2,
    },
    CountryDemo {
        workspace: "nigeria-labour",
        country: "Nigeria",
        title: "Recruitment agencies oversight",
        partner: "Federal Ministry of Labour and Employment",
        area: Area::LabourMigration,
        currency: "NGN",
        phases_done: 1,
        shift: 3,
    },
    CountryDemo {
        workspace: "mali-data",
        country: "Mali",
        title: "Migration statistics",
        partner: "National Statistics Institute",
        area: Area::MigrationData,
        currency: "XOF",
        phases_done: 3,
        shift: 4,
    },
    CountryDemo {
        workspace: "cotedivoire-ct",
        country: "Côte d'Ivoire",
        title: "Victim referral mechanism",
        partner: "National Committee against Trafficking",
        area: Area::CounterTraffickingProtection,
        currency: "EUR",
        phases_done: 4,
        shift: 5,
    },
];

/// A smaller engagement than [`seed`]'s in `c.workspace`: the engagement, one
/// generic capacity assessment with scores that depend on `c.shift`, and,
/// past phase 2, a plan of two activities with six months of monitoring.
/// Document ids start with the workspace's id, since a server keeps one
/// document per id.
pub fn seed_country(store: &mut Store, c: &CountryDemo, t0: i64) -> Result<()> {
    let id = |name: &str| format!("{}-{name}", c.workspace);
    let state = |phase: usize| match phase.cmp(&c.phases_done) {
        std::cmp::Ordering::Less => PhaseState::Done,
        std::cmp::Ordering::Equal => PhaseState::InProgress,
        std::cmp::Ordering::Greater => PhaseState::NotStarted,
    };
    let engagement = Engagement {
        title: c.title.into(),
        country: c.country.into(),
        partner_institution: c.partner.into(),
        area: Some(c.area),
        phases: Phases {
            engagement: state(0),
            assessment: state(1),
            response: state(2),
            implementation: state(3),
            monitoring: state(4),
        },
        ..Engagement::default()
    };
    store.create(&id("engagement"), c.workspace, &Content::Engagement(engagement), t0)?;
    if c.phases_done < 1 {
        return Ok(());
    }

    let generic = &template("generic_capacity")?;
    let mut assessment = Assessment::start("Capacity self-assessment", generic);
    assessment.started_on = Some(Date::from_unix_ms(t0 + 20 * DAY));
    assessment.completed_on = Some(Date::from_unix_ms(t0 + 22 * DAY));
    for (i, response) in assessment.responses.values_mut().enumerate() {
        let existing = 1 + (i * 5 + c.shift * 2) % 4;
        response.existing = Some(existing as i64);
        response.desired = Some((existing + 1 + (i + c.shift) % 3).min(5) as i64);
        response.priority = (1 + (i + c.shift) % 5) as u8;
    }
    store.create(&id("assessment"), c.workspace, &Content::Assessment(assessment), t0 + 20 * DAY)?;
    if c.phases_done < 3 {
        return Ok(());
    }

    let activity = |n: usize, budget: f64, status: ActivityStatus| Activity {
        id: format!("act{n}"),
        title: ["Training of trainers", "Standard operating procedures"][n].into(),
        activity_type: [ActivityType::TrainingOfTrainers, ActivityType::SopOrGuideline][n],
        budget,
        status,
        indicators: vec![Indicator {
            id: format!("ind{n}"),
            name: ["Staff trained", "Procedures adopted"][n].into(),
            baseline: 0.0,
            target: [40.0, 3.0][n],
            target_on: date("2026-12-31"),
            ..Indicator::default()
        }],
        ..Activity::default()
    };
    let scale = if c.currency == "XOF" || c.currency == "NGN" { 600.0 } else { 1.0 };
    let plan = Plan {
        title: format!("{} response plan", c.title),
        assessment_ids: vec![id("assessment")],
        currency: c.currency.into(),
        outcomes: vec![Outcome {
            id: "oc1".into(),
            statement: format!("{} works to agreed standards", c.partner),
            outputs: vec![Output {
                id: "op1".into(),
                statement: "Trained staff and written procedures".into(),
                activities: vec![
                    activity(0, 15_000.0 * scale, ActivityStatus::InProgress),
                    activity(1, 6_000.0 * scale, ActivityStatus::Planned),
                ],
                ..Output::default()
            }],
            ..Outcome::default()
        }],
        ..Plan::default()
    };
    store.create(&id("plan"), c.workspace, &Content::Plan(plan), t0 + 40 * DAY)?;
    let monitoring = Monitoring { title: "Monitoring".into(), plan_id: id("plan"), ..Monitoring::default() };
    store.create(&id("monitoring"), c.workspace, &Content::Monitoring(monitoring), t0 + 41 * DAY)?;
    for month in 2..=7u32 {
        let on = date(&format!("2026-{month:02}-28"));
        let now = t0 + i64::from(month) * 30 * DAY;
        let update = ProgressUpdate {
            id: format!("p{month}"),
            activity_id: "act0".into(),
            date: on,
            percent_complete: f64::from(month - 1) * 12.0,
            spent: 15_000.0 * scale * f64::from(month - 1) / 10.0,
            ..ProgressUpdate::default()
        };
        store.edit(
            &id("monitoring"),
            &Edit::Insert { list: "progress".into(), item: item(&update), before: None },
            now,
        )?;
        // Countries further along train faster: some on track, some behind.
        let trained = f64::from(month) * (2.0 + c.shift as f64 * 0.8);
        let m = Measurement {
            id: format!("m{month}"),
            indicator_id: "ind0".into(),
            date: on,
            value: trained,
            ..Measurement::default()
        };
        store.edit(
            &id("monitoring"),
            &Edit::Insert { list: "measurements".into(), item: item(&m), before: None },
            now + 1,
        )?;
    }
    Ok(())
}

/// `text` cut to at most `max` characters at a word's end, with "…" when cut.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max - 1).collect();
    let cut = match cut.rsplit_once(' ') {
        Some((head, _)) if head.chars().count() > max / 2 => head.to_owned(),
        _ => cut,
    };
    format!("{}…", cut.trim_end_matches([' ', ',', ';', ':', '.']))
}
