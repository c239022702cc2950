//! The store on real SQLite files: durability, refusal of foreign files,
//! projections, search, compaction and merging changes from elsewhere.

use cd4mm_core::assessment::Assessment;
use cd4mm_core::engagement::Engagement;
use cd4mm_core::{Content, Edit};
use cd4mm_store::{Store, StoreError};
use serde_json::json;
use std::path::Path;

const T0: i64 = 1_780_000_000_000;

fn engagement() -> Content {
    Content::Engagement(Engagement {
        title: "Border agency engagement".into(),
        country: "Ghana".into(),
        ..Engagement::default()
    })
}

fn border_assessment() -> Content {
    let templates = cd4mm_core::data::templates().expect("templates");
    let t = templates.iter().find(|t| t.id == "border_management").expect("border template");
    Content::Assessment(Assessment::start("Border crossing self-assessment", t))
}

fn set(path: &str, value: serde_json::Value) -> Edit {
    Edit::Set { path: path.into(), value }
}

fn file_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("read file")
}

#[test]
fn edits_survive_reopening_and_the_actor_is_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("profile.sqlite3");
    let actor = {
        let mut store = Store::open(&path).expect("open");
        store.create("eng", "ws", &engagement(), T0).expect("create");
        store
            .edit(
                "eng",
                &Edit::Insert {
                    list: "stakeholders".into(),
                    item: json!({"id": "s1", "name": "Immigration Service", "type": "border_or_migration_agency", "power": 4, "interest": 3}),
                    before: None,
                },
                T0 + 1,
            )
            .expect("add stakeholder");
        store.actor().clone()
    };
    let mut store = Store::open(&path).expect("reopen");
    assert_eq!(store.actor(), &actor, "the device keeps its actor");
    let snapshot = store.read("eng").expect("read");
    assert_eq!(snapshot.value["stakeholders"][0]["name"], json!("Immigration Service"));
    let rows = store.projection_dump().expect("dump");
    assert!(rows.iter().any(|r| r.contains("p_stakeholders") && r.contains("manage_closely")), "{rows:?}");
    // The next edit is by the same actor.
    store.edit("eng", &set("country", json!("Togo")), T0 + 2).expect("edit");
    let changes = store.changes("eng").expect("changes");
    let last = cd4mm_core::automerge::Change::from_bytes(changes.last().expect("one").clone()).expect("decode");
    assert_eq!(last.actor_id(), &actor);
    assert_eq!(last.timestamp(), T0 + 2);
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("notes.sqlite3");
    let garbage = b"These are my field notes, not a database. Do not overwrite them.".repeat(100);
    std::fs::write(&path, &garbage).expect("write");
    let err = Store::open(&path).expect_err("refused");
    assert!(matches!(err, StoreError::NotADatabase { .. }), "{err:?}");
    assert!(err.to_string().contains("left untouched"));
    assert_eq!(file_bytes(&path), garbage, "the file is unchanged");

    // A damaged SQLite file (valid header, garbage after) is refused too.
    let path = dir.path().join("damaged.sqlite3");
    let mut damaged = b"SQLite format 3\0".to_vec();
    damaged.extend(std::iter::repeat_n(0xA5u8, 8192));
    std::fs::write(&path, &damaged).expect("write");
    let err = Store::open(&path).expect_err("refused");
    assert!(matches!(err, StoreError::NotADatabase { .. } | StoreError::Sqlite(_)), "{err:?}");
    assert_eq!(file_bytes(&path), damaged, "the damaged file is unchanged");
}

#[test]
fn a_database_from_a_newer_app_is_refused_and_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("future.sqlite3");
    drop(Store::open(&path).expect("a current store"));
    {
        let conn = rusqlite::Connection::open(&path).expect("raw open");
        conn.pragma_update(None, "journal_mode", "DELETE").expect("leave WAL");
        conn.pragma_update(None, "user_version", 99).expect("raise version");
    }
    let before = file_bytes(&path);
    let err = Store::open(&path).expect_err("refused");
    match &err {
        StoreError::TooNew { found, .. } => assert_eq!(*found, 99),
        other => panic!("expected TooNew, got {other:?}"),
    }
    assert!(err.to_string().contains("newer version"));
    assert_eq!(file_bytes(&path), before, "the file is unchanged");
    assert!(!dir.path().join("future.sqlite3-wal").exists(), "no WAL was started");
}

#[test]
fn projections_rebuild_to_the_same_rows_and_search_finds_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("p.sqlite3")).expect("open");
    assert!(store.install_toolbox().expect("toolbox"), "installed once");
    assert!(!store.install_toolbox().expect("toolbox"), "not twice");
    store.create("eng", "ws", &engagement(), T0).expect("create");
    store.create("asm", "ws", &border_assessment(), T0).expect("create");
    let q = "responses/adm_structure";
    store.edit("asm", &set(&format!("{q}/existing"), json!(2)), T0 + 1).expect("existing");
    store.edit("asm", &set(&format!("{q}/desired"), json!(5)), T0 + 2).expect("desired");
    store
        .edit("asm", &set(&format!("{q}/evidence"), json!("Passport readers broke in March; no spare parts.")), T0 + 3)
        .expect("evidence");

    let before = store.projection_dump().expect("dump");
    assert!(
        before.iter().any(|r| r.contains("p_questions")
            && r.contains("adm_structure")
            && r.contains("Integer(2)|Integer(5)|Integer(3)")),
        "a gap of 3 is projected"
    );
    assert_eq!(store.rebuild_projections(T0 + 9).expect("rebuild"), 3);
    assert_eq!(store.projection_dump().expect("dump"), before, "rebuild gives the same rows");

    let hits = store.search("spare part", 10).expect("search");
    let evidence = hits.iter().find(|h| h.doc_id == "asm").expect("the evidence note is found");
    assert_eq!(evidence.item_id, "adm_structure");
    assert!(evidence.snippet.contains("[spare] [parts]"), "{}", evidence.snippet);
    let hits = store.search("stakeholder grid", 10).expect("search");
    assert!(hits.iter().any(|h| h.kind == "toolbox" && h.item_id == "power-interest-stakeholder-grid"), "{hits:?}");
    assert!(store.search("\"unbalanced (quote AND", 5).is_ok(), "odd input is not an error");
    // An edited note is found by its new words only, and only once; the
    // other documents' rows stay.
    store
        .edit("asm", &set(&format!("{q}/evidence"), json!("New readers arrived in June.")), T0 + 4)
        .expect("evidence again");
    assert!(store.search("spare part", 10).expect("search").iter().all(|h| h.doc_id != "asm"), "old words gone");
    assert_eq!(store.search("readers arrived", 10).expect("search").len(), 1);
    assert!(!store.search("stakeholder grid", 10).expect("search").is_empty(), "the toolbox's rows stay");

    let list = store.list(Some("ws")).expect("list");
    assert_eq!(list.iter().map(|d| d.kind.as_str()).collect::<Vec<_>>(), ["assessment", "engagement"]);
}

#[test]
fn compaction_keeps_everything_even_with_a_writer_on_another_connection() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("c.sqlite3");
    let mut writer = Store::open(&path).expect("open");
    writer.create("eng", "ws", &engagement(), T0).expect("create");
    let compactor_path = path.clone();
    let compactor = std::thread::spawn(move || {
        let mut other = Store::open(&compactor_path).expect("second connection");
        for _ in 0..20 {
            other.compact("eng").expect("compact");
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
    });
    for i in 0..200 {
        writer
            .edit(
                "eng",
                &Edit::Insert {
                    list: "log".into(),
                    item: json!({"id": format!("l{i}"), "summary": format!("Meeting {i}")}),
                    before: None,
                },
                T0 + i,
            )
            .expect("edit");
    }
    compactor.join().expect("compactor finished");
    writer.compact("eng").expect("final compaction");
    drop(writer);
    let mut reopened = Store::open(&path).expect("reopen");
    let log = reopened.read("eng").expect("read").value["log"].as_array().expect("log").len();
    assert_eq!(log, 200, "every edit survives compaction");
    assert_eq!(reopened.integrity_check().expect("check"), "ok");
}

#[test]
fn changes_from_elsewhere_merge_once_and_the_toolbox_never_conflicts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut a = Store::open(&dir.path().join("a.sqlite3")).expect("open a");
    let mut b = Store::open(&dir.path().join("b.sqlite3")).expect("open b");
    a.install_toolbox().expect("toolbox a");
    b.install_toolbox().expect("toolbox b");
    assert_eq!(
        a.heads("toolbox").expect("heads"),
        b.heads("toolbox").expect("heads"),
        "same toolbox change everywhere"
    );

    a.create("eng", "ws", &engagement(), T0).expect("create");
    let changes = a.changes("eng").expect("changes");
    assert_eq!(b.apply_remote("eng", &changes, T0).expect("first"), 1);
    assert_eq!(b.apply_remote("eng", &changes, T0).expect("again"), 0, "duplicates are skipped");
    b.edit("eng", &set("context", json!("Mixed flows at the northern border.")), T0 + 1).expect("edit on b");
    let back = b.changes_since("eng", &a.heads("eng").expect("heads")).expect("since");
    assert_eq!(a.apply_remote("eng", &back, T0 + 2).expect("merge"), 1);
    assert_eq!(a.read("eng").expect("a"), b.read("eng").expect("b"));
    assert_eq!(a.projection_dump().expect("a"), b.projection_dump().expect("b"));

    let err = b.apply_remote("eng", &[vec![1, 2, 3]], T0).expect_err("garbage refused");
    assert!(matches!(err, StoreError::BadChanges { .. }), "{err:?}");
}

/// What a sync round brings is written in one batch: all of it, or (on an
/// error or a panic half-way) none of it, and the store goes on as before.
#[test]
fn a_batch_keeps_all_or_nothing_and_the_store_goes_on_after_a_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut source = Store::open(&dir.path().join("source.sqlite3")).expect("source");
    let ids = ["d1", "d2", "d3"];
    for id in ids {
        source.create(id, "ws", &engagement(), T0).expect("create");
    }
    let changes: Vec<Vec<Vec<u8>>> = ids.iter().map(|id| source.changes(id).expect("changes")).collect();
    let path = dir.path().join("device.sqlite3");
    let mut device = Store::open(&path).expect("device");

    let failed = device.batch(|s| {
        s.apply_remote("d1", &changes[0], T0)?;
        s.apply_remote("d2", &changes[1], T0)?;
        Err::<(), _>(StoreError::NoSuchDocument("a failure half-way".into()))
    });
    assert!(failed.is_err());
    assert!(device.list(None).expect("list").is_empty(), "nothing of a failed batch stays");
    assert!(matches!(device.read("d1"), Err(StoreError::NoSuchDocument(_))), "nor in memory");

    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = device.batch(|s| {
            s.apply_remote("d1", &changes[0], T0)?;
            panic!("a bug half-way through a round");
            #[allow(unreachable_code)]
            Ok(())
        });
    }));
    assert!(panicked.is_err());
    assert!(device.list(None).expect("list").is_empty(), "nothing of a panicked batch stays");
    // An edit after it is durable on its own, as always.
    device.create("mine", "ws", &engagement(), T0).expect("create after the panic");

    device
        .batch(|s| {
            for (id, c) in ids.iter().zip(&changes) {
                s.apply_remote(id, c, T0)?;
            }
            Ok(())
        })
        .expect("a whole batch");
    drop(device);
    let mut reopened = Store::open(&path).expect("reopen");
    let kept: Vec<String> = reopened.list(None).expect("list").into_iter().map(|d| d.id).collect();
    assert_eq!(kept, ["d1", "d2", "d3", "mine"]);
    assert_eq!(reopened.read("d2").expect("d2").value["title"], json!("Border agency engagement"));
}

/// A document written by an older app (schema 0) reads on this device as the
/// current schema, but the upgrade is not this user's change until they edit
/// it: receiving or opening it sends nothing (a viewer's device would send a
/// change the server must refuse) and shows no entry of theirs in its history.
#[test]
fn an_older_document_received_is_upgraded_in_memory_and_kept_with_the_first_edit() {
    use cd4mm_core::automerge::{self, ActorId, Automerge, AutomergeError, transaction::Transactable};
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("device.sqlite3");
    let mut old = Automerge::new().with_actor(ActorId::from(vec![9u8; 16]));
    old.transact::<_, _, AutomergeError>(|tx| {
        tx.put(automerge::ROOT, "kind", "plan")?;
        tx.put(automerge::ROOT, "workspace", "ws")?;
        tx.put(automerge::ROOT, "title", "Plan of an older app")
    })
    .expect("write");
    let sent: Vec<Vec<u8>> = old.get_changes(&[]).iter().map(|c| c.raw_bytes().to_vec()).collect();
    let ws = ["ws".to_owned()];
    {
        let mut device = Store::open(&path).expect("device");
        device.apply_remote("old", &sent, T0).expect("received");
        assert_eq!(device.read("old").expect("read").value["outcomes"], json!([]), "read as the current schema");
        assert!(device.unacked(&ws, 1 << 20).expect("unacked").is_empty(), "nothing to send after receiving it");
        assert_eq!(device.history("old").expect("history").len(), 1, "only the author's change");
    }
    let mut device = Store::open(&path).expect("reopen");
    assert_eq!(device.read("old").expect("read").value["title"], json!("Plan of an older app"));
    assert!(device.unacked(&ws, 1 << 20).expect("unacked").is_empty(), "nothing to send after opening it");
    device.edit("old", &set("title", json!("Plan, renamed")), T0 + 1).expect("edit");
    assert_eq!(device.unacked(&ws, 1 << 20).expect("unacked").len(), 2, "the upgrade goes with the first edit");
    drop(device);
    let mut device = Store::open(&path).expect("reopen");
    assert_eq!(device.read("old").expect("read").value["title"], json!("Plan, renamed"), "both are on disk");
    assert_eq!(device.history("old").expect("history").len(), 3);
}

/// A server (or whoever answers in its place) cannot make a device keep an
/// endless document in parts, nor one under an id the server never allows.
#[test]
fn parts_over_the_limit_and_documents_under_bad_ids_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut device = Store::open(&dir.path().join("device.sqlite3")).expect("device");
    let huge = device.snapshot_part("d", 0, Store::MAX_SNAPSHOT_BYTES + 1, b"abc");
    assert!(matches!(huge, Err(StoreError::BadChanges { .. })), "{huge:?}");
    let more_than_said = device.snapshot_part("d", 0, 2, b"abc");
    assert!(matches!(more_than_said, Err(StoreError::BadChanges { .. })), "{more_than_said:?}");
    assert_eq!(device.snapshot_part_len("d").expect("len"), 0, "nothing kept");
    assert_eq!(device.snapshot_part("d", 0, 6, b"abc").expect("a part"), None);
    assert_eq!(device.snapshot_part("d", 3, 6, b"def").expect("the rest"), Some(b"abcdef".to_vec()));

    let mut source = Store::open(&dir.path().join("source.sqlite3")).expect("source");
    source.create("eng", "ws", &engagement(), T0).expect("create");
    let changes = source.changes("eng").expect("changes");
    for id in ["../eng", "", "with space"] {
        let refused = device.apply_remote(id, &changes, T0);
        assert!(matches!(refused, Err(StoreError::BadChanges { .. })), "{id:?}: {refused:?}");
    }
    assert!(device.list(None).expect("list").is_empty());
}
