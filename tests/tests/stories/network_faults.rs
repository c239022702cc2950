//! The bad link: a proxy between device and server cuts the connection in the
//! middle of a request, or in the middle of the answer. The next round loses
//! nothing and duplicates nothing. And the restored server (scenario 7): after a
//! new epoch, devices send again what the server lost and everyone converges.
//! And live news: an online device hears of an edit and syncs at once.

use crate::common::{Backend, TestServer, device};
use cd4mm_core::engagement::Engagement;
use cd4mm_core::{Content, Edit};
use cd4mm_server::admin::Command;
use cd4mm_sync::{Client, Retry, SyncError};
use cd4mm_tests::link::Link;
use serde_json::json;
use std::time::{Duration, Instant};

const WS: &str = "ws";

/// A link that cuts its first `cuts` connections after `up` bytes toward
/// the server or `down` bytes toward the device, then passes everything.
async fn cutting(target: &str, (up, down): (Option<usize>, Option<usize>), cuts: Option<usize>) -> String {
    Link { cut_up_after: up, cut_down_after: down, cuts, ..Link::default() }.start(target).await.url
}

fn log_ids(store: &mut cd4mm_store::Store) -> Vec<String> {
    let v = store.read("eng").expect("read").value;
    v["log"].as_array().expect("log").iter().filter_map(|e| e["id"].as_str().map(str::to_owned)).collect()
}

fn engagement() -> Content {
    Content::Engagement(Engagement { title: "Northern crossings".into(), ..Engagement::default() })
}

on_every_backend!(cut_connections_lose_nothing_and_duplicate_nothing, cut_connections);

async fn cut_connections(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    server.member(WS, "ama", "editor");
    server.member(WS, "kofi", "editor");
    let mut ama = device(&server, "ama").await;
    let mut kofi = device(&server, "kofi").await;
    ama.store.create("eng", WS, &engagement(), 1).expect("create");
    ama.sync(&[WS]).await.expect("first sync");
    kofi.sync(&[WS]).await.expect("kofi gets it");

    for (round, cut) in
        [(Some(200), None), (None, Some(150)), (Some(40), None), (None, Some(400))].into_iter().enumerate()
    {
        // A day of edits on each side.
        for i in 0..20 {
            let item = json!({"id": format!("a{round}-{i}"), "summary": format!("Ama's note {i}")});
            ama.store.edit("eng", &Edit::Insert { list: "log".into(), item, before: None }, 10).expect("edit");
            let item = json!({"id": format!("k{round}-{i}"), "summary": format!("Kofi's note {i}")});
            kofi.store.edit("eng", &Edit::Insert { list: "log".into(), item, before: None }, 10).expect("edit");
        }
        // Kofi syncs directly; Ama through a link that cuts her first attempt.
        kofi.sync(&[WS]).await.expect("kofi syncs");
        let flaky = cutting(&server.url, cut, Some(1)).await;
        let mut client = Client::new(&flaky, ama.client.token());
        client.retry = Retry { first_delay: Duration::from_millis(20), ..Retry::default() };
        let (_tx, mut cancel) = tokio::sync::watch::channel(false);
        let p = client
            .sync(&mut ama.store, &[WS.to_owned()], &mut cancel, &mut |_| {})
            .await
            .expect("sync survives the cut");
        assert!(p.requests >= 2, "{cut:?}: the first attempt was cut and retried ({} requests)", p.requests);
        kofi.sync(&[WS]).await.expect("kofi syncs again");

        let (a, k) = (log_ids(&mut ama.store), log_ids(&mut kofi.store));
        assert_eq!(a, k, "{cut:?}: both devices hold the same log");
        let unique: std::collections::HashSet<&String> = a.iter().collect();
        assert_eq!(unique.len(), a.len(), "{cut:?}: nothing duplicated");
        assert_eq!(a.len(), 40 * (round + 1), "{cut:?}: nothing lost");
        assert_eq!(ama.store.unacked_count().expect("count"), 0, "every edit acknowledged");
    }

    // With the server unreachable, the device says so and keeps its edits.
    let item = json!({"id": "offline", "summary": "typed with no network"});
    ama.store.edit("eng", &Edit::Insert { list: "log".into(), item, before: None }, 20).expect("edit");
    let mut dead = Client::new("http://127.0.0.1:9", ama.client.token());
    dead.retry = Retry { attempts: 2, first_delay: Duration::from_millis(10), ..Retry::default() };
    let (_tx, mut cancel) = tokio::sync::watch::channel(false);
    match dead.sync(&mut ama.store, &[WS.to_owned()], &mut cancel, &mut |_| {}).await {
        Err(e @ SyncError::Network(_)) => assert!(e.to_string().contains("safe on this device"), "{e}"),
        other => panic!("expected a network error, got {other:?}"),
    }
    assert_eq!(ama.store.unacked_count().expect("count"), 1, "the edit waits for the next sync");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restored_server_gets_back_what_it_lost() {
    let server = TestServer::start().await;
    server.member(WS, "ama", "editor");
    server.member(WS, "kofi", "editor");
    let mut ama = device(&server, "ama").await;
    let mut kofi = device(&server, "kofi").await;
    ama.store.create("eng", WS, &engagement(), 1).expect("create");
    ama.sync(&[WS]).await.expect("sync");
    kofi.sync(&[WS]).await.expect("sync");

    // The nightly backup.
    let db_path = server.data.path().join("cd4mm-server.sqlite3");
    let backup_dir = tempfile::tempdir().expect("backup dir");
    let backup = backup_dir.path().join("backup.sqlite3");
    {
        let conn = rusqlite_backup(&db_path);
        conn.execute("VACUUM INTO ?1", [backup.to_str().expect("utf-8 path")]).expect("backup");
    }
    // A day of work reaches the server, and Ama's store compacts it away.
    for (who, d) in [("a", &mut ama), ("k", &mut kofi)] {
        for i in 0..5 {
            let item = json!({"id": format!("{who}{i}"), "summary": "after the backup"});
            d.store.edit("eng", &Edit::Insert { list: "log".into(), item, before: None }, 10).expect("edit");
        }
        d.sync(&[WS]).await.expect("sync");
    }
    ama.store.compact("eng").expect("compact");
    kofi.sync(&[WS]).await.expect("sync");
    let data = server.stop().await;

    // The disk fails; the server is restored from the backup and starts a new epoch.
    std::fs::copy(&backup, &db_path).expect("restore");
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(data.path().join(format!("cd4mm-server.sqlite3{suffix}")));
    }
    let restored = TestServer::start_in(data, |_| {}).await;
    restored.admin(Command::NewEpoch);
    let mut ama = crate::common::Device { client: Client::new(&restored.url, ama.client.token()), ..ama };
    let mut kofi = crate::common::Device { client: Client::new(&restored.url, kofi.client.token()), ..kofi };
    ama.sync(&[WS]).await.expect("ama syncs with the restored server");
    kofi.sync(&[WS]).await.expect("kofi syncs with the restored server");
    ama.sync(&[WS]).await.expect("ama syncs again");
    let (a, k) = (log_ids(&mut ama.store), log_ids(&mut kofi.store));
    assert_eq!(a.len(), 10, "every edit made after the backup is back: {a:?}");
    assert_eq!(a, k, "both devices converge");
    // A third device, new after the restore, gets everything from the server alone.
    restored.member(WS, "esi", "viewer");
    let mut esi = device(&restored, "esi").await;
    esi.sync(&[WS]).await.expect("first sync");
    assert_eq!(log_ids(&mut esi.store), a, "the server holds everything again, once");
    restored.stop().await;
}

fn rusqlite_backup(path: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).expect("open server db")
}

on_every_backend!(an_online_device_hears_of_an_edit_at_once, live_news);

async fn live_news(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    server.member(WS, "ama", "editor");
    server.member(WS, "esi", "counterpart");
    let mut ama = device(&server, "ama").await;
    let mut esi = device(&server, "esi").await;
    ama.store.create("eng", WS, &engagement(), 1).expect("create");
    ama.sync(&[WS]).await.expect("sync");
    esi.sync(&[WS]).await.expect("sync");

    let mut news = esi.client.subscribe().await.expect("subscribe");
    let started = Instant::now();
    ama.store.edit("eng", &Edit::Set { path: "context".into(), value: json!("Flows rising") }, 5).expect("edit");
    ama.sync(&[WS]).await.expect("ama sends");
    let workspace =
        tokio::time::timeout(Duration::from_secs(10), news.next()).await.expect("news arrives").expect("stream open");
    assert_eq!(workspace, WS);
    esi.sync(&[WS]).await.expect("esi syncs on news");
    let elapsed = started.elapsed();
    assert_eq!(esi.store.read("eng").expect("read").value["context"], json!("Flows rising"));
    eprintln!("live news: edit on one device visible on the other after {:.1} ms", elapsed.as_secs_f64() * 1000.0);
    // Shutdown ends the live stream instead of waiting for it.
    let stopping = tokio::spawn(server.stop());
    assert_eq!(tokio::time::timeout(Duration::from_secs(10), news.next()).await.expect("stream ends"), None);
    stopping.await.expect("server stopped");
}

/// Text that does not compress, so sizes on the wire are what they say.
fn noise(seed: u64, len: usize) -> String {
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            char::from(b'a' + ((x >> 33) % 26) as u8)
        })
        .collect()
}

on_every_backend!(a_first_sync_finishes_on_a_link_that_drops_every_12_kb, first_sync_over_a_link_that_drops);

/// Scenario 1's promise: an interrupted sync continues where it stopped. A
/// new device's first sync of 30 plans (one of them 40 KB, larger than any
/// answer that gets through) over a link that drops every connection after
/// 12 KB: the answers shrink until they pass, each page is kept before the
/// next is asked for, the large plan comes in parts, and everything arrives.
async fn first_sync_over_a_link_that_drops(backend: Backend) {
    use cd4mm_core::plan::{Objective, Plan};
    let server = TestServer::start_on(backend).await;
    server.member(WS, "ama", "editor");
    server.member(WS, "kofi", "editor");
    let mut ama = device(&server, "ama").await;
    for i in 0..30u64 {
        let size = if i == 7 { 40_000 } else { 3_000 };
        let plan = Content::Plan(Plan {
            title: format!("Plan {i}"),
            objective: Objective { statement: noise(i, size as usize), indicators: vec![] },
            ..Plan::default()
        });
        ama.store.create(&format!("plan-{i:02}"), WS, &plan, 1).expect("plan");
    }
    ama.sync(&[WS]).await.expect("ama uploads");

    let kofi = device(&server, "kofi").await;
    let (mut store, token) = (kofi.store, kofi.client.token().to_owned());
    let link = cutting(&server.url, (None, Some(12_000)), None).await;
    let mut client = Client::new(&link, &token);
    client.retry = Retry { attempts: 12, first_delay: Duration::from_millis(5), ..Retry::default() };
    let (_tx, mut cancel) = tokio::sync::watch::channel(false);
    let p = client
        .sync(&mut store, &[WS.to_owned()], &mut cancel, &mut |_| {})
        .await
        .expect("the first sync finishes despite the drops");
    assert!(p.rounds > 5, "the answers came in pages ({} rounds, {} requests)", p.rounds, p.requests);
    assert!(p.requests > p.rounds, "some answers were cut and asked again ({} requests)", p.requests);
    for i in 0..30u64 {
        let id = format!("plan-{i:02}");
        assert_eq!(store.read(&id).expect("plan arrived").value, ama.store.read(&id).expect("plan").value, "{id}");
    }
    assert!(store.quarantined().expect("quarantine").is_empty());

    // A device in the field on protocol 1 still gets every document at once.
    let body = cd4mm_sync::wire::encode_as(
        1,
        &cd4mm_sync::wire::v1::SyncRequest {
            epoch: None,
            cursors: vec![cd4mm_sync::wire::v1::Cursor { workspace: WS.into(), seq: 0 }],
            changes: vec![],
        },
    );
    let answer = cd4mm_sync::http_client()
        .post(format!("{}/v1/sync", server.url))
        .bearer_auth(&token)
        .body(body)
        .send()
        .await
        .expect("answer")
        .bytes()
        .await
        .expect("body");
    let v1: cd4mm_sync::wire::v1::SyncResponse = cd4mm_sync::wire::decode_as(1, &answer).expect("a v1 answer");
    assert_eq!(v1.workspaces[0].snapshots.len(), 30, "protocol 1: every snapshot, whole");
    server.stop().await;
}
