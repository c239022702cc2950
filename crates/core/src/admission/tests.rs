use super::*;
use crate::plan::Plan;
use crate::{Content, Document};
use automerge::transaction::Transactable;
use automerge::{ActorId, AutomergeError};

fn plan_doc() -> Document {
    let plan = Content::Plan(Plan { title: "Border plan".into(), ..Plan::default() });
    Document::create("ws", &plan, ActorId::from(vec![7u8; 16]), 1).expect("plan")
}

/// A document of `kind` in `ws` whose `content` key holds maps nested `levels` deep.
fn nested(levels: usize) -> Automerge {
    let mut doc = plan_doc().automerge().clone();
    doc.transact::<_, _, AutomergeError>(|tx| {
        let mut obj = tx.put_object(automerge::ROOT, "deep", ObjType::Map)?;
        for _ in 0..levels {
            obj = tx.put_object(&obj, "d", ObjType::Map)?;
        }
        Ok(())
    })
    .expect("nest");
    doc
}

#[test]
fn a_document_made_by_the_app_is_accepted() {
    let doc = plan_doc();
    let header = check_document(doc.automerge()).expect("accepted");
    assert_eq!(header, Header { kind: Kind::Plan, workspace: "ws".into(), schema: SCHEMA });
}

#[test]
fn twenty_thousand_levels_are_refused_and_read_without_crashing() {
    let doc = nested(20_000);
    assert_eq!(check_document(&doc).expect_err("too deep").code, "too_deep");
    // A device that received it before the checks existed still reads it.
    let (value, _) = mapping::read(&doc, None);
    let mut depth = 0;
    let mut at = &value["deep"];
    while let Some(next) = at.get("d") {
        depth += 1;
        at = next;
    }
    assert!(depth <= MAX_DEPTH, "the reader stops at the limit (read {depth} levels)");
    assert!(check_document(&nested(MAX_DEPTH - 2)).is_ok(), "nesting within the limit is fine");
}

#[test]
fn a_long_string_or_text_is_refused() {
    let mut doc = plan_doc().automerge().clone();
    doc.transact::<_, _, AutomergeError>(|tx| tx.put(automerge::ROOT, "title", "x".repeat(MAX_STRING + 1)))
        .expect("put");
    assert_eq!(check_document(&doc).expect_err("long title").code, "string_too_long");
    let mut doc = plan_doc().automerge().clone();
    doc.transact::<_, _, AutomergeError>(|tx| {
        let text = tx.put_object(automerge::ROOT, "notes", ObjType::Text)?;
        tx.splice_text(&text, 0, 0, &"y".repeat(MAX_STRING + 1))
    })
    .expect("text");
    assert_eq!(check_document(&doc).expect_err("long text").code, "string_too_long");
}

#[test]
fn a_header_with_two_kinds_or_none_is_refused() {
    let base = plan_doc().automerge().clone();
    let mut a = base.fork().with_actor(ActorId::from(vec![1u8; 16]));
    let mut b = base.fork().with_actor(ActorId::from(vec![2u8; 16]));
    a.transact::<_, _, AutomergeError>(|tx| tx.put(automerge::ROOT, "kind", "engagement")).expect("a");
    b.transact::<_, _, AutomergeError>(|tx| tx.put(automerge::ROOT, "kind", "assessment")).expect("b");
    a.merge(&mut b).expect("merge");
    assert_eq!(check_document(&a).expect_err("two kinds").code, "bad_header");

    let mut bare = Automerge::new();
    bare.transact::<_, _, AutomergeError>(|tx| tx.put(automerge::ROOT, "title", "no kind")).expect("bare");
    assert_eq!(check_document(&bare).expect_err("no kind").code, "bad_header");

    let mut newer = plan_doc().automerge().clone();
    newer.transact::<_, _, AutomergeError>(|tx| tx.put(automerge::ROOT, "schema", 99_i64)).expect("newer");
    assert_eq!(check_document(&newer).expect_err("newer").code, "newer_schema");
}

#[test]
fn content_that_does_not_fit_the_model_is_refused() {
    let mut doc = plan_doc().automerge().clone();
    doc.transact::<_, _, AutomergeError>(|tx| tx.put(automerge::ROOT, "outcomes", "not a list")).expect("put");
    assert_eq!(check_document(&doc).expect_err("bad content").code, "bad_content");
}

#[test]
fn changes_are_decoded_within_limits() {
    let doc = plan_doc();
    let mut change = doc.automerge().get_changes(&[]).first().cloned().expect("change");
    let raw = change.raw_bytes().to_vec();
    assert_eq!(decode_change(&raw).expect("decodes").hash(), change.hash());

    // The same change compressed inside (chunk type 2) is refused unread.
    let mut big = plan_doc().automerge().clone();
    big.transact::<_, _, AutomergeError>(|tx| tx.put(automerge::ROOT, "title", "z".repeat(64 * 1024))).expect("big");
    let mut last = big.get_last_local_change().expect("last");
    let compressed = last.bytes().to_vec();
    assert!(compressed.len() < last.raw_bytes().len(), "automerge compressed it");
    assert_eq!(decode_change(&compressed).expect_err("compressed").code, "compressed_change");

    assert_eq!(decode_change(b"not a change at all").expect_err("junk").code, "bad_change");
    assert_eq!(decode_change(&vec![0u8; MAX_CHANGE_BYTES + 1]).expect_err("huge").code, "change_too_large");
    let _ = change.bytes();
}
