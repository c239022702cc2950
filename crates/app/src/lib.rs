//! # cd4mm-app — one command API, two transports
//!
//! Everything the UI can ask is a [`Command`], answered by [`execute`] over the
//! device's [`cd4mm_store::Store`] for a [`Caller`] (their roles, whether they
//! administer the server, who wrote what) with a [`Reply`] or an [`AppError`]
//! (`{code, message, field}`: the UI branches on `code`, never on text). The
//! desktop shell wraps `execute` in Tauri commands; the server answers the same
//! commands over HTTP for browser users; neither answers one itself.
//! [`bindings`] generates the UI's TypeScript types from these definitions.

pub mod bindings;
mod caller;
mod commands;

pub use caller::{Authors, Caller};
pub use commands::{
    AppError, AssessmentSummary, Command, IndicatorLine, LockState, PlanSummary, Reply, SyncState, SyncStatus,
    WorkspaceInfo, execute, local_workspaces,
};
