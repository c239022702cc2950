use super::*;
use crate::plan::Plan;
use crate::{Content, Document};
use automerge::transaction::Transactable;
use automerge::{ActorId, AutomergeError, ObjType};

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
    assert_eq!(check_document(&doc).expect_err("too deep").code, Code::TooDeep);
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
    assert_eq!(check_document(&doc).expect_err("long title").code, Code::StringTooLong);
    let mut doc = plan_doc().automerge().clone();
    doc.transact::<_, _, AutomergeError>(|tx| {
        let text = tx.put_object(automerge::ROOT, "notes", ObjType::Text)?;
        tx.splice_text(&text, 0, 0, &"y".repeat(MAX_STRING + 1))
    })
    .expect("text");
    assert_eq!(check_document(&doc).expect_err("long text").code, Code::StringTooLong);
}

#[test]
fn a_header_with_two_kinds_or_none_is_refused() {
    let base = plan_doc().automerge().clone();
    let mut a = base.fork().with_actor(ActorId::from(vec![1u8; 16]));
    let mut b = base.fork().with_actor(ActorId::from(vec![2u8; 16]));
    a.transact::<_, _, AutomergeError>(|tx| tx.put(automerge::ROOT, "kind", "engagement")).expect("a");
    b.transact::<_, _, AutomergeError>(|tx| tx.put(automerge::ROOT, "kind", "assessment")).expect("b");
    a.merge(&mut b).expect("merge");
    assert_eq!(check_document(&a).expect_err("two kinds").code, Code::BadHeader);

    let mut bare = Automerge::new();
    bare.transact::<_, _, AutomergeError>(|tx| tx.put(automerge::ROOT, "title", "no kind")).expect("bare");
    assert_eq!(check_document(&bare).expect_err("no kind").code, Code::BadHeader);

    let mut newer = plan_doc().automerge().clone();
    newer.transact::<_, _, AutomergeError>(|tx| tx.put(automerge::ROOT, "schema", 99_i64)).expect("newer");
    assert_eq!(check_document(&newer).expect_err("newer").code, Code::NewerSchema);
}

#[test]
fn content_that_does_not_fit_the_model_is_refused() {
    let mut doc = plan_doc().automerge().clone();
    doc.transact::<_, _, AutomergeError>(|tx| tx.put(automerge::ROOT, "outcomes", "not a list")).expect("put");
    assert_eq!(check_document(&doc).expect_err("bad content").code, Code::BadContent);
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
    assert_eq!(decode_change(&compressed).expect_err("compressed").code, Code::CompressedChange);

    assert_eq!(decode_change(b"not a change at all").expect_err("junk").code, Code::BadChange);
    assert_eq!(decode_change(&vec![0u8; MAX_CHANGE_BYTES + 1]).expect_err("huge").code, Code::ChangeTooLarge);
    let _ = change.bytes();
}

#[test]
fn a_change_claiming_billions_of_operations_is_refused_before_decoding() {
    // One run of 2^62 "set" actions in a few bytes: Automerge's decoder would
    // walk every one of them before answering.
    let mut action = Vec::new();
    sleb(&mut action, 1i64 << 62); // a run of 2^62 copies...
    action.push(1); // ...of action 1
    let mut body = vec![0u8, 16];
    body.extend_from_slice(&[7u8; 16]);
    body.extend_from_slice(&[1, 1, 0, 0, 0]); // seq, start op, time, message, other actors
    body.extend_from_slice(&[1, 66, action.len() as u8]);
    body.extend_from_slice(&action);
    let mut chunk = vec![0x85, 0x6f, 0x4a, 0x83, 0, 0, 0, 0, 1];
    leb(&mut chunk, body.len() as u64);
    chunk.extend_from_slice(&body);
    let started = std::time::Instant::now();
    assert_eq!(decode_change(&chunk).expect_err("refused").code, Code::TooManyOperations);
    assert!(started.elapsed().as_secs() < 1, "refused without walking the run");
}

fn sleb(out: &mut Vec<u8>, mut v: i64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        let done = (v == 0 && byte & 0x40 == 0) || (v == -1 && byte & 0x40 != 0);
        if done {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn leb(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[test]
fn a_history_past_the_operation_limit_is_refused_though_the_document_looks_small() {
    let mut doc = plan_doc().automerge().clone();
    // Overwrites leave one visible value each time, but every one stays in
    // the history the server must hold in memory.
    let rounds = 6;
    let per_round = (MAX_DOCUMENT_OPS as usize).div_ceil(rounds) + 1;
    for round in 0..rounds {
        doc.transact::<_, _, AutomergeError>(|tx| {
            for i in 0..per_round {
                tx.put(automerge::ROOT, "title", format!("{round}-{i}"))?;
            }
            Ok(())
        })
        .expect("overwrite");
        let verdict = check_document(&doc);
        if doc.stats().num_ops > MAX_DOCUMENT_OPS {
            assert_eq!(verdict.expect_err("too much history").code, Code::DocumentTooLarge);
            return;
        }
        verdict.expect("within the limit");
    }
    panic!("the history never passed the limit");
}

#[test]
fn numbers_beyond_what_the_app_keeps_are_refused_in_a_change_and_in_an_edit() {
    let doc = plan_doc();
    let put = |value: ScalarValue| {
        let mut doc = doc.automerge().clone();
        doc.transact::<_, _, AutomergeError>(|tx| tx.put(automerge::ROOT, "budget", value)).expect("put");
        doc.get_last_local_change().expect("change").clone()
    };
    for bad in [
        ScalarValue::F64(f64::INFINITY),
        ScalarValue::F64(f64::NEG_INFINITY),
        ScalarValue::F64(f64::NAN),
        ScalarValue::F64(-1e300),
        ScalarValue::Int(i64::MIN),
        ScalarValue::Uint(u64::MAX),
    ] {
        assert_eq!(check_values(&put(bad.clone())).expect_err("refused").code, Code::BadContent, "{bad}");
    }
    for fine in [ScalarValue::F64(MAX_NUMBER), ScalarValue::Int(-1_764_000_000_000), ScalarValue::F64(4_500.5)] {
        assert!(check_values(&put(fine.clone())).is_ok(), "{fine}");
    }
    // The app refuses to write one, so an honest device never sends one.
    let mut doc = plan_doc();
    let indicator = |baseline: f64| crate::Edit::Insert {
        list: "objective/indicators".into(),
        item: serde_json::json!({"id": format!("i{baseline}"), "name": "Officers trained", "baseline": baseline}),
        before: None,
    };
    let refused = doc.apply(&indicator(1e300), 2).expect_err("a baseline past the limit is refused at the edit");
    assert!(refused.to_string().contains("beyond the largest number"), "{refused}");
    assert!(doc.apply(&indicator(12.0), 2).expect("a usual baseline").is_some());
}
