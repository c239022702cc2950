//! Administration over HTTP, for the web UI's administration pages
//! (server administrators only): `GET /api/admin/overview` (users,
//! workspaces and their members, regional coverage, devices),
//! `POST /api/admin/action` (one `AdminAction`), `GET /api/admin/audit`.
//! And for everyone, their own devices: `GET /api/devices`,
//! `POST /api/devices/revoke`; and who wrote what in the workspaces they
//! may read: `GET /api/authors`. The rules are in `accounts.rs`.

use crate::auth::Device;
use crate::error::ApiError;
use crate::{AppState, accounts, now_ms};
use axum::extract::{Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use cd4mm_core::Code;
use cd4mm_core::administration::{AdminAction, AdminOverview, AuditLine, DeviceLine, RevokeOwnDevice};
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/admin/overview", get(overview))
        .route("/api/admin/action", post(action))
        .route("/api/admin/audit", get(audit))
        .route("/api/devices", get(own_devices))
        .route("/api/devices/revoke", post(revoke_own))
        .route("/api/authors", get(authors))
}

/// `GET /api/authors`: `{actor: username}` for the members of the
/// workspaces the caller may read. The desktop asks, to name the authors of
/// changes and conflicting values as the browser does.
#[utoipa::path(get, path = "/api/authors", tag = "accounts", security(("token" = [])),
    responses((status = 200, description = "`{actor: user name}` of the members of the workspaces the caller may read", body = std::collections::HashMap<String, String>),
        (status = 401, description = "No valid token", body = cd4mm_sync::wire::ErrorBody)))]
pub async fn authors(
    State(state): State<AppState>,
    device: Device,
) -> Result<Json<std::collections::HashMap<String, String>>, ApiError> {
    let db = state.db.clone();
    let names = tokio::task::spawn_blocking(move || {
        let workspaces: Vec<String> = db.memberships(&device)?.into_iter().map(|m| m.workspace).collect();
        accounts::authors_in(db.as_ref(), &workspaces)
    })
    .await
    .map_err(ApiError::internal)??;
    Ok(Json(names))
}

/// What an action did, in a sentence.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Done {
    pub message: String,
}

#[derive(Debug, Deserialize)]
pub struct AuditPage {
    /// Lines older than this id; the newest when absent.
    before: Option<i64>,
    limit: Option<usize>,
}

/// `GET /api/admin/overview`
#[utoipa::path(get, path = "/api/admin/overview", tag = "accounts", security(("token" = [])),
    responses((status = 200, description = "Users, workspaces, members, coverage and devices (`AdminOverview` in ui/src/lib/bindings.ts)", body = crate::openapi::Object),
        (status = 401, description = "No valid token", body = cd4mm_sync::wire::ErrorBody),
        (status = 403, description = "Not an administrator", body = cd4mm_sync::wire::ErrorBody)))]
pub async fn overview(State(state): State<AppState>, device: Device) -> Result<Json<AdminOverview>, ApiError> {
    only_admins(&device)?;
    let db = state.db.clone();
    let out = tokio::task::spawn_blocking(move || accounts::overview(db.as_ref())).await.map_err(ApiError::internal)?;
    Ok(Json(out?))
}

/// `POST /api/admin/action` with an `AdminAction`.
#[utoipa::path(post, path = "/api/admin/action", tag = "accounts", security(("token" = [])),
    request_body(content = crate::openapi::Object, description = "An `AdminAction` ({\"type\": ..., ...}, ui/src/lib/bindings.ts)"),
    responses((status = 200, description = "What was done, in a sentence", body = Done),
        (status = 400, description = "Not a valid action, or refused by a rule", body = cd4mm_sync::wire::ErrorBody),
        (status = 401, description = "No valid token", body = cd4mm_sync::wire::ErrorBody),
        (status = 403, description = "Not an administrator", body = cd4mm_sync::wire::ErrorBody),
        (status = 404, description = "No such user or workspace", body = cd4mm_sync::wire::ErrorBody)))]
pub async fn action(
    State(state): State<AppState>,
    device: Device,
    body: axum::body::Bytes,
) -> Result<Json<Done>, ApiError> {
    only_admins(&device)?;
    let action: AdminAction = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(Code::Malformed, format!("the action is not valid: {e}")))?;
    // Adding a user or resetting a password hashes with Argon2: heavy work,
    // taken in turn like any other.
    let _pass = state.gate.enter(device.user_id).await?;
    let db = state.db.clone();
    let by = device.username.clone();
    let message = tokio::task::spawn_blocking(move || accounts::act(db.as_ref(), &by, &action, now_ms()))
        .await
        .map_err(ApiError::internal)??;
    tracing::info!(by = %device.username, %message, "administration");
    Ok(Json(Done { message }))
}

/// `GET /api/admin/audit?before=ID&limit=N`, newest first.
#[utoipa::path(get, path = "/api/admin/audit", tag = "accounts", security(("token" = [])),
    params(("before" = Option<i64>, Query), ("limit" = Option<u32>, Query)),
    responses((status = 200, description = "Audit lines, newest first (`AuditLine` in ui/src/lib/bindings.ts)", body = Vec<crate::openapi::Object>),
        (status = 400, description = "Not a valid page", body = cd4mm_sync::wire::ErrorBody),
        (status = 401, description = "No valid token", body = cd4mm_sync::wire::ErrorBody),
        (status = 403, description = "Not an administrator", body = cd4mm_sync::wire::ErrorBody)))]
pub async fn audit(
    State(state): State<AppState>,
    device: Device,
    page: Result<Query<AuditPage>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<AuditLine>>, ApiError> {
    only_admins(&device)?;
    let Query(page) = page.map_err(|e| ApiError::bad_request(Code::BadFilter, e.body_text()))?;
    let db = state.db.clone();
    let limit = page.limit.unwrap_or(accounts::AUDIT_PAGE);
    let lines = tokio::task::spawn_blocking(move || accounts::audit_log(db.as_ref(), page.before, limit))
        .await
        .map_err(ApiError::internal)??;
    Ok(Json(lines))
}

/// `GET /api/devices`: the caller's own open devices and sessions.
#[utoipa::path(get, path = "/api/devices", tag = "accounts", security(("token" = [])),
    responses((status = 200, description = "The caller's devices and sessions (`DeviceLine` in ui/src/lib/bindings.ts)", body = Vec<crate::openapi::Object>),
        (status = 401, description = "No valid token", body = cd4mm_sync::wire::ErrorBody)))]
pub async fn own_devices(State(state): State<AppState>, device: Device) -> Result<Json<Vec<DeviceLine>>, ApiError> {
    let db = state.db.clone();
    let lines = tokio::task::spawn_blocking(move || accounts::own_devices(db.as_ref(), &device))
        .await
        .map_err(ApiError::internal)??;
    Ok(Json(lines))
}

/// `POST /api/devices/revoke` with `{device_id}`: end one of the caller's
/// own devices or sessions (a lost laptop, a session left open elsewhere).
#[utoipa::path(post, path = "/api/devices/revoke", tag = "accounts", security(("token" = [])),
    request_body(content = crate::openapi::Object, description = "{\"device_id\": ...}"),
    responses((status = 200, description = "What was done, in a sentence", body = Done),
        (status = 400, description = "Not a valid request", body = cd4mm_sync::wire::ErrorBody),
        (status = 401, description = "No valid token", body = cd4mm_sync::wire::ErrorBody),
        (status = 404, description = "Not one of the caller's devices", body = cd4mm_sync::wire::ErrorBody)))]
pub async fn revoke_own(
    State(state): State<AppState>,
    device: Device,
    body: axum::body::Bytes,
) -> Result<Json<Done>, ApiError> {
    let RevokeOwnDevice { device_id } = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(Code::Malformed, format!("the request is not valid: {e}")))?;
    let db = state.db.clone();
    let id = device_id.clone();
    tokio::task::spawn_blocking(move || accounts::revoke_own(db.as_ref(), &device, &id, now_ms()))
        .await
        .map_err(ApiError::internal)??;
    Ok(Json(Done { message: format!("device `{device_id}` revoked: its token no longer works") }))
}

fn only_admins(device: &Device) -> Result<(), ApiError> {
    if device.admin {
        Ok(())
    } else {
        Err(ApiError::forbidden(Code::NotAnAdmin, "only a server administrator may do this"))
    }
}
