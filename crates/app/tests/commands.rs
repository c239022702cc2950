//! The command API over a real store: what the UI will do, phase by phase.

use cd4mm_app::{Caller, Command, Reply, execute};
use cd4mm_core::vocabulary::{AgeGroup, Sex};
use cd4mm_core::{Code, Content, Edit, Kind};
use cd4mm_store::Store;
use serde_json::json;

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("app.sqlite3")).expect("store");
    (dir, store)
}

fn create(store: &mut Store, id: &str, kind: Kind, template: Option<&str>) {
    let command = Command::CreateDocument {
        id: id.into(),
        workspace: "ws".into(),
        kind,
        title: format!("The {id}"),
        template: template.map(str::to_owned),
        baseline: None,
    };
    assert_eq!(execute(store, &Caller::local(), command, 1).expect("create"), Reply::Created { id: id.into() });
}

fn edit(store: &mut Store, id: &str, path: &str, value: serde_json::Value) -> Result<Reply, cd4mm_app::AppError> {
    execute(
        store,
        &Caller::local(),
        Command::EditDocument { made_on: None, id: id.into(), edit: Edit::Set { path: path.into(), value } },
        2,
    )
}

#[test]
fn an_assessment_is_created_scored_and_summarised() {
    let (_dir, mut store) = store();
    create(&mut store, "baseline", Kind::Assessment, Some("border_management"));
    create(&mut store, "again", Kind::Assessment, Some("border_management"));
    for (doc, existing) in [("baseline", 2), ("again", 4)] {
        edit(&mut store, doc, "responses/adm_structure/existing", json!(existing)).expect("score");
        edit(&mut store, doc, "responses/adm_structure/desired", json!(5)).expect("score");
    }
    edit(&mut store, "again", "baseline_id", json!("baseline")).expect("link baseline");

    let Reply::Assessment(summary) =
        execute(&mut store, &Caller::local(), Command::AssessmentSummary { id: "again".into() }, 3).expect("summary")
    else {
        panic!("an assessment summary")
    };
    assert_eq!(summary.prioritised.len(), 1);
    assert_eq!(summary.prioritised[0].gap, Some(1));
    let administration = summary
        .comparison
        .iter()
        .find(|c| matches!(&c.dimension, cd4mm_core::assessment::Dimension::Section { section } if section == "administration"))
        .expect("administration compared");
    assert_eq!(
        (administration.baseline, administration.current, administration.change),
        (Some(2.0), Some(4.0), Some(2.0))
    );

    // A score off the scale names the field and writes nothing.
    let err = edit(&mut store, "again", "responses/adm_structure/existing", json!(9)).expect_err("refused");
    assert_eq!(err.code, Code::Invalid);
    assert_eq!(err.field.as_deref(), Some("responses/adm_structure/existing"));
    assert!(err.message.contains("1, 2, 3, 4 or 5"), "{}", err.message);

    let err =
        execute(&mut store, &Caller::local(), Command::ReadDocument { id: "nope".into() }, 4).expect_err("missing");
    assert_eq!(err.code, Code::NotFound);
    let err = execute(
        &mut store,
        &Caller::local(),
        Command::CreateDocument {
            id: "x".into(),
            workspace: "ws".into(),
            kind: Kind::Assessment,
            title: "x".into(),
            template: None,
            baseline: None,
        },
        5,
    )
    .expect_err("an assessment needs a template");
    assert_eq!(err.code, Code::Invalid);
}

#[test]
fn the_design_step_shapes_the_instrument_until_rating_begins() {
    let (_dir, mut store) = store();
    create(&mut store, "eng", Kind::Engagement, None);
    let area = json!([{"id": "ca1", "title": "Document checks", "level": "organisation", "core_issue": "knowledge", "priority": 5}]);
    edit(&mut store, "eng", "capacity_areas", area).expect("a capacity area");
    create(&mut store, "a", Kind::Assessment, Some("generic_capacity"));
    let design = cd4mm_core::design::Design {
        levels: vec![cd4mm_core::vocabulary::Level::Organisation],
        capacity_area_ids: vec!["ca1".into()],
        ..Default::default()
    };
    let command = Command::DesignAssessment { id: "a".into(), design: design.clone() };
    execute(&mut store, &Caller::local(), command, 3).expect("designed");
    let Content::Assessment(a) = store.content("a").expect("content") else { panic!("an assessment") };
    let t = a.template.as_ref().expect("frozen");
    assert!(t.questions().all(|(_, q)| q.level == Some(cd4mm_core::vocabulary::Level::Organisation)));
    assert_eq!(a.responses.len(), t.questions().count(), "a response per question asked, no more");
    assert_eq!(a.capacity_area_ids, ["ca1"]);
    assert_eq!(a.design.as_deref(), Some(&design));
    let knowledge = t.questions().find(|(_, q)| q.core_issue == Some(cd4mm_core::vocabulary::CoreIssue::Knowledge));
    assert_eq!(a.responses[&knowledge.expect("a knowledge question").1.id].priority, 5, "seeded by the area");

    // Once a question is rated, the questions are fixed.
    let first = a.responses.keys().next().expect("a question").clone();
    edit(&mut store, "a", &format!("responses/{first}/existing"), json!(2)).expect("rated");
    let command = Command::DesignAssessment { id: "a".into(), design };
    let err = execute(&mut store, &Caller::local(), command, 4).expect_err("fixed now");
    assert!(err.message.contains("rating has begun"), "{}", err.message);
}

#[test]
fn the_partner_ranks_capacity_areas_by_weighted_criteria() {
    let (_dir, mut store) = store();
    create(&mut store, "eng", Kind::Engagement, None);
    for (id, title) in [("ca1", "Document checks"), ("ca2", "Labour migration data")] {
        let insert = Edit::Insert {
            list: "capacity_areas".into(),
            item: json!({"id": id, "title": title, "priority": 3}),
            before: None,
        };
        execute(
            &mut store,
            &Caller::local(),
            Command::EditDocument { made_on: None, id: "eng".into(), edit: insert },
            2,
        )
        .expect("area");
    }
    let criterion = json!({"id": "urgency", "name": "Urgency for the ministry", "weight": 3});
    let insert = Edit::Insert { list: "prioritisation/criteria".into(), item: criterion, before: None };
    execute(&mut store, &Caller::local(), Command::EditDocument { made_on: None, id: "eng".into(), edit: insert }, 3)
        .expect("criterion");
    edit(&mut store, "eng", "prioritisation/scores/ca2|urgency", json!(5)).expect("a score, on a key not there before");
    edit(&mut store, "eng", "prioritisation/scores/ca1|urgency", json!(2)).expect("another");
    let err = edit(&mut store, "eng", "prioritisation/scores/ca1|urgency", json!(7)).expect_err("off the scale");
    assert!(err.field.as_deref().is_some_and(|f| f.contains("prioritisation/scores")), "{err:?}");
    let Reply::RankedAreas(ranked) =
        execute(&mut store, &Caller::local(), Command::RankCapacityAreas { id: "eng".into() }, 4).expect("ranked")
    else {
        panic!("a ranking")
    };
    let order: Vec<&str> = ranked.iter().map(|r| r.area_id.as_str()).collect();
    assert_eq!(order, ["ca2", "ca1"]);
}

#[test]
fn a_reassessments_results_become_measurements_of_the_gap_indicators_once() {
    let (_dir, mut store) = store();
    create(&mut store, "base", Kind::Assessment, Some("border_management"));
    edit(&mut store, "base", "responses/adm_structure/existing", json!(1)).expect("rated");
    edit(&mut store, "base", "responses/adm_structure/desired", json!(4)).expect("rated");
    create(&mut store, "plan", Kind::Plan, None);
    let outcome = json!({"id": "oc1", "statement": "Structure", "outputs": [{"id": "op1", "statement": "Chart", "activities": [{
        "id": "a1", "title": "Close the gap", "addresses": [{"id": "g1", "assessment_id": "base", "question_id": "adm_structure"}],
        "indicators": [{"id": "i1", "name": "Structure rating", "baseline": 1.0, "target": 4.0}]
    }]}]});
    let insert = Edit::Insert { list: "outcomes".into(), item: outcome, before: None };
    execute(&mut store, &Caller::local(), Command::EditDocument { made_on: None, id: "plan".into(), edit: insert }, 3)
        .expect("plan");
    create(&mut store, "mon", Kind::Monitoring, None);
    edit(&mut store, "mon", "plan_id", json!("plan")).expect("follows the plan");
    let again = Command::CreateDocument {
        id: "again".into(),
        workspace: "ws".into(),
        kind: Kind::Assessment,
        title: "One year on".into(),
        template: None,
        baseline: Some("base".into()),
    };
    execute(&mut store, &Caller::local(), again, 4).expect("re-assessment");
    edit(&mut store, "again", "responses/adm_structure/existing", json!(3)).expect("rated again");
    let on = cd4mm_core::Date::parse("2027-06-30").expect("date");
    for _ in 0..2 {
        let record = Command::RecordReassessment { id: "again".into(), monitoring: "mon".into(), on };
        execute(&mut store, &Caller::local(), record, 5).expect("recorded");
    }
    let Content::Monitoring(m) = store.content("mon").expect("monitoring") else { panic!("monitoring") };
    assert_eq!(m.measurements.len(), 1, "recorded once: {:?}", m.measurements);
    assert_eq!((m.measurements[0].indicator_id.as_str(), m.measurements[0].value), ("i1", 3.0));
    assert_eq!(m.measurements[0].date, Some(on));
}

#[test]
fn a_plan_summary_follows_monitoring_data() {
    let (_dir, mut store) = store();
    create(&mut store, "plan", Kind::Plan, None);
    create(&mut store, "monitoring", Kind::Monitoring, None);
    let insert = |list: &str, item: serde_json::Value| Command::EditDocument {
        made_on: None,
        id: if list.starts_with("outcomes") { "plan".into() } else { "monitoring".into() },
        edit: Edit::Insert { list: list.into(), item, before: None },
    };
    execute(&mut store, &Caller::local(), insert("outcomes", json!({"id": "oc", "statement": "Outcome"})), 2)
        .expect("outcome");
    execute(&mut store, &Caller::local(), insert("outcomes/oc/outputs", json!({"id": "op", "statement": "Output"})), 2)
        .expect("output");
    let activity = json!({"id": "a1", "title": "SOP development", "budget": 10000, "status": "in_progress",
        "indicators": [{"id": "i1", "name": "SOPs adopted", "baseline": 0, "target": 4,
                        "baseline_on": "2026-01-01", "target_on": "2026-12-31"}]});
    execute(&mut store, &Caller::local(), insert("outcomes/oc/outputs/op/activities", activity), 2).expect("activity");
    execute(
        &mut store,
        &Caller::local(),
        insert("measurements", json!({"id": "m1", "indicator_id": "i1", "date": "2026-07-02", "value": 2})),
        3,
    )
    .expect("measurement");
    execute(
        &mut store,
        &Caller::local(),
        insert("progress", json!({"id": "p1", "activity_id": "a1", "date": "2026-07-02", "spent": 2500})),
        3,
    )
    .expect("progress");

    let reply = execute(
        &mut store,
        &Caller::local(),
        Command::PlanSummary { id: "plan".into(), monitoring: vec!["monitoring".into()] },
        4,
    );
    let Reply::Plan(summary) = reply.expect("summary") else { panic!("a plan summary") };
    assert_eq!((summary.delivery.progress.budget, summary.delivery.progress.spent), (10000.0, 2500.0));
    assert_eq!(summary.indicators.len(), 1);
    assert_eq!(summary.indicators[0].status, cd4mm_core::plan::IndicatorStatus::OnTrack, "2 of 4 at mid-year");
    assert_eq!(summary.indicators[0].latest, Some(2.0));

    // A training's headcount, by sex and age group, as the pages and the report show it.
    let training = json!({"id": "t1", "title": "Interviewing", "participants": [
        {"id": "g1", "institution": "Police", "sex": "female", "age_group": "under25", "count": 7},
        {"id": "g2", "institution": "Police", "sex": "male", "age_group": "under25", "count": 5}]});
    execute(&mut store, &Caller::local(), insert("trainings", training), 4).expect("training");
    let reply = execute(&mut store, &Caller::local(), Command::MonitoringSummary { id: "monitoring".into() }, 4);
    let Reply::Monitoring(summary) = reply.expect("summary") else { panic!("a monitoring summary") };
    let heads = &summary.headcounts["t1"];
    assert_eq!((heads.total, heads.of_sex(Sex::Female), heads.of_age(AgeGroup::Under25)), (12, 7, 12));
    let err = execute(&mut store, &Caller::local(), Command::MonitoringSummary { id: "plan".into() }, 4)
        .expect_err("wrong kind");
    assert_eq!(err.code, Code::WrongKind);

    let reply = execute(&mut store, &Caller::local(), Command::ListDocuments { workspace: Some("ws".into()) }, 5)
        .expect("list");
    let Reply::Documents(docs) = reply else { panic!("documents") };
    assert_eq!(docs.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), ["monitoring", "plan"]);
    let err = execute(&mut store, &Caller::local(), Command::AssessmentSummary { id: "plan".into() }, 6)
        .expect_err("wrong kind");
    assert_eq!(err.code, Code::WrongKind);
}

#[test]
fn commands_and_replies_travel_as_json() {
    let (_dir, mut store) = store();
    store.install_toolbox().expect("toolbox");
    // What the UI sends, as JSON, is what the Rust side reads.
    let command: Command =
        serde_json::from_value(json!({"command": "search", "query": "stakeholder grid", "limit": 5}))
            .expect("a search command");
    let reply = serde_json::to_value(execute(&mut store, &Caller::local(), command, 1).expect("search")).expect("json");
    assert_eq!(reply["reply"], json!("search_hits"));
    assert!(
        reply["data"]
            .as_array()
            .is_some_and(|hits| hits.iter().any(|h| h["item_id"] == "power-interest-stakeholder-grid"))
    );
    let reply = serde_json::to_value(execute(&mut store, &Caller::local(), Command::Templates, 1).expect("templates"))
        .expect("json");
    assert_eq!(reply["data"].as_array().map(Vec::len), Some(4));
}

#[test]
fn history_names_each_change_and_a_plan_reads_as_it_stood() {
    let (_dir, mut store) = store();
    let at = |store: &mut Store, ms: i64, path: &str, value: serde_json::Value| {
        let edit = Edit::Set { path: path.into(), value };
        execute(store, &Caller::local(), Command::EditDocument { made_on: None, id: "plan".into(), edit }, ms)
            .expect("edit");
    };
    create(&mut store, "plan", Kind::Plan, None); // at 1 ms
    at(&mut store, 1_000, "objective/statement", json!("Faster, fairer border checks"));
    at(&mut store, 2_000, "objective/statement", json!("Faster, fairer and safer border checks"));

    let Reply::History(history) =
        execute(&mut store, &Caller::local(), Command::History { id: "plan".into() }, 3_000).expect("history")
    else {
        panic!("a history")
    };
    let seen: Vec<(i64, &str)> = history.iter().map(|h| (h.time_ms, h.summary.as_str())).collect();
    assert_eq!(seen, [(2_000, "set objective/statement"), (1_000, "set objective/statement"), (1, "create plan")]);
    let me = store.actor().to_hex_string();
    assert!(history.iter().all(|h| h.actor == me && h.author.is_none()));

    let text_at = |store: &mut Store, ms: i64| {
        let Reply::Document(s) =
            execute(store, &Caller::local(), Command::ReadDocumentAt { id: "plan".into(), at_ms: ms }, 3_000)
                .expect("read at")
        else {
            panic!("a document")
        };
        s.value.pointer("/objective/statement").and_then(|v| v.as_str()).map(str::to_owned)
    };
    assert_eq!(text_at(&mut store, 1_500).as_deref(), Some("Faster, fairer border checks"));
    assert_eq!(text_at(&mut store, 2_000).as_deref(), Some("Faster, fairer and safer border checks"));
    assert_eq!(text_at(&mut store, 500).as_deref(), Some(""), "created empty, before any text");
}

#[test]
fn local_workspaces_are_named_after_their_engagement() {
    let (_dir, mut store) = store();
    store.install_toolbox().expect("toolbox");
    create(&mut store, "plan", Kind::Plan, None);
    assert_eq!(
        execute(&mut store, &Caller::local(), Command::Workspaces, 1).expect("workspaces"),
        Reply::Workspaces(vec![cd4mm_app::WorkspaceInfo {
            id: "ws".into(),
            name: "ws".into(),
            country: String::new(),
            role: cd4mm_core::Role::Owner
        }])
    );
    create(&mut store, "eng", Kind::Engagement, None);
    let Reply::Workspaces(ws) = execute(&mut store, &Caller::local(), Command::Workspaces, 1).expect("workspaces")
    else {
        panic!("workspaces")
    };
    assert_eq!(ws.iter().map(|w| w.name.as_str()).collect::<Vec<_>>(), ["The eng"], "one workspace, no toolbox");
}

#[test]
fn the_next_round_starts_from_this_one_in_a_workspace_of_its_own() {
    let (_dir, mut store) = store();
    create(&mut store, "engagement", Kind::Engagement, None);
    let stakeholder = json!({"id": "s1", "name": "Immigration Service", "organisation": "GIS"});
    execute(
        &mut store,
        &Caller::local(),
        Command::EditDocument {
            made_on: None,
            id: "engagement".into(),
            edit: Edit::Insert { list: "stakeholders".into(), item: stakeholder, before: None },
        },
        2,
    )
    .expect("a stakeholder");
    create(&mut store, "baseline", Kind::Assessment, Some("border_management"));
    edit(&mut store, "baseline", "responses/adm_structure/existing", json!(2)).expect("score");
    edit(&mut store, "baseline", "responses/adm_structure/desired", json!(5)).expect("score");
    // A policy profile's answers are not capacity gaps and stay behind.
    create(&mut store, "mgi", Kind::Assessment, Some("migration_governance"));

    let words =
        cd4mm_core::next_round::RoundWords { carried: "{stakeholders}/{gaps}/{lessons}".into(), ..Default::default() };
    let start = |workspace: &str| Command::StartNextRound {
        id: format!("next-{workspace}"),
        workspace: workspace.into(),
        from: "ws".into(),
        title: "Round 2".into(),
        on: cd4mm_core::Date::parse("2027-01-10").expect("date"),
        words: words.clone(),
    };
    // Not into the same workspace: it has its engagement.
    let refused = execute(&mut store, &Caller::local(), start("ws"), 3).expect_err("same workspace");
    assert_eq!(refused.code, Code::Invalid);
    assert_eq!(
        execute(&mut store, &Caller::local(), start("ws2"), 3).expect("next round"),
        Reply::Created { id: "next-ws2".into() }
    );
    let Content::Engagement(next) = store.content("next-ws2").expect("content") else { panic!("an engagement") };
    assert_eq!(next.previous_workspace.as_deref(), Some("ws"));
    assert_eq!(next.stakeholders.len(), 1);
    assert_eq!(next.capacity_areas.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["gap-adm_structure"]);
    assert_eq!(next.log[0].summary, "1/1/0");
    // A second round into the same workspace is refused: one engagement each.
    let again = execute(&mut store, &Caller::local(), start("ws2"), 4).expect_err("already started");
    assert_eq!(again.code, Code::Exists);
}
