//! Golden fixtures of the wire format. If this fails, the encoding of
//! `POST /v1/sync` changed and devices in the field would no longer understand
//! the server (or the reverse). Add a protocol version instead; regenerate the
//! fixtures only for a deliberate new version (`UPDATE_FIXTURES=1`).

use cd4mm_sync::wire::{self, Cursor, DocBytes, FrameError, OutChange, SyncRequest, SyncResponse, WorkspaceNews};

fn request() -> SyncRequest {
    SyncRequest {
        epoch: Some("0123456789abcdef".into()),
        cursors: vec![
            Cursor { workspace: "ghana-border".into(), seq: 300 },
            Cursor { workspace: "new".into(), seq: 0 },
        ],
        changes: vec![OutChange {
            workspace: "ghana-border".into(),
            doc_id: "plan-1".into(),
            kind: "plan".into(),
            bytes: vec![0x85, 0x6f, 0x4a, 0x83, 1, 2, 3],
        }],
    }
}

fn response() -> SyncResponse {
    SyncResponse {
        epoch: "0123456789abcdef".into(),
        acked: vec![[7u8; 32]],
        workspaces: vec![WorkspaceNews {
            workspace: "ghana-border".into(),
            cursor: 301,
            snapshots: vec![],
            changes: vec![DocBytes { doc_id: "plan-1".into(), kind: "plan".into(), bytes: vec![9, 9] }],
        }],
        more: false,
    }
}

fn check(name: &str, bytes: &[u8]) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write(&path, format!("{hex}\n")).expect("write fixture");
    }
    let golden = std::fs::read_to_string(&path).expect("fixture exists");
    assert_eq!(hex, golden.trim(), "{name}: the wire encoding changed; see the warning in wire.rs");
}

#[test]
fn the_encoding_matches_the_golden_fixtures() {
    check("request-v1.hex", &wire::encode(&request()));
    check("response-v1.hex", &wire::encode(&response()));
}

#[test]
fn fixtures_decode_to_the_same_messages() {
    assert_eq!(wire::decode::<SyncRequest>(&wire::encode(&request())).expect("request"), request());
    let compressed = wire::compress(&wire::encode(&response()));
    let plain = wire::decompress(&compressed, 1 << 20).expect("decompress");
    assert_eq!(wire::decode::<SyncResponse>(&plain).expect("response"), response());
}

#[test]
fn foreign_or_future_bodies_are_refused_clearly() {
    let mut body = wire::encode(&request());
    assert_eq!(wire::decode::<SyncRequest>(b"GET / HTTP/1.1").expect_err("not sync"), FrameError::NotSync);
    body[5] = 2;
    assert_eq!(wire::decode::<SyncRequest>(&body).expect_err("future"), FrameError::Version(2));
    let big = wire::compress(&vec![0u8; 10_000]);
    assert_eq!(wire::decompress(&big, 1_000).expect_err("bomb"), FrameError::TooLarge(1_000));
}
