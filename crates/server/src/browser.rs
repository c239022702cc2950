//! The command API over HTTP, for browser users (counterparts who install
//! nothing, regional officers): `POST /api/login`, `POST /api/command`.
//!
//! A browser session is a device like any other: signing in enrols one, with
//! an Automerge actor registered to the user, so history shows who made each
//! edit. Its documents live in a store the server keeps for the session
//! (`DATA/browser/DEVICE.sqlite3`), synced in-process with the server's log
//! before each command and after each edit, through the same round as any
//! device. The store is a cache: another instance rebuilds it from the log.

use crate::auth::Device;
use crate::client_address::ClientAddress;
use crate::error::ApiError;
use crate::{AppState, now_ms};
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use cd4mm_app::{AppError, Caller, Command, Reply, WorkspaceInfo};
use cd4mm_core::Code;
use cd4mm_core::automerge::ActorId;
use cd4mm_store::{Store, StoreError};
use cd4mm_sync::session::{self, RoundFailure};
use cd4mm_sync::wire;
use serde::Deserialize;
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// The stores of the browser sessions this instance has served.
#[derive(Debug, Default)]
pub struct Sessions {
    stores: Mutex<HashMap<String, Arc<Mutex<Store>>>>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct Login {
    username: String,
    password: String,
}

/// The browser's session and command API.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/login", post(login))
        .route("/api/command", post(command))
        .route("/api/logout", post(logout))
}

/// `POST /api/login`: a new browser session for a user.
#[utoipa::path(post, path = "/api/login", tag = "browser", request_body = Login,
    responses((status = 200, description = "The session's token", body = cd4mm_sync::account::Enrolment),
        (status = 400, description = "Not a valid request", body = cd4mm_sync::wire::ErrorBody),
        (status = 401, description = "Wrong user name or password", body = cd4mm_sync::wire::ErrorBody),
        (status = 429, description = "Too many sign-in attempts: wait", body = cd4mm_sync::wire::ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let login: Login = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(Code::Malformed, format!("the sign-in request is not valid: {e}")))?;
    let (db, rules) = (state.db.clone(), state.config.session_rules());
    let username = login.username.clone();
    let _turn = state
        .signin
        .attempt(&username, address)
        .await
        .inspect_err(|e| crate::telemetry::signin_limited(&username, address, e.reason))?;
    let enrolment = tokio::task::spawn_blocking(move || {
        let actor = ActorId::random();
        db.start_session(&login.username, &login.password, &actor.to_hex_string(), now_ms(), &rules)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::from)
    .inspect_err(|e| crate::telemetry::signin_failed(&username, address, e))?;
    crate::telemetry::browser_session_started();
    tracing::info!(user = %enrolment.username, device = %enrolment.device_id, "browser session started");
    // Sessions beyond the user's number ended just now: free their stores.
    let sweeping = state.clone();
    tokio::task::spawn_blocking(move || {
        if let Err(e) = sweep(&sweeping) {
            tracing::warn!(error = %e.message, "browser sessions not swept");
        }
    });
    Ok(Json(enrolment).into_response())
}

/// `POST /api/logout`: end this browser session. Its token stops working and
/// the session's store is deleted: everything in it is already on the server,
/// since every edit is synced before its command answers.
#[utoipa::path(post, path = "/api/logout", tag = "browser", security(("token" = [])),
    responses((status = 204, description = "The session ended"),
        (status = 401, description = "No valid token", body = cd4mm_sync::wire::ErrorBody)))]
pub async fn logout(State(state): State<AppState>, device: Device) -> Result<Response, ApiError> {
    tokio::task::spawn_blocking(move || {
        crate::accounts::sign_out(state.db.as_ref(), &device, now_ms())?;
        forget(&state, &device.device_id)?;
        tracing::info!(device = %device.device_id, "browser session ended");
        Ok::<_, ApiError>(())
    })
    .await
    .map_err(ApiError::internal)??;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Close an ended session's store and delete its files.
fn forget(state: &AppState, device_id: &str) -> Result<(), ApiError> {
    let store =
        state.sessions.stores.lock().map_err(|_| ApiError::internal("sessions lock poisoned"))?.remove(device_id);
    drop(store);
    let base = state.config.data.join("browser").join(format!("{device_id}.sqlite3"));
    for suffix in ["", "-wal", "-shm"] {
        let mut path = base.clone().into_os_string();
        path.push(suffix);
        let _ = std::fs::remove_file(path); // absent when the session never ran a command
    }
    Ok(())
}

/// Until `closing` turns true, every `every`: end the browser sessions past
/// their time, and delete the stores of every session that has ended (past
/// its time, signed out elsewhere, beyond the user's number of sessions, or
/// revoked by an administrator). Call from within a Tokio runtime.
pub fn sweeper(state: AppState, every: std::time::Duration) {
    let mut closing = state.closing.clone();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                () = tokio::time::sleep(every) => {}
                _ = closing.changed() => return,
            }
            let state = state.clone();
            match tokio::task::spawn_blocking(move || sweep(&state)).await {
                Ok(Ok(0)) => {}
                Ok(Ok(n)) => tracing::info!(sessions = n, "ended browser sessions swept away"),
                Ok(Err(e)) => tracing::warn!(error = %e.message, "browser sessions not swept; will retry"),
                Err(e) => tracing::warn!(error = %e, "browser session sweeper failed"),
            }
        }
    });
}

fn sweep(state: &AppState) -> Result<usize, ApiError> {
    let (now, rules) = (now_ms(), state.config.session_rules());
    let mut ended = state.db.end_idle_sessions(now - rules.idle_ms, now - rules.max_ms, now)?;
    let stores = std::fs::read_dir(state.config.data.join("browser")).into_iter().flatten().flatten();
    for entry in stores {
        let name = entry.file_name();
        let Some(id) = name.to_str().and_then(|n| n.strip_suffix(".sqlite3")) else { continue };
        if !ended.iter().any(|e| e == id) && state.db.device_record(id)?.is_none_or(|r| r.revoked) {
            ended.push(id.to_owned());
        }
    }
    for id in &ended {
        forget(state, id)?;
    }
    Ok(ended.len())
}

/// An error of the command API as HTTP: 4xx with `{code, message, field}`.
fn refused(e: AppError) -> Response {
    let status = match e.code {
        Code::NotFound => StatusCode::NOT_FOUND,
        Code::Forbidden => StatusCode::FORBIDDEN,
        Code::Storage | Code::BadDataFile => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    };
    (status, Json(e)).into_response()
}

/// `POST /api/command`: one command of the command API, as this session.
#[utoipa::path(post, path = "/api/command", tag = "browser", security(("token" = [])),
    description = "One command of the command API (`Command` in ui/src/lib/bindings.ts, generated from crates/app/src/commands.rs), answered with a `Reply` ({reply, data}).",
    request_body(content = crate::openapi::CommandBody, description = "A `Command`: {\"command\": name, ...its fields}"),
    responses((status = 200, description = "A `Reply`: {reply, data}", body = crate::openapi::ReplyBody),
        (status = 400, description = "Not a valid command or edit", body = cd4mm_sync::wire::ErrorBody),
        (status = 401, description = "No valid token", body = cd4mm_sync::wire::ErrorBody),
        (status = 403, description = "The role does not allow it", body = cd4mm_sync::wire::ErrorBody),
        (status = 404, description = "No such document", body = cd4mm_sync::wire::ErrorBody),
        (status = 413, description = "Larger than the server takes", body = cd4mm_sync::wire::ErrorBody)))]
pub async fn command(
    State(state): State<AppState>,
    device: Device,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let command: Command = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(Code::Malformed, format!("the command is not valid: {e}")))?;
    let gzip = crate::web::allows(&headers, "gzip");
    // The reply is written (and packed) off the async threads too: a
    // workspace's readings are tens of kilobytes each.
    let answer = tokio::task::spawn_blocking(move || run(&state, &device, command).map(|reply| packed(&reply, gzip)))
        .await
        .map_err(ApiError::internal)?;
    Ok(match answer {
        Ok(response) => response,
        Err(Failure::App(e)) => refused(e),
        Err(Failure::Api(e)) => e.into_response(),
    })
}

/// Replies from this size on go gzipped to a browser that takes it.
const PACK_FROM: usize = 1024;

/// A reply as JSON, gzipped when the browser takes it and it is worth it. A
/// phone on a 64 kbit/s link keeps a workspace in a third of the time or
/// less: an assessment's reading (its template and the template's
/// translations included) is 80 KB of JSON and about 20 KB gzipped. Replies
/// carry no secret (tokens travel only in `/api/login` and the account API,
/// never packed), so the size of a packed reply tells an onlooker nothing
/// that a member able to plant text in the same document could not read
/// anyway.
fn packed(reply: &Reply, gzip: bool) -> Response {
    let json = match serde_json::to_vec(reply) {
        Ok(json) => json,
        Err(e) => return ApiError::internal(e).into_response(),
    };
    let json_type = (header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let vary = (header::VARY, HeaderValue::from_static("accept-encoding"));
    if gzip && json.len() >= PACK_FROM {
        // zlib's usual level: a few milliseconds for the largest reading,
        // and a third smaller than the fastest level with this flate2 backend.
        let mut encoder =
            flate2::write::GzEncoder::new(Vec::with_capacity(json.len() / 4), flate2::Compression::default());
        if encoder.write_all(&json).is_ok()
            && let Ok(gzipped) = encoder.finish()
        {
            let encoding = (header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            return ([json_type, vary, encoding], gzipped).into_response();
        }
    }
    ([json_type, vary], json).into_response()
}

enum Failure {
    App(AppError),
    Api(ApiError),
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        Failure::App(AppError::from(e))
    }
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Failure {
        Failure::Api(e)
    }
}

impl From<crate::storage::Error> for Failure {
    fn from(e: crate::storage::Error) -> Failure {
        Failure::Api(e.into())
    }
}

fn run(state: &AppState, device: &Device, command: Command) -> Result<Reply, Failure> {
    let memberships = state.db.memberships(device)?;
    let workspaces: Vec<String> = memberships.iter().map(|m| m.workspace.clone()).collect();
    let store = session_store(state, device)?;
    let mut store = store.lock().map_err(|_| ApiError::internal("session store lock poisoned"))?;
    // Access taken away (member removed, country uncovered) reaches an open
    // session at once: what it may no longer read leaves its cache.
    store.forget_workspaces_except(&workspaces)?;
    let now = now_ms();
    pull_and_push(state, device, &mut store, &workspaces, now)?;

    let caller = Caller {
        memberships: Some(
            memberships
                .into_iter()
                .map(|m| WorkspaceInfo { id: m.workspace, name: m.name, country: m.country, role: m.role })
                .collect(),
        ),
        admin: device.admin,
        authors: &|| author_names(state),
    };
    let writes = command.writes();
    let edited = match &command {
        Command::EditDocument { id, .. } => Some(id.clone()),
        _ => None,
    };
    let reply = cd4mm_app::execute(&mut store, &caller, command, now).map_err(Failure::App)?;
    if writes {
        pull_and_push(state, device, &mut store, &workspaces, now)?;
    }
    // The log refused the edit (it broke a rule only the whole document
    // shows): the browser is told, so it keeps what was typed, and this
    // session's copy goes back to the server's, or every later edit of the
    // document would wait behind the refused one, unseen by anyone.
    if let Some(id) = edited
        && let Some(refused) = store.not_accepted()?.into_iter().find(|n| n.doc_id == id)
    {
        store.discard_not_accepted(&id)?;
        pull_and_push(state, device, &mut store, &workspaces, now)?;
        return Err(Failure::App(AppError::new(
            refused.code,
            format!("the server did not accept this edit: {}", refused.message),
        )));
    }
    Ok(reply)
}

/// The user behind each device's actor.
fn author_names(state: &AppState) -> Result<HashMap<String, String>, AppError> {
    crate::accounts::authors(state.db.as_ref()).map_err(|e| AppError::new(e.code, e.message))
}

/// The session's store, opened (or rebuilt from the log) on first use.
fn session_store(state: &AppState, device: &Device) -> Result<Arc<Mutex<Store>>, Failure> {
    let mut stores = state.sessions.stores.lock().map_err(|_| ApiError::internal("sessions lock poisoned"))?;
    if let Some(store) = stores.get(&device.device_id) {
        return Ok(store.clone());
    }
    let actor = ActorId::try_from(device.actor.as_str()).map_err(ApiError::internal)?;
    let dir = state.config.data.join("browser");
    std::fs::create_dir_all(&dir).map_err(ApiError::internal)?;
    let mut store = Store::open_as(&dir.join(format!("{}.sqlite3", device.device_id)), &actor)?;
    // The toolbox ships with the software, as on a device; it is never synced.
    store.install_toolbox()?;
    let store = Arc::new(Mutex::new(store));
    stores.insert(device.device_id.clone(), store.clone());
    Ok(store)
}

/// One in-process sync of the session's store with the server's log.
fn pull_and_push(
    state: &AppState,
    device: &Device,
    store: &mut Store,
    workspaces: &[String],
    now: i64,
) -> Result<(), Failure> {
    let cap = state.config.max_response_bytes;
    session::sync_in_process::<Failure>(store, workspaces, now, |request| {
        let outcome = state.db.sync(device, request, wire::PROTOCOL, cap, now).map_err(|e| {
            if e.code == Code::CursorAhead { RoundFailure::CursorAhead } else { RoundFailure::Failed(Failure::from(e)) }
        })?;
        state.announce(&outcome.news);
        Ok(outcome.response)
    })
}
