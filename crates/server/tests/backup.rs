//! Scenario 7 end to end, with real `cd4mm-server` processes, on SQLite and
//! on PostgreSQL: a backup taken while the server runs and devices sync; more
//! work reaches the server; the disk "fails" and the older backup is
//! restored (`cd4mm-server restore FILE`, which starts a new epoch); every
//! device sends again what the server lost; all converge, nothing twice.

#[path = "../../../tests/tests/stories/common/postgres.rs"]
#[allow(dead_code)]
mod postgres;

mod common;

use cd4mm_core::Edit;
use cd4mm_store::Store;
use cd4mm_sync::Client;
use common::{Server, run};
use serde_json::json;
use std::path::Path;

const WS: &str = "ghana-border";

/// The server's settings for one backend: `--data DIR`, and `--database URL` on PostgreSQL.
fn settings(data: &Path, database: Option<&str>) -> Vec<String> {
    let mut args = vec!["--data".to_owned(), data.display().to_string()];
    if let Some(url) = database {
        args.extend(["--database".to_owned(), url.to_owned()]);
    }
    args
}

/// `cd4mm-server SETTINGS… ARGS…`: whether it succeeded, and what it said.
fn admin_try(settings: &[String], args: &[&str]) -> (bool, String) {
    let all: Vec<&str> = settings.iter().map(String::as_str).chain(args.iter().copied()).collect();
    run(&all)
}

/// The same, which must succeed.
fn admin(settings: &[String], args: &[&str]) -> String {
    let (ok, text) = admin_try(settings, args);
    assert!(ok, "cd4mm-server {args:?}: {text}");
    text
}

struct Laptop {
    store: Store,
    client: Client,
}

impl Laptop {
    async fn enrol(url: &str, user: &str, dir: &Path) -> Laptop {
        let store = Store::open(&dir.join(format!("{user}.sqlite3"))).expect("store");
        let client = Client::enrol(url, user, cd4mm_server::demo::PASSWORD, "laptop", &store).await.expect("enrol");
        Laptop { store, client }
    }

    async fn sync(&mut self) {
        let (_tx, mut cancel) = tokio::sync::watch::channel(false);
        self.client.sync(&mut self.store, &[WS.to_owned()], &mut cancel, &mut |_| {}).await.expect("sync");
    }

    fn log(&mut self, id: &str) {
        let item = json!({"id": id, "summary": format!("entry {id}")});
        self.store.edit("engagement", &Edit::Insert { list: "log".into(), item, before: None }, 10).expect("edit");
    }

    fn log_ids(&mut self) -> Vec<String> {
        let value = self.store.read("engagement").expect("engagement").value;
        let mut ids: Vec<String> =
            value["log"].as_array().expect("log").iter().filter_map(|e| e["id"].as_str().map(str::to_owned)).collect();
        ids.sort();
        ids
    }
}

async fn backup_restore_converge(database: Option<String>) {
    let data = tempfile::tempdir().expect("data dir");
    let devices = tempfile::tempdir().expect("devices");
    let settings = settings(data.path(), database.as_deref());
    admin(&settings, &["demo"]);
    let server = Server::start(&settings, &[]);
    let mut ama = Laptop::enrol(&server.url, "officer", devices.path()).await;
    let mut kofi = Laptop::enrol(&server.url, "counterpart", devices.path()).await;
    ama.sync().await;
    kofi.sync().await;
    let before = ama.log_ids();

    // The nightly backup, taken while the server serves and a device syncs.
    let backup = data.path().join("nightly.backup");
    ama.log("a0");
    let (args, path) = (settings.clone(), backup.to_str().expect("utf-8").to_owned());
    let taking = std::thread::spawn(move || admin(&args, &["backup", &path]));
    ama.sync().await;
    let said = taking.join().expect("backup");
    assert!(said.contains("saved to"), "{said}");
    // A backup never overwrites.
    let (ok, said) = admin_try(&settings, &["backup", backup.to_str().expect("utf-8")]);
    assert!(!ok && said.contains("exists already"), "{said}");

    // A day of work reaches the server after the backup.
    for i in 1..4 {
        ama.log(&format!("a{i}"));
    }
    ama.sync().await;
    kofi.sync().await;
    let everything = ama.log_ids();
    assert_eq!(everything.len(), before.len() + 4);
    assert_eq!(kofi.log_ids(), everything);

    // A restore is refused while the server runs (what it wrote next would
    // be lost unseen), and refused for what is not this server's backup.
    if database.is_none() {
        let (ok, said) = admin_try(&settings, &["restore", backup.to_str().expect("utf-8")]);
        assert!(!ok && said.contains("the server is running"), "a restore under a running server: {said}");
        let empty = data.path().join("empty.sqlite3");
        std::fs::write(&empty, b"").expect("an empty file");
        let foreign = data.path().join("foreign.sqlite3");
        rusqlite::Connection::open(&foreign).expect("open").execute_batch("CREATE TABLE t(x)").expect("a table");
        for bad in [&empty, &foreign] {
            let (ok, said) = admin_try(&settings, &["restore", bad.to_str().expect("utf-8")]);
            assert!(!ok && said.contains("not a backup of this server"), "{said}");
        }
    }

    // The disk fails: the server is stopped and the older backup restored.
    server.stop("INT");
    let said = admin(&settings, &["restore", backup.to_str().expect("utf-8")]);
    assert!(said.contains("restored from"), "{said}");
    let restored = Server::start(&settings, &[]);
    let url = restored.url.clone();
    let rebind = |l: Laptop| Laptop { client: Client::new(&url, l.client.token()), store: l.store };
    // The restored server really is the older one: a new device finds the
    // day's work missing (the entry synced during the backup may be there).
    let mut esi = Laptop::enrol(&url, "regional", devices.path()).await;
    esi.sync().await;
    let lost = esi.log_ids();
    assert!(!lost.contains(&"a1".to_owned()) && lost.iter().all(|id| everything.contains(id)), "{lost:?}");
    let (mut ama, mut kofi) = (rebind(ama), rebind(kofi));
    ama.sync().await;
    kofi.sync().await;
    ama.sync().await;
    assert_eq!(ama.log_ids(), everything, "every edit is back, once");
    assert_eq!(kofi.log_ids(), everything, "both devices converge");
    // The server holds everything again: what the new device gets from it alone.
    esi.sync().await;
    assert_eq!(esi.log_ids(), everything, "the server holds everything again, once");
    restored.stop("INT");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_restores_on_sqlite() {
    backup_restore_converge(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_restores_on_postgres() {
    let (cluster, url) = tokio::task::spawn_blocking(|| {
        let cluster = postgres::Cluster::start();
        let url = cluster.create_database("backup_restore");
        (cluster, url)
    })
    .await
    .expect("a throwaway cluster");
    backup_restore_converge(Some(url)).await;
    tokio::task::spawn_blocking(move || drop(cluster)).await.expect("cluster stopped");
}

/// What the worst operator's slip (or a hostile path) could make of `backup`
/// and `restore`: each is refused in plain words and leaves the server's
/// database as it was.
#[test]
fn backup_and_restore_refuse_what_would_lose_data() {
    let data = tempfile::tempdir().expect("data dir");
    let elsewhere = tempfile::tempdir().expect("another folder");
    let settings = settings(data.path(), None);
    admin(&settings, &["demo"]);
    let text = |p: &Path| p.to_str().expect("utf-8").to_owned();

    // The database's own side-file names, however the folder is spelled:
    // directly, through `..`, through a link to the data folder.
    std::fs::create_dir(data.path().join("sub")).expect("a sub-folder");
    let link = elsewhere.path().join("data-link");
    std::os::unix::fs::symlink(data.path(), &link).expect("a link");
    for own in [
        data.path().join("cd4mm-server.sqlite3-journal"),
        data.path().join("sub/../cd4mm-server.sqlite3-wal"),
        link.join("cd4mm-server.sqlite3-journal"),
    ] {
        let (ok, said) = admin_try(&settings, &["backup", &text(&own)]);
        assert!(!ok && said.contains("keeps for its own files"), "{own:?}: {said}");
    }
    // A folder, or a file in a folder that does not exist: nothing written.
    let folder = format!("{}/", text(&elsewhere.path().join("new")));
    let (ok, said) = admin_try(&settings, &["backup", &folder]);
    assert!(!ok && said.contains("names a folder"), "{said}");
    let (ok, said) = admin_try(&settings, &["backup", &text(&elsewhere.path().join("no/such/x.backup"))]);
    assert!(!ok && said.contains("no existing folder"), "{said}");
    let names: Vec<_> =
        std::fs::read_dir(elsewhere.path()).expect("list").map(|e| e.expect("entry").file_name()).collect();
    assert_eq!(names, vec![std::ffi::OsString::from("data-link")], "nothing but the link");

    let backup = elsewhere.path().join("good.backup");
    assert!(admin(&settings, &["backup", &text(&backup)]).contains("saved to"));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&backup).expect("the backup").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "a backup holds password hashes: its owner's only");

    // A database in use (a copy of a live file, say): its latest writes are
    // in the log beside it, which a restore of the file alone would lose.
    let live = elsewhere.path().join("live.sqlite3");
    std::fs::copy(&backup, &live).expect("a copy");
    let writer = rusqlite::Connection::open(&live).expect("open");
    writer.pragma_update(None, "journal_mode", "WAL").expect("WAL");
    writer.pragma_update(None, "wal_autocheckpoint", 0).expect("no checkpoint");
    writer.execute("INSERT INTO meta (key, value) VALUES ('written', 'late')", []).expect("a late write");
    let (ok, said) = admin_try(&settings, &["restore", &text(&live)]);
    assert!(!ok && said.contains("write-ahead log"), "{said}");
    // Through a link too: SQLite would read the log beside the linked file.
    let linked = elsewhere.path().join("linked.sqlite3");
    std::os::unix::fs::symlink(&live, &linked).expect("a link");
    let (ok, said) = admin_try(&settings, &["restore", &text(&linked)]);
    assert!(!ok && said.contains("write-ahead log"), "through a link: {said}");
    drop(writer);

    // A backup missing a table passes every other check, migrates, and then
    // would fail the first request that needs the table: refused.
    let partial = elsewhere.path().join("partial.backup");
    std::fs::copy(&backup, &partial).expect("a copy");
    rusqlite::Connection::open(&partial).expect("open").execute_batch("DROP TABLE audit").expect("a table dropped");
    let (ok, said) = admin_try(&settings, &["restore", &text(&partial)]);
    assert!(!ok && said.contains("lacks the table audit") && said.contains("nothing was changed"), "{said}");
    // Nor one made otherwise: a trigger of its own (one that would keep the
    // old epoch, so devices never send again what the backup lacks), or a
    // column the server reads as a number holding text.
    for (name, change, says) in [
        (
            "trigger.backup",
            "CREATE TRIGGER keep_epoch BEFORE UPDATE ON meta BEGIN SELECT RAISE(IGNORE); END",
            "has a trigger keep_epoch of its own",
        ),
        ("typed.backup", "ALTER TABLE audit ADD COLUMN extra TEXT", "has the table audit made otherwise"),
    ] {
        let odd = elsewhere.path().join(name);
        std::fs::copy(&backup, &odd).expect("a copy");
        rusqlite::Connection::open(&odd).expect("open").execute_batch(change).expect("changed");
        let (ok, said) = admin_try(&settings, &["restore", &text(&odd)]);
        assert!(!ok && said.contains(says) && said.contains("nothing was changed"), "{said}");
    }

    // A backup that passes for one but cannot be migrated (its version says
    // older than its tables are): refused before anything is replaced.
    let odd = elsewhere.path().join("odd.backup");
    std::fs::copy(&backup, &odd).expect("a copy");
    rusqlite::Connection::open(&odd).expect("open").pragma_update(None, "user_version", 1).expect("version");
    let (ok, said) = admin_try(&settings, &["restore", &text(&odd)]);
    assert!(
        !ok && said.contains("cannot be brought up to this version") && said.contains("nothing was changed"),
        "{said}"
    );
    let leftovers: Vec<_> = std::fs::read_dir(data.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("restoring") || n.contains("before-restore"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let server = Server::start(&settings, &[]);
    server.stop("INT");

    // A good one: the message says where the database before it is kept,
    // and nothing of the copy is left beside the database (a journal left
    // by an earlier restore cut short is not read into this one). The
    // database is the server's alone, whatever the backup's mode.
    std::fs::write(data.path().join("cd4mm-server.sqlite3.restoring-journal"), b"left by a crash").expect("a journal");
    std::fs::set_permissions(&backup, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let said = admin(&settings, &["restore", &text(&backup)]);
    let mode = std::fs::metadata(data.path().join("cd4mm-server.sqlite3")).expect("the database").permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    assert!(said.contains("kept as") && said.contains("before-restore"), "{said}");
    let left: Vec<_> = std::fs::read_dir(data.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("restoring"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
