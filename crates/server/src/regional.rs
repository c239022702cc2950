//! Regional consolidation over HTTP: `GET /api/dashboard` answers the
//! dashboard (`cd4mm_core::regional`) across the workspaces the caller may
//! read, computed from each document's facts, never from the documents
//! themselves. The facts are refreshed by [`refresher`], a task woken after
//! each sync round that brought news (so syncs do not pay for it), and a
//! dashboard first catches up on whatever that task has not reached yet, so
//! it always shows what has been synced. A counterpart, who belongs to one workspace, sees
//! only that one; a regional officer, every workspace they are a member of.
//!
//! Filters are query parameters: `country`, `area`, `template`, `from`, `to`
//! (dates, `YYYY-MM-DD`) and `by` (`level_core_issue`, `functional_capacity`
//! or `section`).

use crate::auth::Device;
use crate::error::ApiError;
use crate::{AppState, storage::Storage};
use axum::Json;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::routing::get;
use cd4mm_core::Code;
use cd4mm_core::regional::{Dashboard, Facts, Filter, WorkspaceFacts, dashboard};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};

/// The regional dashboard.
pub fn routes() -> Router<AppState> {
    Router::new().route("/api/dashboard", get(get_dashboard))
}

/// `GET /api/dashboard?country=…&area=…&template=…&from=…&to=…&by=…`
#[utoipa::path(get, path = "/api/dashboard", tag = "regional", security(("token" = [])),
    description = "The regional dashboard over every workspace the caller may read (docs/regional-api.md).",
    params(("country" = Option<String>, Query), ("area" = Option<String>, Query), ("template" = Option<String>, Query),
        ("from" = Option<String>, Query, description = "YYYY-MM-DD"), ("to" = Option<String>, Query, description = "YYYY-MM-DD"),
        ("by" = Option<String>, Query), ("measure" = Option<String>, Query)),
    responses((status = 200, description = "The dashboard (`Dashboard` in ui/src/lib/bindings.ts)", body = crate::openapi::Object),
        (status = 400, description = "A filter that is not valid", body = cd4mm_sync::wire::ErrorBody),
        (status = 401, description = "No valid token", body = cd4mm_sync::wire::ErrorBody)))]
pub async fn get_dashboard(
    State(state): State<AppState>,
    device: Device,
    filter: Result<Query<Filter>, QueryRejection>,
) -> Result<Json<Dashboard>, ApiError> {
    let Query(filter) = filter.map_err(|e| ApiError::bad_request(Code::BadFilter, e.body_text()))?;
    let db = state.db.clone();
    let workspaces = tokio::task::spawn_blocking(move || readable_facts(db.as_ref(), &device))
        .await
        .map_err(ApiError::internal)??;
    Ok(Json(dashboard(&workspaces, &filter)))
}

/// The facts of every workspace the device's user may read, with its country.
pub fn readable_facts(db: &dyn Storage, device: &Device) -> Result<Vec<WorkspaceFacts>, ApiError> {
    let memberships = db.memberships(device)?;
    let ids: Vec<String> = memberships.iter().map(|m| m.workspace.clone()).collect();
    // Read-your-syncs; should catching up fail (the database busy), the
    // facts already kept still make a dashboard, and the task catches up.
    if let Err(e) = db.catch_up_facts(Some(&ids)) {
        tracing::warn!(code = e.code.as_str(), "the dashboard could not catch up on facts first");
    }
    let mut out: Vec<WorkspaceFacts> = memberships
        .into_iter()
        .map(|m| WorkspaceFacts { id: m.workspace, country: m.country, documents: Vec::new() })
        .collect();
    for row in db.facts(&ids)? {
        let facts: Facts = match serde_json::from_str(&row.facts) {
            Ok(Some(f)) => f,
            // A document the server could not read (see `round::refresh_stale`).
            Ok(None) => continue,
            Err(e) => {
                // Written by a newer server sharing this database: leave it out.
                tracing::warn!(doc = %row.doc_id, error = %e, "unreadable regional facts");
                continue;
            }
        };
        if let Some(ws) = out.iter_mut().find(|w| w.id == row.workspace) {
            ws.documents.push((row.doc_id, facts));
        }
    }
    Ok(out)
}

/// The facts task waits for this long a pause in sync rounds before a pass,
/// so a burst of rounds is served by one pass that reads each document once,
/// and the pass does not compete with the rounds for the database...
const QUIET: Duration = Duration::from_millis(500);
/// ...but under steady traffic it passes at least this often.
const AT_MOST: Duration = Duration::from_secs(5);

/// Start the task that keeps the regional facts up to date; wake it (with
/// `notify_one`) after a sync round stored new changes. Its first pass, at
/// start-up, fills in the facts of documents synced before the server had
/// them. It ends when `closing` turns true. Call from within a Tokio runtime.
pub fn refresher(db: Arc<dyn Storage>, mut closing: watch::Receiver<bool>) -> Arc<Notify> {
    let wake = Arc::new(Notify::new());
    wake.notify_one();
    let woken = wake.clone();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                () = woken.notified() => {}
                _ = closing.changed() => return,
            }
            let deadline = tokio::time::Instant::now() + AT_MOST;
            loop {
                tokio::select! {
                    () = woken.notified() => {}
                    () = tokio::time::sleep(QUIET) => break,
                    () = tokio::time::sleep_until(deadline) => break,
                }
            }
            let db = db.clone();
            match tokio::task::spawn_blocking(move || db.catch_up_facts(None)).await {
                Ok(Ok(0)) => {}
                Ok(Ok(n)) => tracing::debug!(documents = n, "regional facts refreshed"),
                Ok(Err(e)) => {
                    tracing::warn!(error = %e.message, "regional facts not refreshed; will retry after the next sync")
                }
                Err(e) => tracing::warn!(error = %e, "regional facts task failed"),
            }
        }
    });
    wake
}
