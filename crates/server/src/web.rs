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
    /// Held while a file is read and compressed: a burst of requests for a
    /// file not yet in memory waits for one compression instead of each
    /// making its own (150 at once took two cores for 70 s and 2.5 GB).
    compressing: Mutex<()>,
}

/// Larger text files are sent as they are: compressing 12 MB at the best
/// setting takes half a minute.
const MAX_COMPRESSED: usize = 4 * 1024 * 1024;

/// One file of the UI, ready to send.
#[derive(Debug)]
struct Served {
    /// What the disk said when it was read: a newer file is read again.
    stamp: (Option<SystemTime>, u64),
    /// Of the raw bytes, for the ETags.
    digest: String,
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

/// What every answer (the UI's files and the API's) tells the browser: run
/// only this server's scripts, never inline ones (the built UI has none);
/// styles from here (Svelte sets some inline); talk only to this server;
/// never be framed by another site (clickjacking); do not guess content
/// types; send no referrer elsewhere.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// The security headers of [`CONTENT_SECURITY_POLICY`]'s note, on every
/// answer of `router` that does not set its own.
pub fn with_security_headers<S: Clone + Send + Sync + 'static>(router: axum::Router<S>) -> axum::Router<S> {
    use tower_http::set_header::SetResponseHeaderLayer;
    let set = |name, value| SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value));
    router
        .layer(set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .layer(set(header::X_FRAME_OPTIONS, "DENY"))
        .layer(set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(set(header::REFERRER_POLICY, "no-referrer"))
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
    let (root, reading) = (root.clone(), path.clone());
    let Ok(Some(served)) = tokio::task::spawn_blocking(move || assets.get(&root, &reading)).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // Vite names built assets by their hash, so they never change;
    // index.html must be asked for again (a 304 when unchanged) to pick up
    // a new build.
    let cache = if uri.path().starts_with("/assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
    let (body, encoding) = match accepted(&headers) {
        Encoding::Brotli if served.brotli.is_some() => (served.brotli.clone(), Some("br")),
        Encoding::Brotli | Encoding::Gzip if served.gzip.is_some() => (served.gzip.clone(), Some("gzip")),
        _ => (None, None),
    };
    // Each encoding is its own representation, with its own tag.
    let etag = match encoding {
        Some(e) => format!("\"{}-{e}\"", served.digest),
        None => format!("\"{}\"", served.digest),
    };
    let mut out = HeaderMap::new();
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(tag) = HeaderValue::from_str(&etag) {
        out.insert(header::ETAG, tag);
    }
    out.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    out.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if headers.get(header::IF_NONE_MATCH).is_some_and(|tags| matches(tags, &etag)) {
        return (StatusCode::NOT_MODIFIED, out).into_response();
    }
    out.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(&path)));
    if let Some(encoding) = encoding {
        out.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    (out, body.unwrap_or_else(|| served.raw.clone())).into_response()
}

impl Assets {
    /// The file at `path` under `root`, from memory unless it changed on
    /// disk; `None` if there is no such file there. A link that leads out of
    /// `root` leads nowhere.
    fn get(&self, root: &Path, path: &Path) -> Option<Arc<Served>> {
        let real = std::fs::canonicalize(path).ok()?;
        if !real.starts_with(std::fs::canonicalize(root).ok()?) {
            return None;
        }
        let meta = std::fs::metadata(&real).ok().filter(|m| m.is_file())?;
        let stamp = (meta.modified().ok(), meta.len());
        let fresh = |files: &HashMap<PathBuf, Arc<Served>>| files.get(&real).filter(|s| s.stamp == stamp).cloned();
        if let Some(served) = fresh(&self.lock()) {
            return Some(served);
        }
        let _one = self.compressing.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(served) = fresh(&self.lock()) {
            return Some(served); // made while this request waited
        }
        let raw = std::fs::read(&real).ok()?;
        let compress = is_text(&real) && raw.len() <= MAX_COMPRESSED;
        let served = Arc::new(Served::new(stamp, raw, compress));
        self.lock().insert(real, served.clone());
        Some(served)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Arc<Served>>> {
        self.files.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Served {
    fn new(stamp: (Option<SystemTime>, u64), raw: Vec<u8>, text: bool) -> Served {
        use sha2::Digest;
        let digest = hex::encode(&sha2::Sha256::digest(&raw)[..12]);
        let smaller = |packed: Vec<u8>| (packed.len() < raw.len()).then(|| Bytes::from(packed));
        let (gzip, brotli) =
            if text { (gzip(&raw).and_then(smaller), brotli(&raw).and_then(smaller)) } else { (None, None) };
        Served { stamp, digest, raw: Bytes::from(raw), gzip, brotli }
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

/// The best encoding `Accept-Encoding` allows.
fn accepted(headers: &HeaderMap) -> Encoding {
    if allows(headers, "br") {
        Encoding::Brotli
    } else if allows(headers, "gzip") {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

/// Whether `Accept-Encoding` allows the content coding `name` (`q=0` refuses it).
pub(crate) fn allows(headers: &HeaderMap, name: &str) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(
        |part| {
            let mut pieces = part.split(';').map(str::trim);
            let coding = pieces.next().unwrap_or_default();
            let weight = pieces
                // `q` as `Q` too: parameter names are case-insensitive.
                .find_map(|p| p.get(..2).filter(|k| k.eq_ignore_ascii_case("q=")).map(|_| p[2..].trim()))
                .map(|q| q.parse::<f32>().unwrap_or(0.0))
                .unwrap_or(1.0);
            coding.eq_ignore_ascii_case(name) && weight > 0.0
        },
    )
}

/// Whether `If-None-Match` names this representation.
fn matches(tags: &HeaderValue, etag: &str) -> bool {
    let Ok(tags) = tags.to_str() else { return false };
    tags.split(',').map(str::trim).any(|t| t == "*" || t.trim_start_matches("W/") == etag)
}

fn is_text(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("html" | "js" | "mjs" | "css" | "json" | "map" | "svg" | "txt" | "webmanifest")
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
        // The installable web app's description (name, icons, start page).
        Some("webmanifest") => "application/manifest+json",
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
    use super::{Assets, file_path};
    use std::path::Path;
    use std::sync::Arc;

    #[test]
    fn a_burst_for_a_file_not_in_memory_compresses_it_once() {
        let root = tempfile::tempdir().expect("ui");
        let script: String = (0..20_000).map(|i| format!("const a{i} = {i};\n")).collect();
        std::fs::write(root.path().join("app.js"), &script).expect("write");
        let assets = Arc::new(Assets::default());
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (assets, root) = (assets.clone(), root.path().to_owned());
                std::thread::spawn(move || assets.get(&root, &root.join("app.js")).expect("served"))
            })
            .collect();
        let served: Vec<_> = threads.into_iter().map(|t| t.join().expect("thread")).collect();
        assert!(served.iter().all(|s| Arc::ptr_eq(s, &served[0])), "one compression shared by all");
        assert!(served[0].brotli.as_ref().is_some_and(|b| b.len() * 5 < script.len()));
    }

    #[cfg(unix)]
    #[test]
    fn a_link_out_of_the_ui_directory_leads_nowhere() {
        let outside = tempfile::tempdir().expect("outside");
        std::fs::write(outside.path().join("secret.sqlite3"), "the server's data").expect("secret");
        let root = tempfile::tempdir().expect("ui");
        std::os::unix::fs::symlink(outside.path(), root.path().join("linked")).expect("symlink");
        let assets = Assets::default();
        assert!(assets.get(root.path(), &root.path().join("linked/secret.sqlite3")).is_none());
        std::fs::write(root.path().join("index.html"), "<title>ok</title>").expect("index");
        assert!(assets.get(root.path(), &root.path().join("index.html")).is_some());
    }

    #[test]
    fn request_paths_stay_inside_the_ui_directory() {
        let root = Path::new("/srv/ui");
        assert_eq!(file_path(root, "/"), Some(root.join("index.html")));
        assert_eq!(file_path(root, "/assets/app-1a2b.js"), Some(root.join("assets/app-1a2b.js")));
        assert_eq!(file_path(root, "/../secret"), None);
        assert_eq!(file_path(root, "/assets/../../etc/passwd"), None);
    }
}
