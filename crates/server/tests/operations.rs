//! What a regional office's IT watches, on the real binary: Prometheus
//! metrics at `/metrics` for administrators only, JSON logs on request, and
//! never a token or a password in the logs of a whole run.

mod common;

use common::Server;
const WRONG: &str = "not-the-password-4711";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_for_administrators_and_json_logs_without_secrets() {
    let data = tempfile::tempdir().expect("data dir");
    let data = data.path().to_str().expect("utf-8");
    let (ok, said) = common::run(&["--data", data, "demo"]);
    assert!(ok, "{said}");
    let server = Server::start(&["--data", data, "--log-format", "json"], &[("CD4MM_LOG", "debug")]);
    let url = server.url.clone();
    let http = cd4mm_sync::http_client();
    let login = |user: &str, password: &str| {
        let http = http.clone();
        let body = serde_json::json!({"username": user, "password": password});
        let url = format!("{url}/api/login");
        async move { http.post(url).json(&body).send().await.expect("login answers") }
    };

    // Some traffic: a failed sign-in, a device enrolling and syncing, a browser session.
    assert_eq!(login("officer", WRONG).await.status(), 401);
    let dir = tempfile::tempdir().expect("device dir");
    let mut store = cd4mm_store::Store::open(&dir.path().join("d.sqlite3")).expect("store");
    let client = cd4mm_sync::Client::enrol(&url, "officer", cd4mm_server::demo::PASSWORD, "laptop", &store)
        .await
        .expect("enrol");
    let (_tx, mut cancel) = tokio::sync::watch::channel(false);
    client.sync(&mut store, &["ghana-border".to_owned()], &mut cancel, &mut |_| {}).await.expect("sync");
    let officer: serde_json::Value = login("officer", cd4mm_server::demo::PASSWORD).await.json().await.expect("json");
    let officer_token = officer["token"].as_str().expect("token").to_owned();
    let admin: serde_json::Value = login("admin", cd4mm_server::demo::PASSWORD).await.json().await.expect("json");
    let admin_token = admin["token"].as_str().expect("token").to_owned();

    // Nobody but an administrator reads the metrics.
    let metrics = |token: Option<String>| {
        let mut request = http.get(format!("{url}/metrics"));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        async move { request.send().await.expect("metrics answer") }
    };
    assert_eq!(metrics(None).await.status(), 401);
    assert_eq!(metrics(Some(officer_token.clone())).await.status(), 403);
    let answer = metrics(Some(admin_token.clone())).await;
    assert_eq!(answer.status(), 200);
    assert!(answer.headers()["content-type"].to_str().expect("type").starts_with("text/plain; version=0.0.4"));
    let text = answer.text().await.expect("text");
    let value = |name: &str| -> f64 {
        text.lines()
            .filter(|l| l.starts_with(name) && !l.starts_with('#'))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    };
    assert!(value("cd4mm_sync_rounds_total") >= 1.0, "{text}");
    assert!(value("cd4mm_sync_seconds_count") >= 1.0, "a latency histogram: {text}");
    assert!(text.contains("cd4mm_sync_seconds_bucket{le=\"0.005\"}"), "{text}");
    assert!(value("cd4mm_enrolments_total") >= 1.0, "{text}");
    assert!(value("cd4mm_browser_sessions_started_total") >= 2.0, "{text}");
    assert!(text.contains("cd4mm_signin_failures_total{reason=\"wrong_credentials\"}"), "{text}");
    assert!(value("cd4mm_database_bytes") > 10_000.0, "{text}");
    assert!(text.contains("cd4mm_facts_backlog"), "{text}");

    let all = server.stop("TERM");
    assert!(all.len() > 5, "{all:?}");
    for line in &all {
        serde_json::from_str::<serde_json::Value>(line).unwrap_or_else(|e| panic!("every line is JSON ({e}): {line}"));
        for secret in [client.token(), &officer_token, &admin_token, cd4mm_server::demo::PASSWORD, WRONG] {
            assert!(!line.contains(secret), "a secret reached the logs: {line}");
        }
    }
}

/// Behind a reverse proxy the settings trust, the sign-in limits count per
/// client as the proxy names it; without that trust the header is ignored
/// (anyone could write it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_limits_see_the_client_a_trusted_proxy_names() {
    let data = tempfile::tempdir().expect("data dir");
    let data = data.path().to_str().expect("utf-8");
    let (ok, said) = common::run(&["--data", data, "demo"]);
    assert!(ok, "{said}");
    let http = cd4mm_sync::http_client();
    // Wrong passwords for one name, as forwarded for `client`: the status of each.
    let attempts = |url: String, client: &'static str, n: u32| {
        let http = http.clone();
        async move {
            let mut statuses = Vec::new();
            for _ in 0..n {
                let body = serde_json::json!({"username": "officer", "password": WRONG});
                let answer = http
                    .post(format!("{url}/api/login"))
                    .header("x-forwarded-for", client)
                    .json(&body)
                    .send()
                    .await
                    .expect("login answers");
                statuses.push(answer.status().as_u16());
            }
            statuses
        }
    };
    let burst = cd4mm_server::signin::USER_BURST;

    // Trusting every address is refused (any client could name its own).
    let (ok, said) = common::run(&["--data", data, "--trusted-proxy", "10.0.0.0/8,0.0.0.0/0", "demo"]);
    assert!(!ok && said.contains("would trust too many addresses"), "{said}");

    // This machine's proxy is trusted: each client has its own allowance.
    // (A trailing comma names nothing.)
    let server = Server::start(&["--data", data], &[("CD4MM_TRUSTED_PROXIES", "127.0.0.1,::1,")]);
    let guesser = attempts(server.url.clone(), "203.0.113.5", burst + 1).await;
    assert!(guesser[..burst as usize].iter().all(|s| *s == 401), "{guesser:?}");
    assert_eq!(guesser[burst as usize], 429, "the guessing client is slowed: {guesser:?}");
    let officer = attempts(server.url.clone(), "198.51.100.7", 1).await;
    assert_eq!(officer, [401], "the real user, elsewhere, is not held up by the guesser");
    // A header the proxy could not make sense of (here, none of it an
    // address) is an unknown client, limited like one: never the proxy's
    // own loopback, which the limits leave free.
    // Many names at once, so that only the per-address limit can answer 429.
    let mut sent = tokio::task::JoinSet::new();
    for n in 0..2 * cd4mm_server::signin::ADDRESS_BURST {
        let body = serde_json::json!({"username": format!("guess-{n}"), "password": WRONG});
        let answer = http.post(format!("{}/api/login", server.url)).header("x-forwarded-for", "not-an-address");
        sent.spawn(async move { answer.json(&body).send().await.expect("login answers").text().await.expect("text") });
    }
    let unknown = sent.join_all().await;
    assert!(
        unknown.iter().any(|said| said.contains("from this address")),
        "garbage in the header is no way around the limits: {unknown:?}"
    );
    let logs = server.stop("TERM").join("\n");
    assert!(logs.contains("127.0.0.1/32, ::1/128"), "the trusted proxies are said at start:\n{logs}");
    assert!(
        logs.contains("sign-in refused") && logs.contains("203.0.113.5") && logs.contains("0.0.0.0"),
        "refused sign-ins are logged with the client's address:\n{logs}"
    );
    assert!(!logs.contains(WRONG), "never the password");

    // Nothing trusted (an empty setting too): the header is a client's word and changes nothing.
    let server = Server::start(&["--data", data], &[("CD4MM_TRUSTED_PROXIES", "")]);
    attempts(server.url.clone(), "203.0.113.5", burst).await;
    let forged = attempts(server.url.clone(), "198.51.100.7", 1).await;
    assert_eq!(forged, [429], "a forged header does not buy a new allowance");
    server.stop("TERM");
}
