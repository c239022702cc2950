//! The wire format of `POST /v1/sync`.
//!
//! **Warning: changing these types breaks devices in the field.** Devices that
//! were offline for months sync with whatever server they find. Add a new
//! protocol version instead, and keep decoding the old one. The golden fixtures
//! in `fixtures/` (checked by `tests/wire.rs`) fail when the encoding moves.
//!
//! A body is `MAGIC`, the protocol version (u16, big-endian), then the message
//! in postcard (compact binary serde); the whole body may be compressed with
//! zstd, said by the `Content-Encoding` header.

use serde::{Deserialize, Serialize};

/// The first bytes of every sync body.
pub const MAGIC: [u8; 4] = *b"CD4S";
/// The protocol this build speaks.
pub const PROTOCOL: u16 = 1;
/// Media type of sync bodies.
pub const CONTENT_TYPE: &str = "application/x-cd4mm-sync";
/// The only compression besides none.
pub const ZSTD: &str = "zstd";

/// What a device sends: where it is in each workspace and what it has not yet
/// had acknowledged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncRequest {
    /// The server epoch the device saw last; `None` before its first sync.
    pub epoch: Option<String>,
    pub cursors: Vec<Cursor>,
    /// The device's own changes the server has not acknowledged, in causal
    /// order, capped in size by the device.
    pub changes: Vec<OutChange>,
}

/// How far a device has read a workspace's log. `seq` 0: never synced, send
/// document snapshots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub workspace: String,
    pub seq: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutChange {
    pub workspace: String,
    pub doc_id: String,
    /// The document's kind (`plan`, …): the server checks the role against it.
    pub kind: String,
    /// One encoded Automerge change.
    pub bytes: Vec<u8>,
}

/// What the server answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncResponse {
    pub epoch: String,
    /// Hashes of the request's changes the server now holds (new or known).
    pub acked: Vec<[u8; 32]>,
    pub workspaces: Vec<WorkspaceNews>,
    /// The answer was capped: ask again with the new cursors.
    pub more: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceNews {
    pub workspace: String,
    /// The cursor to send next time.
    pub cursor: u64,
    /// On a first sync: each document as one compact snapshot.
    pub snapshots: Vec<DocBytes>,
    /// Log entries after the cursor, made by other devices, in log order.
    pub changes: Vec<DocBytes>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocBytes {
    pub doc_id: String,
    pub kind: String,
    pub bytes: Vec<u8>,
}

/// Errors come back as JSON `{code, message}` with a 4xx or 5xx status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Machine-readable, stable: e.g. `unauthorised`, `forbidden`, `bad_request`.
    pub code: String,
    /// For people.
    pub message: String,
}

/// Why a body could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("the body is not a CD4MM sync message")]
    NotSync,
    #[error("protocol version {0} is not supported; this side speaks version {PROTOCOL}")]
    Version(u16),
    #[error("the message is truncated or malformed: {0}")]
    Malformed(String),
    #[error("the compressed body does not decompress: {0}")]
    Compression(String),
    #[error("the body is larger than the limit of {0} bytes")]
    TooLarge(usize),
}

/// Frame a message: magic, version, postcard.
pub fn encode<T: Serialize>(message: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&PROTOCOL.to_be_bytes());
    // Serialising plain structs to a Vec cannot fail.
    out.extend(postcard::to_stdvec(message).unwrap_or_default());
    out
}

/// Read a framed message.
pub fn decode<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Result<T, FrameError> {
    if body.len() < 6 || body[..4] != MAGIC {
        return Err(FrameError::NotSync);
    }
    let version = u16::from_be_bytes([body[4], body[5]]);
    if version != PROTOCOL {
        return Err(FrameError::Version(version));
    }
    postcard::from_bytes(&body[6..]).map_err(|e| FrameError::Malformed(e.to_string()))
}

/// Compress a body with zstd.
pub fn compress(body: &[u8]) -> Vec<u8> {
    zstd::bulk::compress(body, 3).unwrap_or_else(|_| body.to_vec())
}

/// Decompress a zstd body, refusing to grow it past `limit` bytes.
pub fn decompress(body: &[u8], limit: usize) -> Result<Vec<u8>, FrameError> {
    use std::io::Read;
    let decoder = zstd::stream::read::Decoder::new(body).map_err(|e| FrameError::Compression(e.to_string()))?;
    let mut out = Vec::new();
    decoder.take(limit as u64 + 1).read_to_end(&mut out).map_err(|e| FrameError::Compression(e.to_string()))?;
    if out.len() > limit {
        return Err(FrameError::TooLarge(limit));
    }
    Ok(out)
}
