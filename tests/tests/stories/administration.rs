//! An administrator manages people and places from the web API, against the
//! real server on both backends: adds a user with a checked password and a
//! workspace with a country from the ISO list, gives and takes a role,
//! covers a country; disables a user (their devices stop at once, they
//! cannot sign in or enrol) and enables them again; resets a password (their
//! browser sessions end, the old password no longer works); every action is
//! in the audit log, and none of it is open to anyone else. A user lists and
//! ends their own devices, and no one else's.

use crate::common::{Backend, PASSWORD, TestServer, device};
use cd4mm_core::Code;
use cd4mm_server::admin::Command;
use serde_json::{Value, json};

const WS: &str = "ws";

struct Session {
    http: reqwest::Client,
    url: String,
    token: String,
    device_id: String,
}

async fn login(url: &str, user: &str, password: &str) -> Result<Session, (u16, Value)> {
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
    Ok(Session {
        http,
        url: url.to_owned(),
        token: body["token"].as_str().expect("token").to_owned(),
        device_id: body["device_id"].as_str().expect("device id").to_owned(),
    })
}

impl Session {
    async fn get(&self, path: &str) -> (u16, Value) {
        let r = self.http.get(format!("{}{path}", self.url)).bearer_auth(&self.token).send().await.expect("answers");
        (r.status().as_u16(), r.json().await.expect("json"))
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{}{path}", self.url))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .expect("answers");
        (r.status().as_u16(), r.json().await.expect("json"))
    }

    async fn act(&self, action: Value) -> (u16, Value) {
        self.post("/api/admin/action", action).await
    }

    async fn overview(&self) -> Value {
        let (status, body) = self.get("/api/admin/overview").await;
        assert_eq!(status, 200, "{body}");
        body
    }
}

/// Enrol a device with `name`; the status.
async fn reqwest_enrol(url: &str, user: &str, password: &str, name: &str) -> u16 {
    cd4mm_sync::http_client()
        .post(format!("{url}/v1/enrol"))
        .json(&json!({"username": user, "password": password, "device_name": name, "actor": "0a0b0c0d0e"}))
        .send()
        .await
        .expect("answers")
        .status()
        .as_u16()
}

fn code(body: &Value) -> &str {
    body["code"].as_str().unwrap_or("")
}

on_every_backend!(an_administrator_manages_people_and_places_from_the_web, story);

async fn story(backend: Backend) {
    let server = TestServer::start_on(backend).await;
    server.member(WS, "ama", "editor");
    server.admin(Command::AddUser { username: "root".into(), password: PASSWORD.into(), admin: true });
    let root = login(&server.url, "root", PASSWORD).await.expect("the administrator signs in");
    let ama = login(&server.url, "ama", PASSWORD).await.expect("ama signs in");

    // Nobody else may administer, or read who is who.
    for path in ["/api/admin/overview", "/api/admin/audit"] {
        let (status, body) = ama.get(path).await;
        assert_eq!((status, code(&body)), (403, Code::NotAnAdmin.as_str()), "{path}: {body}");
    }
    let (status, body) = ama.act(json!({"type": "set_disabled", "username": "root", "disabled": true})).await;
    assert_eq!((status, code(&body)), (403, Code::NotAnAdmin.as_str()), "{body}");

    // A new user: a weak password is refused in plain words; a good one is taken.
    let (status, body) =
        root.act(json!({"type": "add_user", "username": "kofi", "password": "short", "admin": false})).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["message"].as_str().unwrap_or("").contains("10 characters"), "{body}");
    let (status, body) = root
        .act(json!({"type": "add_user", "username": "kofi", "password": "kofi's long passphrase", "admin": false}))
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = root
        .act(json!({"type": "add_user", "username": "kofi", "password": "another long passphrase", "admin": false}))
        .await;
    assert_eq!((status, code(&body)), (409, Code::Exists.as_str()), "{body}");
    let (status, body) = root
        .act(json!({"type": "add_user", "username": "KOFI", "password": "yet another passphrase", "admin": false}))
        .await;
    assert_eq!((status, code(&body)), (409, Code::Exists.as_str()), "a look-alike in another case: {body}");
    for bad in ["", " kofi", "a\u{7}b", "Console", "ko\u{200B}fi", "\u{202E}ifok"] {
        let (status, body) = root
            .act(json!({"type": "add_user", "username": bad, "password": "a long enough one", "admin": false}))
            .await;
        assert_eq!((status, code(&body)), (400, Code::BadUser.as_str()), "{bad:?}: {body}");
    }

    // A workspace: the country must be in the ISO list, by code or name.
    let (status, body) = root
        .act(json!({"type": "add_workspace", "id": "sn-dakar", "name": "Dakar airport", "country": "Senegall"}))
        .await;
    assert_eq!((status, code(&body)), (400, Code::NoCountry.as_str()), "{body}");
    let (status, body) = root.act(json!({"type": "add_workspace", "id": "../x", "name": "Bad", "country": "SN"})).await;
    assert_eq!((status, code(&body)), (400, Code::BadId.as_str()), "{body}");
    let (status, body) =
        root.act(json!({"type": "add_workspace", "id": "sn-dakar", "name": "Dakar airport", "country": "sn"})).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) =
        root.act(json!({"type": "change_workspace", "id": "sn-dakar", "name": "Dakar airport and port", "country": "Senegal"})).await;
    assert_eq!(status, 200, "{body}");
    let overview = root.overview().await;
    let dakar =
        overview["workspaces"].as_array().expect("workspaces").iter().find(|w| w["id"] == "sn-dakar").expect("added");
    assert_eq!(
        (dakar["name"].as_str(), dakar["country"].as_str(), dakar["country_code"].as_str()),
        (Some("Dakar airport and port"), Some("Senegal"), Some("SN"))
    );

    // Roles: given, changed, taken away; Kofi's devices then no longer see it.
    let (status, body) =
        root.act(json!({"type": "set_member", "workspace": "sn-dakar", "username": "kofi", "role": "editor"})).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = root
        .act(json!({"type": "set_member", "workspace": "sn-dakar", "username": "kofi", "role": "counterpart"}))
        .await;
    assert_eq!(status, 200);
    let kofi = login(&server.url, "kofi", "kofi's long passphrase").await.expect("kofi signs in");
    let (_, me) = kofi.post("/api/command", json!({"command": "workspaces"})).await;
    assert!(me.to_string().contains("sn-dakar"), "a member sees the workspace: {me}");
    // Who wrote what is named for the members of one's own workspaces only:
    // Kofi (Dakar) is not told Ama's (Accra) actors, nor she his.
    let names = |body: serde_json::Value| {
        body.as_object().expect("a map").values().map(|v| v.as_str().expect("a name").to_owned()).collect::<Vec<_>>()
    };
    let (status, body) = kofi.get("/api/authors").await;
    assert_eq!(status, 200, "{body}");
    let kofi_sees = names(body);
    assert!(kofi_sees.contains(&"kofi".to_owned()) && !kofi_sees.contains(&"ama".to_owned()), "{kofi_sees:?}");
    let (status, body) = ama.get("/api/authors").await;
    assert_eq!(status, 200, "{body}");
    let ama_sees = names(body);
    assert!(ama_sees.contains(&"ama".to_owned()) && !ama_sees.contains(&"kofi".to_owned()), "{ama_sees:?}");
    let (status, body) = root.act(json!({"type": "remove_member", "workspace": "sn-dakar", "username": "kofi"})).await;
    assert_eq!(status, 200, "{body}");
    let (_, me) = kofi.post("/api/command", json!({"command": "workspaces"})).await;
    assert!(!me.to_string().contains("sn-dakar"), "a removed member no longer sees it: {me}");
    let (status, body) = root.act(json!({"type": "remove_member", "workspace": "sn-dakar", "username": "kofi"})).await;
    assert_eq!((status, code(&body)), (400, Code::NotAMember.as_str()), "{body}");

    // A regional role covers a country from the list.
    let (status, body) = root.act(json!({"type": "cover", "username": "kofi", "country": "Atlantis"})).await;
    assert_eq!((status, code(&body)), (400, Code::NoCountry.as_str()), "{body}");
    let (status, _) = root.act(json!({"type": "cover", "username": "kofi", "country": "SN"})).await;
    assert_eq!(status, 200);
    let (_, me) = kofi.post("/api/command", json!({"command": "workspaces"})).await;
    assert!(me.to_string().contains("sn-dakar"), "coverage shows the country's workspaces: {me}");
    let overview = root.overview().await;
    let kofi_line =
        overview["users"].as_array().expect("users").iter().find(|u| u["username"] == "kofi").expect("kofi");
    assert_eq!(kofi_line["coverage"], json!(["Senegal"]));
    let (status, _) = root.act(json!({"type": "uncover", "username": "kofi", "country": "senegal"})).await;
    assert_eq!(status, 200);

    // Disabling: the field device and the sessions stop at once, and
    // neither signing in nor enrolling works; what was typed is not lost
    // on the server (the log keeps it), and enabling lets them back.
    let mut laptop = device(&server, "ama").await;
    assert!(laptop.sync(&[WS]).await.is_ok());
    let (status, body) = root.act(json!({"type": "set_disabled", "username": "root", "disabled": true})).await;
    assert_eq!((status, code(&body)), (400, Code::Forbidden.as_str()), "not oneself: {body}");
    let (status, body) = root.act(json!({"type": "set_disabled", "username": "ama", "disabled": true})).await;
    assert_eq!(status, 200, "{body}");
    assert!(laptop.sync(&[WS]).await.is_err(), "the disabled user's device is revoked");
    let (status, _) = ama.get("/api/devices").await;
    assert_eq!(status, 401, "the disabled user's session has ended");
    let (status, body) = login(&server.url, "ama", PASSWORD).await.err().expect("refused");
    assert_eq!((status, code(&body)), (403, Code::AccountDisabled.as_str()), "{body}");
    let (status, body) = login(&server.url, "ama", "a wrong password").await.err().expect("refused");
    assert_eq!(status, 401, "the wrong password is told nothing about the account: {body}");
    let dir = tempfile::tempdir().expect("dir");
    let store = cd4mm_store::Store::open(&dir.path().join("s.sqlite3")).expect("store");
    let enrol = cd4mm_sync::Client::enrol(&server.url, "ama", PASSWORD, "new laptop", &store).await;
    assert!(enrol.is_err(), "a disabled user cannot enrol a device");
    let (status, _) = root.act(json!({"type": "set_disabled", "username": "ama", "disabled": false})).await;
    assert_eq!(status, 200);
    assert!(login(&server.url, "ama", PASSWORD).await.is_ok(), "enabled again");

    // A password reset ends the user's browser sessions; the new one works.
    let kofi2 = login(&server.url, "kofi", "kofi's long passphrase").await.expect("second session");
    let (status, _) = root.act(json!({"type": "reset_password", "username": "kofi", "password": "kofi"})).await;
    assert_eq!(status, 400, "the password rules hold for resets too");
    let (status, body) =
        root.act(json!({"type": "reset_password", "username": "kofi", "password": "a fresh passphrase"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(kofi2.get("/api/devices").await.0, 401);
    assert!(login(&server.url, "kofi", "kofi's long passphrase").await.is_err());
    let kofi = login(&server.url, "kofi", "a fresh passphrase").await.expect("the new password works");

    // A device's name is one short visible line (administrators read it in
    // their terminal): a forged line or a megabyte is refused.
    for name in ["laptop\nadmin-laptop  active", "x\u{1b}[2J", &"long ".repeat(100)] {
        let r = reqwest_enrol(&server.url, "kofi", "a fresh passphrase", name).await;
        assert_eq!(r, 400, "{name:?}");
    }

    // Someone is always left to enable the others: the last active
    // administrator cannot be disabled, and a disabled administrator acts no more.
    let (status, _) = root
        .act(json!({"type": "add_user", "username": "root2", "password": "second admin passphrase", "admin": true}))
        .await;
    assert_eq!(status, 200);
    let root2 = login(&server.url, "root2", "second admin passphrase").await.expect("root2");
    let (status, body) = root2.act(json!({"type": "set_disabled", "username": "root", "disabled": true})).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = root.act(json!({"type": "set_disabled", "username": "root2", "disabled": true})).await;
    assert_eq!(status, 401, "root is disabled: its session acts no more");
    let db = server.db.clone();
    let last = crate::common::block(move || {
        cd4mm_server::admin::run(db.as_ref(), Command::SetDisabled { username: "root2".into(), disabled: true })
    });
    assert!(last.as_ref().is_err_and(|e| e.contains("last active administrator")), "{last:?}");
    let (status, _) = root2.act(json!({"type": "set_disabled", "username": "root", "disabled": false})).await;
    assert_eq!(status, 200);
    let root = login(&server.url, "root", PASSWORD).await.expect("root is back");

    // Own devices: listed, ended by their owner, not by anyone else.
    let other = login(&server.url, "kofi", "a fresh passphrase").await.expect("another session");
    let (status, mine) = kofi.get("/api/devices").await;
    assert_eq!(status, 200);
    let ids: Vec<&str> = mine.as_array().expect("list").iter().filter_map(|d| d["device_id"].as_str()).collect();
    assert!(ids.contains(&kofi.device_id.as_str()) && ids.contains(&other.device_id.as_str()), "{mine}");
    let root_id = root.device_id.clone();
    let (status, body) = kofi.post("/api/devices/revoke", json!({"device_id": root_id})).await;
    assert_eq!((status, code(&body)), (400, Code::NoDevice.as_str()), "not someone else's: {body}");
    assert_eq!(root.get("/api/admin/overview").await.0, 200, "the administrator's session still works");
    let (status, _) = kofi.post("/api/devices/revoke", json!({"device_id": other.device_id})).await;
    assert_eq!(status, 200);
    assert_eq!(other.get("/api/devices").await.0, 401);

    // An administrator revokes a device; the list says so.
    let (status, body) = root.act(json!({"type": "revoke_device", "device_id": kofi.device_id})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(kofi.get("/api/devices").await.0, 401);
    let (status, body) = root.act(json!({"type": "revoke_device", "device_id": "no-such-device"})).await;
    assert_eq!((status, code(&body)), (400, Code::NoDevice.as_str()), "{body}");

    // Hostile bodies are refused in plain words, never a 500.
    for body in [json!({"type": "drop_table"}), json!({"type": "add_user"}), json!([1, 2]), json!("x")] {
        let (status, answer) = root.act(body.clone()).await;
        assert_eq!((status, code(&answer)), (400, Code::Malformed.as_str()), "{body}: {answer}");
    }
    let (status, _) = root.get("/api/admin/audit?limit=many").await;
    assert_eq!(status, 400);

    // The audit log has every action, newest first, and never a password.
    let (status, log) = root.get("/api/admin/audit").await;
    assert_eq!(status, 200);
    let lines = log.as_array().expect("lines");
    let actions: Vec<&str> = lines.iter().filter(|l| l["by"] == "root").filter_map(|l| l["action"].as_str()).collect();
    for expected in [
        "add_user",
        "add_workspace",
        "change_workspace",
        "set_member",
        "remove_member",
        "cover",
        "uncover",
        "disable_user",
        "enable_user",
        "reset_password",
        "revoke_device",
    ] {
        assert!(actions.contains(&expected), "{expected} is audited: {actions:?}");
    }
    assert!(lines.iter().any(|l| l["by"] == "kofi" && l["action"] == "revoke_own_device"), "{log}");
    assert!(lines.iter().any(|l| l["by"] == "console" && l["action"] == "add_user"), "the console's actions too");
    assert!(!log.to_string().contains("passphrase"), "no password is ever written: {log}");
    let ids: Vec<i64> = lines.iter().filter_map(|l| l["id"].as_i64()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first");
    let (_, older) = root.get(&format!("/api/admin/audit?before={}&limit=2", ids[0])).await;
    assert_eq!(older.as_array().expect("page").iter().filter_map(|l| l["id"].as_i64()).collect::<Vec<_>>(), ids[1..3]);
    server.stop().await;
}
