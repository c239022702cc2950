//! Verdicts reached outside the round's transaction are used only while
//! what they rest on still holds.

use super::*;
use crate::storage::Storage;
use crate::storage::sqlite::Sqlite;
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
    refused: Vec<Code>,
    deferred: usize,
}

/// A round with verdicts reached beforehand; `None` if it asks to judge again.
fn sync_judged(f: &Fixture, request: &SyncRequest, judged: &Judged) -> Option<Outcome> {
    let outcome = f.db.sync_judged(&f.device, request, PROTOCOL, 1 << 20, 0, judged).expect("round")?;
    Some(outcome_of(&outcome))
}

fn outcome_of(outcome: &crate::storage::SyncOutcome) -> Outcome {
    Outcome {
        held: outcome.held.len(),
        refused: outcome.response.refused.iter().map(|r| r.code).collect(),
        deferred: outcome.response.deferred.len(),
    }
}

/// A whole round, judged as the server does.
fn sync(f: &Fixture, request: &SyncRequest) -> Outcome {
    outcome_of(&f.db.sync(&f.device, request, PROTOCOL, 1 << 20, 0).expect("round"))
}

fn prejudged(f: &Fixture, request: &SyncRequest, last_try: bool) -> Judged {
    prejudge(&f.db.bases(&f.device, request).expect("bases"), &f.device, &request.changes, last_try)
}

#[test]
fn a_verdict_made_before_its_document_moved_is_never_trusted() {
    let f = fixture(Role::Editor);
    let (create, edit) = two_changes();
    let later = request(vec![edit]);
    // Judged while the server lacks the change it builds on: deferred.
    let judged = prejudged(&f, &later, false);
    assert!(matches!(judged.docs["plan-1"].verdicts[..], [Verdict::Deferred]));
    let last = prejudged(&f, &later, true);
    // Then the missing change arrives, from another round.
    assert_eq!(sync(&f, &request(vec![create])).held, 1);
    // The old verdict no longer holds: the round asks to judge again, and
    // on the last try defers the change rather than judging under the lock.
    assert_eq!(sync_judged(&f, &later, &judged), None);
    assert_eq!(sync_judged(&f, &later, &last), Some(Outcome { held: 0, refused: vec![], deferred: 1 }));
    // Judged afresh, it is kept.
    assert_eq!(sync(&f, &later), Outcome { held: 1, refused: vec![], deferred: 0 });
}

#[test]
fn a_verdict_made_before_the_writer_lost_their_role_is_made_again() {
    let f = fixture(Role::Editor);
    let (create, _) = two_changes();
    let new = request(vec![create]);
    let judged = prejudged(&f, &new, false);
    assert!(matches!(judged.docs["plan-1"].verdicts[..], [Verdict::Accepted(..)]));
    // An administrator makes the writer a viewer before the round.
    f.db.add_member(WS, "ama", Role::Viewer).expect("demote");
    assert_eq!(sync_judged(&f, &new, &judged), None);
    assert_eq!(sync(&f, &new), Outcome { held: 0, refused: vec![Code::RoleForbids], deferred: 0 });
}

#[test]
fn a_verdict_whose_document_has_not_moved_is_used_as_it_is() {
    let f = fixture(Role::Editor);
    let (create, _) = two_changes();
    let new = request(vec![create]);
    let mut judged = prejudged(&f, &new, false);
    // A verdict the round would not reach itself shows it was not redone.
    judged.docs.get_mut("plan-1").expect("judged").verdicts =
        vec![Verdict::Refused(Refusal::new(Code::TooDeep, "a marker"))];
    assert_eq!(sync_judged(&f, &new, &judged), Some(Outcome { held: 0, refused: vec![Code::TooDeep], deferred: 0 }));
}

#[test]
fn one_change_under_two_ids_in_one_request_is_held_once() {
    let f = fixture(Role::Editor);
    let (create, _) = two_changes();
    let twin = OutChange { doc_id: "plan-2".into(), ..create.clone() };
    let outcome = sync(&f, &request(vec![create, twin]));
    assert_eq!(outcome, Outcome { held: 1, refused: vec![Code::ChangeElsewhere], deferred: 0 });
    let bases = f.db.bases(&f.device, &request(vec![OutChange { doc_id: "plan-2".into(), ..two_changes().0 }]));
    assert_eq!(bases.expect("bases").docs["plan-2"].registered, None, "no empty document was registered");
}

#[test]
fn a_device_revoked_while_its_changes_were_judged_stores_nothing() {
    let f = fixture(Role::Editor);
    let (create, _) = two_changes();
    let new = request(vec![create]);
    let judged = prejudged(&f, &new, true);
    f.db.revoke_device(&f.device.device_id, 1).expect("revoke");
    let refused = f.db.sync_judged(&f.device, &new, PROTOCOL, 1 << 20, 2, &judged).expect_err("revoked");
    assert_eq!(refused.kind, crate::storage::ErrorKind::Unauthorised);
    let bases = f.db.bases(&f.device, &new).expect("bases");
    assert_eq!(bases.docs["plan-1"].registered, None, "nothing was stored");
}

#[test]
fn ids_that_are_not_plain_names_or_the_toolbox_are_refused() {
    let f = fixture(Role::Editor);
    for id in ["toolbox", "", "../x", "a b", &"x".repeat(200)] {
        let (create, _) = two_changes();
        let change = OutChange { doc_id: id.to_owned(), ..create };
        assert_eq!(sync(&f, &request(vec![change])).refused, [Code::BadId], "{id:?}");
    }
}

#[test]
fn a_first_sync_finds_its_snapshots_made_before_its_round() {
    let f = fixture(Role::Editor);
    let (create, edit) = two_changes();
    sync(&f, &request(vec![create, edit]));
    let stale = |f: &Fixture| {
        f.db.snapshot_page(WS, "", true, 64).expect("page").iter().filter(|d| !d.later.is_empty()).count()
    };
    assert_eq!(stale(&f), 1, "the new plan has no snapshot yet");
    let first = SyncRequest {
        cursors: vec![cd4mm_sync::wire::Cursor { workspace: WS.into(), seq: 0, resume: None }],
        ..request(vec![])
    };
    f.db.prepare_snapshots(&f.device, &first, PROTOCOL, 1 << 20).expect("prepared");
    assert_eq!(stale(&f), 0, "made outside the round, which then only reads it");
}

#[test]
fn a_document_written_to_after_preparing_is_not_built_in_the_round() {
    let f = fixture(Role::Editor);
    let plan = Content::Plan(Plan { title: "Border plan".into(), ..Plan::default() });
    let mut doc = Document::create(WS, &plan, ActorId::from(vec![7u8; 16]), 1).expect("plan").automerge().clone();
    // Small: what a cached snapshot costs to load is not in its bytes
    // (200,000 operations fit in 140), so no stale document with one is
    // built in the round.
    doc.transact::<_, _, AutomergeError>(|tx| tx.put(ROOT, "title", "Renamed").map(|_| ())).expect("a new title");
    let [create, renamed] = [0, 1].map(|i| OutChange {
        workspace: WS.into(),
        doc_id: "plan-1".into(),
        kind: "plan".into(),
        bytes: doc.get_changes(&[])[i].raw_bytes().to_vec(),
    });
    let first = SyncRequest {
        cursors: vec![cd4mm_sync::wire::Cursor { workspace: WS.into(), seq: 0, resume: None }],
        ..request(vec![])
    };
    assert_eq!(sync(&f, &request(vec![create])).held, 1);
    f.db.prepare_snapshots(&f.device, &first, PROTOCOL, 1 << 20).expect("its snapshot cached");
    assert_eq!(sync(&f, &request(vec![renamed])).held, 1);
    // The round alone (as if a write came after the preparation): the page
    // stops before the stale document instead of loading it under the lock.
    let judged = prejudged(&f, &first, true);
    let round = f.db.sync_judged(&f.device, &first, PROTOCOL, 1 << 20, 0, &judged).expect("round").expect("kept");
    let news = &round.response.workspaces[0];
    assert!(round.response.more && news.snapshots.is_empty());
    assert_eq!(news.resume.as_ref().map(|r| r.doc.as_str()), Some("plan-1"));
    // The next request prepares it outside, then sends it.
    let next = SyncRequest {
        cursors: vec![cd4mm_sync::wire::Cursor { workspace: WS.into(), seq: 0, resume: news.resume.clone() }],
        ..request(vec![])
    };
    let round = f.db.sync(&f.device, &next, PROTOCOL, 1 << 20, 0).expect("round");
    assert_eq!(round.response.workspaces[0].snapshots.len(), 1);
}

/// An administrator owns every workspace that exists, and none that does
/// not: a change to a missing one is refused, not a database error.
#[test]
fn an_administrator_cannot_write_to_a_workspace_that_does_not_exist() {
    let mut f = fixture(Role::Viewer);
    f.device.admin = true;
    let (create, _) = two_changes();
    assert_eq!(sync(&f, &request(vec![create.clone()])), Outcome { held: 1, refused: vec![], deferred: 0 });
    let elsewhere = Document::create(
        "no-such-workspace",
        &Content::Plan(Plan { title: "Elsewhere".into(), ..Plan::default() }),
        ActorId::from(vec![7u8; 16]),
        5,
    )
    .expect("plan");
    let change = OutChange {
        workspace: "no-such-workspace".into(),
        doc_id: "plan-2".into(),
        kind: "plan".into(),
        bytes: elsewhere.last_local_change().expect("created").raw_bytes().to_vec(),
    };
    assert_eq!(sync(&f, &request(vec![change])), Outcome { held: 0, refused: vec![Code::NotAMember], deferred: 0 });
}
