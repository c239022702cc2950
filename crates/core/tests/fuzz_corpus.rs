//! The fuzz corpus (`fuzz/corpus/change`, `fuzz/corpus/document`) replayed
//! through exactly what the fuzz targets run: every input a fuzzer ever
//! found interesting, a crasher included, stays a regression test on stable
//! Rust. `WRITE_FUZZ_SEEDS=1` writes the hand-made seeds again.

use cd4mm_core::admission::{self, MAX_DEPTH};
use cd4mm_core::automerge::transaction::Transactable;
use cd4mm_core::automerge::{ActorId, AutomergeError, ObjType};
use cd4mm_core::plan::Plan;
use cd4mm_core::{Content, Document, Edit};
use std::path::{Path, PathBuf};

fn corpus(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus").join(target)
}

fn replay(target: &str, run: fn(&[u8])) -> usize {
    let dir = corpus(target);
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("read");
        run(&bytes); // a panic here names no file: print it first
        n += 1;
    }
    n
}

/// Seeds: an honest change and document, and the hostile ones of the
/// trust-boundary issue (deep nesting, a compressed change, a kind changed).
fn seeds() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let actor = ActorId::from(vec![0xf0; 16]);
    let plan = Content::Plan(Plan { title: "Fuzz".into(), ..Plan::default() });
    // Every change builds on the plan the fuzz target starts from.
    let doc = Document::create("ws", &plan, actor.clone(), 0).expect("plan");
    let mut edited = doc.clone();
    edited.apply(&Edit::Set { path: "title".into(), value: serde_json::json!("Renamed") }, 1).expect("edit");
    let edit = edited.last_local_change().expect("edit").raw_bytes().to_vec();
    let mut raw = doc.automerge().clone();
    raw.transact::<_, _, AutomergeError>(|tx| {
        let mut obj = tx.put_object(cd4mm_core::automerge::ROOT, "outcomes_deep", ObjType::Map)?;
        for _ in 0..MAX_DEPTH * 4 {
            obj = tx.put_object(&obj, "d", ObjType::Map)?;
        }
        Ok(())
    })
    .expect("deep");
    let deep = raw.get_last_local_change().expect("deep").raw_bytes().to_vec();
    let deep_doc = raw.save();
    let mut big = doc.automerge().clone();
    big.transact::<_, _, AutomergeError>(|tx| tx.put(cd4mm_core::automerge::ROOT, "title", "z".repeat(70_000)))
        .expect("big");
    let compressed = big.get_last_local_change().expect("big").bytes().to_vec();
    let mut turned = doc.automerge().clone();
    turned.transact::<_, _, AutomergeError>(|tx| tx.put(cd4mm_core::automerge::ROOT, "kind", "toolbox")).expect("kind");
    let kind = turned.get_last_local_change().expect("kind").raw_bytes().to_vec();
    vec![
        ("change", "honest-edit", edit),
        ("change", "deep-nesting", deep),
        ("change", "compressed", compressed),
        ("change", "kind-changed", kind),
        ("document", "honest-plan", doc.automerge().clone().save()),
        ("document", "deep-nesting", deep_doc),
    ]
}

#[test]
fn the_fuzz_corpus_replays_through_the_checks_without_a_crash() {
    if std::env::var_os("WRITE_FUZZ_SEEDS").is_some() {
        for (target, name, bytes) in seeds() {
            std::fs::create_dir_all(corpus(target)).expect("corpus dir");
            std::fs::write(corpus(target).join(format!("seed-{name}")), bytes).expect("write seed");
        }
    }
    assert!(replay("change", admission::fuzz::change) >= 4, "the change corpus holds at least the seeds");
    assert!(replay("document", admission::fuzz::document) >= 2, "the document corpus holds at least the seeds");
}

#[test]
fn the_hostile_seeds_are_refused() {
    for (target, name, bytes) in seeds() {
        if target != "change" || name == "honest-edit" {
            continue;
        }
        let refused = match admission::decode_change(&bytes) {
            Err(_) => true,
            Ok(change) => {
                let plan = Content::Plan(Plan { title: "Fuzz".into(), ..Plan::default() });
                let doc = Document::create("ws", &plan, ActorId::from(vec![0xf0; 16]), 0).expect("plan");
                let mut raw = doc.automerge().clone();
                // The server also refuses a document whose kind moved away
                // from the one registered (a plan here).
                raw.apply_changes([change]).is_err()
                    || !admission::check_document(&raw).is_ok_and(|h| h.kind == cd4mm_core::Kind::Plan)
            }
        };
        assert!(refused, "{name}: refused");
    }
}
