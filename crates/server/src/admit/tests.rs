//! Verdicts reached outside the round's transaction are used only while
//! what they rest on still holds.

use super::*;
use crate::sqlite::Sqlite;
use crate::storage::Storage;
use cd4mm_core::automerge::transaction::Transactable;
use cd4mm_core::automerge::{ActorId, AutomergeError, ROOT};
use cd4mm_core::plan::Plan;
use cd4mm_core::{Content, Document};
use cd4mm_sync::wire::{PROTOCOL, SyncRequest};

const WS: &str = "ghana-border";
const PASSWORD: &str = "a long password";

struct Fixture {
    _dir: tempfile::TempDir,
    db: Sqlite,
    device: Device,
}

fn fixture(role: Role) -> Fixture {
    let dir = tempfile::tempdir().expect("dir");
    let db = Sqlite::open(&dir.path().join("server.sqlite3")).expect("open");
    db.add_workspace(WS, "Ghana border", "GH", 0).expect("workspace");
    db.add_user("ama", PASSWORD, false, 0).expect("user");
    db.add_member(WS, "ama", role).expect("member");
    let actor = ActorId::from(vec![7u8; 16]);
    let enrolment = db.enrol("ama", PASSWORD, "laptop", &actor.to_hex_string(), 0).expect("enrol");
    let secret = enrolment.token.split_once('.').expect("token").1;
    let device = db.authenticate(&enrolment.device_id, &crate::auth::token_digest(secret)).expect("device");
    Fixture { _dir: dir, db, device }
}

/// A plan created by the device, then its title changed: two changes.
fn two_changes() -> (OutChange, OutChange) {
    let plan = Content::Plan(Plan { title: "Border plan".into(), ..Plan::default() });
    let doc = Document::create(WS, &plan, ActorId::from(vec![7u8; 16]), 1).expect("plan");
    let mut am = doc.automerge().clone();
    am.transact::<_, _, AutomergeError>(|tx| tx.put(ROOT, "title", "Border plan, revised").map(|_| ())).expect("edit");
    let changes = am.get_changes(&[]);
    let out = |c: &Change| OutChange {
        workspace: WS.into(),
        doc_id: "plan-1".into(),
        kind: "plan".into(),
        bytes: c.raw_bytes().to_vec(),
    };
    (out(&changes[0]), out(&changes[1]))
}

fn request(changes: Vec<OutChange>) -> SyncRequest {
    SyncRequest { epoch: None, budget: 64 * 1024, cursors: vec![], changes }
}

/// What became of a round's changes.
#[derive(Debug, PartialEq)]
struct Outcome {
    held: usize,
    refused: Vec<String>,
    deferred: usize,
}

fn sync_judged(f: &Fixture, request: &SyncRequest, judged: &Judged) -> Outcome {
    let outcome = f.db.sync_judged(&f.device, request, PROTOCOL, 1 << 20, 0, judged).expect("round");
    Outcome {
        held: outcome.held.len(),
        refused: outcome.response.refused.iter().map(|r| r.code.clone()).collect(),
        deferred: outcome.response.deferred.len(),
    }
}

fn prejudged(f: &Fixture, request: &SyncRequest) -> Judged {
    prejudge(&f.db.bases(&f.device, request).expect("bases"), &f.device, &request.changes)
}

#[test]
fn a_verdict_made_before_its_document_moved_is_made_again() {
    let f = fixture(Role::Editor);
    let (create, edit) = two_changes();
    let later = request(vec![edit]);
    // Judged while the server lacks the change it builds on: deferred.
    let judged = prejudged(&f, &later);
    assert!(matches!(judged.docs["plan-1"].verdicts[..], [Verdict::Deferred(_)]));
    // Then the missing change arrives, from another round.
    let first = request(vec![create]);
    assert_eq!(f.db.sync(&f.device, &first, PROTOCOL, 1 << 20, 0).expect("round").held.len(), 1);
    // The old verdict no longer holds: the round judges again, and keeps it.
    assert_eq!(sync_judged(&f, &later, &judged), Outcome { held: 1, refused: vec![], deferred: 0 });
}

#[test]
fn a_verdict_made_before_the_writer_lost_their_role_is_made_again() {
    let f = fixture(Role::Editor);
    let (create, _) = two_changes();
    let new = request(vec![create]);
    let judged = prejudged(&f, &new);
    assert!(matches!(judged.docs["plan-1"].verdicts[..], [Verdict::Accepted(..)]));
    // An administrator makes the writer a viewer before the round.
    f.db.add_member(WS, "ama", Role::Viewer).expect("demote");
    assert_eq!(sync_judged(&f, &new, &judged), Outcome { held: 0, refused: vec!["role_forbids".into()], deferred: 0 });
}

#[test]
fn a_verdict_whose_document_has_not_moved_is_used_as_it_is() {
    let f = fixture(Role::Editor);
    let (create, _) = two_changes();
    let new = request(vec![create]);
    let mut judged = prejudged(&f, &new);
    // A verdict the round would not reach itself shows it was not redone.
    judged.docs.get_mut("plan-1").expect("judged").verdicts =
        vec![Verdict::Refused(Refusal::new("marked", "a marker"))];
    assert_eq!(sync_judged(&f, &new, &judged), Outcome { held: 0, refused: vec!["marked".into()], deferred: 0 });
}
