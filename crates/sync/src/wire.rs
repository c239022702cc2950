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
//!
//! Version 2 (this build's devices) adds, over version 1 ([`v1`], still
//! answered by the server for devices in the field):
//! - **per-change results**: each change is held or refused with its code;
//!   a refusal no longer fails the round, so everything else goes on;
//! - **compact acknowledgements**: the answer lists only the request's
//!   changes that were refused or deferred, by index; every other change of
//!   the request is held by the server (new or known);
//! - **answers within the device's byte budget**: a first sync's snapshots
//!   are paged with a [`Resume`] point, and a document larger than the
//!   budget comes in [`SnapshotPart`]s, so a link that drops keeps what
//!   already arrived.

use cd4mm_core::Code;
use serde::{Deserialize, Serialize};

/// The first bytes of every sync body.
pub const MAGIC: [u8; 4] = *b"CD4S";
/// The protocol this build's devices speak.
pub const PROTOCOL: u16 = 2;
/// Every protocol the server answers.
pub const PROTOCOLS: [u16; 2] = [1, 2];
/// Media type of sync bodies.
pub const CONTENT_TYPE: &str = "application/x-cd4mm-sync";
/// The only compression besides none.
pub const ZSTD: &str = "zstd";

/// What a device sends: where it is in each workspace, what it has not yet
/// had acknowledged, and how large an answer it wants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncRequest {
    /// The server epoch the device saw last; `None` before its first sync.
    pub epoch: Option<String>,
    /// The largest answer the device wants, in bytes before compression:
    /// small on a link that drops, larger after success. The server may
    /// answer less; it always sends at least one entry or part.
    pub budget: u32,
    /// One per workspace.
    pub cursors: Vec<Cursor>,
    /// The device's own changes the server has not acknowledged, in causal
    /// order, capped in size by the device.
    pub changes: Vec<OutChange>,
}

/// How far a device has read a workspace's log. `seq` 0 and no `resume`:
/// never synced, send document snapshots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub workspace: String,
    pub seq: u64,
    /// A first sync in progress: where its snapshots go on.
    pub resume: Option<Resume>,
}

/// Where a paged first sync goes on: the next document (in id order) and
/// how many of its snapshot's bytes already arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resume {
    /// The log position the snapshots include; the cursor once they are all in.
    pub at: u64,
    /// The next document to send (ids from here on, in order).
    pub doc: String,
    /// Bytes of that document's snapshot already sent.
    pub offset: u64,
    /// Which snapshot of the document those bytes were from (the server's
    /// cache version); another one starts the document again at 0.
    pub version: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutChange {
    pub workspace: String,
    pub doc_id: String,
    /// The document's kind (`plan`, …); the server checks it against the
    /// document's own.
    pub kind: String,
    /// One encoded Automerge change, uncompressed.
    pub bytes: Vec<u8>,
}

/// What the server answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncResponse {
    pub epoch: String,
    /// The request's changes the server refused, by index; they will never
    /// be taken as they are.
    pub refused: Vec<Refused>,
    /// The request's changes that build on changes the server does not hold
    /// yet, by index: send them again later.
    pub deferred: Vec<u32>,
    pub workspaces: Vec<WorkspaceNews>,
    /// The answer was capped: ask again with the new cursors.
    pub more: bool,
}

/// A change the server will not take, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refused {
    /// Its index in the request's `changes`.
    pub index: u32,
    /// Machine-readable: `role_forbids`, `too_deep`, `duplicate_seq`, …
    /// (travels as its string: see [`Code`]).
    pub code: Code,
    /// For people.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceNews {
    pub workspace: String,
    /// The cursor to send next time.
    pub cursor: u64,
    /// A first sync still in progress: send it back with the cursor.
    pub resume: Option<Resume>,
    /// On a first sync: documents as compact snapshots, whole or in parts.
    pub snapshots: Vec<SnapshotPart>,
    /// Log entries after the cursor, made by other devices, in log order.
    pub changes: Vec<DocBytes>,
}

/// A document's snapshot, or a part of it: bytes `offset..offset + len` of
/// `total`. Offset 0 starts the document (again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotPart {
    pub doc_id: String,
    pub kind: String,
    pub offset: u64,
    pub total: u64,
    pub bytes: Vec<u8>,
}

impl SnapshotPart {
    pub fn is_whole(&self) -> bool {
        self.offset == 0 && self.total == self.bytes.len() as u64
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocBytes {
    pub doc_id: String,
    pub kind: String,
    pub bytes: Vec<u8>,
}

/// Protocol version 1, as devices in the field still speak it: a request is
/// all or nothing, acknowledgements are every change's hash, snapshots come
/// whole.
pub mod v1 {
    use super::DocBytes;
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct SyncRequest {
        pub epoch: Option<String>,
        pub cursors: Vec<Cursor>,
        pub changes: Vec<super::OutChange>,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Cursor {
        pub workspace: String,
        pub seq: u64,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct SyncResponse {
        pub epoch: String,
        /// Hashes of the request's changes the server now holds (new or known).
        pub acked: Vec<[u8; 32]>,
        pub workspaces: Vec<WorkspaceNews>,
        pub more: bool,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct WorkspaceNews {
        pub workspace: String,
        pub cursor: u64,
        pub snapshots: Vec<DocBytes>,
        pub changes: Vec<DocBytes>,
    }

    impl SyncRequest {
        /// The same request in the current version's terms: no budget of
        /// its own (the server's cap), no resume.
        pub fn upgrade(self) -> super::SyncRequest {
            super::SyncRequest {
                epoch: self.epoch,
                budget: u32::MAX,
                cursors: self
                    .cursors
                    .into_iter()
                    .map(|c| super::Cursor { workspace: c.workspace, seq: c.seq, resume: None })
                    .collect(),
                changes: self.changes,
            }
        }
    }
}

/// Errors come back as JSON `{code, message, field}` with a 4xx or 5xx
/// status, from the sync API and the browser's command API alike (the
/// shape of `cd4mm_app::AppError`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// One of the closed list of codes (`Code` in ui/src/lib/bindings.ts).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "forbidden"))]
    pub code: Code,
    /// For people.
    pub message: String,
    /// The field a refused edit names, to highlight it.
    #[serde(default)]
    pub field: Option<String>,
}

/// Why a body could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("the body is not a CD4MM sync message")]
    NotSync,
    #[error("protocol version {0} is not supported; this side speaks versions 1 to {PROTOCOL}")]
    Version(u16),
    #[error("the message is truncated or malformed: {0}")]
    Malformed(String),
    #[error("the compressed body does not decompress: {0}")]
    Compression(String),
    #[error("the body is larger than the limit of {0} bytes")]
    TooLarge(usize),
}

/// Frame a message of this build's protocol: magic, version, postcard.
pub fn encode<T: Serialize>(message: &T) -> Vec<u8> {
    encode_as(PROTOCOL, message)
}

/// Frame a message of protocol `version` (the server answers a device in
/// the version it asked in).
pub fn encode_as<T: Serialize>(version: u16, message: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&version.to_be_bytes());
    // Serialising plain structs to a Vec cannot fail.
    out.extend(postcard::to_stdvec(message).unwrap_or_default());
    out
}

/// Read a framed message of this build's protocol.
pub fn decode<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Result<T, FrameError> {
    decode_as(PROTOCOL, body)
}

/// Read a framed message of protocol `version`.
pub fn decode_as<'a, T: Deserialize<'a>>(version: u16, body: &'a [u8]) -> Result<T, FrameError> {
    let found = version_of(body)?;
    if found != version {
        return Err(FrameError::Version(found));
    }
    let (message, rest) = postcard::take_from_bytes(&body[6..]).map_err(|e| FrameError::Malformed(e.to_string()))?;
    // Bytes after the message are not ours to ignore: a body is one message.
    if !rest.is_empty() {
        return Err(FrameError::Malformed(format!("{} bytes follow the message", rest.len())));
    }
    Ok(message)
}

/// The protocol version of a framed body.
pub fn version_of(body: &[u8]) -> Result<u16, FrameError> {
    if body.len() < 6 || body[..4] != MAGIC {
        return Err(FrameError::NotSync);
    }
    Ok(u16::from_be_bytes([body[4], body[5]]))
}

/// Read a request of any version the server answers, in the current
/// version's terms, with the version it came in.
pub fn decode_request(body: &[u8]) -> Result<(u16, SyncRequest), FrameError> {
    match version_of(body)? {
        1 => Ok((1, decode_as::<v1::SyncRequest>(1, body)?.upgrade())),
        PROTOCOL => Ok((PROTOCOL, decode(body)?)),
        other => Err(FrameError::Version(other)),
    }
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
