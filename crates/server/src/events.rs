//! `GET /v1/events`: Server-Sent Events telling an online device that one of
//! its workspaces has news, so it runs a sync round at once.

use crate::AppState;
use crate::auth::Device;
use crate::error::ApiError;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use std::collections::HashSet;
use tokio::sync::broadcast::error::RecvError;

pub async fn events(
    State(state): State<AppState>,
    device: Device,
) -> Result<Sse<impl Stream<Item = Result<Event, std::convert::Infallible>>>, ApiError> {
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
