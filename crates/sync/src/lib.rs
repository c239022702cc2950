//! # cd4mm-sync — the sync protocol between devices and the regional server
//!
//! [`wire`] holds the types of `POST /v1/sync` and their framing (a warning
//! there: changing them breaks devices in the field). [`Client`] drives a
//! device's [`cd4mm_store::Store`] against a server: each round sends the
//! device's unacknowledged changes and the cursor of each workspace it follows,
//! and receives what others wrote since, which of its changes were refused
//! (they move to the store's "not accepted" list; the rest are held) and new
//! cursors. An ordinary sync is one round trip; a first sync receives compact
//! snapshots, paged within the byte budget the device asks for (smaller after
//! a cut), a large document in parts; each page is kept before the next.
//!
//! If the server's epoch changed (it was restored from a backup) the device
//! forgets its cursors and sends again every change it made; the server keeps
//! each change once, so everyone converges without duplicates.

pub mod account;
#[cfg(feature = "client")]
mod client;
pub mod session;
pub mod wire;

pub use account::{Enrolment, Me, Membership};
#[cfg(feature = "client")]
pub use client::{Client, News, Progress, Retry, SyncError, http_client};
