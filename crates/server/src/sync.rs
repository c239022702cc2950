//! Thin handlers: parse, call the storage once, map the result.

use crate::auth::Device;
use crate::client_address::ClientAddress;
use crate::error::ApiError;
use crate::{AppState, now_ms};
use axum::Json;
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cd4mm_core::Code;
use cd4mm_core::admission;
use cd4mm_sync::account::{EnrolRequest, Enrolment, Me};
use cd4mm_sync::wire;
use serde::Serialize;

/// Run blocking storage work off the async threads.
async fn blocking<T: Send + 'static, E: Into<ApiError> + Send + 'static>(
    f: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await.map_err(ApiError::internal)?.map_err(Into::into)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    status: &'static str,
    epoch: String,
    protocol: u16,
}

/// The device API: health, enrolment, who am I, sync.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/v1/enrol", post(enrol))
        .route("/v1/me", get(me))
        .route("/v1/sync", post(sync))
        .route("/metrics", get(crate::telemetry::metrics))
        .route("/api/openapi.json", get(crate::openapi::openapi_json))
}

#[utoipa::path(get, path = "/healthz", tag = "server",
    responses((status = 200, description = "The server answers, with its epoch and protocol", body = Health)))]
pub async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let db = state.db.clone();
    let epoch = blocking(move || db.epoch()).await?;
    Ok(Json(Health { status: "ok", epoch, protocol: wire::PROTOCOL }))
}

#[utoipa::path(post, path = "/v1/enrol", tag = "devices", request_body = EnrolRequest,
    responses((status = 200, description = "The device's token, shown once", body = Enrolment),
        (status = 400, description = "Not a valid request", body = wire::ErrorBody),
        (status = 401, description = "Wrong user name or password", body = wire::ErrorBody),
        (status = 429, description = "Too many sign-in attempts: wait", body = wire::ErrorBody)))]
pub async fn enrol(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    body: axum::body::Bytes,
) -> Result<Json<Enrolment>, ApiError> {
    let request: EnrolRequest = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(Code::Malformed, format!("the enrolment request is not valid: {e}")))?;
    let db = state.db.clone();
    let username = request.username.clone();
    let _turn = state
        .signin
        .attempt(&username, address)
        .await
        .inspect_err(|e| crate::telemetry::signin_limited(&username, address, e.reason))?;
    let enrolment = blocking(move || {
        db.enrol(&request.username, &request.password, &request.device_name, &request.actor, now_ms())
    })
    .await
    .inspect_err(|e| crate::telemetry::signin_failed(&username, address, e))?;
    crate::telemetry::enrolled();
    tracing::info!(user = %enrolment.username, device = %enrolment.device_id, "device enrolled");
    Ok(Json(enrolment))
}

#[utoipa::path(get, path = "/v1/me", tag = "devices", security(("token" = [])),
    responses((status = 200, description = "Who this device signs in as, and where", body = Me),
        (status = 401, description = "No valid device token", body = wire::ErrorBody)))]
pub async fn me(State(state): State<AppState>, device: Device) -> Result<Json<Me>, ApiError> {
    let db = state.db.clone();
    let d = device.clone();
    let workspaces = blocking(move || db.memberships(&d)).await?;
    Ok(Json(Me { username: device.username, device_id: device.device_id, admin: device.admin, workspaces }))
}

/// Changes one request may carry (a device sends about 1 MiB of changes).
const MAX_CHANGES: usize = 50_000;

/// `POST /v1/sync`: one round, one transaction.
#[utoipa::path(post, path = "/v1/sync", tag = "devices", security(("token" = [])),
    description = "One sync round: a postcard-encoded request (crates/sync/src/wire.rs, docs/protocol.md), optionally zstd-compressed (Content-Encoding: zstd).",
    request_body(content = Vec<u8>, content_type = "application/x-cd4mm-sync"),
    responses((status = 200, description = "The round's answer, postcard-encoded", content_type = "application/x-cd4mm-sync", body = Vec<u8>),
        (status = 400, description = "Not a valid request", body = wire::ErrorBody),
        (status = 401, description = "No valid device token", body = wire::ErrorBody),
        (status = 403, description = "A workspace this device may not read", body = wire::ErrorBody),
        (status = 413, description = "Larger than the server takes", body = wire::ErrorBody),
        (status = 415, description = "An encoding other than zstd", body = wire::ErrorBody),
        (status = 429, description = "Busy: try again", body = wire::ErrorBody)))]
pub async fn sync(
    State(state): State<AppState>,
    device: Device,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let limit = state.config.max_body_bytes;
    let raw = axum::body::to_bytes(body, limit).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            Code::TooLarge,
            format!("the request is larger than the limit of {limit} bytes, or was cut off"),
        )
    })?;
    let plain = match headers.get(header::CONTENT_ENCODING).map(HeaderValue::to_str) {
        // Content-coding names are case-insensitive (RFC 9110).
        None => raw.to_vec(),
        Some(Ok(e)) if e.eq_ignore_ascii_case("identity") => raw.to_vec(),
        Some(Ok(e)) if e.eq_ignore_ascii_case(wire::ZSTD) => wire::decompress(&raw, limit)?,
        Some(other) => {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                Code::UnsupportedEncoding,
                format!("content encoding {:?} is not supported; use zstd or none", other.unwrap_or("?")),
            ));
        }
    };
    let started = std::time::Instant::now();
    let (version, request) = wire::decode_request(&plain)?;
    let (db, cap, d) = (state.db.clone(), state.config.max_response_bytes, device.clone());
    let sent = request.changes.len();
    // Rounds that judge changes or build a first sync's snapshots load whole
    // documents: through the gate. Others go straight on.
    let heavy = sent > 0 || request.cursors.iter().any(|c| c.seq == 0 || c.resume.is_some());
    let pass = match heavy {
        true => Some(state.gate.enter(device.user_id).await?),
        false => None,
    };
    let outcome = blocking(move || {
        // Held until the work ends, even if the device hangs up meanwhile.
        let _pass = pass;
        // Decoding is the CPU-heavy, input-driven part: done before the
        // round's transaction, so a hostile change never holds the database.
        if request.changes.len() > MAX_CHANGES {
            return Err(ApiError::bad_request(
                Code::TooManyChanges,
                format!("a sync request carries at most {MAX_CHANGES} changes; send the rest in the next one"),
            ));
        }
        // (Protocol 2 hears of a change that does not decode per change,
        // when it is judged; protocol 1 is all or nothing, so it hears here,
        // before anything is read. Decoding walks every operation: done once.)
        let mut operations: u64 = 0;
        for change in &request.changes {
            if version == 1
                && let Err(r) = admission::decode_change(&change.bytes)
            {
                return Err(crate::storage::Error::refused(&r).into());
            }
            operations = operations.saturating_add(admission::operations(&change.bytes).unwrap_or(0));
        }
        // Protocol 2 devices keep to this; version 1 ones never knew it.
        if version > 1 && request.changes.len() > 1 && operations > admission::MAX_REQUEST_OPS as u64 {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                Code::TooManyOperations,
                format!("a sync request carries at most {} operations in all", admission::MAX_REQUEST_OPS),
            ));
        }
        Ok::<_, ApiError>(db.sync(&d, &request, version, cap, now_ms())?)
    })
    .await?;
    state.announce(&outcome.news);
    let received: usize = outcome.response.workspaces.iter().map(|w| w.changes.len() + w.snapshots.len()).sum();
    let refused = outcome.response.refused.len();
    let codes: Vec<&str> = outcome.response.refused.iter().map(|r| r.code.as_str()).collect();
    crate::telemetry::sync_round(started.elapsed(), sent, &codes, outcome.response.deferred.len());
    tracing::info!(device = %device.device_id, version, sent, refused, received, more = outcome.response.more, "sync round");
    let body = if version == 1 { wire::encode_as(1, &outcome.v1()) } else { wire::encode(&outcome.response) };
    let accepts_zstd = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().split(';').next() == Some(wire::ZSTD)));
    let mut response = if accepts_zstd {
        let mut r = wire::compress(&body).into_response();
        r.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static(wire::ZSTD));
        r
    } else {
        body.into_response()
    };
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(wire::CONTENT_TYPE));
    Ok(response)
}
