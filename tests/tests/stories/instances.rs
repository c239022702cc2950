//! Scale-out: two `cd4mm-server` instances on one PostgreSQL database serve
//! the same workspace. A device on each converges with the other, and news of
//! an edit made through one instance reaches a device listening on the other
//! (PostgreSQL `LISTEN/NOTIFY`).

use crate::common::{Backend, TestServer, device};
use cd4mm_core::plan::Plan;
use cd4mm_core::{Content, Edit};
use serde_json::json;
use std::time::{Duration, Instant};

const WS: &str = "region";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_database_converge_and_share_news() {
    let first = TestServer::start_on(Backend::Postgres).await;
    let second = first.second_instance().await;
    first.member(WS, "ama", "editor");
    first.member(WS, "esi", "counterpart");
    let mut ama = device(&first, "ama").await;
    let mut esi = device(&second, "esi").await;

    ama.store
        .create("plan", WS, &Content::Plan(Plan { title: "Regional plan".into(), ..Plan::default() }), 1)
        .expect("create");
    ama.sync(&[WS]).await.expect("ama syncs with the first instance");
    esi.sync(&[WS]).await.expect("esi syncs with the second instance");
    assert_eq!(esi.store.read("plan").expect("plan").value["title"], json!("Regional plan"));

    // Concurrent offline edits through different instances.
    ama.store.edit("plan", &Edit::Set { path: "currency".into(), value: json!("USD") }, 2).expect("edit");
    esi.store
        .edit("plan", &Edit::Set { path: "assumptions".into(), value: json!("Staff stay in post.") }, 3)
        .expect("edit");
    let mut news = esi.client.subscribe().await.expect("esi listens on the second instance");
    let started = Instant::now();
    ama.sync(&[WS]).await.expect("ama sends through the first instance");
    let heard = tokio::time::timeout(Duration::from_secs(10), news.next()).await.expect("news crosses instances");
    assert_eq!(heard.as_deref(), Some(WS));
    eprintln!("news crossed instances in {:.1} ms", started.elapsed().as_secs_f64() * 1000.0);
    esi.sync(&[WS]).await.expect("esi syncs");
    ama.sync(&[WS]).await.expect("ama syncs");
    assert_eq!(ama.store.read("plan").expect("ama"), esi.store.read("plan").expect("esi"), "both devices converge");
    let value = ama.store.read("plan").expect("plan").value;
    assert_eq!((value["currency"].clone(), value["assumptions"].clone()), (json!("USD"), json!("Staff stay in post.")));
    drop(news);
    second.stop().await;
    first.stop().await;
}

/// More requests at once than the server may open connections to the
/// database: they wait for a connection and all succeed (PostgreSQL refuses
/// connections past its limit, which was a 500 for many devices at once).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_devices_than_database_connections_wait_and_all_succeed() {
    const DEVICES: usize = 12;
    const LIMIT: usize = 2;
    let server = TestServer::start_on_with(Backend::Postgres, |c| c.database_connections = Some(LIMIT)).await;
    for n in 0..DEVICES {
        server.member(WS, &format!("officer{n}"), "editor");
    }
    // Watch the server's connections from outside while the devices sync.
    let url = server.cluster.as_ref().expect("cluster").url("cd4mm");
    let watching = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let watcher = {
        let watching = watching.clone();
        std::thread::spawn(move || {
            let mut admin = ::postgres::Client::connect(&url, ::postgres::NoTls).expect("connect");
            let mut most = 0i64;
            while watching.load(std::sync::atomic::Ordering::Relaxed) {
                let row = admin
                    .query_one(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = 'cd4mm' AND pid <> pg_backend_pid()
                         AND backend_type = 'client backend'",
                        &[],
                    )
                    .expect("count");
                most = most.max(row.get(0));
                std::thread::sleep(Duration::from_millis(2));
            }
            most
        })
    };
    let mut tasks = Vec::new();
    for n in 0..DEVICES {
        let server_url = server.url.clone();
        tasks.push(tokio::spawn(async move {
            let dir = tempfile::tempdir().expect("dir");
            let mut store = cd4mm_store::Store::open(&dir.path().join("d.sqlite3")).expect("store");
            let user = format!("officer{n}");
            let actor = store.actor().to_hex_string();
            let client = cd4mm_sync::Client::enrol_as(&server_url, &user, crate::common::PASSWORD, "laptop", &actor)
                .await
                .expect("enrol waits, never fails");
            let plan = Plan { title: format!("Plan of {user}"), ..Plan::default() };
            store.create(&format!("plan-{n}"), WS, &Content::Plan(plan), 1).expect("create");
            let (_tx, mut cancel) = tokio::sync::watch::channel(false);
            client.sync(&mut store, &[WS.to_owned()], &mut cancel, &mut |_| {}).await.expect("sync waits, never fails");
        }));
    }
    for t in tasks {
        t.await.expect("device");
    }
    watching.store(false, std::sync::atomic::Ordering::Relaxed);
    let most = tokio::task::spawn_blocking(move || watcher.join().expect("watcher")).await.expect("join");
    eprintln!("at most {most} connections open at once (limit {LIMIT})");
    // The pool's connections, and the one that listens for news.
    assert!(most <= LIMIT as i64 + 1, "the server opened {most} connections");
    let mut reader = device(&server, "officer0").await;
    reader.sync(&[WS]).await.expect("sync");
    assert_eq!(reader.store.list(Some(WS)).expect("list").len(), DEVICES, "every device's plan is kept");
}
