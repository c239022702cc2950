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
    let stream =
        stream::unfold((receiver, readable, closing, true), |(mut rx, readable, mut closing, first)| async move {
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
                        return Some((
                            Ok(Event::default().event("news").data(workspace)),
                            (rx, readable, closing, false),
                        ));
                    }
                    Ok(_) => continue,
                    // Missed some: tell the device to sync everything it follows.
                    Err(RecvError::Lagged(_)) => {
                        return Some((Ok(Event::default().event("news").data("*")), (rx, readable, closing, false)));
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}
