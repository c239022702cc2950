//! # cd4mm-server — the regional sync server
//!
//! Devices that were offline for days send their changes and receive everyone
//! else's in one HTTP round trip (`POST /v1/sync`, see `cd4mm_sync::wire`).
//! Accounts, devices and per-workspace roles decide who may read and write
//! what; every request is checked (`access.rs`, `storage::check_change`).
//!
//! [`serve`] takes a listener and a shutdown future, so tests bind port 0 and
//! stop the server when they are done; the `cd4mm-server` binary is a thin
//! shell over it and over the admin commands in [`admin`].
//!
//! Routes: `GET /healthz`, `POST /v1/enrol`, `GET /v1/me`, `POST /v1/sync`,
//! `GET /v1/events` (Server-Sent Events: "workspace X has news"), and for
//! browser users the command API (`cd4mm_app`): `POST /api/login`,
//! `POST /api/command`, `POST /api/logout` (see `browser.rs`); the regional
//! dashboard, `GET /api/dashboard` (`regional.rs`); exports,
//! `GET /api/export/{file}` (`export.rs`); administration,
//! `/api/admin/…` and everyone's own `/api/devices` (`administration.rs`,
//! rules in `accounts.rs`); and the built
//! web UI at `/` when `--ui` names it (`web.rs`).

pub mod access;
pub mod accounts;
pub mod admin;
mod administration;
mod admit;
mod auth;
pub mod backup;
mod browser;
mod client_address;
mod connections;
pub mod demo;
mod error;
mod events;
mod export;
mod gate;
pub mod openapi;
mod regional;
mod round;
pub mod signin;
pub mod storage;
mod sync;
pub mod telemetry;
mod tls;
mod web;

pub use auth::Device;
pub use client_address::Network;
pub use error::ApiError;
pub use events::STREAMS_PER_DEVICE;
pub use storage::Storage;

use axum::Router;
use axum::routing::get;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::{broadcast, watch};

/// How the server runs. From the command line, `CD4MM_*` environment variables
/// or a TOML file; see `cd4mm-server --help`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Directory for the SQLite database (created if missing).
    pub data: PathBuf,
    /// `postgres://…` to use PostgreSQL instead of SQLite.
    pub database: Option<String>,
    /// The most connections this instance opens to PostgreSQL; requests
    /// beyond wait for one. `None`: a quarter of the database's
    /// `max_connections`, between 2 and 32 (room for a second instance and
    /// for the database's own tools).
    pub database_connections: Option<usize>,
    /// Directory of the built web UI, served at `/`; `None` serves only the API.
    pub ui: Option<PathBuf>,
    /// Largest request body accepted, in bytes (after decompression too).
    pub max_body_bytes: usize,
    /// Size at which a sync answer is capped (the device asks again).
    pub max_response_bytes: usize,
    /// A browser session unused this many seconds has ended.
    pub session_idle_secs: u64,
    /// A browser session this many seconds old has ended, used or not.
    pub session_max_secs: u64,
    /// Open browser sessions per user (signing in again ends the oldest).
    pub sessions_per_user: usize,
    /// The certificate authority (PEM) that signed PostgreSQL's certificate,
    /// besides the system's, for a `database` URL with `sslmode=require`.
    pub database_ca: Option<PathBuf>,
    /// HTTPS in the server itself: the certificate chain, PEM (with
    /// `tls_key`). Without both, plain HTTP (behind a TLS proxy).
    pub tls_cert: Option<PathBuf>,
    /// The certificate's private key, PEM.
    pub tls_key: Option<PathBuf>,
    /// Reverse proxies (addresses or networks, `10.0.0.0/8`) whose
    /// `X-Forwarded-For` names the client, for the sign-in limits; the
    /// header of anyone else is ignored.
    pub trusted_proxies: Vec<Network>,
}

impl Config {
    /// How long browser sessions live.
    pub fn session_rules(&self) -> storage::SessionRules {
        storage::SessionRules {
            idle_ms: (self.session_idle_secs.max(1) * 1000) as i64,
            max_ms: (self.session_max_secs.max(1) * 1000) as i64,
            per_user: self.sessions_per_user.max(1),
        }
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8640)),
            data: PathBuf::from("cd4mm-server-data"),
            database: None,
            database_connections: None,
            ui: None,
            max_body_bytes: 8 * 1024 * 1024,
            max_response_bytes: 4 * 1024 * 1024,
            session_idle_secs: 8 * 3600,
            session_max_secs: 7 * 24 * 3600,
            sessions_per_user: 10,
            tls_cert: None,
            tls_key: None,
            database_ca: None,
            trusted_proxies: Vec::new(),
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub(crate) db: Arc<dyn Storage>,
    pub(crate) config: Arc<Config>,
    /// Workspaces with news, for live subscribers.
    pub(crate) news: broadcast::Sender<String>,
    /// Becomes `true` when the server shuts down, to end live streams.
    pub(crate) closing: watch::Receiver<bool>,
    /// Whether this instance announces its own news (the storage does not).
    pub(crate) local_news: bool,
    /// Browser sessions' stores.
    pub(crate) sessions: Arc<browser::Sessions>,
    /// Wakes the task that refreshes the regional facts (`regional::refresher`).
    pub(crate) facts: Arc<tokio::sync::Notify>,
    /// Live news streams open per device.
    pub(crate) streams: Arc<events::Streams>,
    /// The web UI's files, compressed once.
    pub(crate) assets: Arc<web::Assets>,
    /// Sign-in attempts: rate limits, and password checks at once (one per
    /// core, taken before a blocking thread is, so a burst of sign-ins waits
    /// here instead of holding the threads every other request needs).
    pub(crate) signin: Arc<signin::SignIn>,
    /// Heavy work (judging, snapshots, exports): one per core and per user.
    pub(crate) gate: Arc<gate::Gate>,
}

impl AppState {
    /// After a sync round stored changes in these workspaces: tell live
    /// subscribers, and wake the regional facts task.
    pub(crate) fn announce(&self, news: &[String]) {
        if news.is_empty() {
            return;
        }
        self.facts.notify_one();
        if self.local_news {
            for workspace in news {
                // Nobody listening is fine.
                let _ = self.news.send(workspace.clone());
            }
        }
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("config", &self.config).finish_non_exhaustive()
    }
}

/// Open the storage the configuration names: PostgreSQL for a `postgres://`
/// URL, else SQLite in the data directory. Blocking: from async code, call it
/// inside `spawn_blocking`.
pub fn open_storage(config: &Config) -> Result<Arc<dyn Storage>, String> {
    if let Some(url) = &config.database {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(format!("`--database {}` is not a postgres:// URL", redact(url)));
        }
        let pg = storage::pg::Postgres::open(url, config.database_connections, config.database_ca.as_deref());
        return Ok(Arc::new(pg.map_err(|e| format!("{} ({})", e, redact(url)))?));
    }
    std::fs::create_dir_all(&config.data)
        .map_err(|e| format!("cannot create the data directory {}: {e}", config.data.display()))?;
    Ok(Arc::new(storage::sqlite::Sqlite::open(&config.data.join("cd4mm-server.sqlite3"))?))
}

/// A database URL without its password, for messages and logs.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://…@{}", &url[..scheme], &url[at + 1..]),
        _ => url.to_owned(),
    }
}

/// The HTTP routes over a storage, and the switch that ends live streams and
/// background tasks (send `true` before shutting down). Call from within a
/// Tokio runtime: it starts the regional facts task.
pub fn router(db: Arc<dyn Storage>, config: Config) -> (Router, watch::Sender<bool>) {
    telemetry::install();
    let (news, _) = broadcast::channel(1024);
    let (close, closing) = watch::channel(false);
    let local_news = !db.delivers_news(news.clone());
    let facts = regional::refresher(db.clone(), closing.clone());
    let sweep_every = config.session_rules().sweep_every();
    let signin = Arc::new(signin::SignIn::default());
    signin::sweeper(signin.clone(), closing.clone());
    let state = AppState {
        db,
        config: Arc::new(config),
        news,
        closing,
        local_news,
        sessions: Arc::default(),
        facts,
        streams: Arc::default(),
        assets: Arc::default(),
        signin: signin.clone(),
        gate: Arc::default(),
    };
    let sweeper_state = state.clone();
    // Each module owns its routes; the web UI answers every other GET.
    let router = web::with_security_headers(
        Router::new()
            .merge(sync::routes())
            .merge(events::routes())
            .merge(browser::routes())
            .merge(regional::routes())
            .merge(export::routes())
            .merge(administration::routes())
            .fallback(get(web::asset))
            .layer(axum::middleware::from_fn(error::framework_errors_as_json)),
    )
    .with_state(state);
    browser::sweeper(sweeper_state, sweep_every);
    (router, close)
}

/// Serve the storage it is given ([`open_storage`] opens the one a
/// configuration names) until `shutdown` resolves, then finish the requests
/// in flight (live news streams are ended first, so shutdown does not wait
/// on them). One storage per process: SQLite's is one connection.
pub async fn serve(
    db: Arc<dyn Storage>,
    config: Config,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let tls = match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => Some(tls::server_config(cert, key)?),
        (None, None) => None,
        _ => return Err("HTTPS needs both a certificate (tls_cert) and its private key (tls_key)".into()),
    };
    let probe = db.clone();
    let epoch =
        tokio::task::spawn_blocking(move || probe.epoch()).await.map_err(|e| e.to_string())?.map_err(|e| e.message)?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    tracing::info!(%addr, %epoch, scheme, "cd4mm-server listening");
    if !config.trusted_proxies.is_empty() {
        let proxies = config.trusted_proxies.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
        tracing::info!(trusted_proxies = %proxies, "the client is the address these proxies name in X-Forwarded-For");
    }
    let listener = connections::Guarded::new(listener, config.trusted_proxies.clone());
    let (app, close) = router(db, config);
    let shutdown = async move {
        shutdown.await;
        let _ = close.send(true);
    };
    // With each connection's address: sign-in limits count per address.
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    // `tap_io` lends a listener of our own axum's connection-address plumbing.
    use axum::serve::ListenerExt;
    match tls {
        Some(tls) => {
            let listener = tls::TlsListener::new(listener, tls).tap_io(|_| {});
            axum::serve(listener, app).with_graceful_shutdown(shutdown).await
        }
        None => axum::serve(listener.tap_io(|_| {}), app).with_graceful_shutdown(shutdown).await,
    }
    .map_err(|e| e.to_string())?;
    tracing::info!("cd4mm-server stopped");
    Ok(())
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}
