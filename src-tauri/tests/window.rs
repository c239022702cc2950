//! The real `cd4mm` window under a display (Xvfb in `scripts/test`), driven
//! through WebDriver by `tauri-driver` and WebKitWebDriver: a field officer
//! working on this computer only creates an engagement, the app is closed and
//! started again, and the engagement is still there.
//!
//! `CD4MM_APP=/usr/bin/cd4mm` drives an installed app instead of the one
//! this test builds (how `scripts/check-desktop-deb` checks the package).
//!
//! Needs `tauri-driver` on the PATH, Debian's `webkit2gtk-driver` and a
//! display, so it is `#[ignore]`d in a plain `cargo test`; `scripts/test` runs
//! it with `xvfb-run … -- --ignored`.

use serde_json::{Value, json};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// `tauri-driver` on free loopback ports; killed when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: tauri-driver's WebKitWebDriver (and any app it left) too.
        let _ = Command::new("kill").args(["-TERM", "--", &format!("-{}", self.child.id())]).status();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

async fn driver(home: &std::path::Path) -> Driver {
    let (port, native) = (free_port(), free_port());
    let child = Command::new("tauri-driver")
        .args(["--port", &port.to_string(), "--native-port", &native.to_string()])
        // The app's store and WebKit's storage in a fresh place of the test's own.
        .env("CD4MM_DATA_DIR", home.join("store"))
        // A passphrase, as where no keychain answers (none runs under Xvfb).
        .env("CD4MM_KEYCHAIN", "off")
        .env("XDG_DATA_HOME", home.join("xdg-data"))
        .env("XDG_CONFIG_HOME", home.join("xdg-config"))
        .env("XDG_CACHE_HOME", home.join("xdg-cache"))
        .stdout(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("tauri-driver on the PATH (cargo install tauri-driver)");
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while cd4mm_sync::http_client().get(format!("{url}/status")).send().await.is_err() {
        assert!(Instant::now() < deadline, "tauri-driver did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Driver { child, url }
}

/// One run of the app: a WebDriver session is one launch of the window.
struct Window {
    http: reqwest::Client,
    session: String,
}

impl Window {
    async fn open(driver: &Driver) -> Window {
        // The app this test built, or an installed one (scripts/check-desktop-deb).
        let app = std::env::var("CD4MM_APP").unwrap_or_else(|_| env!("CARGO_BIN_EXE_cd4mm").to_owned());
        let http = cd4mm_sync::http_client();
        let caps = json!({"capabilities": {"alwaysMatch": {"tauri:options": {"application": app}}}});
        let r: Value = http
            .post(format!("{}/session", driver.url))
            .json(&caps)
            .send()
            .await
            .expect("new session")
            .json()
            .await
            .expect("json");
        let id = r["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {r}")).to_owned();
        let window = Window { http, session: format!("{}/session/{id}", driver.url) };
        // Generous: the passphrase's key is slow to derive on purpose, and
        // a loaded CI machine is slower still.
        window.call("POST", "/timeouts", json!({"implicit": 30_000})).await;
        window
    }

    async fn try_call(&self, method: &str, path: &str, body: Value) -> Result<Value, Value> {
        let url = format!("{}{path}", self.session);
        let request = match method {
            "GET" => self.http.get(url),
            "DELETE" => self.http.delete(url),
            _ => self.http.post(url).json(&body),
        };
        let r: Value = request.send().await.expect("webdriver answers").json().await.expect("json");
        if r["value"]["error"].is_null() { Ok(r["value"].clone()) } else { Err(r) }
    }

    async fn call(&self, method: &str, path: &str, body: Value) -> Value {
        match self.try_call(method, path, body).await {
            Ok(value) => value,
            Err(r) => panic!("{method} {path}: {r}\n{}", self.screen().await),
        }
    }

    /// What the window shows, for a failure's message: a test that fails
    /// on another machine must say what was on the screen.
    async fn screen(&self) -> String {
        let script = json!({"script": "return document.body.innerText", "args": []});
        match self.try_call("POST", "/execute/sync", script).await {
            Ok(text) => format!("the window showed:\n{}", text.as_str().unwrap_or_default()),
            Err(r) => format!("(the window's text could not be read: {r})"),
        }
    }

    /// The element, waiting up to 30 s for it to appear. WebKitWebDriver's
    /// own wait (the implicit timeout) sometimes gives up at once with a bare
    /// "no such element" while the page is busy (seen once in CI on a page
    /// that plainly showed the field), so a refusal is asked again here.
    async fn find(&self, using: &str, value: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match self.try_call("POST", "/element", json!({"using": using, "value": value})).await {
                Ok(found) => return found[ELEMENT].as_str().expect("an element id").to_owned(),
                Err(r) if Instant::now() > deadline => {
                    panic!("no element {using} {value:?}: {r}\n{}", self.screen().await)
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(250)).await,
            }
        }
    }

    async fn button(&self, text: &str) -> String {
        self.find("xpath", &format!("//button[normalize-space()='{text}']")).await
    }

    async fn click(&self, element: &str) {
        self.call("POST", &format!("/element/{element}/click"), json!({})).await;
    }

    /// Type `text` into the field, and check that the field holds it:
    /// WebKitWebDriver types real key presses, which go wherever the focus
    /// is at that moment, so a focus moved under it would scatter them; and
    /// they may still be arriving when the command returns (CI once read
    /// back "tamale bord" of "tamale border passphrase"), so the field is
    /// given a moment to hold the whole text before it is typed again.
    async fn type_into(&self, css: &str, text: &str) {
        for _ in 0..3 {
            let element = self.find("css selector", css).await;
            if self.try_call("POST", &format!("/element/{element}/clear"), json!({})).await.is_err()
                || self.try_call("POST", &format!("/element/{element}/value"), json!({"text": text})).await.is_err()
            {
                eprintln!("{css} could not be typed into; trying again");
                continue;
            }
            let deadline = Instant::now() + Duration::from_secs(5);
            loop {
                let value = self.try_call("GET", &format!("/element/{element}/property/value"), json!({})).await;
                match value {
                    Ok(value) if value.as_str() == Some(text) => return,
                    Ok(value) if Instant::now() > deadline => {
                        eprintln!("{css} holds {value} after typing; typing again");
                        break;
                    }
                    Err(r) => {
                        eprintln!("{css} could not be read after typing ({r}); typing again");
                        break;
                    }
                    Ok(_) => tokio::time::sleep(Duration::from_millis(100)).await,
                }
            }
        }
        panic!("{css} does not take what is typed\n{}", self.screen().await);
    }

    /// The first start's form: the passphrase chosen, typed twice. If the
    /// form was sent before both fields held it (it then says they differ),
    /// both are typed again and the form sent again.
    async fn choose_passphrase(&self, passphrase: &str) {
        for _ in 0..3 {
            self.type_into("#passphrase", passphrase).await;
            self.type_into("#passphrase-repeat", passphrase).await;
            let encrypt = self.button("Encrypt and continue").await;
            self.click(&encrypt).await;
            // The key is slow to derive on purpose; a loaded machine is slower still.
            let next = "Work on this computer only";
            let text = self.text_with_any(&[next, "passphrases differ"], Duration::from_secs(60)).await;
            if text.contains(next) {
                return;
            }
            eprintln!("the passphrase was not taken; choosing it again. The window showed:\n{text}");
        }
        panic!("the passphrase is never taken\n{}", self.screen().await);
    }

    /// The page's visible text, once it contains `wanted` (or after 15 s).
    async fn text_with(&self, wanted: &str) -> String {
        self.text_with_any(&[wanted], Duration::from_secs(15)).await
    }

    /// The page's visible text, once it contains one of `wanted` (or after `wait`).
    async fn text_with_any(&self, wanted: &[&str], wait: Duration) -> String {
        let deadline = Instant::now() + wait;
        loop {
            let body = self.find("css selector", "body").await;
            let text = match self.try_call("GET", &format!("/element/{body}/text"), json!({})).await {
                Ok(text) => text.as_str().unwrap_or_default().to_owned(),
                Err(_) => String::new(),
            };
            if wanted.iter().any(|w| text.contains(w)) || Instant::now() > deadline {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    async fn close(self) {
        self.call("DELETE", "", json!({})).await;
    }
}

/// What the test user chooses to lock the data with.
const PASSPHRASE: &str = "tamale border passphrase";

#[tokio::test]
#[ignore = "needs a display, tauri-driver and WebKitWebDriver; scripts/test runs it under xvfb-run"]
async fn an_engagement_made_offline_is_there_after_a_restart() {
    let home = tempfile::tempdir().expect("home");
    let driver = driver(home.path()).await;

    let window = Window::open(&driver).await;
    // First start: a passphrase is chosen, and the data encrypted with it.
    window.choose_passphrase(PASSPHRASE).await;
    let local = window.button("Work on this computer only").await;
    window.click(&local).await;
    window.type_into("#ws-name", "Tamale border post").await;
    let create = window.button("Create workspace").await;
    window.click(&create).await;
    window.type_into("#eng-partner", "Ghana Immigration Service").await;
    let start = window.find("css selector", "form.grid-form button[type=submit]").await;
    window.click(&start).await;
    let text = window.text_with("Ghana Immigration Service").await;
    assert!(text.contains("Ghana Immigration Service"), "the engagement shows: {text}");
    window.close().await;

    // Nothing typed is readable in the data directory.
    for entry in std::fs::read_dir(home.path().join("store")).expect("store dir").flatten() {
        let bytes = std::fs::read(entry.path()).unwrap_or_default();
        assert!(!bytes.windows(9).any(|w| w == b"Immigrati"), "{} holds the text in the clear", entry.path().display());
    }

    // A new launch of the same app on the same data: unlocked with its passphrase.
    let window = Window::open(&driver).await;
    window.type_into("#passphrase", PASSPHRASE).await;
    let unlock = window.button("Unlock").await;
    window.click(&unlock).await;
    let text = window.text_with("Tamale border post").await;
    assert!(text.contains("Tamale border post"), "the workspace is listed after a restart: {text}");
    let card = window.find("xpath", "//a[contains(., 'Tamale border post')]").await;
    window.click(&card).await;
    let text = window.text_with("Ghana Immigration Service").await;
    assert!(text.contains("Ghana Immigration Service"), "the engagement survived the restart: {text}");
    window.close().await;
}
