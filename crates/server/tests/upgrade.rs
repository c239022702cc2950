//! An upgrade, on the real binary: a database written by the previous
//! release (`fixtures/previous-release.sqlite3.gz`: `cd4mm-server demo` run
//! by the build of commit 18f267a, the last release before migration 0008)
//! is migrated when this server starts, and everything in it still works.
//! When a release adds a migration, refresh the fixture from the release
//! before it (docs/operations.md, "Upgrade").

mod common;

use common::Server;
use std::io::Read;

const FIXTURE: &[u8] = include_bytes!("fixtures/previous-release.sqlite3.gz");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_of_the_previous_release_is_migrated_on_start() {
    let data = tempfile::tempdir().expect("data dir");
    let mut db = Vec::new();
    flate2::read::GzDecoder::new(FIXTURE).read_to_end(&mut db).expect("the fixture unpacks");
    std::fs::write(data.path().join("cd4mm-server.sqlite3"), &db).expect("write the old database");

    let data_dir = data.path().to_str().expect("utf-8");
    let server = Server::start(&["--data", data_dir], &[]);
    let migrated: Vec<&str> =
        server.startup.iter().filter_map(|line| Some(line.split("migration=").nth(1)?.trim_matches('"'))).collect();
    assert_eq!(migrated, ["0008_facts_again.sql"], "only the newer steps run");

    // The old release's accounts, workspaces and documents all still serve.
    let url = server.url.clone();
    let dir = tempfile::tempdir().expect("device dir");
    let mut store = cd4mm_store::Store::open(&dir.path().join("d.sqlite3")).expect("store");
    let client = cd4mm_sync::Client::enrol(&url, "officer", cd4mm_server::demo::PASSWORD, "laptop", &store)
        .await
        .expect("an account of the old release signs in");
    let (_tx, mut cancel) = tokio::sync::watch::channel(false);
    client.sync(&mut store, &["ghana-border".to_owned()], &mut cancel, &mut |_| {}).await.expect("sync");
    let kinds: Vec<String> = store.list(Some("ghana-border")).expect("list").into_iter().map(|d| d.kind).collect();
    assert_eq!(kinds, ["assessment", "assessment", "engagement", "monitoring", "plan"]);
    assert_eq!(store.read("plan").expect("plan").conflicts.len(), 1, "the old conflict is still there to settle");
    let laptop = cd4mm_store::Store::open(&dir.path().join("r.sqlite3")).expect("store");
    let regional =
        cd4mm_sync::Client::enrol(&url, "regional", cd4mm_server::demo::PASSWORD, "regional laptop", &laptop)
            .await
            .expect("enrol");
    let dashboard = regional.regional("/api/dashboard").await.expect("the dashboard, from facts made again");
    let dashboard: serde_json::Value = serde_json::from_slice(&dashboard).expect("json");
    assert_eq!(dashboard["engagements"].as_array().map(Vec::len), Some(6), "{dashboard}");

    // The admin commands work on it too (the server keeps running: SQLite's WAL).
    let (ok, said) = common::run(&["--data", data_dir, "device", "list"]);
    assert!(ok && said.contains("officer"), "{said}");
    server.stop("TERM");
}

/// A backup taken by the previous release restores into this one: brought
/// up to this version and found made exactly as a new database is (so the
/// restore's check of every table, index and trigger holds for what a real
/// older server wrote).
#[test]
fn a_backup_of_the_previous_release_restores() {
    let dir = tempfile::tempdir().expect("a folder");
    let mut db = Vec::new();
    flate2::read::GzDecoder::new(FIXTURE).read_to_end(&mut db).expect("the fixture unpacks");
    let backup = dir.path().join("previous-release.backup");
    std::fs::write(&backup, &db).expect("write the old backup");
    let data = dir.path().join("data");
    let (ok, said) =
        common::run(&["--data", data.to_str().expect("utf-8"), "restore", backup.to_str().expect("utf-8")]);
    assert!(ok && said.contains("restored from"), "{said}");
}
