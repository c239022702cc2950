//! The built web UI (`ui/dist`), for browser users: every path that is not an
//! API route is a file of that directory, and `/` is its `index.html`. The UI
//! routes with `#/…`, so no other path needs to fall back to the index.

use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use std::path::{Component, Path, PathBuf};

/// `GET /…`: a file of the UI, or 404.
pub async fn asset(State(state): State<AppState>, uri: Uri) -> Response {
    let Some(root) = &state.config.ui else {
        return (StatusCode::NOT_FOUND, "this server has no web UI (start it with --ui DIR)").into_response();
    };
    let Some(path) = file_path(root, uri.path()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let reading = path.clone();
    match tokio::task::spawn_blocking(move || std::fs::read(reading)).await {
        Ok(Ok(bytes)) => {
            let mut response = bytes.into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(&path)));
            // Vite names built assets by their hash, so they never change;
            // index.html must be fetched again to pick up a new build.
            let cache =
                if uri.path().starts_with("/assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
            headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
            response
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The file for a request path, never outside `root`.
fn file_path(root: &Path, request: &str) -> Option<PathBuf> {
    let relative = Path::new(request.trim_start_matches('/'));
    if !relative.components().all(|c| matches!(c, Component::Normal(_))) {
        return None; // `..`, a drive or an absolute path
    }
    let path = root.join(relative);
    Some(if request.ends_with('/') || relative.as_os_str().is_empty() { path.join("index.html") } else { path })
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::file_path;
    use std::path::Path;

    #[test]
    fn request_paths_stay_inside_the_ui_directory() {
        let root = Path::new("/srv/ui");
        assert_eq!(file_path(root, "/"), Some(root.join("index.html")));
        assert_eq!(file_path(root, "/assets/app-1a2b.js"), Some(root.join("assets/app-1a2b.js")));
        assert_eq!(file_path(root, "/../secret"), None);
        assert_eq!(file_path(root, "/assets/../../etc/passwd"), None);
    }
}
