//! HTTPS in the server itself, with a certificate made here: devices and
//! browsers reach it over TLS, plain HTTP to that port gets nothing, a
//! client that does not trust the certificate is refused, and a client that
//! connects and never finishes its handshake holds up no one else.

use crate::common::{PASSWORD, TestServer};
use serde_json::json;
use std::time::Duration;

/// A self-signed certificate for this computer, written as PEM files.
fn certificate(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf, Vec<u8>) {
    let names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
    let made = rcgen::generate_simple_self_signed(names).expect("certificate");
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert, made.cert.pem()).expect("write cert");
    std::fs::write(&key, made.key_pair.serialize_pem()).expect("write key");
    (cert, key, made.cert.pem().into_bytes())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_speaks_https_with_the_certificate_it_is_given() {
    let dir = tempfile::tempdir().expect("dir");
    let (cert, key, pem) = certificate(dir.path());
    let server = TestServer::start_with(|c| {
        c.tls_cert = Some(cert.clone());
        c.tls_key = Some(key.clone());
    })
    .await;
    server.member("ws", "ama", "editor");
    let https = server.url.replace("http://", "https://");
    // The app's own client first: it chooses TLS's cryptography for the process.
    let _ = cd4mm_sync::http_client();
    let trusting = reqwest::Client::builder()
        .tls_certs_only(reqwest::Certificate::from_pem_bundle(&pem).expect("pem"))
        .build()
        .expect("client");

    // A client that connects and says nothing does not block the others.
    let _silent = tokio::net::TcpStream::connect(server.url.trim_start_matches("http://")).await.expect("connect");

    let health = trusting.get(format!("{https}/healthz")).send().await.expect("https answers");
    assert_eq!(health.status().as_u16(), 200);
    assert!(health.headers().contains_key("content-security-policy"), "security headers over https too");
    let login = trusting
        .post(format!("{https}/api/login"))
        .json(&json!({"username": "ama", "password": PASSWORD}))
        .send()
        .await
        .expect("sign in over https");
    assert_eq!(login.status().as_u16(), 200);

    // Plain HTTP to the HTTPS port gets no answer; nor does a client that
    // does not trust the certificate (the system's authorities do not know it).
    let plain = tokio::time::timeout(
        Duration::from_secs(20),
        cd4mm_sync::http_client().get(format!("{}/healthz", server.url)).send(),
    )
    .await
    .expect("not left hanging");
    assert!(plain.is_err(), "{plain:?}");
    let untrusting = cd4mm_sync::http_client().get(format!("{https}/healthz")).send().await;
    assert!(untrusting.is_err(), "a self-signed certificate is not trusted by default");

    // A device enrols and syncs over https when the certificate is trusted.
    let answer = trusting
        .post(format!("{https}/v1/enrol"))
        .json(&json!({"username": "ama", "password": PASSWORD, "device_name": "laptop", "actor": "0a0b0c0d"}))
        .send()
        .await
        .expect("enrol over https");
    assert_eq!(answer.status().as_u16(), 200);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_without_its_key_or_an_unreadable_one_is_refused_at_start() {
    let dir = tempfile::tempdir().expect("dir");
    let (cert, _key, _) = certificate(dir.path());
    let db = cd4mm_server::open_storage(&cd4mm_server::Config { data: dir.path().join("data"), ..Default::default() })
        .expect("storage");
    for (tls_cert, tls_key, expected) in [
        (Some(cert.clone()), None, "both a certificate"),
        (Some(dir.path().join("missing.pem")), Some(cert.clone()), "cannot read the certificate"),
        (Some(cert.clone()), Some(cert.clone()), "private key"),
    ] {
        let config = cd4mm_server::Config { tls_cert, tls_key, data: dir.path().join("data"), ..Default::default() };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let err = cd4mm_server::serve(db.clone(), config, listener, async {}).await.expect_err("refused");
        assert!(err.contains(expected), "{expected}: {err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_reaches_postgresql_over_tls_when_the_url_asks_and_checks_its_certificate() {
    let dir = tempfile::tempdir().expect("dir");
    let (cert, _key, _) = certificate(dir.path());
    let made = (
        std::fs::read_to_string(&cert).expect("cert"),
        std::fs::read_to_string(dir.path().join("key.pem")).expect("key"),
    );
    let (cluster, url) = std::thread::spawn(move || {
        let cluster = crate::common::postgres::Cluster::start_with_tls(&made.0, &made.1);
        let url = cluster.create_database("cd4mm");
        (cluster, url)
    })
    .join()
    .expect("cluster");
    let tls_url = format!("{}?sslmode=require", url.replace("127.0.0.1", "localhost"));
    let open = |ca: Option<std::path::PathBuf>| {
        let config = cd4mm_server::Config { database: Some(tls_url.clone()), database_ca: ca, ..Default::default() };
        std::thread::spawn(move || cd4mm_server::open_storage(&config).map(drop)).join().expect("thread")
    };
    // The database's certificate is nobody's the system trusts: refused.
    let refused = open(None);
    assert!(refused.is_err(), "{refused:?}");
    // With the authority that signed it, the server connects over TLS and works.
    open(Some(cert.clone())).expect("TLS to PostgreSQL");
    let config =
        cd4mm_server::Config { database: Some(tls_url.clone()), database_ca: Some(cert), ..Default::default() };
    let db = std::thread::spawn(move || cd4mm_server::open_storage(&config).expect("storage")).join().expect("thread");
    let added = crate::common::block(move || {
        cd4mm_server::admin::run(
            db.as_ref(),
            cd4mm_server::admin::Command::AddWorkspace {
                id: "gh".into(),
                name: "Ghana border".into(),
                country: "GH".into(),
            },
        )
    });
    assert!(added.is_ok(), "{added:?}");
    drop(cluster);
}
