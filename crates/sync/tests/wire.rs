//! Golden fixtures of the wire format. If this fails, the encoding of
//! `POST /v1/sync` changed and devices in the field would no longer understand
//! the server (or the reverse). Add a protocol version instead; write a new
//! version's fixtures once, deliberately (`UPDATE_FIXTURES=request-v2.hex`).

use cd4mm_core::Code;
use cd4mm_sync::wire::{
    self, Cursor, DocBytes, FrameError, OutChange, Refused, Resume, SnapshotPart, SyncRequest, SyncResponse,
    WorkspaceNews, v1,
};

fn change() -> OutChange {
    OutChange {
        workspace: "ghana-border".into(),
        doc_id: "plan-1".into(),
        kind: "plan".into(),
        bytes: vec![0x85, 0x6f, 0x4a, 0x83, 1, 2, 3],
    }
}

fn request_v1() -> v1::SyncRequest {
    v1::SyncRequest {
        epoch: Some("0123456789abcdef".into()),
        cursors: vec![
            v1::Cursor { workspace: "ghana-border".into(), seq: 300 },
            v1::Cursor { workspace: "new".into(), seq: 0 },
        ],
        changes: vec![change()],
    }
}

fn response_v1() -> v1::SyncResponse {
    v1::SyncResponse {
        epoch: "0123456789abcdef".into(),
        acked: vec![[7u8; 32]],
        workspaces: vec![v1::WorkspaceNews {
            workspace: "ghana-border".into(),
            cursor: 301,
            snapshots: vec![],
            changes: vec![DocBytes { doc_id: "plan-1".into(), kind: "plan".into(), bytes: vec![9, 9] }],
        }],
        more: false,
    }
}

fn request() -> SyncRequest {
    SyncRequest {
        epoch: Some("0123456789abcdef".into()),
        budget: 65_536,
        cursors: vec![
            Cursor { workspace: "ghana-border".into(), seq: 300, resume: None },
            Cursor {
                workspace: "new".into(),
                seq: 0,
                resume: Some(Resume { at: 42, doc: "plan-7".into(), offset: 4096, version: 40 }),
            },
        ],
        changes: vec![change(), change()],
    }
}

fn response() -> SyncResponse {
    SyncResponse {
        epoch: "0123456789abcdef".into(),
        refused: vec![Refused { index: 1, code: Code::RoleForbids, message: "no".into() }],
        deferred: vec![],
        workspaces: vec![WorkspaceNews {
            workspace: "new".into(),
            cursor: 0,
            resume: Some(Resume { at: 42, doc: "plan-7".into(), offset: 8192, version: 40 }),
            snapshots: vec![SnapshotPart {
                doc_id: "plan-7".into(),
                kind: "plan".into(),
                offset: 4096,
                total: 10_000,
                bytes: vec![1, 2],
            }],
            changes: vec![DocBytes { doc_id: "plan-1".into(), kind: "plan".into(), bytes: vec![9, 9] }],
        }],
        more: true,
    }
}

fn check(name: &str, bytes: &[u8]) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    if std::env::var_os("UPDATE_FIXTURES").is_some_and(|v| v == name) {
        std::fs::write(&path, format!("{hex}\n")).expect("write fixture");
    }
    let golden = std::fs::read_to_string(&path).expect("fixture exists");
    assert_eq!(hex, golden.trim(), "{name}: the wire encoding changed; see the warning in wire.rs");
}

#[test]
fn the_encoding_matches_the_golden_fixtures() {
    check("request-v1.hex", &wire::encode_as(1, &request_v1()));
    check("response-v1.hex", &wire::encode_as(1, &response_v1()));
    check("request-v2.hex", &wire::encode(&request()));
    check("response-v2.hex", &wire::encode(&response()));
}

#[test]
fn fixtures_decode_to_the_same_messages() {
    assert_eq!(wire::decode::<SyncRequest>(&wire::encode(&request())).expect("request"), request());
    let compressed = wire::compress(&wire::encode(&response()));
    let plain = wire::decompress(&compressed, 1 << 20).expect("decompress");
    assert_eq!(wire::decode::<SyncResponse>(&plain).expect("response"), response());
    let v1 = wire::encode_as(1, &response_v1());
    assert_eq!(wire::decode_as::<v1::SyncResponse>(1, &v1).expect("v1 response"), response_v1());
}

#[test]
fn a_version_1_request_is_read_in_the_current_terms() {
    let (version, request) = wire::decode_request(&wire::encode_as(1, &request_v1())).expect("v1");
    assert_eq!(version, 1);
    assert_eq!(request.cursors[1], Cursor { workspace: "new".into(), seq: 0, resume: None });
    assert_eq!(request.changes, vec![change()]);
    let (version, same) = wire::decode_request(&wire::encode(&self::request())).expect("v2");
    assert_eq!((version, same), (wire::PROTOCOL, self::request()));
}

#[test]
fn foreign_or_future_bodies_are_refused_clearly() {
    let mut body = wire::encode(&request());
    assert_eq!(wire::decode::<SyncRequest>(b"GET / HTTP/1.1").expect_err("not sync"), FrameError::NotSync);
    body[5] = 3;
    assert_eq!(wire::decode::<SyncRequest>(&body).expect_err("future"), FrameError::Version(3));
    assert_eq!(wire::decode_request(&body).expect_err("future"), FrameError::Version(3));
    let mut padded = wire::encode(&request());
    padded.extend_from_slice(b"junk");
    assert!(matches!(wire::decode_request(&padded), Err(FrameError::Malformed(_))), "one message a body");
    let big = wire::compress(&vec![0u8; 10_000]);
    assert_eq!(wire::decompress(&big, 1_000).expect_err("bomb"), FrameError::TooLarge(1_000));
}

/// The fuzz corpus of the wire decoder (`fuzz/corpus/wire`), replayed: no
/// input makes a decoder panic. `WRITE_FUZZ_SEEDS=1` writes the fixtures there
/// as its seeds.
#[test]
fn the_fuzz_corpus_decodes_without_a_crash() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/wire");
    if std::env::var_os("WRITE_FUZZ_SEEDS").is_some() {
        std::fs::create_dir_all(&dir).expect("corpus dir");
        for (name, bytes) in [
            ("request-v1", wire::encode_as(1, &request_v1())),
            ("response-v1", wire::encode_as(1, &response_v1())),
            ("request-v2", wire::encode(&request())),
            ("response-v2", wire::encode(&response())),
        ] {
            std::fs::write(dir.join(format!("seed-{name}")), bytes).expect("write seed");
        }
    }
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz/corpus/wire") {
        let data = std::fs::read(entry.expect("entry").path()).expect("read");
        let _ = wire::decode_request(&data);
        let _ = wire::decode::<SyncResponse>(&data);
        let _ = wire::decode_as::<v1::SyncResponse>(1, &data);
        let _ = wire::decompress(&data, 1 << 20);
        n += 1;
    }
    assert!(n >= 4, "the corpus holds at least the seeds");
}
