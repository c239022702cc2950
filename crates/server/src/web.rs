//! The built web UI (`ui/dist`), for browser users: every path that is not an
//! API route is a file of that directory, and `/` is its `index.html`. The UI
//! routes with `#/…`, so no other path needs to fall back to the index.

use crate::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// The UI's files as served, each read and compressed once (gzip and
/// brotli): on a 64 kbit/s link the JavaScript alone took half a minute
/// uncompressed. A file changed on disk (a new build) is read again.
#[derive(Debug, Default)]
pub struct Assets {
    files: Mutex<HashMap<PathBuf, Arc<Served>>>,
}

/// One file of the UI, ready to send.
#[derive(Debug)]
struct Served {
    /// What the disk said when it was read: a newer file is read again.
    stamp: (Option<SystemTime>, u64),
    etag: HeaderValue,
    raw: Bytes,
    /// Only for text, and only where it saves bytes.
    gzip: Option<Bytes>,
    brotli: Option<Bytes>,
}

/// The encodings a browser accepts, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

/// `GET /…`: a file of the UI, or 404.
pub async fn asset(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    let Some(root) = &state.config.ui else {
        return (StatusCode::NOT_FOUND, "this server has no web UI (start it with --ui DIR)").into_response();
    };
    let Some(path) = file_path(root, uri.path()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let assets = state.assets.clone();
    let reading = path.clone();
    let Ok(Some(served)) = tokio::task::spawn_blocking(move || assets.get(&reading)).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // Vite names built assets by their hash, so they never change;
    // index.html must be asked for again (a 304 when unchanged) to pick up
    // a new build.
    let cache = if uri.path().starts_with("/assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
    let mut out = HeaderMap::new();
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    out.insert(header::ETAG, served.etag.clone());
    out.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    out.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if headers.get(header::IF_NONE_MATCH).is_some_and(|tags| matches(tags, &served.etag)) {
        return (StatusCode::NOT_MODIFIED, out).into_response();
    }
    out.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(&path)));
    let body = match accepted(&headers) {
        Encoding::Brotli if served.brotli.is_some() => {
            out.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
            served.brotli.clone()
        }
        Encoding::Brotli | Encoding::Gzip if served.gzip.is_some() => {
            out.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            served.gzip.clone()
        }
        _ => None,
    };
    (out, body.unwrap_or_else(|| served.raw.clone())).into_response()
}

impl Assets {
    /// The file at `path`, from memory unless it changed on disk; `None` if
    /// there is no such file.
    fn get(&self, path: &Path) -> Option<Arc<Served>> {
        let meta = std::fs::metadata(path).ok().filter(|m| m.is_file())?;
        let stamp = (meta.modified().ok(), meta.len());
        if let Some(served) = self.lock().get(path).filter(|s| s.stamp == stamp) {
            return Some(served.clone());
        }
        let raw = std::fs::read(path).ok()?;
        let served = Arc::new(Served::new(stamp, raw, is_text(path)));
        self.lock().insert(path.to_owned(), served.clone());
        Some(served)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Arc<Served>>> {
        self.files.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Served {
    fn new(stamp: (Option<SystemTime>, u64), raw: Vec<u8>, text: bool) -> Served {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(&raw);
        let etag = HeaderValue::from_str(&format!("\"{}\"", hex::encode(&digest[..12])))
            .unwrap_or_else(|_| HeaderValue::from_static("\"\""));
        let smaller = |packed: Vec<u8>| (packed.len() < raw.len()).then(|| Bytes::from(packed));
        let (gzip, brotli) =
            if text { (gzip(&raw).and_then(smaller), brotli(&raw).and_then(smaller)) } else { (None, None) };
        Served { stamp, etag, raw: Bytes::from(raw), gzip, brotli }
    }
}

fn gzip(raw: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(raw).ok()?;
    encoder.finish().ok()
}

fn brotli(raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
    brotli::BrotliCompress(&mut std::io::Cursor::new(raw), &mut out, &params).ok()?;
    Some(out)
}

/// The best encoding `Accept-Encoding` allows (`q=0` refuses one).
fn accepted(headers: &HeaderMap) -> Encoding {
    let mut best = Encoding::Identity;
    for value in headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()) {
        for part in value.split(',') {
            let mut pieces = part.split(';').map(str::trim);
            let name = pieces.next().unwrap_or_default();
            let weight = pieces
                .find_map(|p| p.strip_prefix("q=").map(|q| q.trim().parse::<f32>().unwrap_or(0.0)))
                .unwrap_or(1.0);
            if weight <= 0.0 {
                continue;
            }
            if name.eq_ignore_ascii_case("br") {
                best = Encoding::Brotli;
            } else if name.eq_ignore_ascii_case("gzip") && best == Encoding::Identity {
                best = Encoding::Gzip;
            }
        }
    }
    best
}

/// Whether `If-None-Match` names this version.
fn matches(tags: &HeaderValue, etag: &HeaderValue) -> bool {
    let Ok(tags) = tags.to_str() else { return false };
    let ours = etag.to_str().unwrap_or_default();
    tags.split(',').map(str::trim).any(|t| t == "*" || t.trim_start_matches("W/") == ours)
}

fn is_text(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("html" | "js" | "mjs" | "css" | "json" | "map" | "svg" | "txt")
    )
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
