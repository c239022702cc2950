//! Bad input gets a precise 4xx with a machine-readable code, never a 500 or a
//! crash, and everyone else keeps being served.

use crate::common::{Backend, TestServer, device};
use cd4mm_core::Code;
use cd4mm_core::plan::Plan;
use cd4mm_core::{Content, Document};
use cd4mm_server::admin::Command;
use cd4mm_sync::wire::v1::SyncRequest;
use cd4mm_sync::wire::{self, ErrorBody, OutChange};

const WS: &str = "ws";
const LIMIT: usize = 64 * 1024;

struct Case {
    name: &'static str,
    token: Option<String>,
    encoding: Option<&'static str>,
    body: Vec<u8>,
    status: u16,
    code: Code,
}

/// A request in protocol 1, whose refusals fail the whole request with a
/// precise status and code (devices in the field speak it).
fn request_with(changes: Vec<OutChange>) -> Vec<u8> {
    wire::encode_as(1, &SyncRequest { epoch: None, cursors: vec![], changes })
}

on_every_backend!(bad_requests_get_precise_errors_and_the_server_keeps_serving, bad_requests);

async fn bad_requests(backend: Backend) {
    let server = TestServer::start_on_with(backend, |c| c.max_body_bytes = LIMIT).await;
    server.member(WS, "ama", "editor");
    let mut ama = device(&server, "ama").await;
    let token = ama.client.token().to_owned();
    let revoked = device(&server, "ama").await;
    let revoked_id = revoked.client.token().split('.').next().expect("device id").to_owned();
    server.admin(Command::RevokeDevice { device_id: revoked_id });

    let plan = Content::Plan(Plan { title: "Plan".into(), ..Plan::default() });
    let own = Document::create(WS, &plan, ama.store.actor().clone(), 1).expect("doc");
    let own_change = own.last_local_change().expect("change").raw_bytes().to_vec();
    let stranger = Document::create(WS, &plan, cd4mm_core::automerge::ActorId::random(), 1).expect("doc");
    let foreign_change = stranger.last_local_change().expect("change").raw_bytes().to_vec();
    let change = |doc: &str, kind: &str, bytes: Vec<u8>| OutChange {
        workspace: WS.into(),
        doc_id: doc.into(),
        kind: kind.into(),
        bytes,
    };
    let valid = request_with(vec![change("p1", "plan", own_change.clone())]);
    let mut wrong_version = valid.clone();
    wrong_version[5] = 99;
    let bomb = wire::compress(&vec![0u8; LIMIT * 4]);

    let t = || Some(token.clone());
    let cases = vec![
        Case {
            name: "no token",
            token: None,
            encoding: None,
            body: valid.clone(),
            status: 401,
            code: Code::Unauthorised,
        },
        Case {
            name: "wrong token",
            token: Some(format!("{}.{}", "0".repeat(16), "f".repeat(64))),
            encoding: None,
            body: valid.clone(),
            status: 401,
            code: Code::Unauthorised,
        },
        Case {
            name: "revoked device",
            token: Some(revoked.client.token().to_owned()),
            encoding: None,
            body: valid.clone(),
            status: 401,
            code: Code::Unauthorised,
        },
        Case {
            name: "not a sync body",
            token: t(),
            encoding: None,
            body: b"{\"hello\": 1}".to_vec(),
            status: 400,
            code: Code::Malformed,
        },
        Case {
            name: "unknown protocol version",
            token: t(),
            encoding: None,
            body: wrong_version,
            status: 400,
            code: Code::UnsupportedProtocol,
        },
        Case {
            name: "truncated body",
            token: t(),
            encoding: None,
            body: valid[..valid.len() / 2].to_vec(),
            status: 400,
            code: Code::Malformed,
        },
        Case {
            name: "corrupt zstd",
            token: t(),
            encoding: Some("zstd"),
            body: b"not zstd at all".to_vec(),
            status: 400,
            code: Code::Malformed,
        },
        Case {
            name: "unknown encoding",
            token: t(),
            encoding: Some("brotli"),
            body: valid.clone(),
            status: 415,
            code: Code::UnsupportedEncoding,
        },
        Case {
            name: "oversized body",
            token: t(),
            encoding: None,
            body: vec![7u8; LIMIT * 2],
            status: 413,
            code: Code::TooLarge,
        },
        Case {
            name: "decompression bomb",
            token: t(),
            encoding: Some("zstd"),
            body: bomb,
            status: 413,
            code: Code::TooLarge,
        },
        Case {
            name: "change that does not decode",
            token: t(),
            encoding: None,
            body: request_with(vec![change("p1", "plan", vec![1, 2, 3, 4])]),
            status: 400,
            code: Code::BadChange,
        },
        Case {
            name: "change by someone else's actor",
            token: t(),
            encoding: None,
            body: request_with(vec![change("p2", "plan", foreign_change)]),
            status: 403,
            code: Code::ForeignActor,
        },
        Case {
            name: "unknown kind",
            token: t(),
            encoding: None,
            body: request_with(vec![change("p3", "spreadsheet", own_change.clone())]),
            status: 400,
            code: Code::BadKind,
        },
        Case {
            name: "workspace the user is not in",
            token: t(),
            encoding: None,
            body: wire::encode_as(
                1,
                &SyncRequest {
                    epoch: None,
                    cursors: vec![wire::v1::Cursor { workspace: "secret".into(), seq: 0 }],
                    changes: vec![],
                },
            ),
            status: 403,
            code: Code::NotAMember,
        },
    ];

    let http = cd4mm_sync::http_client();
    for case in cases {
        let mut request = http.post(format!("{}/v1/sync", server.url)).body(case.body);
        if let Some(token) = case.token {
            request = request.bearer_auth(token);
        }
        if let Some(encoding) = case.encoding {
            request = request.header("content-encoding", encoding);
        }
        let response = request.send().await.unwrap_or_else(|e| panic!("{}: the server answers ({e})", case.name));
        let status = response.status().as_u16();
        let body: ErrorBody = response
            .json()
            .await
            .unwrap_or_else(|e| panic!("{}: the error is JSON {{code, message}} ({e})", case.name));
        assert_eq!((status, body.code), (case.status, case.code), "{}: {}", case.name, body.message);
        assert!(!body.message.is_empty(), "{}: a message for people", case.name);
    }

    // The document keeps its kind: a new change of it sent as another kind is refused.
    ama.store.create("p1", WS, &plan, 1).expect("local plan");
    ama.sync(&[WS]).await.expect("a valid sync still works");
    ama.store
        .edit("p1", &cd4mm_core::Edit::Set { path: "title".into(), value: serde_json::json!("Renamed") }, 2)
        .expect("edit");
    let pending = ama.store.unacked(&[WS.to_owned()], usize::MAX).expect("unacked");
    let edit_bytes = pending.last().expect("the edit").bytes.clone();
    let mismatch = request_with(vec![change("p1", "monitoring", edit_bytes)]);
    let response =
        http.post(format!("{}/v1/sync", server.url)).bearer_auth(&token).body(mismatch).send().await.expect("answer");
    assert_eq!(response.status().as_u16(), 400);
    assert_eq!(response.json::<ErrorBody>().await.expect("json").code, Code::KindMismatch);
    ama.sync(&[WS]).await.expect("sent as what it is, the edit goes through");

    // Enrolment errors.
    let enrol = |body: serde_json::Value| http.post(format!("{}/v1/enrol", server.url)).json(&body).send();
    let wrong = enrol(serde_json::json!({"username": "ama", "password": "nope", "device_name": "x", "actor": "abcd"}))
        .await
        .expect("answer");
    assert_eq!(wrong.status().as_u16(), 401, "wrong password");
    server.member(WS, "kojo", "viewer");
    let taken = enrol(serde_json::json!({"username": "kojo", "password": crate::common::PASSWORD, "device_name": "x",
        "actor": ama.store.actor().to_hex_string()}))
    .await
    .expect("answer");
    assert_eq!(taken.status().as_u16(), 409, "an actor belongs to one user");
    let garbage = http.post(format!("{}/v1/enrol", server.url)).body("{").send().await.expect("answer");
    assert_eq!(garbage.status().as_u16(), 400);

    // What the framework refuses before any handler (a method the address
    // lacks, a body over its limit, a path that is not text) has the same
    // JSON shape as every other error.
    let framework = [
        (http.get(format!("{}/v1/sync", server.url)), 405, Code::Malformed),
        (http.get(format!("{}/api/export/%FF%FE.csv", server.url)).bearer_auth(&token), 400, Code::Malformed),
        // A connection of its own: the server closes it without reading the rest.
        (
            cd4mm_sync::http_client().post(format!("{}/api/login", server.url)).body(vec![b' '; 3 << 20]),
            413,
            Code::TooLarge,
        ),
    ];
    for (request, status, code) in framework {
        // The server answers an oversized body at once and closes the
        // connection; on a busy machine the client may still be writing
        // then and see a broken pipe instead of the answer. That is the
        // client's side of the race, so the request is made again (a few
        // times at most); the answer, when read, is checked in full.
        let mut tries = 0;
        let response = loop {
            let attempt = request.try_clone().expect("a request without a stream").send().await;
            match attempt {
                Ok(r) => break r,
                Err(e) if status == 413 && tries < 5 => {
                    tries += 1;
                    eprintln!("the oversized request was cut while sending ({e}); again");
                }
                Err(e) => panic!("answer: {e:?}"),
            }
        };
        assert_eq!(response.status().as_u16(), status);
        let body: ErrorBody = response.json().await.expect("the error is JSON {code, message}");
        assert_eq!(body.code, code, "{}", body.message);
    }

    // Everyone else is still served.
    let health = http.get(format!("{}/healthz", server.url)).send().await.expect("health");
    assert_eq!(health.status().as_u16(), 200);
    server.stop().await;
}
