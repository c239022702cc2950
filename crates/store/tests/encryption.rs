//! Encryption at rest, on real files: what a device writes is unreadable in
//! every file of its data directory, a wrong key is refused in plain words,
//! and a store written before encryption is encrypted in place keeping every
//! document and every change not yet sent — or, if that fails, left exactly
//! as it was.

use cd4mm_core::engagement::Engagement;
use cd4mm_core::{Content, Edit};
use cd4mm_store::{Store, StoreError, StoreKey, encrypt_in_place, is_plain};
use std::path::Path;

const T0: i64 = 1_780_000_000_000;
/// A sentence a thief must not find on the disk.
const SECRET: &str = "Immigration desk at Paga lacks a document scanner";

fn engagement() -> Content {
    Content::Engagement(Engagement {
        title: "Paga border post".into(),
        country: "Ghana".into(),
        ..Engagement::default()
    })
}

fn key(n: u8) -> StoreKey {
    StoreKey::from_bytes([n; 32])
}

/// Write a few documents, one carrying the secret, and leave the store open
/// (its write-ahead log not yet folded into the main file).
fn fill(store: &mut Store) {
    store.create("eng", "ws", &engagement(), T0).expect("create");
    store.edit("eng", &Edit::Set { path: "context".into(), value: SECRET.into() }, T0 + 1).expect("edit");
    for i in 0..20 {
        store.create(&format!("doc-{i}"), "ws", &engagement(), T0 + 2 + i).expect("create");
    }
}

/// Whether any file of `dir` holds `needle` (as UTF-8 bytes).
fn found_in(dir: &Path, needle: &str) -> Vec<String> {
    let mut hits = Vec::new();
    for entry in std::fs::read_dir(dir).expect("dir").flatten() {
        let bytes = std::fs::read(entry.path()).unwrap_or_default();
        if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
            hits.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    hits
}

#[test]
fn what_an_encrypted_store_holds_is_in_no_file_of_its_directory() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("cd4mm.sqlite3");
    let mut store = Store::open_encrypted(&path, &key(7)).expect("open");
    fill(&mut store);
    // Open: the write-ahead log holds the latest pages; it must be encrypted too.
    assert!(dir.path().join("cd4mm.sqlite3-wal").exists());
    assert_eq!(found_in(dir.path(), SECRET), Vec::<String>::new());
    assert_eq!(found_in(dir.path(), "Paga border post"), Vec::<String>::new());
    assert_eq!(found_in(dir.path(), "SQLite format 3"), Vec::<String>::new(), "not even the header");
    drop(store);
    assert_eq!(found_in(dir.path(), SECRET), Vec::<String>::new());
    assert!(!is_plain(&path).expect("header"));

    // The same key reads it all back.
    let mut store = Store::open_encrypted(&path, &key(7)).expect("reopen");
    assert_eq!(store.list(Some("ws")).expect("list").len(), 21);
    let Content::Engagement(e) = store.content("eng").expect("content") else { panic!("an engagement") };
    assert_eq!(e.context, SECRET);
}

#[test]
fn a_wrong_key_is_refused_in_plain_words_and_the_file_is_untouched() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("cd4mm.sqlite3");
    fill(&mut Store::open_encrypted(&path, &key(1)).expect("open"));
    let before = std::fs::read(&path).expect("bytes");

    let err = Store::open_encrypted(&path, &key(2)).expect_err("wrong key");
    assert!(matches!(err, StoreError::WrongKey { .. }), "{err:?}");
    assert!(err.to_string().contains("passphrase is not the one"), "{err}");
    // Without a key, it is no data file this app can read, and it says so.
    assert!(matches!(Store::open(&path).expect_err("no key"), StoreError::NotADatabase { .. }));
    // A passphrase gives the same key every time, and another one a different key.
    let salt = b"0123456789abcdef";
    let a = StoreKey::from_passphrase("sunrise over the Volta", salt).expect("key");
    assert_eq!(a, StoreKey::from_passphrase("sunrise over the Volta", salt).expect("key"));
    assert_ne!(a, StoreKey::from_passphrase("sunrise over the volta", salt).expect("key"));
    assert_eq!(StoreKey::from_hex(&a.to_hex()), Some(a.clone()));
    assert_eq!(format!("{a:?}"), "StoreKey(…)", "a key is never printed");

    assert_eq!(std::fs::read(&path).expect("bytes"), before, "refusals write nothing");
    assert!(Store::open_encrypted(&path, &key(1)).is_ok());
}

#[test]
fn a_plain_store_is_encrypted_in_place_keeping_documents_and_unsent_changes() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("cd4mm.sqlite3");
    let (actor, unsent) = {
        let mut store = Store::open(&path).expect("plain");
        fill(&mut store);
        (store.actor().clone(), store.unacked_count().expect("unsent"))
    };
    assert!(unsent > 0);
    assert!(!found_in(dir.path(), SECRET).is_empty(), "the plain store shows it");
    let err = Store::open_encrypted(&path, &key(3)).expect_err("not yet encrypted");
    assert!(matches!(err, StoreError::NotEncrypted { .. }), "{err:?}");

    encrypt_in_place(&path, &key(3)).expect("encrypt");
    encrypt_in_place(&path, &key(3)).expect("a second time does nothing");
    assert_eq!(found_in(dir.path(), SECRET), Vec::<String>::new(), "no plain copy is left behind");

    let mut store = Store::open_encrypted(&path, &key(3)).expect("open");
    assert_eq!(store.actor(), &actor, "the same device");
    assert_eq!(store.unacked_count().expect("unsent"), unsent, "every change not yet sent is still to send");
    assert_eq!(store.list(Some("ws")).expect("list").len(), 21);
    let Content::Engagement(e) = store.content("eng").expect("content") else { panic!("an engagement") };
    assert_eq!(e.context, SECRET);
    store.edit("eng", &Edit::Set { path: "title".into(), value: "Paga".into() }, T0 + 100).expect("still writable");
}

#[test]
fn an_encryption_that_fails_leaves_the_plain_store_as_it_was() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("cd4mm.sqlite3");
    fill(&mut Store::open(&path).expect("plain"));
    // The copy cannot be written (as on a full disk): its place is taken.
    let copy = dir.path().join("cd4mm.sqlite3.encrypting");
    std::fs::create_dir(&copy).expect("blocker");
    std::fs::write(copy.join("x"), b"x").expect("non-empty");

    let err = encrypt_in_place(&path, &key(4)).expect_err("cannot write the copy");
    assert!(matches!(err, StoreError::Encrypting { .. }), "{err:?}");
    assert!(err.to_string().contains("nothing is lost"), "{err}");
    assert!(is_plain(&path).expect("header"));
    let mut store = Store::open(&path).expect("the plain store still opens");
    assert_eq!(store.list(Some("ws")).expect("list").len(), 21);
    let Content::Engagement(e) = store.content("eng").expect("content") else { panic!("an engagement") };
    assert_eq!(e.context, SECRET);
    drop(store);

    // Once there is room, it goes through.
    std::fs::remove_dir_all(&copy).expect("unblock");
    encrypt_in_place(&path, &key(4)).expect("encrypt");
    assert!(Store::open_encrypted(&path, &key(4)).is_ok());
}
