//! Sign-in resists abuse, against the real server over HTTP: guessing one
//! user's password is slowed to a crawl (429 with `Retry-After`) while the
//! user's other sessions, and other users, are unaffected; a name that is no
//! user's takes as long to refuse as a wrong password; every answer carries
//! the security headers.

use crate::common::{Backend, PASSWORD, TestServer};
use cd4mm_core::Code;
use cd4mm_sync::wire::ErrorBody;
use std::time::{Duration, Instant};

async fn sign_in(http: &reqwest::Client, url: &str, user: &str, password: &str) -> reqwest::Response {
    http.post(format!("{url}/api/login"))
        .json(&serde_json::json!({"username": user, "password": password}))
        .send()
        .await
        .expect("the server answers")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_a_password_is_slowed_and_the_real_user_gets_in_later() {
    let server = TestServer::start().await;
    server.member("ws", "ama", "editor");
    server.member("ws", "kojo", "editor");
    let http = cd4mm_sync::http_client();

    // An attacker tries passwords for Ama: the first few get 401, then 429.
    let mut statuses = Vec::new();
    for i in 0..cd4mm_server::signin::USER_BURST + 3 {
        statuses.push(sign_in(&http, &server.url, "ama", &format!("guess {i}")).await.status().as_u16());
    }
    let first_429 = statuses.iter().position(|&s| s == 429).expect("guessing is stopped");
    assert!(statuses[..first_429].iter().all(|&s| s == 401), "{statuses:?}");
    assert_eq!(first_429, cd4mm_server::signin::USER_BURST as usize, "{statuses:?}");

    // Even the right password waits now, and is told how long, in plain words.
    let refused = sign_in(&http, &server.url, " AMA ", PASSWORD).await;
    assert_eq!(refused.status().as_u16(), 429, "the name is the same however it is written");
    let wait: u64 = refused.headers()["retry-after"].to_str().expect("text").parse().expect("seconds");
    assert!((1..=cd4mm_server::signin::USER_EVERY.as_secs()).contains(&wait), "{wait}");
    let body: ErrorBody = refused.json().await.expect("json");
    assert_eq!(body.code, Code::TooManyAttempts);
    assert!(body.message.contains("try again"), "{}", body.message);

    // Another user is not held up.
    assert_eq!(sign_in(&http, &server.url, "kojo", PASSWORD).await.status().as_u16(), 200);

    // After the wait, Ama gets in.
    tokio::time::sleep(Duration::from_secs(wait)).await;
    assert_eq!(sign_in(&http, &server.url, "ama", PASSWORD).await.status().as_u16(), 200);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_name_takes_as_long_to_refuse_as_a_wrong_password() {
    let server = TestServer::start().await;
    server.member("ws", "ama", "editor");
    let http = cd4mm_sync::http_client();
    // Warm up (the stand-in hash is made on first use), then time each kind
    // of refusal a few times, each under its own name so no limit applies.
    assert_eq!(sign_in(&http, &server.url, "nobody-0", "x").await.status().as_u16(), 401);
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for i in 0..5 {
        let t = Instant::now();
        assert_eq!(sign_in(&http, &server.url, "ama", &format!("wrong {i}")).await.status().as_u16(), 401);
        known.push(t.elapsed());
        let t = Instant::now();
        assert_eq!(sign_in(&http, &server.url, &format!("nobody-{}", i + 1), "x").await.status().as_u16(), 401);
        unknown.push(t.elapsed());
    }
    known.sort();
    unknown.sort();
    let (k, u) = (known[2].as_secs_f64(), unknown[2].as_secs_f64());
    // Before, an unknown name was refused in a tenth of the time.
    assert!(u > k * 0.5, "median refusal: known user {k:.4} s, unknown {u:.4} s");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_carries_the_security_headers() {
    let server = TestServer::start().await;
    let http = cd4mm_sync::http_client();
    for (method, path) in [("GET", "/"), ("GET", "/healthz"), ("POST", "/api/login"), ("GET", "/v1/me")] {
        let request = if method == "GET" {
            http.get(format!("{}{path}", server.url))
        } else {
            http.post(format!("{}{path}", server.url))
        };
        let response = request.send().await.expect("answer");
        let h = response.headers();
        let csp = h.get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_default();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("script-src 'self' 'unsafe-inline'"),
            "{path}: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(h.get("x-content-type-options").map(|v| v.as_bytes()), Some(&b"nosniff"[..]), "{path}");
        assert_eq!(h.get("x-frame-options").map(|v| v.as_bytes()), Some(&b"DENY"[..]), "{path}");
        assert_eq!(h.get("referrer-policy").map(|v| v.as_bytes()), Some(&b"no-referrer"[..]), "{path}");
    }
    server.stop().await;
}

on_every_backend!(browser_sessions_end_when_idle_or_too_many_and_their_stores_go, sessions_end);

/// Browser sessions end: when unused for the idle time (a stolen token goes
/// stale), and beyond a user's number of sessions (the oldest first); the
/// sweeper then deletes the ended sessions' stores from the server's disk.
/// Devices in the field are never timed out.
async fn sessions_end(backend: Backend) {
    let server = TestServer::start_on_with(backend, |c| {
        c.session_idle_secs = 3;
        c.sessions_per_user = 2;
    })
    .await;
    server.member("ws", "ama", "editor");
    let field_device = crate::common::device(&server, "ama").await;
    let http = cd4mm_sync::http_client();
    let mut tokens = Vec::new();
    for _ in 0..3 {
        let answer: serde_json::Value =
            sign_in(&http, &server.url, "ama", PASSWORD).await.json().await.expect("a session");
        tokens.push(answer["token"].as_str().expect("token").to_owned());
    }
    let list = |token: &str| {
        http.post(format!("{}/api/command", server.url))
            .bearer_auth(token)
            .json(&serde_json::json!({"command": "list_documents", "workspace": "ws"}))
            .send()
    };
    assert_eq!(list(&tokens[0]).await.expect("answer").status().as_u16(), 401, "the oldest of three ended");
    for token in &tokens[1..] {
        assert_eq!(list(token).await.expect("answer").status().as_u16(), 200, "the two newest are open");
    }
    let store = |token: &str| {
        let id = token.split('.').next().expect("session id");
        server.data.path().join("browser").join(format!("{id}.sqlite3"))
    };
    assert!(store(&tokens[2]).exists(), "a session keeps a store on the server");

    // Kept in use, a session stays open past the idle time.
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(1000)).await;
        assert_eq!(list(&tokens[2]).await.expect("answer").status().as_u16(), 200, "in use: open");
    }
    // Left alone, it ends; the sweeper deletes its store.
    tokio::time::sleep(Duration::from_millis(3500)).await;
    let ended = list(&tokens[2]).await.expect("answer");
    assert_eq!(ended.status().as_u16(), 401);
    let body: ErrorBody = ended.json().await.expect("json");
    assert!(body.message.contains("sign in again"), "{}", body.message);
    let deadline = Instant::now() + Duration::from_secs(10);
    while store(&tokens[2]).exists() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(!store(&tokens[2]).exists() && !store(&tokens[1]).exists(), "ended sessions' stores are deleted");
    // The field device, idle all along, still syncs.
    let mut field_device = field_device;
    field_device.sync(&["ws"]).await.expect("a device is never timed out");
    server.stop().await;
}
