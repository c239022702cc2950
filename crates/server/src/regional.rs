//! Regional consolidation over HTTP: `GET /api/dashboard` answers the
//! dashboard (`cd4mm_core::regional`) across the workspaces the caller may
//! read, computed from the facts each sync round keeps up to date, never from
//! the documents themselves. A counterpart, who belongs to one workspace, sees
//! only that one; a regional officer, every workspace they are a member of.
//!
//! Filters are query parameters: `country`, `area`, `template`, `from`, `to`
//! (dates, `YYYY-MM-DD`) and `by` (`level_core_issue`, `functional_capacity`
//! or `section`).

use crate::auth::Device;
use crate::error::ApiError;
use crate::{AppState, storage::Storage};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use cd4mm_core::regional::{Dashboard, Facts, Filter, WorkspaceFacts, dashboard};

/// `GET /api/dashboard?country=…&area=…&template=…&from=…&to=…&by=…`
pub async fn get(
    State(state): State<AppState>,
    device: Device,
    filter: Result<Query<Filter>, QueryRejection>,
) -> Result<Json<Dashboard>, ApiError> {
    let Query(filter) = filter.map_err(|e| ApiError::bad_request("bad_filter", e.body_text()))?;
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
    let mut out: Vec<WorkspaceFacts> = memberships
        .into_iter()
        .map(|m| WorkspaceFacts { id: m.workspace, country: m.country, documents: Vec::new() })
        .collect();
    for row in db.facts(&ids)? {
        let facts: Facts = match serde_json::from_str(&row.facts) {
            Ok(f) => f,
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
