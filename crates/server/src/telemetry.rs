//! Numbers for a regional office's IT to watch: Prometheus metrics at
//! `GET /metrics`, for administrators only (a server's counts say how busy
//! each workspace's people are). Names and what they count are listed in
//! docs/operations.md; every name is written here once.
//!
//! The recorder is the process's (the `metrics` crate's global): several
//! servers in one test process share it, as they share its counts.

use crate::AppState;
use crate::auth::Device;
use crate::error::ApiError;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cd4mm_core::Code;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Duration;

pub const SYNC_ROUNDS: &str = "cd4mm_sync_rounds_total";
pub const SYNC_SECONDS: &str = "cd4mm_sync_seconds";
pub const CHANGES: &str = "cd4mm_changes_total";
pub const ENROLMENTS: &str = "cd4mm_enrolments_total";
pub const BROWSER_SESSIONS: &str = "cd4mm_browser_sessions_started_total";
pub const SIGNIN_FAILURES: &str = "cd4mm_signin_failures_total";
pub const CONNECTIONS_REFUSED: &str = "cd4mm_connections_refused_total";
pub const EVENT_STREAMS: &str = "cd4mm_event_streams";
pub const DATABASE_BYTES: &str = "cd4mm_database_bytes";
pub const FACTS_BACKLOG: &str = "cd4mm_facts_backlog";

/// How far the facts backlog is counted: beyond it, "at least this many".
const BACKLOG_COUNTED: usize = 10_000;

fn handle() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            // A sync round is milliseconds when all is well, seconds when a
            // first sync builds snapshots or the database is slow.
            let buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];
            PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(SYNC_SECONDS.into()), &buckets)
                .ok()?
                .install_recorder()
                .ok()
        })
        .as_ref()
}

/// Start recording (once per process; later calls do nothing).
pub fn install() {
    let _ = handle();
}

/// One device's sync round, with how long it took and what became of its changes.
pub fn sync_round(took: Duration, sent: usize, refused: &[&str], deferred: usize) {
    metrics::counter!(SYNC_ROUNDS).increment(1);
    metrics::histogram!(SYNC_SECONDS).record(took.as_secs_f64());
    let accepted = sent.saturating_sub(refused.len() + deferred);
    metrics::counter!(CHANGES, "outcome" => "accepted").increment(accepted as u64);
    metrics::counter!(CHANGES, "outcome" => "deferred").increment(deferred as u64);
    for code in refused {
        metrics::counter!(CHANGES, "outcome" => "refused", "code" => (*code).to_owned()).increment(1);
    }
}

/// A sign-in (device enrolment or browser session) that did not get
/// through: counted, and logged with the name tried and the client's address
/// (as [`crate::client_address`] resolves it) for whoever watches for
/// guessing. Never the password.
pub fn signin_failed(username: &str, client: Option<std::net::IpAddr>, error: &ApiError) {
    let reason = match error.code {
        Code::Unauthorised => "wrong_credentials",
        Code::TooManyAttempts => "too_many_attempts",
        _ => "other",
    };
    metrics::counter!(SIGNIN_FAILURES, "reason" => reason).increment(1);
    if reason != "other" {
        log_refused(username, client, reason);
    }
}

/// A sign-in turned away before its password was checked: too many
/// attempts, or too many password checks waiting (`busy`).
pub fn signin_limited(username: &str, client: Option<std::net::IpAddr>, reason: &'static str) {
    metrics::counter!(SIGNIN_FAILURES, "reason" => reason).increment(1);
    log_refused(username, client, reason);
}

fn log_refused(username: &str, client: Option<std::net::IpAddr>, reason: &str) {
    // Debug-quoted and cut: a name is the client's text, and must not write
    // lines of its own into the log. A cut name ends in "…".
    let mut user: String = username.chars().take(64).collect();
    if user.len() < username.len() {
        user.push('…');
    }
    let client = client.map_or_else(|| "unknown".to_owned(), |c| c.to_string());
    tracing::warn!(user = ?user, %client, reason, "sign-in refused");
}

/// A connection closed at once: its address held all the connections it may.
pub fn connection_refused() {
    metrics::counter!(CONNECTIONS_REFUSED).increment(1);
}

pub fn enrolled() {
    metrics::counter!(ENROLMENTS).increment(1);
}

pub fn browser_session_started() {
    metrics::counter!(BROWSER_SESSIONS).increment(1);
}

/// An open stream of live news; the count goes down when it is dropped.
#[derive(Debug)]
pub struct EventStream(());

impl EventStream {
    pub fn open() -> EventStream {
        metrics::gauge!(EVENT_STREAMS).increment(1.0);
        EventStream(())
    }
}

impl Drop for EventStream {
    fn drop(&mut self) {
        metrics::gauge!(EVENT_STREAMS).decrement(1.0);
    }
}

/// `GET /metrics`: the Prometheus text format, for administrators.
#[utoipa::path(get, path = "/metrics", tag = "server", security(("token" = [])),
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain", body = String),
        (status = 401, description = "No valid token", body = cd4mm_sync::wire::ErrorBody),
        (status = 403, description = "Not an administrator", body = cd4mm_sync::wire::ErrorBody)))]
pub async fn metrics(State(state): State<AppState>, device: Device) -> Result<Response, ApiError> {
    if !device.admin {
        return Err(ApiError::new(StatusCode::FORBIDDEN, Code::Forbidden, "the metrics are for administrators"));
    }
    let Some(handle) = handle() else {
        return Err(ApiError::internal("the metrics recorder is not installed"));
    };
    // Read when asked: the database's size and the regional facts still to compute.
    let db = state.db.clone();
    let (bytes, backlog) = tokio::task::spawn_blocking(move || {
        Ok::<_, crate::storage::Error>((db.database_bytes()?, db.facts_backlog(BACKLOG_COUNTED)?))
    })
    .await
    .map_err(ApiError::internal)??;
    metrics::gauge!(DATABASE_BYTES).set(bytes as f64);
    metrics::gauge!(FACTS_BACKLOG).set(backlog as f64);
    let mut response = handle.render().into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
    Ok(response)
}
