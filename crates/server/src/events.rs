//! `GET /v1/events`: Server-Sent Events telling an online device that one of
//! its workspaces has news, so it runs a sync round at once.

use crate::AppState;
use crate::auth::Device;
use crate::error::ApiError;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use cd4mm_core::Code;
use futures_util::stream::{self, Stream};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast::error::RecvError;

/// Live streams one device may hold open at once. An app holds one; a few
/// more allow for reconnections whose old connection the server has not yet
/// seen close. Each stream costs a task and a database read per news.
pub const STREAMS_PER_DEVICE: usize = 4;

/// Open streams per device.
#[derive(Debug, Default)]
pub struct Streams(Mutex<HashMap<String, usize>>);

/// One open stream, counted until it is dropped.
struct Open {
    streams: Arc<Streams>,
    device_id: String,
}

impl Streams {
    fn open(streams: &Arc<Streams>, device_id: &str) -> Result<Open, ApiError> {
        let mut open = streams.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = open.entry(device_id.to_owned()).or_default();
        if *n >= STREAMS_PER_DEVICE {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                Code::TooManyStreams,
                format!("a device may listen for news on at most {STREAMS_PER_DEVICE} connections at once"),
            ));
        }
        *n += 1;
        Ok(Open { streams: streams.clone(), device_id: device_id.to_owned() })
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        let mut open = self.streams.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = open.get_mut(&self.device_id) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.device_id);
            }
        }
    }
}

/// Live news for devices.
pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/events", get(events))
}

#[utoipa::path(get, path = "/v1/events", tag = "devices", security(("token" = [])),
    description = "Server-Sent Events: `ready` once, then `news` with a workspace id (or `*`) when it changed.",
    responses((status = 200, description = "A stream of events", content_type = "text/event-stream", body = String),
        (status = 401, description = "No valid device token", body = cd4mm_sync::wire::ErrorBody),
        (status = 429, description = "Too many streams for this device", body = cd4mm_sync::wire::ErrorBody)))]
pub async fn events(
    State(state): State<AppState>,
    device: Device,
) -> Result<Sse<impl Stream<Item = Result<Event, std::convert::Infallible>>>, ApiError> {
    let counted = (Streams::open(&state.streams, &device.device_id)?, crate::telemetry::EventStream::open());
    let db = state.db.clone();
    let d = device.clone();
    let readable: HashSet<String> = tokio::task::spawn_blocking(move || db.memberships(&d))
        .await
        .map_err(ApiError::internal)??
        .into_iter()
        .map(|m| m.workspace)
        .collect();
    let receiver = state.news.subscribe();
    let closing = state.closing.clone();
    let db = state.db.clone();
    let stream =
        stream::unfold((receiver, readable, closing, true), move |(mut rx, mut readable, mut closing, first)| {
            let (db, device) = (db.clone(), device.clone());
            async move {
                if first {
                    // Say hello at once, so the device knows it is subscribed.
                    return Some((Ok(Event::default().event("ready").data("")), (rx, readable, closing, false)));
                }
                loop {
                    let received = tokio::select! {
                        r = rx.recv() => r,
                        // The server is shutting down: end the stream.
                        _ = closing.wait_for(|c| *c) => return None,
                    };
                    match received {
                        Ok(workspace) if readable.contains(&workspace) => {
                            // Access taken away reaches an open stream at once: a
                            // revoked device's stream ends, a lost workspace is
                            // no longer announced.
                            readable = still_readable(&db, &device).await?;
                            if !readable.contains(&workspace) {
                                continue;
                            }
                            return Some((
                                Ok(Event::default().event("news").data(workspace)),
                                (rx, readable, closing, false),
                            ));
                        }
                        Ok(_) => continue,
                        // Missed some: tell the device to sync everything it follows.
                        Err(RecvError::Lagged(_)) => {
                            return Some((
                                Ok(Event::default().event("news").data("*")),
                                (rx, readable, closing, false),
                            ));
                        }
                        Err(RecvError::Closed) => return None,
                    }
                }
            }
        });
    // The count goes down when the stream is dropped (the device hung up,
    // or the server ended it).
    let stream = futures_util::StreamExt::map(stream, move |event| {
        let _counted = &counted;
        event
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// The workspaces the device may read now; `None` when it may no longer
/// sync at all (revoked, or the check failed).
async fn still_readable(db: &std::sync::Arc<dyn crate::Storage>, device: &Device) -> Option<HashSet<String>> {
    let (db, device) = (db.clone(), device.clone());
    tokio::task::spawn_blocking(move || {
        let record = db.device_record(&device.device_id).ok().flatten()?;
        if record.revoked {
            return None;
        }
        let members = db.memberships(&record.device).ok()?;
        Some(members.into_iter().map(|m| m.workspace).collect())
    })
    .await
    .ok()
    .flatten()
}
