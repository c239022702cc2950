//! The desktop shell on Tauri's mock runtime: the window's commands as the UI
//! calls them (JSON over IPC), and the background sync against a real
//! `cd4mm-server` on a loopback port.

use cd4mm_server::admin::{self, Command as Admin};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, mock_builder, mock_context, noop_assets};
use tauri::webview::{InvokeRequest, WebviewWindow, WebviewWindowBuilder};

struct Shell {
    _app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
}

/// The passphrase the tests lock their devices' data with (no keychain here:
/// the shell is built without one, as `CD4MM_KEYCHAIN=off` does).
const PASSPHRASE: &str = "paga border passphrase";

/// The shell over a data directory, its data unlocked.
fn shell(data: &std::path::Path) -> Shell {
    let shell = locked_shell(data);
    shell.invoke("unlock", json!({"passphrase": PASSPHRASE})).expect("unlocks");
    shell
}

/// The shell as it starts: its data still locked.
fn locked_shell(data: &std::path::Path) -> Shell {
    let mut app = cd4mm_desktop::app(mock_builder(), Some(data.to_owned()), false)
        .build(mock_context(noop_assets()))
        .expect("the app builds");
    // One iteration runs the setup hook; the mock runtime has no event loop
    // to run beyond that.
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    let window = WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("window");
    Shell { _app: app, window }
}

/// The files of a directory (not below) that contain `needle`.
fn files_with(dir: &std::path::Path, needle: &str) -> Vec<String> {
    let mut hits = Vec::new();
    for entry in std::fs::read_dir(dir).expect("dir").flatten() {
        let bytes = std::fs::read(entry.path()).unwrap_or_default();
        if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
            hits.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    hits
}

impl Shell {
    /// Invoke a command as the UI does; `Err` is the rejection's JSON.
    fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().expect("url"),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        tauri::test::get_ipc_response(&self.window, request)
            .map(|body| body.deserialize::<Value>().expect("json reply"))
    }

    fn command(&self, command: Value) -> Result<Value, Value> {
        self.invoke("command", json!({ "command": command }))
    }

    fn status(&self) -> Value {
        self.invoke("sync_status", json!({})).expect("status")
    }
}

#[test]
fn commands_reach_the_store_and_errors_reach_the_ui_as_code_and_message() {
    let data = tempfile::tempdir().expect("data dir");
    let app = shell(data.path());
    let created = app
        .command(json!({"command": "create_document", "id": "eng", "workspace": "local",
            "kind": "engagement", "title": "Border engagement", "template": null}))
        .expect("create");
    assert_eq!(created, json!({"reply": "created", "data": {"id": "eng"}}));
    let edited = app
        .command(json!({"command": "edit_document", "id": "eng",
            "edit": {"op": "set", "path": "scope/why", "value": "Northern border posts"}}))
        .expect("edit");
    assert_eq!(edited["data"]["value"]["scope"]["why"], "Northern border posts");

    let refused = app
        .command(json!({"command": "edit_document", "id": "eng",
            "edit": {"op": "set", "path": "no_such_field", "value": 1}}))
        .expect_err("refused");
    assert_eq!(refused["code"], "invalid", "{refused}");
    assert_eq!(refused["field"], "no_such_field", "{refused}");
    assert!(refused["message"].as_str().is_some_and(|m| !m.is_empty()));
    let missing = app.command(json!({"command": "read_document", "id": "nothing"})).expect_err("missing");
    assert_eq!(missing["code"], "not_found");

    // The toolbox is installed on first start, and workspaces are the local ones.
    let hits = app.command(json!({"command": "search", "query": "stakeholder", "limit": 5})).expect("search");
    assert!(!hits["data"].as_array().expect("hits").is_empty(), "{hits}");
    let workspaces = app.command(json!({"command": "workspaces"})).expect("workspaces");
    assert_eq!(workspaces["data"][0]["name"], "Border engagement");

    // Local only: two edits wait, nothing is lost on a restart.
    let status = app.status();
    assert_eq!((status["state"].as_str(), status["unsent"].as_u64()), (Some("local_only"), Some(2)), "{status}");
    drop(app);
    let again = shell(data.path());
    let read = again.command(json!({"command": "read_document", "id": "eng"})).expect("read after restart");
    assert_eq!(read["data"]["value"]["scope"]["why"], "Northern border posts");
}

#[test]
fn signing_in_syncs_in_the_background_and_signing_out_stops() {
    // A real server on a loopback port, on its own runtime.
    let server_data = tempfile::tempdir().expect("server dir");
    let config = cd4mm_server::Config { data: server_data.path().to_owned(), ..Default::default() };
    let db = cd4mm_server::open_storage(&config).expect("storage");
    for command in [
        Admin::AddUser { username: "ama".into(), password: "a long passphrase".into(), admin: false },
        Admin::AddUser { username: "root".into(), password: "a long passphrase".into(), admin: true },
        Admin::AddWorkspace { id: "gh".into(), name: "Ghana border".into(), country: "GH".into() },
        Admin::AddMember { workspace: "gh".into(), username: "ama".into(), role: "editor".into() },
        Admin::AddMember { workspace: "gh".into(), username: "root".into(), role: "viewer".into() },
    ] {
        admin::run(db.as_ref(), command).expect("admin");
    }
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = runtime.spawn(cd4mm_server::serve(db, config, listener, async {
        let _ = stopped.await;
    }));

    let data = tempfile::tempdir().expect("data dir");
    let app = shell(data.path());
    let wrong = app
        .invoke("sign_in", json!({"server": url, "username": "ama", "password": "wrong"}))
        .expect_err("wrong password");
    assert_eq!((wrong["code"].as_str(), wrong["field"].as_str()), (Some("unauthorised"), Some("password")), "{wrong}");
    let bad = app.invoke("sign_in", json!({"server": "ftp://x", "username": "ama", "password": "x"})).expect_err("url");
    assert_eq!(bad["field"], "server");

    // Typed before signing in: the plan of a workspace the server knows goes
    // out with the first sync; notes in a workspace kept on this computer stay
    // here, unsent, without stopping the sync of the rest.
    app.command(json!({"command": "create_document", "id": "plan", "workspace": "gh",
        "kind": "plan", "title": "Border response plan", "template": null}))
        .expect("create");
    app.command(json!({"command": "create_document", "id": "notes", "workspace": "my-notes",
        "kind": "engagement", "title": "My notes", "template": null}))
        .expect("create local");
    let status = app
        .invoke("sign_in", json!({"server": url, "username": "ama", "password": "a long passphrase"}))
        .expect("sign in");
    assert_eq!(status["user"], "ama");
    assert_eq!(files_with(data.path(), &url), Vec::<String>::new(), "the sign-in is kept encrypted");
    let online = wait_for(&app, |s| s["state"] == "online" && s["unsent"] == 1);
    assert!(online["last_sync_ms"].as_i64().is_some(), "{online}");
    let workspaces = app.command(json!({"command": "workspaces"})).expect("workspaces");
    assert_eq!(
        workspaces["data"],
        json!([
            {"id": "gh", "name": "Ghana border", "country": "Ghana", "role": "editor"},
            {"id": "my-notes", "name": "My notes", "country": "", "role": "owner"}
        ])
    );

    // The plan reached the server: a second device receives it.
    let other = tempfile::tempdir().expect("other device");
    let second = shell(other.path());
    second
        .invoke("sign_in", json!({"server": url, "username": "ama", "password": "a long passphrase"}))
        .expect("second device signs in");
    wait_for(&second, |s| s["state"] == "online");
    let read = second.command(json!({"command": "read_document", "id": "plan"})).expect("plan arrived");
    assert_eq!(read["data"]["value"]["title"], "Border response plan");

    assert_eq!(app.status()["admin"], false);

    // A server administrator on the desktop, a mere viewer of this
    // workspace: the window is told, and the command API lets them write what
    // the server accepts from them (the window once showed them read-only pages).
    let root_data = tempfile::tempdir().expect("root's device");
    let root = shell(root_data.path());
    let status = root
        .invoke("sign_in", json!({"server": url, "username": "root", "password": "a long passphrase"}))
        .expect("the administrator signs in");
    assert_eq!(status["admin"], true, "{status}");
    wait_for(&root, |s| s["state"] == "online");
    // The server's account API, through the shell: administration for the
    // administrator, their own devices for everyone; nothing else.
    let json = |raw: Value| -> Value {
        let bytes: Vec<u8> = serde_json::from_value(raw).expect("bytes");
        serde_json::from_slice(&bytes).expect("the server's JSON")
    };
    let overview =
        json(root.invoke("account", json!({"path": "/api/admin/overview", "body": null})).expect("overview"));
    assert!(overview["users"].as_array().is_some_and(|u| u.len() == 2), "{overview}");
    let mine = json(app.invoke("account", json!({"path": "/api/devices", "body": null})).expect("own devices"));
    assert_eq!(mine.as_array().map(Vec::len), Some(2), "her two computers: {mine}");
    let not_admin = app.invoke("account", json!({"path": "/api/admin/overview", "body": null})).expect_err("403");
    assert_eq!(not_admin["code"], "not_an_admin", "{not_admin}");
    let other = app.invoke("account", json!({"path": "/v1/sync", "body": {}})).expect_err("not the account API");
    assert_eq!(other["code"], "bad_path", "{other}");
    root.command(json!({"command": "edit_document", "id": "plan",
        "edit": {"op": "set", "path": "currency", "value": "GHS"}}))
        .expect("an administrator edits");
    wait_for(&root, |s| s["state"] == "online" && s["unsent"] == 0);

    // A later edit is sent by itself, shortly after it is made.
    app.command(json!({"command": "edit_document", "id": "plan",
        "edit": {"op": "set", "path": "objective/statement", "value": "Safer, faster crossings"}}))
        .expect("edit");
    let before = online["last_sync_ms"].as_i64();
    wait_for(&app, |s| s["state"] == "online" && s["unsent"] == 1 && s["last_sync_ms"].as_i64() > before);

    // The regional dashboard and exports come from the signed-in server, as
    // this user; nothing else of the server is reachable that way.
    let raw = app.invoke("regional", json!({"path": "/api/dashboard"})).expect("dashboard");
    // Raw bytes over IPC (an ArrayBuffer in the window): the server's JSON.
    let raw: Vec<u8> = serde_json::from_value(raw).expect("bytes");
    let dashboard: Value = serde_json::from_slice(&raw).expect("the server's JSON");
    assert_eq!(dashboard["plans"]["plans"], 1, "{dashboard}");
    let other_api = app.invoke("regional", json!({"path": "/v1/me"})).expect_err("not the regional API");
    assert_eq!(other_api["code"], "bad_path", "{other_api}");
    let export = json!({"path": "/api/export/plans.csv?workspace=gh", "fileName": "cd4mm-plans-gh.csv"});
    let saved = app.invoke("save_export", export.clone()).expect("saved");
    let saved = std::path::PathBuf::from(saved.as_str().expect("a path"));
    assert_eq!(saved, data.path().join("exports").join("cd4mm-plans-gh.csv"));
    let csv = std::fs::read_to_string(&saved).expect("the saved export");
    assert!(csv.starts_with("workspace,country,area,plan,"), "{csv}");
    let again = app.invoke("save_export", export).expect("saved again");
    assert!(again.as_str().is_some_and(|p| p.ends_with("cd4mm-plans-gh (2).csv")), "never overwritten: {again}");
    let sneaky = app
        .invoke("save_export", json!({"path": "/api/export/plans.csv", "fileName": "../account.json"}))
        .expect_err("a path is not a file name");
    assert_eq!(sneaky["code"], "invalid");

    let out = app.invoke("sign_out", json!({})).expect("sign out");
    assert_eq!(out["state"], "local_only");
    assert!(!data.path().join("account.json").exists());
    let again = shell(data.path());
    assert_eq!(again.status()["state"], "local_only", "the sign-in is forgotten");
    let signed_out = app.invoke("regional", json!({"path": "/api/dashboard"})).expect_err("signed out");
    assert_eq!(signed_out["code"], "signed_out");
    let _ = stop.send(());
    runtime.block_on(served).expect("server task").expect("server stops cleanly");
}

#[test]
fn the_data_on_disk_is_unreadable_without_the_passphrase() {
    const SECRET: &str = "Paga post has no document scanner";
    let data = tempfile::tempdir().expect("data dir");
    let app = locked_shell(data.path());
    let lock = app.invoke("lock_state", json!({})).expect("lock state");
    assert_eq!((lock["locked"].as_bool(), lock["first_time"].as_bool()), (Some(true), Some(true)), "{lock}");
    let short = app.invoke("unlock", json!({"passphrase": "short"})).expect_err("too short");
    assert_eq!((short["code"].as_str(), short["field"].as_str()), (Some("invalid"), Some("passphrase")), "{short}");
    let open = app.invoke("unlock", json!({"passphrase": PASSPHRASE})).expect("chosen");
    assert_eq!(open["locked"], false);
    app.command(json!({"command": "create_document", "id": "eng", "workspace": "local",
        "kind": "engagement", "title": "Paga engagement", "template": null}))
        .expect("create");
    app.command(json!({"command": "edit_document", "id": "eng",
        "edit": {"op": "set", "path": "context", "value": SECRET}}))
        .expect("edit");
    assert_eq!(files_with(data.path(), SECRET), Vec::<String>::new(), "while the app runs");
    drop(app);
    assert_eq!(files_with(data.path(), SECRET), Vec::<String>::new(), "after it stopped");
    assert_eq!(files_with(data.path(), "Paga engagement"), Vec::<String>::new());

    // A wrong passphrase is refused in plain words; the right one opens it all.
    let again = locked_shell(data.path());
    let lock = again.invoke("lock_state", json!({})).expect("lock state");
    assert_eq!((lock["locked"].as_bool(), lock["first_time"].as_bool()), (Some(true), Some(false)), "{lock}");
    let wrong = again.invoke("unlock", json!({"passphrase": "paga border passphrasE"})).expect_err("wrong");
    assert_eq!(wrong["code"], "wrong_passphrase", "{wrong}");
    assert!(wrong["message"].as_str().is_some_and(|m| m.contains("does not open")), "{wrong}");
    again.invoke("unlock", json!({"passphrase": PASSPHRASE})).expect("the right one");
    let read = again.command(json!({"command": "read_document", "id": "eng"})).expect("read");
    assert_eq!(read["data"]["value"]["context"], SECRET);
}

#[test]
fn data_locked_with_the_keychain_waits_for_the_keychain_and_no_passphrase_opens_it() {
    let data = tempfile::tempdir().expect("data dir");
    // A store locked with a keychain's key (random, kept nowhere here).
    let key = cd4mm_store::StoreKey::random().expect("key");
    drop(cd4mm_store::Store::open_encrypted(&cd4mm_desktop::store_path(data.path()), &key).expect("encrypted store"));
    // This shell has no keychain (as when the keychain is locked or its service is down).
    let app = locked_shell(data.path());
    let lock = app.invoke("lock_state", json!({})).expect("lock state");
    assert_eq!(lock["locked"], true);
    assert!(lock["keychain"].as_str().is_some_and(|why| !why.is_empty()), "the reason is told: {lock}");
    let still = app.invoke("unlock", json!({"passphrase": PASSPHRASE})).expect_err("no passphrase opens it");
    assert_eq!(still["code"], "locked", "{still}");
    assert!(!data.path().join("cd4mm.salt").exists(), "no passphrase was made up for it");
    assert!(cd4mm_store::Store::open_encrypted(&cd4mm_desktop::store_path(data.path()), &key).is_ok(), "untouched");
}

#[test]
fn a_device_from_before_encryption_is_encrypted_on_its_first_start_keeping_everything() {
    const SECRET: &str = "Counterpart wording of the objective";
    let data = tempfile::tempdir().expect("data dir");
    // What an older version left: a plain store with unsent edits, and the
    // sign-in in a plain file beside it.
    {
        let mut store = cd4mm_store::Store::open(&cd4mm_desktop::store_path(data.path())).expect("plain store");
        let content = cd4mm_core::Content::Engagement(cd4mm_core::engagement::Engagement {
            title: "Border engagement".into(),
            ..Default::default()
        });
        store.create("eng", "gh", &content, 1).expect("create");
        store.edit("eng", &cd4mm_core::Edit::Set { path: "context".into(), value: SECRET.into() }, 2).expect("edit");
    }
    let account = json!({"server": "http://127.0.0.1:9", "username": "ama", "token": "dev1.old-device-token-secret",
        "workspaces": [{"id": "gh", "name": "Ghana border", "country": "Ghana", "role": "editor"}], "admin": false});
    std::fs::write(data.path().join("account.json"), account.to_string()).expect("account file");
    assert!(!files_with(data.path(), SECRET).is_empty());

    let app = locked_shell(data.path());
    let lock = app.invoke("lock_state", json!({})).expect("lock state");
    assert_eq!(lock["first_time"], true, "a passphrase is chosen for the data already there");
    app.invoke("unlock", json!({"passphrase": PASSPHRASE})).expect("encrypted and opened");
    let status = app.status();
    assert_eq!((status["user"].as_str(), status["unsent"].as_u64()), (Some("ama"), Some(2)), "{status}");
    let read = app.command(json!({"command": "read_document", "id": "eng"})).expect("read");
    assert_eq!(read["data"]["value"]["context"], SECRET);
    assert!(!data.path().join("account.json").exists(), "the plain sign-in file is gone");
    assert_eq!(files_with(data.path(), SECRET), Vec::<String>::new());
    assert_eq!(files_with(data.path(), "old-device-token-secret"), Vec::<String>::new());
}

/// Poll the status until `done` holds (bounded: 20 s).
fn wait_for(app: &Shell, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let status = app.status();
        if done(&status) {
            return status;
        }
        assert!(Instant::now() < deadline, "sync did not get there: {status}");
        std::thread::sleep(Duration::from_millis(50));
    }
}
