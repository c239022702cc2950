//! # cd4mm-core — the CD4MM Field domain, over Automerge documents
//!
//! No I/O here: no files, clock, network or randomness. Callers pass in time
//! (`now_ms`), ids and the device's Automerge actor; the store, the sync client,
//! the server and the desktop shell build on this crate, never the reverse.
//!
//! A [`Document`] is one Automerge document of a [`Kind`]: an engagement
//! (phase 1), an assessment (2), a plan (3), monitoring data (4 and 5) or the
//! toolbox. It is read into the typed model ([`Content`]) through JSON, and
//! changed only by [`Edit`]s, which are checked against the model first:
//!
//! ```
//! use cd4mm_core::{Content, Document, Edit, plan::Plan};
//! use automerge::ActorId;
//! use serde_json::json;
//!
//! let plan = Plan { title: "Border response".into(), ..Plan::default() };
//! let mut doc = Document::create("ws-1", &Content::Plan(plan), ActorId::random(), 1_700_000_000_000).unwrap();
//! doc.apply(&Edit::Set { path: "currency".into(), value: json!("USD") }, 1_700_000_001_000).unwrap();
//! // A bad value names the field and says what is allowed; nothing is written.
//! let err = doc.apply(&Edit::Set { path: "starts_on".into(), value: json!("tomorrow") }, 0).unwrap_err();
//! assert!(err.to_string().starts_with("starts_on: `tomorrow` is not a date"));
//! ```
//!
//! Fields that two people set concurrently are reported by [`Document::read`] as
//! [`mapping::Conflict`]s with every value and the actor that wrote it; setting
//! the field again resolves the conflict.
//!
//! Computations live with their domain: gaps and averages in [`assessment`],
//! progress and indicator status in [`plan`], headcounts in [`monitoring`].

pub mod administration;
pub mod admission;
pub mod assessment;
mod code;
pub mod country;
pub mod data;
mod date;
pub mod delivery;
pub mod design;
mod document;
mod edit;
pub mod engagement;
mod error;
pub mod export;
pub mod mapping;
pub mod monitoring;
pub mod next_round;
pub mod phases;
pub mod plan;
pub mod projection;
pub mod regional;
mod role;
pub mod template;
pub mod toolbox;
pub mod vocabulary;

pub use code::Code;
pub use date::Date;
pub use document::{Content, Document, HEADER, HistoryEntry, Kind, MAX_MADE_ON, SCHEMA, Snapshot, upgrade_fields};
pub use edit::Edit;
pub use error::{Error, FieldError};
pub use role::{COUNTERPART_ASSESSMENT, COUNTERPART_ENGAGEMENT, Reach, Role};

/// Re-exported so callers use the same Automerge as the core.
pub use automerge;
