//! The regional dashboard's response time with 50 workspaces, each with 10
//! assessments (the 60-question generic framework, every question scored),
//! 5 plans and a year of monthly monitoring for each plan, on SQLite and on a
//! throwaway PostgreSQL cluster. The data arrives the way it does in the field:
//! a device syncs it, and the server's facts task (or the first dashboard,
//! whichever comes first) computes the changed documents' facts. Prints the
//! seeding time, the first dashboard's time, and the dashboard's p50/p99 over
//! repeated requests; `docs/benchmarks.md` keeps the latest figures. Bar (issue 5):
//! under 200 ms.
//!
//! Run: `cargo bench -p cd4mm-tests --bench regional`.

#[path = "../tests/stories/common/mod.rs"]
mod common;

use cd4mm_core::Content;
use cd4mm_core::assessment::Assessment;
use cd4mm_core::engagement::Engagement;
use cd4mm_core::monitoring::{Measurement, Monitoring, ProgressUpdate};
use cd4mm_core::plan::{Activity, Indicator, Outcome, Output, Plan};
use cd4mm_core::{Date, vocabulary::ActivityStatus};
use cd4mm_server::admin::Command;
use common::{Backend, TestServer, device};
use std::time::{Duration, Instant};

const WORKSPACES: usize = 50;
const COUNTRIES: [&str; 5] = ["Ghana", "Senegal", "Niger", "Mali", "Nigeria"];
const ASSESSMENTS: usize = 10;
const PLANS: usize = 5;
const ACTIVITIES: usize = 4;
const REQUESTS: usize = 40;

/// A small deterministic sequence, so every run measures the same data.
fn score(n: usize) -> i64 {
    (n * 7 % 5) as i64 + 1
}

fn assessment(w: usize, a: usize, template: &cd4mm_core::template::Template) -> Content {
    let mut doc = Assessment::start(&format!("Assessment {a}"), template);
    for (q, response) in doc.responses.values_mut().enumerate() {
        let existing = score(w + a + q).min(4);
        response.existing = Some(existing);
        response.desired = Some((existing + 1 + (q % 2) as i64).min(5));
    }
    doc.completed_on = Date::parse(&format!("2026-{:02}-15", a + 1));
    if a > 0 {
        doc.baseline_id = Some(format!("w{w}-a{}", a - 1));
    }
    Content::Assessment(doc)
}

fn plan(p: usize) -> Content {
    let activities = (0..ACTIVITIES)
        .map(|a| Activity {
            id: format!("act{a}"),
            title: format!("Activity {a}"),
            budget: 1_000.0 * (a + 1) as f64,
            status: [ActivityStatus::Planned, ActivityStatus::InProgress, ActivityStatus::Completed][a % 3],
            indicators: vec![Indicator {
                id: format!("ind{a}"),
                name: format!("Indicator {a}"),
                baseline: 0.0,
                target: 12.0,
                baseline_on: Date::parse("2026-01-01"),
                target_on: Date::parse("2026-12-31"),
                ..Indicator::default()
            }],
            ..Activity::default()
        })
        .collect();
    let output = Output { id: "op".into(), activities, ..Output::default() };
    let outcome = Outcome { id: "oc".into(), outputs: vec![output], ..Outcome::default() };
    Content::Plan(Plan { title: format!("Plan {p}"), outcomes: vec![outcome], ..Plan::default() })
}

/// A year of monthly progress and measurements for every activity of a plan.
fn monitoring(plan_id: &str) -> Content {
    let mut m = Monitoring { title: "Monitoring 2026".into(), plan_id: plan_id.into(), ..Monitoring::default() };
    for month in 1..=12 {
        let date = Date::parse(&format!("2026-{month:02}-28"));
        for a in 0..ACTIVITIES {
            m.progress.push(ProgressUpdate {
                id: format!("u{month}-{a}"),
                activity_id: format!("act{a}"),
                date,
                spent: 80.0 * month as f64 * (a + 1) as f64,
                ..ProgressUpdate::default()
            });
            m.measurements.push(Measurement {
                id: format!("m{month}-{a}"),
                indicator_id: format!("ind{a}"),
                date,
                value: (month * (a + 1) / 2) as f64,
                ..Measurement::default()
            });
        }
    }
    Content::Monitoring(m)
}

async fn run(backend: Backend, name: &str) {
    let server = TestServer::start_on(backend).await;
    let ids: Vec<String> = (0..WORKSPACES).map(|w| format!("ws-{w:02}")).collect();
    for (w, id) in ids.iter().enumerate() {
        let country = COUNTRIES[w % COUNTRIES.len()].to_owned();
        server.admin(Command::AddWorkspace { id: id.clone(), name: format!("Engagement {w}"), country });
        server.member(id, "regional", "editor");
    }
    let templates = cd4mm_core::data::templates().expect("templates");
    let generic = templates.iter().find(|t| t.id == "generic_capacity").expect("generic template");

    let mut officer = device(&server, "regional").await;
    let started = Instant::now();
    let mut docs = 0;
    for (w, ws) in ids.iter().enumerate() {
        let engagement = Engagement { title: format!("Engagement {w}"), ..Engagement::default() };
        officer.store.create(&format!("w{w}-eng"), ws, &Content::Engagement(engagement), 1).expect("create");
        for a in 0..ASSESSMENTS {
            officer.store.create(&format!("w{w}-a{a}"), ws, &assessment(w, a, generic), 1).expect("create");
        }
        for p in 0..PLANS {
            let plan_id = format!("w{w}-p{p}");
            officer.store.create(&plan_id, ws, &plan(p), 1).expect("create");
            officer.store.create(&format!("w{w}-m{p}"), ws, &monitoring(&plan_id), 1).expect("create");
        }
        docs += 1 + ASSESSMENTS + 2 * PLANS;
    }
    let made = started.elapsed();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let synced = Instant::now();
    officer.sync(&refs).await.expect("sync");
    let synced = synced.elapsed();
    let http = cd4mm_sync::http_client();
    let token = officer.client.token().to_owned();
    let first = Instant::now();
    let r = http.get(format!("{}/api/dashboard", server.url)).bearer_auth(&token).send().await.expect("dashboard");
    assert_eq!(r.status().as_u16(), 200);
    let first = first.elapsed();
    println!(
        "regional ({name}): {WORKSPACES} workspaces, {docs} documents made in {:.1} s, synced in {:.1} s; \
         first dashboard (facts caught up) {:.0} ms",
        made.as_secs_f64(),
        synced.as_secs_f64(),
        first.as_secs_f64() * 1e3
    );
    for (label, query) in [
        ("whole region, by level × core issue", ""),
        ("one country, by functional capacity", "?country=Ghana&by=functional_capacity"),
        ("2026 H1, by section", "?from=2026-01-01&to=2026-06-30&by=section"),
    ] {
        let mut times: Vec<Duration> = Vec::with_capacity(REQUESTS);
        let mut size = 0;
        for _ in 0..REQUESTS {
            let t = Instant::now();
            let r = http
                .get(format!("{}/api/dashboard{query}", server.url))
                .bearer_auth(&token)
                .send()
                .await
                .expect("dashboard");
            assert_eq!(r.status().as_u16(), 200);
            size = r.bytes().await.expect("body").len();
            times.push(t.elapsed());
        }
        times.sort();
        let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)].as_secs_f64() * 1e3;
        println!(
            "regional ({name}): dashboard, {label}: p50 {:.1} ms  p99 {:.1} ms  ({size} B, {REQUESTS} requests)",
            at(0.5),
            at(0.99)
        );
    }
    // Exports of the whole region (a row per question: 30,000 rows), read
    // as they arrive. The server runs in this process: the rise of the
    // process's peak memory during an export is what the export held.
    for file in ["assessments.csv", "assessments.xlsx", "documents.json"] {
        reset_peak_memory();
        let before = memory_kib("VmRSS");
        let t = Instant::now();
        let mut r =
            http.get(format!("{}/api/export/{file}", server.url)).bearer_auth(&token).send().await.expect("export");
        assert_eq!(r.status().as_u16(), 200, "{file}");
        let mut size = 0;
        while let Some(chunk) = r.chunk().await.expect("export body") {
            size += chunk.len();
        }
        println!(
            "regional ({name}): export of the region, {file}: {:.0} ms, {:.1} MB, peak memory +{:.1} MB",
            t.elapsed().as_secs_f64() * 1e3,
            size as f64 / 1e6,
            memory_kib("VmHWM").saturating_sub(before) as f64 / 1024.0
        );
    }
    server.stop().await;
}

/// A figure of `/proc/self/status` in KiB (0 where there is none).
fn memory_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Start counting the process's peak memory (VmHWM) from now.
fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    run(Backend::Sqlite, "SQLite").await;
    run(Backend::Postgres, "PostgreSQL").await;
}
