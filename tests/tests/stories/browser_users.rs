//! Scenario 2 with the counterpart in a web browser: the server answers the
//! command API (`/api/login`, `/api/command`) against a store it keeps for the
//! browser session, whose edits carry an actor registered to that user. The
//! field officer's device and the browser see each other's edits, the budget
//! conflict shows both authors on both sides, and the counterpart's role is
//! enforced.

use crate::common::{Backend, PASSWORD, TestServer, border_plan as plan, device};
use cd4mm_core::{Content, Edit};
use serde_json::{Value, json};

const WS: &str = "ghana-border";
const BUDGET: &str = "outcomes/oc1/outputs/op1/activities/sop/budget";

struct Browser {
    http: reqwest::Client,
    url: String,
    token: String,
}

impl Browser {
    async fn login(url: &str, user: &str, password: &str) -> Result<Browser, (u16, Value)> {
        let http = cd4mm_sync::http_client();
        let r = http
            .post(format!("{url}/api/login"))
            .json(&json!({"username": user, "password": password}))
            .send()
            .await
            .expect("login answers");
        let status = r.status().as_u16();
        let body: Value = r.json().await.expect("json");
        if status != 200 {
            return Err((status, body));
        }
        Ok(Browser { http, url: url.to_owned(), token: body["token"].as_str().expect("token").to_owned() })
    }

    async fn call(&self, command: Value) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{}/api/command", self.url))
            .bearer_auth(&self.token)
            .json(&command)
            .send()
            .await
            .expect("command answers");
        (r.status().as_u16(), r.json().await.expect("json"))
    }
}

on_every_backend!(a_browsers_queued_edits_merge_like_a_devices, queued_edits_merge);

/// Scenario 2 with the officer in a browser that lost its network: the
/// edits it queued name the version they were made on, so the counterpart's
/// wording and the desktop's edits made meanwhile are merged, not replaced.
async fn queued_edits_merge(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    server.member(WS, "officer", "editor");
    server.member(WS, "esi", "counterpart");
    let mut desk = device(&server, "officer").await;
    desk.store.create("plan", WS, &plan(), 1).expect("plan");
    desk.sync(&[WS]).await.expect("the desktop syncs");
    let officer = Browser::login(&server.url, "officer", PASSWORD).await.expect("officer signs in");
    let esi = Browser::login(&server.url, "esi", PASSWORD).await.expect("esi signs in");

    // The officer's screen shows the plan, then the network goes.
    let (_, read) = officer.call(json!({"command": "read_document", "id": "plan"})).await;
    let made_on = read["data"]["heads"].clone();
    assert!(made_on.as_array().is_some_and(|h| !h.is_empty()), "a reading names its version: {read}");

    // Meanwhile the counterpart rewords the first sentence and sets the
    // budget, and the desktop renames the activity.
    let wording = "Officials examine travel documents fairly. Vulnerable migrants are referred.";
    for (path, value) in [("objective/statement", json!(wording)), (BUDGET, json!(12000))] {
        let (status, reply) = esi
            .call(
                json!({"command": "edit_document", "id": "plan", "edit": {"op": "set", "path": path, "value": value}}),
            )
            .await;
        assert_eq!(status, 200, "{reply}");
    }
    let title = "outcomes/oc1/outputs/op1/activities/sop/title";
    desk.store.edit("plan", &Edit::Set { path: title.into(), value: json!("SOP drafting") }, 3).expect("desk");
    desk.sync(&[WS]).await.expect("the desktop syncs");

    // The officer's queued edits arrive, each with the version it was made on.
    let queued = [
        json!({"op": "set", "path": "objective/statement",
               "value": "Officials examine travel documents. Vulnerable migrants are referred to care."}),
        json!({"op": "set", "path": BUDGET, "value": 9500}),
        json!({"op": "insert", "list": "outcomes/oc1/outputs/op1/activities",
               "item": {"id": "offline-1", "title": "Referral training"}, "before": null}),
    ];
    for edit in &queued {
        let command = json!({"command": "edit_document", "id": "plan", "edit": edit, "made_on": made_on});
        let (status, reply) = officer.call(command.clone()).await;
        assert_eq!(status, 200, "{reply}");
        // Sent twice (the answer was lost on the way): nothing more happens.
        let (status, again) = officer.call(command).await;
        assert_eq!((status, &again["data"]["value"]), (200, &reply["data"]["value"]), "{again}");
    }
    desk.sync(&[WS]).await.expect("the desktop syncs");

    let (_, seen_by_esi) = esi.call(json!({"command": "read_document", "id": "plan"})).await;
    let desk_side = serde_json::to_value(desk.store.read("plan").expect("read")).expect("json");
    for side in [&seen_by_esi["data"], &desk_side] {
        assert_eq!(
            side["value"]["objective"]["statement"],
            "Officials examine travel documents fairly. Vulnerable migrants are referred to care.",
            "both wordings survive"
        );
        let activities = &side["value"]["outcomes"][0]["outputs"][0]["activities"];
        assert_eq!(activities[0]["title"], "SOP drafting", "the desktop's edit stays");
        assert_eq!(activities[1]["title"], "Referral training", "the queued activity landed");
        let conflicts = side["conflicts"].as_array().expect("conflicts");
        assert_eq!(conflicts.len(), 1, "{conflicts:?}");
        assert_eq!(conflicts[0]["path"], BUDGET);
        let mut values: Vec<i64> =
            conflicts[0]["values"].as_array().expect("values").iter().filter_map(|v| v["value"].as_i64()).collect();
        values.sort();
        assert_eq!(values, [9500, 12000], "two values for one field: a visible conflict");
    }

    // An edit the log refuses as a whole (a text beyond what a document may
    // hold): the browser is told, and the session's copy is the server's
    // again, so the next edit goes through instead of waiting behind it.
    let huge = "x".repeat(cd4mm_core::admission::MAX_STRING + 1);
    let (status, err) = officer
        .call(json!({"command": "edit_document", "id": "plan", "edit": {"op": "set", "path": "title", "value": huge}}))
        .await;
    assert!((400..500).contains(&status), "{status}");
    assert!(err["message"].as_str().is_some_and(|m| m.contains("did not accept")), "{err}");
    let (status, reply) = officer
        .call(json!({"command": "edit_document", "id": "plan", "edit": {"op": "set", "path": "currency", "value": "EUR"}}))
        .await;
    assert_eq!(status, 200, "{reply}");
    let (_, seen) = esi.call(json!({"command": "read_document", "id": "plan"})).await;
    assert_eq!(seen["data"]["value"]["currency"], "EUR", "the next edit reached the others");
    assert_ne!(seen["data"]["value"]["title"].as_str().map(str::len), Some(huge.len()));
    let seen_by_esi = seen;

    // What the worst member could send as a version: refused, nothing written.
    let before = seen_by_esi["data"]["value"].clone();
    let foreign = "0".repeat(64);
    for bad in [json!(["not a hash"]), json!([foreign]), json!(vec![foreign; 65]), json!("x"), json!([1])] {
        let command = json!({"command": "edit_document", "id": "plan",
            "edit": {"op": "set", "path": "title", "value": "hijacked"}, "made_on": bad});
        let (status, err) = officer.call(command).await;
        assert_eq!(status, 400, "{bad}: {err}");
    }
    let (_, after) = esi.call(json!({"command": "read_document", "id": "plan"})).await;
    assert_eq!(after["data"]["value"], before, "nothing was written");
}

on_every_backend!(a_counterpart_in_a_browser_co_edits_the_plan, story);

async fn story(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    server.member(WS, "officer", "editor");
    server.member(WS, "esi", "counterpart");
    let mut officer = device(&server, "officer").await;
    officer.store.create("plan", WS, &plan(), 1).expect("plan");
    officer
        .store
        .create(
            "engagement",
            WS,
            &Content::Engagement(cd4mm_core::engagement::Engagement { title: "E".into(), ..Default::default() }),
            1,
        )
        .expect("engagement");
    officer.sync(&[WS]).await.expect("officer syncs");

    let (status, body) = match Browser::login(&server.url, "esi", "wrong password").await {
        Err(e) => e,
        Ok(_) => panic!("a wrong password must not sign in"),
    };
    assert_eq!((status, body["code"].as_str()), (401, Some("unauthorised")));
    let esi = Browser::login(&server.url, "esi", PASSWORD).await.expect("sign in");

    // The browser sees the plan, and both sides set the budget concurrently.
    let (status, listed) = esi.call(json!({"command": "list_documents", "workspace": WS})).await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["data"].as_array().map(Vec::len), Some(2));
    officer.store.edit("plan", &Edit::Set { path: BUDGET.into(), value: json!(9500) }, 2).expect("officer budget");
    let (status, reply) = esi
        .call(json!({"command": "edit_document", "id": "plan", "edit": {"op": "set", "path": BUDGET, "value": 12000}}))
        .await;
    assert_eq!(status, 200, "{reply}");
    let (status, reply) = esi
        .call(json!({"command": "edit_document", "id": "plan", "edit": {"op": "insert",
            "list": "outcomes/oc1/outputs/op1/activities", "item": {"id": "esi-1", "title": "Equipment"}}}))
        .await;
    assert_eq!(status, 200, "{reply}");
    officer.sync(&[WS]).await.expect("officer syncs");

    // Both sides: the conflict with both authors; the browser's actor is its own.
    let (_, read) = esi.call(json!({"command": "read_document", "id": "plan"})).await;
    let browser_conflicts = read["data"]["conflicts"].clone();
    let device_side = officer.store.read("plan").expect("read");
    assert_eq!(device_side.conflicts.len(), 1, "{:?}", device_side.conflicts);
    assert_eq!(
        serde_json::to_value(&device_side.conflicts).expect("json"),
        browser_conflicts,
        "same conflict on both sides"
    );
    let actors: Vec<&str> = device_side.conflicts[0].values.iter().map(|v| v.actor.as_str()).collect();
    let officer_actor = officer.store.actor().to_hex_string();
    assert!(actors.contains(&officer_actor.as_str()) && actors.len() == 2, "{actors:?}");
    let ids: Vec<&str> = device_side.value["outcomes"][0]["outputs"][0]["activities"]
        .as_array()
        .expect("activities")
        .iter()
        .filter_map(|a| a["id"].as_str())
        .collect();
    assert_eq!(ids, ["sop", "esi-1"], "the browser's activity reached the device");

    // The counterpart may not change the engagement, and is told so.
    let (status, err) = esi
        .call(json!({"command": "edit_document", "id": "engagement", "edit": {"op": "set", "path": "title", "value": "x"}}))
        .await;
    assert_eq!((status, err["code"].as_str()), (403, Some("forbidden")), "{err}");
    // A bad value names the field.
    let (status, err) = esi
        .call(json!({"command": "edit_document", "id": "plan", "edit": {"op": "set", "path": BUDGET, "value": -1}}))
        .await;
    assert_eq!((status, err["code"].as_str(), err["field"].as_str()), (400, Some("invalid"), Some(BUDGET)), "{err}");
    let (status, _) = esi.call(json!({"command": "no_such_thing"})).await;
    assert_eq!(status, 400);

    // The toolbox is there for browser users too.
    let (_, hits) = esi.call(json!({"command": "search", "query": "stakeholder", "limit": 3})).await;
    assert!(hits["data"].as_array().is_some_and(|h| !h.is_empty()), "{hits}");

    // The server answers where the user belongs, and names each change's author.
    let (_, workspaces) = esi.call(json!({"command": "workspaces"})).await;
    assert_eq!(
        workspaces["data"],
        json!([{"id": WS, "name": "Workspace ghana-border", "country": "Ghana", "role": "counterpart"}])
    );
    let (_, history) = esi.call(json!({"command": "history", "id": "plan"})).await;
    let authors: Vec<(&str, &str)> = history["data"]
        .as_array()
        .expect("history")
        .iter()
        .map(|h| (h["author"].as_str().unwrap_or("?"), h["summary"].as_str().unwrap_or("?")))
        .collect();
    assert!(authors.contains(&("esi", "add outcomes/oc1/outputs/op1/activities/esi-1")), "{authors:?}");
    assert!(authors.contains(&("officer", &*format!("set {BUDGET}"))), "{authors:?}");
    assert_eq!(authors.last(), Some(&("officer", "create plan")), "{authors:?}");

    // Signing out ends the session: the token stops working, the session's
    // store is gone, and the edits stay on the server.
    let r = esi.http.post(format!("{}/api/logout", esi.url)).bearer_auth(&esi.token).send().await.expect("logout");
    assert_eq!(r.status().as_u16(), 204);
    let (status, _) = esi.call(json!({"command": "workspaces"})).await;
    assert_eq!(status, 401);
    let dir = server.data.path().join("browser");
    let left: Vec<_> =
        std::fs::read_dir(&dir).map(|d| d.flatten().map(|e| e.file_name()).collect()).unwrap_or_default();
    assert!(left.is_empty(), "session stores left behind: {left:?}");
    server.stop().await;
}

/// A browser's readings travel gzipped when it takes gzip (a phone keeping a
/// workspace on a slow link), unpacked otherwise; what unpacks is the very
/// reply, and a header saying anything else gets the reply as it is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browsers_readings_travel_packed() {
    let server = TestServer::start_on(Backend::Sqlite).await;
    server.member(WS, "officer", "editor");
    let mut desk = device(&server, "officer").await;
    desk.store.create("plan", WS, &plan(), 1).expect("plan");
    desk.sync(&[WS]).await.expect("the desktop syncs");
    let officer = Browser::login(&server.url, "officer", PASSWORD).await.expect("officer signs in");
    let read = |accept: Option<&'static [u8]>, command: Value| {
        let mut request =
            officer.http.post(format!("{}/api/command", officer.url)).bearer_auth(&officer.token).json(&command);
        if let Some(accept) = accept {
            request =
                request.header("accept-encoding", reqwest::header::HeaderValue::from_bytes(accept).expect("value"));
        }
        request.send()
    };
    // A plan with a long objective, as a real one's reading is (tens of kilobytes).
    let statement = "Officials examine travel documents fairly and refer vulnerable migrants. ".repeat(60);
    let edit = json!({"command": "edit_document", "id": "plan",
        "edit": {"op": "set", "path": "objective/statement", "value": statement}});
    assert_eq!(officer.call(edit).await.0, 200);
    let plan_reading = json!({"command": "read_document", "id": "plan"});
    let plain = read(None, plan_reading.clone()).await.expect("plain");
    assert_eq!(plain.headers().get("content-encoding"), None);
    let plain = plain.bytes().await.expect("body");
    assert!(plain.len() > 1024, "a plan's reading is worth packing: {} bytes", plain.len());

    for accept in [&b"gzip"[..], b"br, GZIP;q=0.5", b"deflate, gzip ; q=1"] {
        let packed = read(Some(accept), plan_reading.clone()).await.expect("packed");
        assert_eq!(packed.status().as_u16(), 200);
        assert_eq!(packed.headers()["content-encoding"], "gzip", "{accept:?}");
        assert_eq!(packed.headers()["vary"], "accept-encoding");
        assert_eq!(packed.headers()["content-type"], "application/json");
        let body = packed.bytes().await.expect("body");
        assert!(body.len() * 4 < plain.len(), "{accept:?}: {} of {} bytes", body.len(), plain.len());
        let mut unpacked = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&body[..]), &mut unpacked).expect("gzip");
        let (a, b): (Value, Value) =
            (serde_json::from_slice(&unpacked).expect("json"), serde_json::from_slice(&plain).expect("json"));
        assert_eq!(a, b, "the same reply once unpacked");
    }
    // Refused, misspelt, unreadable or unknown codings: the reply as it is.
    for accept in
        [&b"gzip;q=0"[..], b"gzip;Q=0", b"gzip;q=zero", b"gzipped", b"\xff\xfe gzip", b"br", b"identity", b"*"]
    {
        let answer = read(Some(accept), plan_reading.clone()).await.expect("answer");
        assert_eq!(answer.headers().get("content-encoding"), None, "{accept:?}");
        let body: Value = answer.json().await.expect("json");
        assert_eq!(body["data"]["value"], serde_json::from_slice::<Value>(&plain).expect("json")["data"]["value"]);
    }
    // A small reply is not worth the packing.
    let small = read(Some(b"gzip"), json!({"command": "workspaces"})).await.expect("small");
    assert_eq!(small.status().as_u16(), 200);
    assert_eq!(small.headers().get("content-encoding"), None);
    server.stop().await;
}

/// The server serves the built UI when told where it is, and nothing outside it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_web_ui_is_served_from_its_directory() {
    let ui = tempfile::tempdir().expect("ui dir");
    std::fs::create_dir_all(ui.path().join("assets")).expect("assets");
    std::fs::write(ui.path().join("index.html"), "<!doctype html><title>CD4MM Field</title>").expect("index");
    std::fs::write(ui.path().join("assets/app-1.js"), "console.log(1)").expect("js");
    let root = ui.path().to_owned();
    let server = TestServer::start_with(move |c| c.ui = Some(root)).await;
    let http = cd4mm_sync::http_client();
    let get = |path: &str| http.get(format!("{}{path}", server.url)).send();
    let index = get("/").await.expect("index");
    assert_eq!(index.status().as_u16(), 200);
    assert_eq!(index.headers()["content-type"], "text/html; charset=utf-8");
    assert!(index.text().await.expect("text").contains("CD4MM Field"));
    let js = get("/assets/app-1.js").await.expect("js");
    assert_eq!(js.headers()["content-type"], "text/javascript; charset=utf-8");
    assert!(js.headers()["cache-control"].to_str().expect("ascii").contains("immutable"));
    assert_eq!(get("/assets/none.js").await.expect("missing").status().as_u16(), 404);
    assert_eq!(get("/healthz").await.expect("api").status().as_u16(), 200, "API routes still win");

    // Compressed as the browser allows, the same bytes once unpacked.
    let script: String = (0..2_000).map(|i| format!("export const label{i} = 'Capacity area {i}';\n")).collect();
    std::fs::write(ui.path().join("assets/app-2.js"), &script).expect("js");
    let fetch = |encoding: &'static str| {
        http.get(format!("{}/assets/app-2.js", server.url)).header("accept-encoding", encoding).send()
    };
    let unpacked = |encoding: Option<&str>, body: &[u8]| -> Vec<u8> {
        let mut out = Vec::new();
        match encoding {
            Some("br") => brotli::BrotliDecompress(&mut std::io::Cursor::new(body), &mut out).expect("brotli"),
            Some("gzip") => {
                std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(body), &mut out).expect("gzip");
            }
            _ => out = body.to_vec(),
        }
        out
    };
    for (accept, expected) in [
        ("gzip, deflate, br, zstd", Some("br")),
        ("gzip", Some("gzip")),
        ("br;q=0, gzip;q=0.8", Some("gzip")),
        ("identity", None),
    ] {
        let response = fetch(accept).await.expect("script");
        let encoding = response.headers().get("content-encoding").map(|v| v.to_str().expect("ascii").to_owned());
        assert_eq!(encoding.as_deref(), expected, "{accept}");
        assert_eq!(response.headers()["vary"], "accept-encoding");
        let body = response.bytes().await.expect("body");
        if expected.is_some() {
            assert!(body.len() * 5 < script.len(), "{accept}: {} of {} bytes", body.len(), script.len());
        }
        assert_eq!(unpacked(expected, &body), script.as_bytes(), "{accept}");
    }

    // The page is asked for again each time: unchanged, it costs a 304;
    // a new build is sent at once.
    let index = get("/").await.expect("index");
    let etag = index.headers()["etag"].clone();
    let again = http.get(format!("{}/", server.url)).header("if-none-match", etag.clone()).send().await.expect("again");
    assert_eq!(again.status().as_u16(), 304);
    std::fs::write(ui.path().join("index.html"), "<!doctype html><title>CD4MM Field, new build</title>").expect("new");
    let rebuilt = http.get(format!("{}/", server.url)).header("if-none-match", etag).send().await.expect("rebuilt");
    assert_eq!(rebuilt.status().as_u16(), 200);
    assert!(rebuilt.text().await.expect("text").contains("new build"));
    server.stop().await;
}
