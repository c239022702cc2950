//! A change the server refuses no longer stops a device: everything else
//! goes on, the refused change waits in a "not accepted" list with the
//! reason, and the user decides (copy the content out, or discard this
//! device's version and get the server's back). Nothing typed disappears
//! without that decision.

use crate::common::{Backend, TestServer, border_plan, device};
use cd4mm_core::Code;
use cd4mm_core::engagement::Engagement;
use cd4mm_core::{Content, Edit};
use cd4mm_server::admin::Command;
use serde_json::json;

const WS: &str = "ws";

on_every_backend!(a_refused_change_waits_for_a_decision_and_the_rest_syncs, story);

async fn story(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    server.member(WS, "ama", "owner");
    server.member(WS, "kwame", "editor");
    let mut ama = device(&server, "ama").await;
    ama.store
        .create("eng", WS, &Content::Engagement(Engagement { title: "Border".into(), ..Engagement::default() }), 1)
        .expect("engagement");
    ama.store.create("plan", WS, &border_plan(), 1).expect("plan");
    ama.sync(&[WS]).await.expect("ama syncs");
    let mut kwame = device(&server, "kwame").await;
    kwame.sync(&[WS]).await.expect("kwame syncs");

    // While Kwame is offline, his role becomes counterpart: plans yes, the
    // engagement no. Offline, he edits both.
    server.admin(Command::AddMember { workspace: WS.into(), username: "kwame".into(), role: "counterpart".into() });
    let set = |path: &str, value: &str| Edit::Set { path: path.into(), value: json!(value) };
    kwame.store.edit("eng", &set("title", "Kwame's border"), 5).expect("offline edit");
    kwame.store.edit("plan", &set("title", "Kwame's plan"), 5).expect("offline edit");
    kwame.store.edit("eng", &set("context", "Written offline"), 6).expect("second offline edit");

    // The device's clock, as the store tells it, dates what the sync records.
    kwame.store.set_clock(|| 1_800_000_000_000);
    let progress = kwame.sync(&[WS]).await.expect("the sync goes on despite the refusal");
    assert_eq!(progress.changes_refused, 2, "both engagement edits refused");
    assert_eq!(kwame.store.unacked_count().expect("count"), 0, "nothing is resent forever");
    let waiting = kwame.store.not_accepted().expect("not accepted");
    assert_eq!(waiting.len(), 1, "one document waits for a decision: {waiting:?}");
    assert_eq!((waiting[0].doc_id.as_str(), waiting[0].code), ("eng", Code::RoleForbids));
    assert_eq!((waiting[0].changes, waiting[0].at_ms), (2, 1_800_000_000_000));
    assert!(waiting[0].message.contains("counterpart"), "the reason says why: {}", waiting[0].message);
    // The content is still on the device, to copy elsewhere.
    assert_eq!(kwame.store.read("eng").expect("eng").value["context"], json!("Written offline"));

    // The plan edit went through; the engagement edits did not.
    ama.sync(&[WS]).await.expect("ama syncs");
    assert_eq!(ama.store.read("plan").expect("plan").value["title"], json!("Kwame's plan"));
    assert_eq!(ama.store.read("eng").expect("eng").value["title"], json!("Border"));

    // A later sync sends nothing refused again and still works.
    ama.store.edit("eng", &set("title", "Northern border"), 7).expect("ama edits");
    ama.sync(&[WS]).await.expect("ama syncs");
    let again = kwame.sync(&[WS]).await.expect("kwame syncs again");
    assert_eq!(again.changes_refused, 0);

    // Kwame discards his version: the server's comes back, the list empties.
    kwame.store.discard_not_accepted("eng").expect("discard");
    kwame.sync(&[WS]).await.expect("kwame gets the server's version");
    assert!(kwame.store.not_accepted().expect("list").is_empty());
    let eng = kwame.store.read("eng").expect("the engagement is back").value;
    assert_eq!((eng["title"].clone(), eng["context"].clone()), (json!("Northern border"), json!("")));
    // And he can edit the plan on from there.
    kwame.store.edit("plan", &set("title", "Plan, revised"), 8).expect("edit");
    let after = kwame.sync(&[WS]).await.expect("sync");
    assert_eq!((after.changes_sent, after.changes_refused), (1, 0));
    server.stop().await;
}
