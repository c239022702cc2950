//! The real `cd4mm-server` binary: `--help`, the admin commands, serving on a
//! loopback port chosen by the OS, a device syncing the demo workspace, and a
//! graceful stop on SIGINT.

mod common;

use common::Server;
use std::path::Path;

/// `cd4mm-server --data DATA ARGS…`.
fn run(data: &Path, args: &[&str]) -> (bool, String) {
    let data = data.to_str().expect("utf-8");
    common::run(&[&["--data", data], args].concat())
}

#[test]
fn help_explains_every_setting() {
    let (ok, text) = common::run(&["--help"]);
    assert!(ok, "{text}");
    for needle in [
        "--listen",
        "--data",
        "--database",
        "--config",
        "CD4MM_LISTEN",
        "user",
        "workspace",
        "member",
        "device",
        "epoch",
        "region",
        "backup",
        "restore",
        "--log-format",
    ] {
        assert!(text.contains(needle), "--help mentions {needle}:\n{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_the_demo_workspace_and_stops_gracefully() {
    let data = tempfile::tempdir().expect("data dir");
    let (ok, text) = run(data.path(), &["demo"]);
    assert!(ok, "demo: {text}");
    let (ok, text) = run(data.path(), &["member", "add", "ghana-border", "officer", "boss"]);
    assert!(!ok && text.contains("owner, editor, counterpart, viewer"), "a bad role is refused in words: {text}");
    let (ok, text) = run(data.path(), &["device", "list"]);
    assert!(ok && text.contains("officer"), "device list: {text}");

    let server = Server::start(&["--data", data.path().to_str().expect("utf-8")], &[]);
    let url = server.url.clone();
    let health: serde_json::Value = cd4mm_sync::http_client()
        .get(format!("{url}/healthz"))
        .send()
        .await
        .expect("healthz")
        .json()
        .await
        .expect("json");
    assert_eq!(health["status"], "ok");

    let dir = tempfile::tempdir().expect("device dir");
    let mut store = cd4mm_store::Store::open(&dir.path().join("d.sqlite3")).expect("store");
    let client = cd4mm_sync::Client::enrol(&url, "officer", cd4mm_server::demo::PASSWORD, "test laptop", &store)
        .await
        .expect("enrol");
    let (_tx, mut cancel) = tokio::sync::watch::channel(false);
    client.sync(&mut store, &["ghana-border".to_owned()], &mut cancel, &mut |_| {}).await.expect("sync");
    let kinds: Vec<String> = store.list(Some("ghana-border")).expect("list").into_iter().map(|d| d.kind).collect();
    assert_eq!(kinds, ["assessment", "assessment", "engagement", "monitoring", "plan"], "the demo workspace arrived");
    // Scenario 2's conflict: two devices set one budget offline.
    let plan = store.read("plan").expect("plan");
    assert_eq!(plan.conflicts.len(), 1, "{:?}", plan.conflicts);
    assert_eq!(plan.conflicts[0].path, cd4mm_server::demo::CONFLICTED_BUDGET);
    let mut values: Vec<f64> = plan.conflicts[0].values.iter().filter_map(|v| v.value.as_f64()).collect();
    values.sort_by(f64::total_cmp);
    assert_eq!(values, [4_500.0, 5_200.0]);

    // Scenario 6: the regional officer, a member of nothing, reads the six
    // countries' engagements; the dashboard filtered to labour migration
    // keeps the two labour engagements.
    let laptop = cd4mm_store::Store::open(&dir.path().join("r.sqlite3")).expect("store");
    let regional =
        cd4mm_sync::Client::enrol(&url, "regional", cd4mm_server::demo::PASSWORD, "regional laptop", &laptop)
            .await
            .expect("enrol");
    let me = regional.me().await.expect("me");
    let mut countries: Vec<&str> = me.workspaces.iter().map(|w| w.country.as_str()).collect();
    countries.sort_unstable();
    assert_eq!(countries, ["Côte d'Ivoire", "Ghana", "Mali", "Niger", "Nigeria", "Senegal"]);
    assert!(me.workspaces.iter().all(|w| w.role == cd4mm_core::Role::Viewer), "{:?}", me.workspaces);
    let labour = regional.regional("/api/dashboard?area=labour_migration").await.expect("dashboard");
    let labour: serde_json::Value = serde_json::from_slice(&labour).expect("json");
    let mut engagements: Vec<&str> =
        labour["engagements"].as_array().expect("list").iter().filter_map(|e| e["country"].as_str()).collect();
    engagements.sort_unstable();
    assert_eq!(engagements, ["Nigeria", "Senegal"], "{labour}");

    let logs = server.stop("INT").join("\n");
    assert!(logs.contains("stopped"), "{logs}");
    assert!(!logs.contains(client.token()), "tokens never reach the logs");
}
