//! Store benchmarks against the bars in DESIGN.md, on real files:
//! - edit → durable (committed, fsynced) latency, p50 / p99 / max;
//! - opening a store with 200 assessments and 20 plans to the first list of data.
//!
//! Run: `cargo bench -p cd4mm-store`. Figures go to `docs/benchmarks.md`.

use cd4mm_core::assessment::Assessment;
use cd4mm_core::plan::{Activity, Indicator, Outcome, Output, Plan};
use cd4mm_core::{Content, Edit};
use cd4mm_store::{Store, StoreKey};
use serde_json::json;
use std::time::{Duration, Instant};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn plan(n: usize) -> Plan {
    let activities = (0..10)
        .map(|i| Activity {
            id: format!("a{i}"),
            title: format!("Activity {i} of plan {n}"),
            description: "Develop and validate standard operating procedures with the partner.".into(),
            budget: 1000.0 * i as f64,
            indicators: vec![Indicator {
                id: format!("i{i}"),
                name: "Officers applying the SOP".into(),
                target: 50.0,
                ..Indicator::default()
            }],
            ..Activity::default()
        })
        .collect();
    Plan {
        title: format!("Response plan {n}"),
        outcomes: vec![Outcome {
            id: "oc1".into(),
            statement: "Border procedures are applied consistently.".into(),
            outputs: vec![Output {
                id: "op1".into(),
                statement: "SOPs adopted".into(),
                activities,
                ..Output::default()
            }],
            ..Outcome::default()
        }],
        ..Plan::default()
    }
}

/// Open a store plain, or encrypted with `key` (as the desktop does).
fn open(path: &std::path::Path, key: Option<&StoreKey>) -> Store {
    match key {
        Some(key) => Store::open_encrypted(path, key).expect("open encrypted"),
        None => Store::open(path).expect("open"),
    }
}

fn label(key: Option<&StoreKey>) -> &'static str {
    if key.is_some() { "encrypted" } else { "plain" }
}

fn edit_latency(dir: &std::path::Path, key: Option<&StoreKey>) {
    let templates = cd4mm_core::data::templates().expect("templates");
    let border = templates.iter().find(|t| t.id == "border_management").expect("border");
    let question_ids: Vec<String> = border.questions().map(|(_, q)| q.id.clone()).collect();
    let mut store = open(&dir.join(format!("edits-{}.sqlite3", label(key))), key);
    store.create("asm", "ws", &Content::Assessment(Assessment::start("Workshop", border)), 0).expect("create");
    store.create("plan", "ws", &Content::Plan(plan(0)), 0).expect("create");
    let n = 2000;
    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        let q = &question_ids[i % question_ids.len()];
        let edit = match i % 4 {
            0 => Edit::Set { path: format!("responses/{q}/existing"), value: json!(1 + (i % 5)) },
            1 => Edit::Set { path: format!("responses/{q}/desired"), value: json!(1 + ((i + 2) % 5)) },
            2 => Edit::Set {
                path: format!("responses/{q}/evidence"),
                value: json!(format!(
                    "Participants said the procedure was revised {i} times; copies are missing at two posts."
                )),
            },
            _ => Edit::Set {
                path: format!("outcomes/oc1/outputs/op1/activities/a{}/budget", i % 10),
                value: json!(500 * i),
            },
        };
        let (id, edit) = if i % 4 == 3 { ("plan", edit) } else { ("asm", edit) };
        let started = Instant::now();
        store.edit(id, &edit, i as i64).expect("edit");
        times.push(started.elapsed());
    }
    times.sort();
    println!(
        "{}: edit → durable ({n} edits: scores, evidence text, budget): p50 {}  p99 {}  max {}",
        label(key),
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
        ms(*times.last().expect("edits"))
    );
}

fn open_to_first_list(dir: &std::path::Path, key: Option<&StoreKey>) {
    let path = dir.join(format!("open-{}.sqlite3", label(key)));
    let templates = cd4mm_core::data::templates().expect("templates");
    let generic = templates.iter().find(|t| t.id == "generic_capacity").expect("generic");
    {
        let mut store = open(&path, key);
        store.install_toolbox().expect("toolbox");
        for n in 0..200 {
            let mut a = Assessment::start(&format!("Assessment {n}"), generic);
            for (i, r) in a.responses.values_mut().enumerate() {
                r.existing = Some(1 + ((n + i) % 5) as i64);
                r.desired = Some(5);
                r.evidence = format!("Evidence note {i} for assessment {n}.");
            }
            store.create(&format!("asm-{n}"), &format!("ws-{}", n % 10), &Content::Assessment(a), 0).expect("create");
        }
        for n in 0..20 {
            store.create(&format!("plan-{n}"), &format!("ws-{}", n % 10), &Content::Plan(plan(n)), 0).expect("create");
        }
    }
    let mut times = Vec::new();
    for _ in 0..7 {
        let started = Instant::now();
        let store = open(&path, key);
        let list = store.list(None).expect("list");
        assert_eq!(list.len(), 221);
        times.push(started.elapsed());
    }
    times.sort();
    let mut store = open(&path, key);
    let started = Instant::now();
    let _ = store.read("asm-0").expect("read");
    let first_doc = started.elapsed();
    println!(
        "{}: open store (200 assessments × 60 questions, 20 plans, toolbox) → first list: median {}  worst {}; then open one assessment: {}",
        label(key),
        ms(percentile(&times, 0.5)),
        ms(*times.last().expect("runs")),
        ms(first_doc)
    );
}

fn main() {
    // `cargo test --benches` runs this binary with `--bench`-less args; skip then.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let key = StoreKey::from_bytes([7; 32]);
    for key in [None, Some(&key)] {
        edit_latency(dir.path(), key);
        open_to_first_list(dir.path(), key);
    }
    encryption_costs(dir.path());
}

/// What encryption adds once: the passphrase's key at each start, and
/// encrypting a store written before (the plain one above, 221 documents).
fn encryption_costs(dir: &std::path::Path) {
    let started = Instant::now();
    let _ = StoreKey::from_passphrase("a passphrase of some length", b"0123456789abcdef0123456789abcdef").expect("key");
    let derive = started.elapsed();
    let plain = dir.join("open-plain.sqlite3");
    let bytes = std::fs::metadata(&plain).map_or(0, |m| m.len());
    let started = Instant::now();
    cd4mm_store::encrypt_in_place(&plain, &StoreKey::from_bytes([9; 32])).expect("encrypt");
    println!(
        "passphrase → key (Argon2id, 64 MiB, 3 passes): {}; encrypting a plain store of 221 documents ({:.1} MB) in place: {}",
        ms(derive),
        bytes as f64 / 1e6,
        ms(started.elapsed())
    );
}
