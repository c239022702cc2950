//! The trust boundary, tried as the worst member of a workspace would: each
//! case of the trust-boundary issue against a real server over HTTP, on
//! SQLite and on PostgreSQL. Every hostile request gets a precise 4xx,
//! nothing of it is stored, the server stays up (and comes back up after a
//! restart), and everyone else keeps syncing.

use crate::common::{Backend, TestServer, device};
use cd4mm_core::Code;
use cd4mm_core::admission;
use cd4mm_core::automerge::transaction::Transactable;
use cd4mm_core::automerge::{ActorId, Automerge, AutomergeError, Change, ObjType, ScalarValue};
use cd4mm_core::plan::Plan;
use cd4mm_core::{Content, Document, Edit, SCHEMA};
use cd4mm_server::admin::Command;
use cd4mm_sync::wire::{self, Cursor, ErrorBody, OutChange, SyncRequest, SyncResponse};
use serde_json::{Value, json};

const GH: &str = "ghana";
const SN: &str = "senegal";

on_every_backend!(hostile_changes_are_refused_and_the_server_survives, hostile_changes);

on_every_backend!(access_taken_away_and_given_back, access_changes);

/// A raw sync request as a hostile device sends it.
struct Raw {
    http: reqwest::Client,
    url: String,
    token: String,
}

impl Raw {
    /// Send a request in protocol `version`; the status, the answer (on
    /// success) or the error.
    async fn send_as(&self, version: u16, request: &SyncRequest) -> (u16, Option<SyncResponse>, Option<ErrorBody>) {
        let body = if version == 1 {
            let v1 = wire::v1::SyncRequest {
                epoch: request.epoch.clone(),
                cursors: request
                    .cursors
                    .iter()
                    .map(|c| wire::v1::Cursor { workspace: c.workspace.clone(), seq: c.seq })
                    .collect(),
                changes: request.changes.clone(),
            };
            wire::encode_as(1, &v1)
        } else {
            wire::encode(request)
        };
        let response = self
            .http
            .post(format!("{}/v1/sync", self.url))
            .bearer_auth(&self.token)
            .body(body)
            .send()
            .await
            .expect("the server answers");
        let status = response.status().as_u16();
        let bytes = response.bytes().await.expect("body");
        if status != 200 {
            return (status, None, Some(serde_json::from_slice(&bytes).expect("json error")));
        }
        let answer = if version == 1 { None } else { Some(wire::decode(&bytes).expect("a v2 answer")) };
        (status, answer, None)
    }

    async fn send(&self, request: &SyncRequest) -> (u16, Option<ErrorBody>) {
        let (status, _, error) = self.send_as(wire::PROTOCOL, request).await;
        (status, error)
    }

    /// Send changes of one document in protocol 2, where a refusal is
    /// reported per change and the round goes on, then in protocol 1, where
    /// it fails the request with a 4xx: the same code both ways. Returns
    /// protocol 1's status and code (none when held).
    async fn push(&self, workspace: &str, doc_id: &str, kind: &str, changes: Vec<Vec<u8>>) -> (u16, Option<Code>) {
        let changes: Vec<OutChange> = changes
            .into_iter()
            .map(|bytes| OutChange { workspace: workspace.into(), doc_id: doc_id.into(), kind: kind.into(), bytes })
            .collect();
        let request = SyncRequest { epoch: None, budget: 64 * 1024, cursors: vec![], changes };
        let (status, answer, error) = self.send_as(2, &request).await;
        assert_eq!(status, 200, "protocol 2 answers refusals in the body: {error:?}");
        let answer = answer.expect("answer");
        let v2_code = answer.refused.first().map(|r| r.code);
        let (status, _, error) = self.send_as(1, &request).await;
        let v1_code = error.map(|e| e.code);
        assert_eq!(v2_code, v1_code, "both protocols give the same reason");
        (status, v1_code)
    }
}

/// Each live news stream costs the server a task and a database read per
/// news: a device may hold a few, not thousands.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_holds_a_few_news_streams_at_most() {
    let server = TestServer::start().await;
    server.member(GH, "ama", "editor");
    let ama = device(&server, "ama").await;
    let http = cd4mm_sync::http_client();
    let open = || http.get(format!("{}/v1/events", server.url)).bearer_auth(ama.client.token()).send();
    let mut streams = Vec::new();
    for _ in 0..cd4mm_server::STREAMS_PER_DEVICE {
        let stream = open().await.expect("stream");
        assert_eq!(stream.status(), 200);
        streams.push(stream);
    }
    let refused = open().await.expect("answer");
    assert_eq!(refused.status(), 429);
    let error: ErrorBody = refused.json().await.expect("error");
    assert_eq!(error.code, Code::TooManyStreams);
    // Another device of the same user is counted apart.
    let other = device(&server, "ama").await;
    let stream = http.get(format!("{}/v1/events", server.url)).bearer_auth(other.client.token()).send().await;
    assert_eq!(stream.expect("stream").status(), 200);
    // A stream the device hangs up frees its place.
    drop(streams.pop());
    let mut again = None;
    for _ in 0..50 {
        let stream = open().await.expect("answer");
        if stream.status() == 200 {
            again = Some(stream);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(again.is_some(), "a place freed by a closed stream is given again");
    drop(streams);
    server.stop().await;
}

/// Send changes of `p1` of about 200,000 operations each, one per request,
/// until one is refused: only when the document would pass its limit.
async fn history_past_the_limit(raw: &Raw, held: &Automerge) {
    let mut history = held.clone();
    let per_change = admission::MAX_REQUEST_OPS as i64 - 1_000;
    let mut sent_ops = 0;
    let code = loop {
        history
            .transact::<_, _, AutomergeError>(|tx| {
                for i in 0..per_change {
                    tx.put(cd4mm_core::automerge::ROOT, "budget_note", i)?;
                }
                Ok(())
            })
            .expect("churn");
        let bytes = history.get_last_local_change().expect("churn").raw_bytes().to_vec();
        let changes = vec![OutChange { workspace: GH.into(), doc_id: "p1".into(), kind: "plan".into(), bytes }];
        let (status, answer, error) =
            raw.send_as(2, &SyncRequest { epoch: None, budget: 4096, cursors: vec![], changes }).await;
        assert_eq!(status, 200, "{error:?}");
        let answer = answer.expect("answer");
        assert!(answer.deferred.is_empty(), "each change builds on the ones held");
        sent_ops += per_change as u64;
        if let Some(refused) = answer.refused.first() {
            break refused.code;
        }
        assert!(sent_ops <= admission::MAX_DOCUMENT_OPS, "a history past the limit was held");
    };
    assert_eq!(code, Code::DocumentTooLarge);
    assert!(sent_ops > admission::MAX_DOCUMENT_OPS - per_change as u64, "refused only near the limit");
}

/// A document's first change, as `actor`, with whatever root the attacker likes.
fn crafted(actor: &ActorId, fill: impl FnOnce(&mut cd4mm_core::automerge::transaction::Transaction<'_>)) -> Vec<u8> {
    let mut doc = Automerge::new().with_actor(actor.clone());
    doc.transact::<_, _, AutomergeError>(|tx| {
        fill(tx);
        Ok(())
    })
    .expect("crafted change");
    doc.get_last_local_change().expect("change").raw_bytes().to_vec()
}

fn header(tx: &mut cd4mm_core::automerge::transaction::Transaction<'_>, kind: &str, workspace: &str) {
    tx.put(cd4mm_core::automerge::ROOT, "kind", kind).expect("kind");
    tx.put(cd4mm_core::automerge::ROOT, "schema", SCHEMA as i64).expect("schema");
    tx.put(cd4mm_core::automerge::ROOT, "workspace", workspace).expect("workspace");
    tx.put(cd4mm_core::automerge::ROOT, "title", "Crafted").expect("title");
}

fn plan_content() -> Content {
    Content::Plan(Plan { title: "Counterpart plan".into(), ..Plan::default() })
}

async fn healthy(server: &TestServer) {
    let health =
        cd4mm_sync::http_client().get(format!("{}/healthz", server.url)).send().await.expect("healthz answers");
    assert_eq!(health.status().as_u16(), 200, "the server is alive");
}

async fn hostile_changes(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    server.member(GH, "ama", "editor");
    server.member(GH, "kwame", "counterpart");
    server.member(GH, "esi", "viewer");
    server.member(SN, "fatou", "owner");
    let kwame = device(&server, "kwame").await;
    let actor = kwame.store.actor().clone();
    let raw = Raw { http: cd4mm_sync::http_client(), url: server.url.clone(), token: kwame.client.token().to_owned() };

    // Fatou's plan in Senegal, which Ghana's members must not learn about.
    let mut fatou = device(&server, "fatou").await;
    fatou.store.create("secret-doc", SN, &plan_content(), 1).expect("fatou's plan");
    fatou.sync(&[SN]).await.expect("fatou syncs");

    // 1. A plan nested 20,000 levels deep: refused, not stored, no crash.
    let deep = crafted(&actor, |tx| {
        header(tx, "plan", GH);
        let mut obj = tx.put_object(cd4mm_core::automerge::ROOT, "outcomes_extra", ObjType::Map).expect("map");
        for _ in 0..20_000 {
            obj = tx.put_object(&obj, "d", ObjType::Map).expect("nest");
        }
    });
    assert_eq!(raw.push(GH, "deep", "plan", vec![deep]).await, (400, Some(Code::TooDeep)), "deep nesting");
    healthy(&server).await;

    // 2. The role follows the document's own kind, workspace and header.
    let engagement = crafted(&actor, |tx| header(tx, "engagement", GH));
    assert_eq!(raw.push(GH, "eng", "plan", vec![engagement.clone()]).await, (400, Some(Code::KindMismatch)));
    assert_eq!(raw.push(GH, "eng", "engagement", vec![engagement]).await, (403, Some(Code::RoleForbids)));
    let elsewhere = crafted(&actor, |tx| header(tx, "plan", SN));
    assert_eq!(raw.push(GH, "away", "plan", vec![elsewhere]).await, (400, Some(Code::BadHeader)), "names Senegal");
    let toolbox = crafted(&actor, |tx| header(tx, "toolbox", GH));
    assert_eq!(raw.push(GH, "tb", "toolbox", vec![toolbox.clone()]).await, (403, Some(Code::RoleForbids)));
    assert_eq!(raw.push(GH, "tb", "plan", vec![toolbox]).await, (400, Some(Code::KindMismatch)));
    // The toolbox's own id is every device's: no synced document takes it.
    let plan_as_toolbox = crafted(&actor, |tx| header(tx, "plan", GH));
    assert_eq!(raw.push(GH, "toolbox", "plan", vec![plan_as_toolbox]).await, (400, Some(Code::BadId)));
    let kindless = crafted(&actor, |tx| {
        tx.put(cd4mm_core::automerge::ROOT, "title", "no kind").expect("title");
    });
    assert_eq!(raw.push(GH, "kindless", "plan", vec![kindless]).await, (400, Some(Code::BadHeader)));

    // 3. Two different changes with the same (actor, seq): the second is refused.
    let mut doc = Document::create(GH, &plan_content(), actor.clone(), 1).expect("plan");
    let created = doc.last_local_change().expect("created").raw_bytes().to_vec();
    let mut twin = doc.clone();
    doc.apply(&Edit::Set { path: "title".into(), value: json!("First") }, 2).expect("edit");
    twin.apply(&Edit::Set { path: "title".into(), value: json!("Second") }, 2).expect("edit");
    let first = doc.last_local_change().expect("first").raw_bytes().to_vec();
    let second = twin.last_local_change().expect("second").raw_bytes().to_vec();
    assert_eq!(raw.push(GH, "p1", "plan", vec![created.clone(), first]).await, (200, None));
    assert_eq!(raw.push(GH, "p1", "plan", vec![second]).await, (409, Some(Code::DuplicateSeq)));
    // The same change under another id: it belongs to `p1`, and no empty
    // document is registered for it.
    assert_eq!(raw.push(GH, "p1-copy", "plan", vec![created.clone()]).await, (409, Some(Code::ChangeElsewhere)));
    // A change that moves the document to another kind after creation.
    let mut turncoat = doc.automerge().clone();
    turncoat
        .transact::<_, _, AutomergeError>(|tx| tx.put(cd4mm_core::automerge::ROOT, "kind", "engagement"))
        .expect("kind");
    let turned = turncoat.get_last_local_change().expect("turn").raw_bytes().to_vec();
    assert_eq!(raw.push(GH, "p1", "plan", vec![turned]).await.0, 400, "the kind may not change");

    // 4. Compressed changes and huge strings.
    let mut big = doc.automerge().clone();
    big.transact::<_, _, AutomergeError>(|tx| tx.put(cd4mm_core::automerge::ROOT, "title", "z".repeat(300 * 1024)))
        .expect("big title");
    let mut last: Change = big.get_last_local_change().expect("big change");
    let compressed = last.bytes().to_vec();
    assert!(compressed.len() < 10_000, "a 300 KB title compresses to {} bytes", compressed.len());
    assert_eq!(raw.push(GH, "p1", "plan", vec![compressed]).await, (400, Some(Code::CompressedChange)));
    assert_eq!(
        raw.push(GH, "p1", "plan", vec![last.raw_bytes().to_vec()]).await,
        (400, Some(Code::StringTooLong)),
        "the same change uncompressed"
    );

    // Numbers no region's total survives: an infinity, a NaN, 10^300, or a
    // whole number past what the UI reads exactly, in a plan's budget.
    for number in [
        ScalarValue::F64(f64::INFINITY),
        ScalarValue::F64(f64::NAN),
        ScalarValue::F64(1e300),
        ScalarValue::Int(i64::MAX),
        ScalarValue::Uint(u64::MAX),
    ] {
        let mut huge = doc.automerge().clone();
        huge.transact::<_, _, AutomergeError>(|tx| tx.put(cd4mm_core::automerge::ROOT, "budget", number.clone()))
            .expect("a huge budget");
        let change = huge.get_last_local_change().expect("change").raw_bytes().to_vec();
        assert_eq!(raw.push(GH, "p1", "plan", vec![change]).await, (400, Some(Code::BadContent)), "{number}");
    }

    // Operations that show nothing but cost the server: one field overwritten
    // 120,000 times per change, two changes in one request.
    let mut churn = doc.automerge().clone();
    let mut churned = Vec::new();
    for _ in 0..2 {
        churn
            .transact::<_, _, AutomergeError>(|tx| {
                for i in 0..120_000_i64 {
                    tx.put(cd4mm_core::automerge::ROOT, "budget_note", i)?;
                }
                Ok(())
            })
            .expect("churn");
        churned.push(churn.get_last_local_change().expect("churn").raw_bytes().to_vec());
    }
    let changes = churned
        .into_iter()
        .map(|bytes| OutChange { workspace: GH.into(), doc_id: "p1".into(), kind: "plan".into(), bytes })
        .collect();
    let (status, error) = raw.send(&SyncRequest { epoch: None, budget: 4096, cursors: vec![], changes }).await;
    assert_eq!((status, error.map(|e| e.code)), (413, Some(Code::TooManyOperations)));
    healthy(&server).await;

    // The same, spread over requests: each within the request's limit, the
    // history adding up until the document would pass its own. (The limit is
    // the server's, not the database's: checked on one backend.)
    if matches!(backend, Backend::Sqlite) {
        history_past_the_limit(&raw, doc.automerge()).await;
        healthy(&server).await;
    }

    // 5. The same cursor many times: refused before any snapshot is built.
    let esi = device(&server, "esi").await;
    let viewer = Raw { http: cd4mm_sync::http_client(), url: server.url.clone(), token: esi.client.token().to_owned() };
    let cursors = vec![Cursor { workspace: GH.into(), seq: 0, resume: None }; 1_000];
    let (status, error) = viewer.send(&SyncRequest { epoch: None, budget: 1 << 20, cursors, changes: vec![] }).await;
    assert_eq!((status, error.map(|e| e.code)), (400, Some(Code::RepeatedCursor)));

    // 9. Another workspace's document id: refused without naming it or its kind.
    let probe = crafted(&actor, |tx| header(tx, "plan", GH));
    let changes =
        vec![OutChange { workspace: GH.into(), doc_id: "secret-doc".into(), kind: "plan".into(), bytes: probe }];
    let (status, _, error) = raw.send_as(1, &SyncRequest { epoch: None, budget: 0, cursors: vec![], changes }).await;
    let error = error.expect("refused");
    assert_eq!((status, error.code), (400, Code::DocumentMismatch));
    assert!(
        !error.message.contains(SN) && !error.message.contains("plan"),
        "the refusal names neither the other workspace nor the kind: {}",
        error.message
    );

    // Nothing hostile was stored: a new device of Ghana gets only `p1`, as made.
    let mut ama = device(&server, "ama").await;
    ama.sync(&[GH]).await.expect("ama's first sync");
    let ids: Vec<String> = ama.store.list(Some(GH)).expect("list").into_iter().map(|d| d.id).collect();
    assert_eq!(ids, vec!["p1".to_owned()], "only the honest document reached Ghana");
    assert_eq!(ama.store.read("p1").expect("p1").value["title"], json!("First"));
    assert!(ama.store.quarantined().expect("quarantine").is_empty());
    fatou.sync(&[SN]).await.expect("fatou still syncs");

    // The server comes back after a restart (the facts task reads everything).
    let cluster = server.cluster.clone();
    let data = server.stop().await;
    let server = TestServer::start_in(data, |c| {
        if let Some(cluster) = &cluster {
            c.database = Some(cluster.url("cd4mm"));
        }
    })
    .await;
    healthy(&server).await;
    let mut again = device(&server, "ama").await;
    again.sync(&[GH]).await.expect("a sync after the restart");
    server.stop().await;
}

async fn access_changes(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    server.member(GH, "ama", "editor");
    server.member(GH, "kofi", "viewer");

    // 6. Sign out (or revocation), then sign in again: the edit made before arrives.
    let mut ama = device(&server, "ama").await;
    ama.store.create("plan", GH, &plan_content(), 1).expect("plan");
    ama.sync(&[GH]).await.expect("first sync");
    ama.store.edit("plan", &Edit::Set { path: "title".into(), value: json!("Edited offline") }, 2).expect("edit");
    ama.client.sign_out().await.expect("sign out");
    assert!(ama.sync(&[GH]).await.is_err(), "a signed-out device does not sync");
    let actor = ama.store.actor().to_hex_string();
    let taken = cd4mm_sync::http_client()
        .post(format!("{}/v1/enrol", server.url))
        .json(&json!({"username": "kofi", "password": crate::common::PASSWORD, "device_name": "x", "actor": actor}))
        .send()
        .await
        .expect("answer");
    assert_eq!(taken.status().as_u16(), 409, "another user may never take this device's actor");
    ama.client = cd4mm_sync::Client::enrol(&server.url, "ama", crate::common::PASSWORD, "laptop", &ama.store)
        .await
        .expect("the same user signs in again on the same device");
    ama.sync(&[GH]).await.expect("sync after signing in again");
    let mut other = device(&server, "kofi").await;
    other.sync(&[GH]).await.expect("kofi syncs");
    assert_eq!(other.store.read("plan").expect("plan").value["title"], json!("Edited offline"));

    // 8. A regional officer's browser session loses a country at once.
    crate::common::block(|| {
        let _ = cd4mm_server::admin::run(
            server.db.as_ref(),
            Command::AddUser { username: "reg".into(), password: crate::common::PASSWORD.into(), admin: false },
        );
    });
    server.admin(Command::Cover { username: "reg".into(), countries: vec!["gh".into()] });
    let http = cd4mm_sync::http_client();
    let login: Value = http
        .post(format!("{}/api/login", server.url))
        .json(&json!({"username": "reg", "password": crate::common::PASSWORD}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    let token = login["token"].as_str().expect("token").to_owned();
    let read = || {
        http.post(format!("{}/api/command", server.url))
            .bearer_auth(&token)
            .json(&json!({"command": "read_document", "id": "plan"}))
            .send()
    };
    assert_eq!(read().await.expect("read").status().as_u16(), 200, "covered: the plan reads");
    server.admin(Command::Uncover { username: "reg".into(), countries: vec!["GH".into()] });
    let after = read().await.expect("read");
    assert_eq!(after.status().as_u16(), 404, "uncovered: the open session no longer reads the plan");

    // A revoked device's open event stream ends at the next news.
    let mut news = other.client.subscribe().await.expect("subscribe");
    let other_id = other.client.token().split('.').next().expect("id").to_owned();
    server.admin(Command::RevokeDevice { device_id: other_id });
    ama.store.edit("plan", &Edit::Set { path: "title".into(), value: json!("News") }, 3).expect("edit");
    ama.sync(&[GH]).await.expect("ama syncs news");
    let next = tokio::time::timeout(std::time::Duration::from_secs(10), news.next()).await;
    assert!(matches!(next, Ok(None)), "the revoked device's stream ended instead of announcing news: {next:?}");
    server.stop().await;
}
