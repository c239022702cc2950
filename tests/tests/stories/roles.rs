//! Every role × document kind × read/write, tried against a running server.
//!
//! An owner seeds one document of each kind. Then, for each role, a fresh
//! device of a user with that role syncs (reading everything), edits the
//! document of one kind and syncs again: the server accepts exactly what the
//! role allows (counterparts: plans and monitoring whole, the assessment's
//! ratings and the engagement's scope but not their titles; viewers: nothing)
//! and refuses the rest with `role_forbids`. The toolbox is published centrally:
//! no workspace role may write it. Someone outside the workspace can neither
//! read nor write it.

use crate::common::{Backend, TestServer, device};
use cd4mm_core::Code;
use cd4mm_core::assessment::Assessment;
use cd4mm_core::engagement::Engagement;
use cd4mm_core::monitoring::Monitoring;
use cd4mm_core::plan::Plan;
use cd4mm_core::toolbox::Toolbox;
use cd4mm_core::{Content, Document, Edit, Kind};
use cd4mm_server::admin::Command;
use cd4mm_sync::SyncError;
use cd4mm_sync::wire::{self, OutChange};
use serde_json::json;

const WS: &str = "ws";

fn content(kind: Kind) -> Content {
    match kind {
        Kind::Engagement => Content::Engagement(Engagement { title: "Engagement".into(), ..Engagement::default() }),
        Kind::Assessment => {
            let templates = cd4mm_core::data::templates().expect("templates");
            Content::Assessment(Assessment::start("Assessment", &templates[0]))
        }
        Kind::Plan => Content::Plan(Plan { title: "Plan".into(), ..Plan::default() }),
        Kind::Monitoring => Content::Monitoring(Monitoring { title: "Monitoring".into(), ..Monitoring::default() }),
        Kind::Toolbox => Content::Toolbox(Toolbox { title: "Toolbox".into(), entries: vec![] }),
    }
}

const WORKSPACE_KINDS: [Kind; 4] = [Kind::Engagement, Kind::Assessment, Kind::Plan, Kind::Monitoring];

/// Send one new toolbox document's change straight to `/v1/sync`.
async fn raw_toolbox_change(server: &TestServer, d: &crate::common::Device) -> reqwest::Response {
    raw_change(server, d, Kind::Toolbox, WS).await
}

/// A sync request carrying one new document of `kind` in `workspace`, sent as
/// is (a device's client sends only changes of the workspaces it syncs).
async fn raw_change(server: &TestServer, d: &crate::common::Device, kind: Kind, workspace: &str) -> reqwest::Response {
    let doc = Document::create(workspace, &content(kind), d.store.actor().clone(), 5).expect("doc");
    let change = doc.last_local_change().expect("change");
    // Protocol 1: a refusal fails the request with its code.
    let request = wire::v1::SyncRequest {
        epoch: None,
        cursors: vec![],
        changes: vec![OutChange {
            workspace: workspace.into(),
            doc_id: format!("{}-{}", kind.code(), d.store.actor().to_hex_string()),
            kind: kind.code(),
            bytes: change.raw_bytes().to_vec(),
        }],
    };
    cd4mm_sync::http_client()
        .post(format!("{}/v1/sync", server.url))
        .bearer_auth(d.client.token())
        .body(wire::encode_as(1, &request))
        .send()
        .await
        .expect("request")
}

fn allowed(role: &str, kind: Kind) -> bool {
    match role {
        "owner" | "editor" => true,
        "counterpart" => matches!(kind, Kind::Plan | Kind::Monitoring),
        _ => false,
    }
}

on_every_backend!(each_role_reads_and_writes_exactly_what_it_may, matrix);
on_every_backend!(the_counterpart_rates_and_validates_but_does_not_redesign_the_assessment, counterpart_parts);

/// The partner takes part in the assessment: a counterpart's device rates a
/// question, argues it, validates the ratings and scopes the engagement; the
/// server keeps all of it. Changing the instrument (the frozen template) or
/// the stakeholders, or starting an assessment, is refused before anything
/// is written, with a message that names what the role may change.
async fn counterpart_parts(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    server.member(WS, "boss", "owner");
    server.member(WS, "partner", "counterpart");
    let mut boss = device(&server, "boss").await;
    for kind in [Kind::Engagement, Kind::Assessment] {
        boss.store.create(&kind.code(), WS, &content(kind), 1).expect("seed");
    }
    boss.sync(&[WS]).await.expect("owner seeds the workspace");
    let mut partner = device(&server, "partner").await;
    partner.sync(&[WS]).await.expect("the counterpart reads");
    let Content::Assessment(a) = partner.store.content("assessment").expect("assessment") else { panic!("kind") };
    let question = a.responses.keys().next().expect("a question").clone();

    // Allowed: ratings, evidence, a comment, the validation, the scope.
    let allowed = [
        (Kind::Assessment, Edit::Set { path: format!("responses/{question}/existing"), value: json!(2) }),
        (Kind::Assessment, Edit::Set { path: format!("responses/{question}/desired"), value: json!(4) }),
        (
            Kind::Assessment,
            Edit::Set { path: format!("responses/{question}/comment"), value: json!("The unit disagrees") },
        ),
        (Kind::Engagement, Edit::Set { path: "scope/why".into(), value: json!("Our own reasons") }),
    ];
    for (kind, edit) in &allowed {
        partner.store.edit(&kind.code(), edit, 10).expect("edit");
    }
    let Content::Assessment(rated) = partner.store.content("assessment").expect("assessment") else { panic!("kind") };
    let date = cd4mm_core::Date::parse("2026-11-30").expect("date");
    let record = serde_json::to_value(rated.validate("Mme Diallo", date, "validation workshop")).expect("json");
    partner
        .store
        .edit("assessment", &Edit::Set { path: "validation_record".into(), value: record }, 11)
        .expect("validate");
    let progress = partner.sync(&[WS]).await.expect("sync");
    assert_eq!(progress.changes_refused, 0, "{:?}", partner.store.not_accepted());

    boss.sync(&[WS]).await.expect("owner syncs");
    let Content::Assessment(seen) = boss.store.content("assessment").expect("assessment") else { panic!("kind") };
    assert_eq!(seen.responses[&question].existing, Some(2));
    assert_eq!(seen.responses[&question].comment, "The unit disagrees");
    assert_eq!(seen.validation_state(), cd4mm_core::assessment::ValidationState::Validated);
    assert_eq!(seen.validation_record.as_ref().map(|r| r.by.as_str()), Some("Mme Diallo"));

    // Refused, one at a time, each naming the part.
    let other = cd4mm_core::data::templates().expect("templates").pop().expect("a template");
    let other = serde_json::to_string(&other).expect("json");
    let refused = [
        (Kind::Assessment, Edit::Set { path: "template".into(), value: json!(other) }, "`template`"),
        (Kind::Assessment, Edit::Set { path: "title".into(), value: json!("Ours now") }, "`title`"),
        (
            Kind::Engagement,
            Edit::Insert { list: "stakeholders".into(), item: json!({"id": "s9", "name": "A ministry"}), before: None },
            "`stakeholders`",
        ),
    ];
    for (kind, edit, part) in refused {
        let mut d = device(&server, "partner").await;
        d.sync(&[WS]).await.expect("reads");
        d.store.edit(&kind.code(), &edit, 20).expect("local edits are always possible");
        let progress = d.sync(&[WS]).await.expect("the sync goes on");
        assert_eq!(progress.changes_refused, 1, "{edit:?}");
        let waiting = d.store.not_accepted().expect("not accepted");
        assert_eq!(waiting[0].code, Code::RoleForbids);
        assert!(
            waiting[0].message.contains(part) && waiting[0].message.contains("`responses`")
                || kind == Kind::Engagement && waiting[0].message.contains("`scope`"),
            "{}",
            waiting[0].message
        );
    }

    // Starting an assessment designs it: refused to a counterpart.
    let response = raw_change(&server, &partner, Kind::Assessment, WS).await;
    assert_eq!(response.status().as_u16(), 403, "a counterpart may not start an assessment");

    boss.sync(&[WS]).await.expect("owner syncs");
    let Content::Assessment(seen) = boss.store.content("assessment").expect("assessment") else { panic!("kind") };
    assert_eq!(seen.title, "Assessment", "the title stayed the officers'");
    let Content::Engagement(e) = boss.store.content("engagement").expect("engagement") else { panic!("kind") };
    assert!(e.stakeholders.is_empty());
    assert_eq!(e.scope.why, "Our own reasons");
    server.stop().await;
}

async fn matrix(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    server.member(WS, "boss", "owner");
    let mut boss = device(&server, "boss").await;
    for kind in WORKSPACE_KINDS {
        boss.store.create(&kind.code(), WS, &content(kind), 1).expect("seed");
    }
    boss.sync(&[WS]).await.expect("owner seeds the workspace");

    for role in ["owner", "editor", "counterpart", "viewer"] {
        let user = format!("user-{role}");
        server.member(WS, &user, role);
        for kind in WORKSPACE_KINDS {
            // Read: a first sync brings every document of the workspace.
            let mut d = device(&server, &user).await;
            d.sync(&[WS]).await.unwrap_or_else(|e| panic!("{role} reads the workspace: {e}"));
            for k in WORKSPACE_KINDS {
                assert!(d.store.read(&k.code()).is_ok(), "{role} may read the {} document", k.code());
            }
            // Write: change the document of this kind and send it.
            let edit = Edit::Set { path: "title".into(), value: json!(format!("Edited by {role}")) };
            d.store.edit(&kind.code(), &edit, 10).expect("local edits are always possible");
            let result = d.sync(&[WS]).await;
            match (allowed(role, kind), result) {
                (true, Ok(_)) => {}
                // Refused per change: the sync goes on, the edit waits for a decision.
                (false, Ok(p)) => {
                    assert_eq!(p.changes_refused, 1, "{role} writing {}", kind.code());
                    let waiting = d.store.not_accepted().expect("not accepted");
                    assert_eq!(waiting[0].code, Code::RoleForbids, "{role} writing {}", kind.code());
                    assert_eq!(d.store.unacked_count().expect("unacked"), 0, "nothing is resent forever");
                }
                (expected, other) => panic!("{role} writing {}: allowed = {expected}, got {other:?}", kind.code()),
            }
        }
        // The toolbox: a change of a toolbox document is refused for every role.
        let d = device(&server, &user).await;
        let response = raw_toolbox_change(&server, &d).await;
        assert_eq!(response.status().as_u16(), 403, "{role} may not write the toolbox");
        let body: wire::ErrorBody = response.json().await.expect("error body");
        assert_eq!(body.code, Code::RoleForbids);
    }

    // A server administrator publishes the toolbox.
    server.admin(Command::AddUser { username: "root".into(), password: crate::common::PASSWORD.into(), admin: true });
    let admin_device = device(&server, "root").await;
    let response = raw_toolbox_change(&server, &admin_device).await;
    assert_eq!(response.status().as_u16(), 200, "an administrator may write the toolbox");

    // The owner sees every edit that was allowed, and only those.
    boss.sync(&[WS]).await.expect("owner syncs");
    let plan_title = boss.store.read("plan").expect("plan").value["title"].clone();
    let engagement_title = boss.store.read("engagement").expect("engagement").value["title"].clone();
    assert!(plan_title.as_str().is_some_and(|t| t.starts_with("Edited by")), "{plan_title}");
    assert!(
        ["Edited by owner", "Edited by editor"].contains(&engagement_title.as_str().unwrap_or_default()),
        "no counterpart or viewer edit reached the engagement: {engagement_title}"
    );

    // Outsiders: a member of another workspace can neither read nor write this one.
    server.member("elsewhere", "outsider", "owner");
    let mut outsider = device(&server, "outsider").await;
    match outsider.sync(&[WS]).await {
        Err(SyncError::Refused { status: 403, code, .. }) => assert_eq!(code, Code::NotAMember),
        other => panic!("an outsider reading {WS} must be refused, got {other:?}"),
    }
    let outsider = device(&server, "outsider").await;
    let response = raw_change(&server, &outsider, Kind::Plan, WS).await;
    assert_eq!(response.status().as_u16(), 403, "an outsider writing into {WS} must be refused");
    let body: wire::ErrorBody = response.json().await.expect("a JSON error");
    assert_eq!(body.code, Code::NotAMember);
    server.stop().await;
}
