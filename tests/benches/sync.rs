//! Sync cost for "1,000 documents, 10 changed", against a real server on
//! loopback, next to Automerge's standard per-document sync protocol on the
//! same documents. Prints round trips and bytes; `docs/benchmarks.md` keeps
//! the latest figures. Bar (DESIGN.md): one round trip, and bytes ≤ 1.2 × the
//! compressed change bytes + 1 KiB.
//!
//! Run: `cargo bench -p cd4mm-tests --bench sync`.

use cd4mm_core::automerge::sync::{self, SyncDoc};
use cd4mm_core::automerge::{Automerge, Change};
use cd4mm_core::engagement::Engagement;
use cd4mm_core::{Content, Edit};
use cd4mm_server::Config;
use cd4mm_server::admin::{self, Command};
use cd4mm_store::Store;
use cd4mm_sync::{Client, Progress, Retry};
use cd4mm_tests::link::Link;
use serde_json::json;

const DOCS: usize = 1000;
const CHANGED: usize = 10;
const WS: &str = "region";
const PASSWORD: &str = "benchmark password";

fn doc_of(store: &mut Store, id: &str) -> Automerge {
    let mut doc = Automerge::new();
    let changes: Vec<Change> =
        store.changes(id).expect("changes").into_iter().map(|b| Change::from_bytes(b).expect("decode")).collect();
    doc.apply_changes(changes).expect("apply");
    doc
}

async fn sync(client: &Client, store: &mut Store) -> Progress {
    sync_workspaces(client, store, &[WS.to_owned()]).await
}

async fn sync_workspaces(client: &Client, store: &mut Store, workspaces: &[String]) -> Progress {
    let (_tx, mut cancel) = tokio::sync::watch::channel(false);
    client.sync(store, workspaces, &mut cancel, &mut |_| {}).await.expect("sync")
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    // The built web UI, when `npm --prefix ui run build` made it (the test
    // command does, before the benchmarks).
    let ui = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/dist");
    let ui = ui.join("index.html").exists().then_some(ui);
    let config = Config { data: dir.path().join("server"), ui: ui.clone(), ..Config::default() };
    let db = cd4mm_server::open_storage(&config).expect("storage");
    for command in [
        Command::AddWorkspace { id: WS.into(), name: "Region".into(), country: String::new() },
        Command::AddUser { username: "a".into(), password: PASSWORD.into(), admin: false },
        Command::AddUser { username: "b".into(), password: PASSWORD.into(), admin: false },
        Command::AddMember { workspace: WS.into(), username: "a".into(), role: "editor".into() },
        Command::AddMember { workspace: WS.into(), username: "b".into(), role: "editor".into() },
    ] {
        admin::run(db.as_ref(), command).expect("admin");
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(cd4mm_server::serve(db.clone(), config, listener, async {
        let _ = stopped.await;
    }));

    // `cargo bench --bench sync -- plans`: only the first sync of plans.
    let only_plans = std::env::args().any(|a| a == "plans");
    first_sync_of_plans(&url, dir.path(), db.as_ref()).await;
    if only_plans {
        let _ = stop.send(());
        server.await.expect("server task").expect("server stopped");
        return;
    }

    let mut a = Store::open(&dir.path().join("a.sqlite3")).expect("store a");
    let mut b = Store::open(&dir.path().join("b.sqlite3")).expect("store b");
    let client_a = Client::enrol(&url, "a", PASSWORD, "laptop a", &a).await.expect("enrol a");
    let client_b = Client::enrol(&url, "b", PASSWORD, "laptop b", &b).await.expect("enrol b");
    for n in 0..DOCS {
        let e = Engagement { title: format!("Engagement {n}"), country: "GH".into(), ..Engagement::default() };
        a.create(&format!("doc-{n:04}"), WS, &Content::Engagement(e), 1).expect("create");
    }
    let first_up = sync(&client_a, &mut a).await;
    let first_down = sync(&client_b, &mut b).await;
    println!(
        "first sync of {DOCS} documents: upload {} requests, {} B; download (snapshots) {} requests, {} B",
        first_up.requests,
        first_up.bytes_sent + first_up.bytes_received,
        first_down.requests,
        first_down.bytes_sent + first_down.bytes_received
    );

    // Keep B's documents as they are now, for the standard protocol's run.
    let before: Vec<Automerge> = (0..DOCS).map(|n| doc_of(&mut b, &format!("doc-{n:04}"))).collect();

    // Ten documents change on A: a sentence of context each.
    let mut raw_changes = Vec::new();
    for n in 0..CHANGED {
        let id = format!("doc-{:04}", n * (DOCS / CHANGED));
        let value = json!(format!("Mixed flows at crossing {n}; the register was moved to the new post in March."));
        a.edit(&id, &Edit::Set { path: "context".into(), value }, 2).expect("edit");
        raw_changes.extend(a.changes(&id).expect("changes").last().cloned().expect("the new change"));
    }
    let raw_len = raw_changes.len();
    let compressed_len = zstd_len(&raw_changes);

    let up = sync(&client_a, &mut a).await;
    let down = sync(&client_b, &mut b).await;
    let bar = 1.2 * compressed_len as f64 + 1024.0;
    for (name, p) in [("upload (device A)", &up), ("download (device B)", &down)] {
        let bytes = p.bytes_sent + p.bytes_received;
        println!(
            "ordinary sync, {DOCS} documents, {CHANGED} changed, {name}: {} round trip(s), {bytes} B of bodies ({} up, {} down) — bar {:.0} B: {}",
            p.requests,
            p.bytes_sent,
            p.bytes_received,
            bar,
            if p.requests == 1 && bytes as f64 <= bar { "met" } else { "NOT MET" }
        );
    }
    println!("the {CHANGED} changes themselves: {raw_len} B raw, {compressed_len} B compressed (zstd)");

    // Automerge's standard protocol, one fresh sync state per document.
    let after: Vec<Automerge> = (0..DOCS).map(|n| doc_of(&mut a, &format!("doc-{n:04}"))).collect();
    let (messages, bytes) = standard_protocol(&before, &after);
    println!("Automerge's standard sync protocol on the same workload: {messages} messages, {bytes} B");

    slow_link(&url, &mut a, &client_a).await;
    if ui.is_some() {
        web_ui_on_a_field_link(&url).await;
    } else {
        println!("web UI on a field link: skipped (no ui/dist; build the UI first)");
    }
    load(&url, dir.path(), db.as_ref()).await;
    heavy_neighbour(&url, dir.path()).await;

    let _ = stop.send(());
    server.await.expect("server task").expect("server stopped");
}

/// Automerge's standard sync protocol, one fresh sync state per document:
/// the messages and bytes that bring each of `behind` up to its peer in
/// `ahead`.
fn standard_protocol(behind: &[Automerge], ahead: &[Automerge]) -> (usize, usize) {
    let (mut messages, mut bytes) = (0usize, 0usize);
    for (base, target) in behind.iter().zip(ahead) {
        let mut theirs = target.clone();
        let mut ours = base.clone();
        let (mut s_ours, mut s_theirs) = (sync::State::new(), sync::State::new());
        loop {
            let mut progressed = false;
            if let Some(m) = ours.generate_sync_message(&mut s_ours) {
                let encoded = m.encode();
                messages += 1;
                bytes += encoded.len();
                theirs
                    .receive_sync_message(&mut s_theirs, sync::Message::decode(&encoded).expect("decode"))
                    .expect("receive");
                progressed = true;
            }
            if let Some(m) = theirs.generate_sync_message(&mut s_theirs) {
                let encoded = m.encode();
                messages += 1;
                bytes += encoded.len();
                ours.receive_sync_message(&mut s_ours, sync::Message::decode(&encoded).expect("decode"))
                    .expect("receive");
                progressed = true;
            }
            if !progressed {
                break;
            }
        }
    }
    (messages, bytes)
}

/// Plans of the first-sync workload, each of 20 activities.
const PLANS: usize = 1000;

/// A new device's first sync of a workspace of 1,000 plans (20 activities
/// each): the time from the first request until every plan is in its store.
async fn first_sync_of_plans(url: &str, dir: &std::path::Path, db: &dyn cd4mm_server::Storage) {
    use cd4mm_core::plan::{Activity, Outcome, Output, Plan};
    const PLANS_WS: &str = "plans";
    for command in [
        Command::AddWorkspace { id: PLANS_WS.into(), name: "Plans".into(), country: String::new() },
        Command::AddUser { username: "planner".into(), password: PASSWORD.into(), admin: false },
        Command::AddUser { username: "newcomer".into(), password: PASSWORD.into(), admin: false },
        Command::AddMember { workspace: PLANS_WS.into(), username: "planner".into(), role: "editor".into() },
        Command::AddMember { workspace: PLANS_WS.into(), username: "newcomer".into(), role: "editor".into() },
    ] {
        admin::run(db, command).expect("admin");
    }
    let mut author = Store::open(&dir.join("planner.sqlite3")).expect("planner store");
    let writer = Client::enrol(url, "planner", PASSWORD, "planner's laptop", &author).await.expect("enrol");
    author
        .batch(|s| {
            for n in 0..PLANS {
                let activities = (0..20)
                    .map(|a| Activity {
                        id: format!("a{a}"),
                        title: format!("Activity {a} of plan {n}"),
                        budget: 1000.0 * a as f64,
                        ..Activity::default()
                    })
                    .collect();
                let output = Output { id: "op".into(), statement: "Output".into(), activities, ..Output::default() };
                let outcome = Outcome {
                    id: "oc".into(),
                    statement: "Outcome".into(),
                    outputs: vec![output],
                    ..Outcome::default()
                };
                let plan = Plan { title: format!("Plan {n}"), outcomes: vec![outcome], ..Plan::default() };
                s.create(&format!("plan-{n:04}"), PLANS_WS, &Content::Plan(plan), 1)?;
            }
            Ok(())
        })
        .expect("plans");
    sync_workspaces(&writer, &mut author, &[PLANS_WS.to_owned()]).await;

    // The first new device finds no snapshot kept on the server; the
    // second finds those the first sync built and kept.
    for (device, server_side) in [("newcomer-1", "snapshots built"), ("newcomer-2", "snapshots kept")] {
        let mut newcomer = Store::open(&dir.join(format!("{device}.sqlite3"))).expect("newcomer store");
        let reader = Client::enrol(url, "newcomer", PASSWORD, device, &newcomer).await.expect("enrol");
        let started = std::time::Instant::now();
        let p = sync_workspaces(&reader, &mut newcomer, &[PLANS_WS.to_owned()]).await;
        let took = started.elapsed();
        assert_eq!(newcomer.list(Some(PLANS_WS)).expect("list").len(), PLANS, "every plan arrived");
        println!(
            "first sync of {PLANS} plans of 20 activities on a new device ({server_side}): {:.2} s, {} round trip(s), {} B down — bar 1 s: {}",
            took.as_secs_f64(),
            p.requests,
            p.bytes_received,
            if took.as_secs_f64() <= 1.0 { "met" } else { "NOT MET" }
        );
        if device == "newcomer-2" {
            edits_on_plans(&writer, &mut author, &reader, &mut newcomer).await;
        }
    }
    on_a_field_link(url, dir, &writer, &mut author).await;
}

/// Scenario 1's hotspot (64 kbit/s, 600 ms round trip) that also drops each
/// connection after so many bytes toward the device (or the server): a week
/// offline (500 edits over 30 plans) uploaded, then a new device's first
/// sync of the 1,000 plans. Bars: the week in under 30 s with a drop every
/// 64 KB; every sync finishes, keeping what arrived before each drop.
async fn on_a_field_link(url: &str, dir: &std::path::Path, writer: &Client, author: &mut Store) {
    const PLANS_WS: &str = "plans";
    const GIVE_UP: std::time::Duration = std::time::Duration::from_secs(300);
    let workspaces = [PLANS_WS.to_owned()];
    let links = [
        ("no drops", Link::hotspot()),
        ("a drop every 64 KB toward the device", Link { cut_down_after: Some(64_000), ..Link::hotspot() }),
        ("a drop every 12 KB toward the device", Link { cut_down_after: Some(12_000), ..Link::hotspot() }),
        ("a drop every 12 KB toward the server", Link { cut_up_after: Some(12_000), ..Link::hotspot() }),
    ];
    for (n, (link_name, link)) in links.into_iter().enumerate() {
        let bar_link = link.cut_down_after == Some(64_000);
        let link = link.start(url).await;
        let patient = |token: &str| {
            let mut client = Client::new(&link.url, token);
            client.retry =
                Retry { attempts: 100, first_delay: std::time::Duration::from_millis(100), ..Retry::default() };
            client
        };
        for e in 0..500 {
            let (plan, activity) = (e % 30 * (PLANS / 30), e / 30 % 20);
            let path = format!("outcomes/oc/outputs/op/activities/a{activity}/title");
            let value = json!(format!("Week {n}: training {e} at the northern crossing"));
            author.edit(&format!("plan-{plan:04}"), &Edit::Set { path, value }, 100 + e as i64).expect("edit");
        }
        let mut newcomer = Store::open(&dir.join(format!("field-{n}.sqlite3"))).expect("store");
        let enrolled = Client::enrol(url, "newcomer", PASSWORD, "field laptop", &newcomer).await.expect("enrol");
        let runs: [(&str, &Client, &mut Store); 2] = [
            ("a week offline, 500 edits over 30 plans, uploaded", &patient(writer.token()), &mut *author),
            ("a new device's first sync of 1,000 plans", &patient(enrolled.token()), &mut newcomer),
        ];
        for (what, client, store) in runs {
            let (_tx, mut cancel) = tokio::sync::watch::channel(false);
            let mut shown = 0u32;
            let started = std::time::Instant::now();
            let done =
                tokio::time::timeout(GIVE_UP, client.sync(store, &workspaces, &mut cancel, &mut |_| shown += 1)).await;
            let took = started.elapsed().as_secs_f64();
            let bar = if bar_link && what.starts_with("a week") { " (bar 30 s)" } else { "" };
            match done {
                Ok(Ok(p)) => println!(
                    "field link, {link_name}: {what}: {took:.1} s{bar}, {} rounds, {} requests ({} connections cut), {} B up, {} B down, progress shown {shown} times",
                    p.rounds,
                    p.requests,
                    link.traffic.cut.swap(0, std::sync::atomic::Ordering::SeqCst),
                    p.bytes_sent,
                    p.bytes_received,
                ),
                Ok(Err(e)) => println!("field link, {link_name}: {what}: FAILED after {took:.1} s: {e}"),
                Err(_) => println!("field link, {link_name}: {what}: NOT FINISHED in {} s", GIVE_UP.as_secs()),
            }
        }
        assert!(author.unacked(&workspaces, usize::MAX).expect("unacked").is_empty(), "the week went up whole");
        assert_eq!(newcomer.list(Some(PLANS_WS)).expect("list").len(), PLANS, "every plan arrived");
    }
}

/// Side by side with Automerge's standard protocol, on the 1,000 plans:
/// (b) 10 plans changed by 6 edits each, (c) a week offline: 500 edits over
/// 30 plans. Bars: our bytes at most 1.2 × the compressed changes + 1 KiB,
/// and at least 50 × below the standard protocol's.
async fn edits_on_plans(writer: &Client, author: &mut Store, reader: &Client, newcomer: &mut Store) {
    const PLANS_WS: &str = "plans";
    let ids: Vec<String> = (0..PLANS).map(|n| format!("plan-{n:04}")).collect();
    let workloads: [(&str, usize, usize); 2] =
        [("10 plans changed by 6 edits each", 10, 60), ("a week offline: 500 edits over 30 plans", 30, 500)];
    let mut ms = 10;
    for (name, plans, edits) in workloads {
        let before: Vec<Automerge> = ids.iter().map(|id| doc_of(newcomer, id)).collect();
        let heads: Vec<_> = ids.iter().map(|id| author.heads(id).expect("heads")).collect();
        for e in 0..edits {
            let (plan, activity) = (e % plans * (PLANS / plans), e / plans % 20);
            let (path, value) = match e % 3 {
                0 => (format!("outcomes/oc/outputs/op/activities/a{activity}/budget"), json!(1500 + 10 * e)),
                1 => (format!("outcomes/oc/outputs/op/activities/a{activity}/status"), json!("in_progress")),
                _ => (
                    format!("outcomes/oc/outputs/op/activities/a{activity}/title"),
                    json!(format!("Training of {e} officers at the northern crossing")),
                ),
            };
            ms += 1;
            author.edit(&ids[plan], &Edit::Set { path, value }, ms).expect("edit");
        }
        let mut changes = Vec::new();
        for (id, h) in ids.iter().zip(&heads) {
            changes.extend(author.changes_since(id, h).expect("changes").concat());
        }
        let compressed = zstd_len(&changes);
        let started = std::time::Instant::now();
        let up = sync_workspaces(writer, author, &[PLANS_WS.to_owned()]).await;
        let up_took = started.elapsed();
        let down = sync_workspaces(reader, newcomer, &[PLANS_WS.to_owned()]).await;
        let after: Vec<Automerge> = ids.iter().map(|id| doc_of(author, id)).collect();
        let (messages, standard) = standard_protocol(&before, &after);
        let bar = 1.2 * compressed as f64 + 1024.0;
        for (side, p) in [("upload", &up), ("download", &down)] {
            let ours = p.bytes_sent + p.bytes_received;
            println!(
                "{name}, {side}: {} round trip(s), {ours} B ({} up, {} down){} — changes {} B raw, {compressed} B compressed; bar {bar:.0} B: {}; Automerge's standard protocol: {messages} messages, {standard} B = {:.0} × ours",
                p.requests,
                p.bytes_sent,
                p.bytes_received,
                if side == "upload" { format!(", {:.2} s", up_took.as_secs_f64()) } else { String::new() },
                changes.len(),
                if ours as f64 <= bar { "met" } else { "NOT MET" },
                standard as f64 / ours as f64,
            );
        }
    }
}

/// Changes of a heavy sender, each near the per-request operation limit.
const HEAVY_ROUNDS: usize = 4;

/// One device sends changes of about 200,000 operations to two plans, one
/// change per request, as a hostile member may; meanwhile another device
/// syncs a small edit every round. Judging a change (applying it to its
/// whole document) is done outside the database's lock, so the honest
/// rounds (in another workspace) should not wait for the heavy ones.
async fn heavy_neighbour(url: &str, dir: &std::path::Path) {
    use cd4mm_core::automerge::AutomergeError;
    use cd4mm_core::automerge::transaction::Transactable;
    use cd4mm_sync::wire::{self, OutChange, SyncRequest};
    let heavy_store = Store::open(&dir.join("heavy.sqlite3")).expect("store");
    let heavy = Client::enrol(url, "a", PASSWORD, "heavy sender", &heavy_store).await.expect("enrol");
    // Two plans, each growing to 400,000 operations (a document's limit is 500,000).
    let plan = |n: i64| {
        let plan = Content::Plan(cd4mm_core::plan::Plan { title: format!("Heavy {n}"), ..Default::default() });
        let doc = cd4mm_core::Document::create(WS, &plan, heavy_store.actor().clone(), n).expect("plan");
        doc.automerge().clone()
    };
    let mut histories = [plan(1), plan(2)];
    let http = cd4mm_sync::http_client();
    let send = |id: usize, bytes: Vec<u8>| {
        let doc_id = format!("heavy-plan-{id}");
        let changes = vec![OutChange { workspace: WS.into(), doc_id, kind: "plan".into(), bytes }];
        let body = wire::encode(&SyncRequest { epoch: None, budget: 4096, cursors: vec![], changes });
        let request = http.post(format!("{url}/v1/sync")).bearer_auth(heavy.token()).body(body);
        async move {
            let t = std::time::Instant::now();
            let status = request.send().await.expect("answer").status();
            assert!(status.is_success(), "{status}");
            t.elapsed()
        }
    };
    for (id, history) in histories.iter().enumerate() {
        send(id, history.get_last_local_change().expect("created").raw_bytes().to_vec()).await;
    }

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let honest = {
        let (stop, url, dir) = (stop.clone(), url.to_owned(), dir.to_owned());
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            let mut store = Store::open(&dir.join("honest.sqlite3")).expect("store");
            let client = rt.block_on(Client::enrol(&url, "b", PASSWORD, "honest", &store)).expect("enrol");
            let e = Engagement { title: "Honest".into(), ..Engagement::default() };
            // Another workspace: its rounds do not bring the heavy plan down,
            // so their time is the server's (the load test made it).
            let workspace = "country-0".to_owned();
            store.create("honest-doc", &workspace, &Content::Engagement(e), 1).expect("create");
            let mut times = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let item = json!({"id": format!("h{}", times.len()), "summary": "a small edit"});
                store.edit("honest-doc", &Edit::Insert { list: "log".into(), item, before: None }, 2).expect("edit");
                let t = std::time::Instant::now();
                rt.block_on(sync_workspaces(&client, &mut store, std::slice::from_ref(&workspace)));
                times.push(t.elapsed());
            }
            times
        })
    };
    let mut heavy_times = Vec::new();
    for round in 0..HEAVY_ROUNDS {
        let id = round % histories.len();
        histories[id]
            .transact::<_, _, AutomergeError>(|tx| {
                for i in 0..(cd4mm_core::admission::MAX_REQUEST_OPS as i64 - 1_000) {
                    tx.put(cd4mm_core::automerge::ROOT, "budget_note", i)?;
                }
                Ok(())
            })
            .expect("churn");
        heavy_times.push(send(id, histories[id].get_last_local_change().expect("churn").raw_bytes().to_vec()).await);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut times = honest.join().expect("honest device");
    times.sort();
    let ms = |d: &std::time::Duration| d.as_secs_f64() * 1000.0;
    let heavy_ms: Vec<String> = heavy_times.iter().map(|d| format!("{:.0}", ms(d))).collect();
    println!(
        "heavy neighbour: {HEAVY_ROUNDS} requests of ~200,000 operations to two plans took {} ms each; \
         an honest device's {} sync rounds meanwhile: p50 {:.1} ms, max {:.1} ms",
        heavy_ms.join(" / "),
        times.len(),
        ms(&times[times.len() / 2]),
        ms(times.last().expect("at least one round"))
    );
}

const LOAD_DEVICES: usize = 32;
const LOAD_ROUNDS: usize = 10;
const LOAD_EDITS: usize = 5;

/// Many devices syncing at once against one server on this 2-core machine,
/// each in its own country workspace: each makes a few edits and syncs, ten
/// times over. Reports requests per second and latency (client work included),
/// then checks that a fresh device receives every edit.
async fn load(url: &str, dir: &std::path::Path, db: &dyn cd4mm_server::Storage) {
    let workspaces: Vec<String> = (0..LOAD_DEVICES).map(|n| format!("country-{n}")).collect();
    // One officer per country, as in the field (the server lets one user do
    // one heavy round at a time).
    for (n, w) in workspaces.iter().enumerate() {
        admin::run(db, Command::AddWorkspace { id: w.clone(), name: w.clone(), country: String::new() })
            .expect("workspace");
        let officer = format!("officer-{n}");
        admin::run(db, Command::AddUser { username: officer.clone(), password: PASSWORD.into(), admin: false })
            .expect("user");
        for user in [officer.as_str(), "a", "b"] {
            admin::run(db, Command::AddMember { workspace: w.clone(), username: user.into(), role: "editor".into() })
                .expect("member");
        }
    }
    let mut clients = Vec::with_capacity(LOAD_DEVICES);
    for n in 0..LOAD_DEVICES {
        let store = Store::open(&dir.join(format!("load-{n}.sqlite3"))).expect("store");
        let officer = format!("officer-{n}");
        let client = Client::enrol(url, &officer, PASSWORD, &format!("device {n}"), &store).await.expect("enrol");
        clients.push((store, client));
    }
    let started = std::time::Instant::now();
    // Each device on its own thread and runtime, as separate laptops would be.
    let handles: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(n, (mut store, client))| {
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                let (doc, workspace) = (format!("load-doc-{n}"), format!("country-{n}"));
                let e = Engagement { title: format!("Load {n}"), ..Engagement::default() };
                store.create(&doc, &workspace, &Content::Engagement(e), 1).expect("create");
                let mut times = Vec::with_capacity(LOAD_ROUNDS);
                for round in 0..LOAD_ROUNDS {
                    for i in 0..LOAD_EDITS {
                        let item =
                            json!({"id": format!("r{round}-{i}"), "summary": format!("Note {i} of round {round}")});
                        store.edit(&doc, &Edit::Insert { list: "log".into(), item, before: None }, 2).expect("edit");
                    }
                    let t = std::time::Instant::now();
                    rt.block_on(sync_workspaces(&client, &mut store, std::slice::from_ref(&workspace)));
                    times.push(t.elapsed());
                }
                times
            })
        })
        .collect();
    let mut times: Vec<std::time::Duration> =
        handles.into_iter().flat_map(|h| h.join().expect("device thread")).collect();
    let wall = started.elapsed();
    times.sort();
    let pct = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize].as_secs_f64() * 1000.0;
    println!(
        "load: {LOAD_DEVICES} devices × {LOAD_ROUNDS} sync rounds ({} edits each): {:.0} sync requests/s, latency p50 {:.1} ms, p99 {:.1} ms",
        LOAD_EDITS,
        times.len() as f64 / wall.as_secs_f64(),
        pct(0.5),
        pct(0.99)
    );
    let mut fresh = Store::open(&dir.join("load-check.sqlite3")).expect("store");
    let checker = Client::enrol(url, "b", PASSWORD, "checker", &fresh).await.expect("enrol");
    sync_workspaces(&checker, &mut fresh, &workspaces).await;
    let mut lost = 0;
    for n in 0..LOAD_DEVICES {
        let log = fresh.read(&format!("load-doc-{n}")).expect("every device's document arrived").value["log"]
            .as_array()
            .map_or(0, Vec::len);
        lost += LOAD_ROUNDS * LOAD_EDITS - log;
    }
    assert_eq!(lost, 0, "no change lost under load");
    println!("load: a fresh device received all {} edits; none lost", LOAD_DEVICES * LOAD_ROUNDS * LOAD_EDITS);
}

/// Scenario 1's phone hotspot: 64 kbit/s each way and 600 ms round trip. A
/// two-day workshop (every question of the border assessment rated, with an
/// evidence note each) syncs through a proxy that shapes the link so.
async fn slow_link(url: &str, store: &mut Store, client: &Client) {
    let templates = cd4mm_core::data::templates().expect("templates");
    let border = templates.iter().find(|t| t.id == "border_management").expect("border template");
    let questions: Vec<String> = border.questions().map(|(_, q)| q.id.clone()).collect();
    let assessment = cd4mm_core::assessment::Assessment::start("Workshop at the crossing", border);
    store.create("workshop", WS, &Content::Assessment(assessment), 3).expect("create");
    let mut edits = 1;
    for (i, q) in questions.iter().enumerate() {
        for (field, value) in [
            ("existing", json!(1 + i % 4)),
            ("desired", json!(5)),
            (
                "evidence",
                json!(format!("Participants from post {i} described how the procedure works today, with examples.")),
            ),
        ] {
            store.edit("workshop", &Edit::Set { path: format!("responses/{q}/{field}"), value }, 4).expect("edit");
            edits += 1;
        }
    }
    let shaped = Link::hotspot().start(url).await.url;
    let slow = Client::new(&shaped, client.token());
    let started = std::time::Instant::now();
    let p = sync(&slow, store).await;
    let took = started.elapsed();
    println!(
        "slow link (64 kbit/s, 600 ms round trip): a workshop of {edits} edits synced in {:.1} s, {} round trip(s), {} B — bar 30 s: {}",
        took.as_secs_f64(),
        p.requests,
        p.bytes_sent + p.bytes_received,
        if took.as_secs() < 30 { "met" } else { "NOT MET" }
    );
}

/// Scenario 1's hotspot again, for a browser: the sign-in page (the page,
/// its script and its style sheet, one after the other) through the shaped
/// link, as a browser that accepts no compression and as one that does.
async fn web_ui_on_a_field_link(url: &str) {
    let shaped = Link::hotspot().start(url).await.url;
    let http = cd4mm_sync::http_client();
    let index = http.get(format!("{url}/")).send().await.expect("index").text().await.expect("html");
    let assets: Vec<String> = index
        .split(['"', '\''])
        .filter(|s| s.starts_with("./assets/") || s.starts_with("/assets/"))
        .map(|s| s.trim_start_matches('.').to_owned())
        .collect();
    for accept in ["identity", "gzip", "br, gzip"] {
        let started = std::time::Instant::now();
        let mut bytes = 0;
        for path in std::iter::once("/".to_owned()).chain(assets.iter().cloned()) {
            let response =
                http.get(format!("{shaped}{path}")).header("accept-encoding", accept).send().await.expect("asset");
            assert!(response.status().is_success(), "{path}");
            bytes += response.bytes().await.expect("body").len();
        }
        println!(
            "web UI on a field link (64 kbit/s, 600 ms round trip), Accept-Encoding `{accept}`: the sign-in page and its {} assets, {bytes} B, loaded in {:.1} s — bar 15 s: {}",
            assets.len(),
            started.elapsed().as_secs_f64(),
            if started.elapsed().as_secs() < 15 { "met" } else { "NOT MET" }
        );
    }
}

fn zstd_len(bytes: &[u8]) -> usize {
    cd4mm_sync::wire::compress(bytes).len()
}
