//! The device side of sync: rounds of `POST /v1/sync` against the local store
//! until nothing is left to send or receive, with retries and backoff,
//! progress reports and cancellation; and the live news subscription.

use crate::account::{EnrolRequest, Enrolment, Me};
use crate::session::{self, Budget, MAX_ROUNDS};
use crate::wire::{self, ErrorBody, FrameError, SyncResponse};
use cd4mm_core::Code;
use cd4mm_store::{Store, StoreError};
use serde::Serialize;
use std::borrow::BorrowMut;
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::watch;

/// An HTTP client for regional servers, `http://` or `https://`. Servers
/// are trusted by the operating system's certificates, and by those of
/// `CD4MM_CA_FILE` (PEM) where an office runs its own certificate authority.
/// Every HTTP client of the app and its tests is made here: TLS needs its
/// cryptography (rustls's `ring`) chosen once per process first.
pub fn http_client() -> reqwest::Client {
    static PROVIDER: std::sync::Once = std::sync::Once::new();
    PROVIDER.call_once(|| {
        // Fails only if another provider was chosen first, which then serves.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    let mut builder = reqwest::Client::builder();
    if let Some(path) = std::env::var_os("CD4MM_CA_FILE") {
        match std::fs::read(&path).map(|pem| reqwest::Certificate::from_pem_bundle(&pem)) {
            Ok(Ok(certs)) => builder = builder.tls_certs_merge(certs),
            Ok(Err(e)) => eprintln!("cd4mm: CD4MM_CA_FILE {} is not PEM certificates: {e}", path.display()),
            Err(e) => eprintln!("cd4mm: cannot read CD4MM_CA_FILE {}: {e}", path.display()),
        }
    }
    builder.build().unwrap_or_else(|e| {
        eprintln!("cd4mm: the HTTP client could not be set up as asked ({e}); using the defaults");
        reqwest::Client::new()
    })
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The server refused the request; `code` is machine-readable.
    #[error("the server refused: {message}")]
    Refused { status: u16, code: Code, message: String },
    /// The server could not be reached, after retries.
    #[error("the server could not be reached ({0}); your edits are safe on this device and will be sent later")]
    Network(String),
    #[error("the server's answer could not be read: {0}")]
    Protocol(#[from] FrameError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("sync was cancelled")]
    Cancelled,
}

/// How often and how patiently to retry a round that failed on the way.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    pub attempts: u32,
    pub first_delay: Duration,
    pub max_delay: Duration,
    /// Time allowed for one request and its answer.
    pub timeout: Duration,
}

impl Default for Retry {
    fn default() -> Retry {
        Retry {
            attempts: 6,
            first_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
        }
    }
}

/// Where a sync stands, for a progress bar.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub rounds: u32,
    /// HTTP requests made, retries included.
    pub requests: u32,
    pub changes_sent: u64,
    /// Local changes the server refused: they wait for the user's decision.
    pub changes_refused: u64,
    /// Local changes that were waiting when the sync started.
    pub changes_to_send: u64,
    pub documents_received: u64,
    pub bytes_sent: u64,
    pub bytes_received: u64,
}

/// Run `f` on the store behind `store`'s lock, released when `f` returns.
fn locked<S: BorrowMut<Store>, R>(store: &Mutex<S>, f: impl FnOnce(&mut Store) -> R) -> Result<R, SyncError> {
    let mut guard = store.lock().map_err(|_| SyncError::Network("the local store is unavailable".into()))?;
    Ok(f((*guard).borrow_mut()))
}

/// A device's connection to one server.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
    pub retry: Retry,
}

async fn refused(response: reqwest::Response) -> SyncError {
    let status = response.status().as_u16();
    match response.json::<ErrorBody>().await {
        Ok(body) => SyncError::Refused { status, code: body.code, message: body.message },
        Err(_) => SyncError::Refused { status, code: Code::Unknown, message: format!("HTTP status {status}") },
    }
}

impl Client {
    pub fn new(base_url: &str, token: &str) -> Client {
        Client {
            http: http_client(),
            base: base_url.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            retry: Retry::default(),
        }
    }

    /// Enrol this device (its store's actor) with a user's password.
    pub async fn enrol(
        base_url: &str,
        username: &str,
        password: &str,
        device_name: &str,
        store: &Store,
    ) -> Result<Client, SyncError> {
        Client::enrol_as(base_url, username, password, device_name, &store.actor().to_hex_string()).await
    }

    /// [`Client::enrol`] with the store's actor (hex) given, so no store is
    /// borrowed while the request is in flight.
    pub async fn enrol_as(
        base_url: &str,
        username: &str,
        password: &str,
        device_name: &str,
        actor: &str,
    ) -> Result<Client, SyncError> {
        let base = base_url.trim_end_matches('/');
        let body = EnrolRequest {
            username: username.into(),
            password: password.into(),
            device_name: device_name.into(),
            actor: actor.into(),
        };
        let response = http_client()
            .post(format!("{base}/v1/enrol"))
            .json(&body)
            .send()
            .await
            .map_err(|e| SyncError::Network(e.to_string()))?;
        if !response.status().is_success() {
            return Err(refused(response).await);
        }
        let enrolment: Enrolment = response.json().await.map_err(|e| SyncError::Network(e.to_string()))?;
        Ok(Client::new(base, &enrolment.token))
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    /// `GET` a path as this device; a refusal becomes [`SyncError::Refused`].
    async fn get(&self, path: &str) -> Result<reqwest::Response, SyncError> {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(|e| SyncError::Network(e.to_string()))?;
        if !response.status().is_success() {
            return Err(refused(response).await);
        }
        Ok(response)
    }

    /// A file of the server's regional API as this device's user
    /// (docs/regional-api.md): `/api/dashboard?…` (JSON) or
    /// `/api/export/{file}?…`. Other paths are refused before any request.
    pub async fn regional(&self, path: &str) -> Result<Vec<u8>, SyncError> {
        if !(path.starts_with("/api/dashboard") || path.starts_with("/api/export/")) {
            return Err(SyncError::Refused {
                status: 400,
                code: Code::BadPath,
                message: format!("`{path}` is not part of the regional API"),
            });
        }
        let response = self.get(path).await?;
        let bytes = response.bytes().await.map_err(|e| SyncError::Network(e.to_string()))?;
        Ok(bytes.to_vec())
    }

    /// The server's account API as this device's user: administration
    /// (`/api/admin/overview`, `/api/admin/action`, `/api/admin/audit?…`)
    /// and the user's own devices (`/api/devices`, `/api/devices/revoke`);
    /// a GET without `body`, else a POST of it. Its JSON, as bytes. Other
    /// paths are refused before any request.
    pub async fn account(&self, path: &str, body: Option<&serde_json::Value>) -> Result<Vec<u8>, SyncError> {
        let route = path.split('?').next().unwrap_or_default();
        let allowed = match body {
            None => matches!(route, "/api/admin/overview" | "/api/admin/audit" | "/api/devices" | "/api/authors"),
            Some(_) => matches!(route, "/api/admin/action" | "/api/devices/revoke"),
        };
        if !allowed {
            return Err(SyncError::Refused {
                status: 400,
                code: Code::BadPath,
                message: format!("`{path}` is not part of the account API"),
            });
        }
        let response = match body {
            None => self.get(path).await?,
            Some(body) => {
                let response = self
                    .http
                    .post(format!("{}{path}", self.base))
                    .bearer_auth(&self.token)
                    .json(body)
                    .send()
                    .await
                    .map_err(|e| SyncError::Network(e.to_string()))?;
                if !response.status().is_success() {
                    return Err(refused(response).await);
                }
                response
            }
        };
        Ok(response.bytes().await.map_err(|e| SyncError::Network(e.to_string()))?.to_vec())
    }

    /// Tell the server this device's token is done with (`POST /api/logout`).
    pub async fn sign_out(&self) -> Result<(), SyncError> {
        let response = self
            .http
            .post(format!("{}/api/logout", self.base))
            .bearer_auth(&self.token)
            .timeout(self.retry.timeout)
            .send()
            .await
            .map_err(|e| SyncError::Network(e.to_string()))?;
        if !response.status().is_success() {
            return Err(refused(response).await);
        }
        Ok(())
    }

    /// Who this device is signed in as, and the workspaces it may see.
    pub async fn me(&self) -> Result<Me, SyncError> {
        let response = self.get("/v1/me").await?;
        response.json().await.map_err(|e| SyncError::Network(e.to_string()))
    }

    /// Sync `workspaces` until nothing is left: send every unacknowledged local
    /// change, receive everything new. An ordinary sync is one round trip.
    /// `cancel` set to `true` stops between and during requests; nothing is
    /// lost, the next sync continues.
    pub async fn sync(
        &self,
        store: &mut Store,
        workspaces: &[String],
        cancel: &mut watch::Receiver<bool>,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<Progress, SyncError> {
        self.sync_shared(&Mutex::new(store), workspaces, cancel, progress).await
    }

    /// [`Client::sync`] for a store others use meanwhile (the desktop app's
    /// commands): it is locked only to build a request and to take in the
    /// answer, never while waiting on the network.
    pub async fn sync_shared<S: BorrowMut<Store>>(
        &self,
        store: &Mutex<S>,
        workspaces: &[String],
        cancel: &mut watch::Receiver<bool>,
        progress: &mut (dyn FnMut(&Progress) + Send),
    ) -> Result<Progress, SyncError> {
        let mut p =
            Progress { changes_to_send: locked(store, |s| s.unacked_count_in(workspaces))??, ..Progress::default() };
        progress(&p);
        // What a round carries adapts to the link: halved after a cut,
        // doubled after a round arrives whole.
        let mut budget = Budget::default();
        while p.rounds < MAX_ROUNDS {
            if *cancel.borrow() {
                return Err(SyncError::Cancelled);
            }
            let (next, response) = match self.round(store, workspaces, &mut budget, cancel, &mut p).await {
                Err(SyncError::Refused { code: Code::CursorAhead, .. }) => {
                    // The server lost part of its log (restored backup, same epoch).
                    locked(store, |s| s.forget_sync_state())??;
                    p.rounds += 1;
                    continue;
                }
                other => other?,
            };
            p.rounds += 1;
            let absorbed = locked(store, |s| {
                let now = s.now_ms();
                let absorbed = session::absorb(s, &next, &response, now)?;
                if absorbed.new_epoch {
                    p.changes_to_send = s.unacked_count_in(workspaces)?;
                }
                Ok::<_, SyncError>(absorbed)
            })??;
            p.changes_refused += absorbed.refused;
            p.changes_sent += absorbed.acked;
            p.documents_received += absorbed.documents;
            progress(&p);
            if absorbed.finished {
                break;
            }
        }
        Ok(p)
    }

    /// One round with retries and exponential backoff. Each attempt is made
    /// anew within `budget`, which shrinks after a cut: a batch of changes
    /// too large for the link goes as smaller ones (the server keeps each
    /// change once, so what a lost answer acknowledged is acknowledged again
    /// at no cost).
    async fn round<S: BorrowMut<Store>>(
        &self,
        store: &Mutex<S>,
        workspaces: &[String],
        budget: &mut Budget,
        cancel: &mut watch::Receiver<bool>,
        p: &mut Progress,
    ) -> Result<(session::Round, SyncResponse), SyncError> {
        let mut delay = self.retry.first_delay;
        let mut last_error = String::new();
        for attempt in 0..self.retry.attempts.max(1) {
            if attempt > 0 {
                tokio::select! {
                    _ = tokio::time::sleep(delay) => {}
                    _ = cancel.changed() => return Err(SyncError::Cancelled),
                }
                delay = (delay * 2).min(self.retry.max_delay);
                budget.shrink();
            }
            let next = locked(store, |s| session::request(s, workspaces, *budget))??;
            let body = wire::compress(&wire::encode(&next.request));
            p.requests += 1;
            p.bytes_sent += body.len() as u64;
            let send = self
                .http
                .post(format!("{}/v1/sync", self.base))
                .bearer_auth(&self.token)
                .header(reqwest::header::CONTENT_TYPE, wire::CONTENT_TYPE)
                .header(reqwest::header::CONTENT_ENCODING, wire::ZSTD)
                .header(reqwest::header::ACCEPT_ENCODING, wire::ZSTD)
                .timeout(self.retry.timeout)
                .body(body)
                .send();
            let response = tokio::select! {
                r = send => r,
                _ = cancel.changed() => return Err(SyncError::Cancelled),
            };
            let response = match response {
                Ok(r) => r,
                Err(e) => {
                    last_error = e.to_string();
                    continue;
                }
            };
            let status = response.status();
            if status.is_server_error() || status.as_u16() == 429 {
                last_error = format!("HTTP status {status}");
                continue;
            }
            if !status.is_success() {
                return Err(refused(response).await);
            }
            let zstd = response
                .headers()
                .get(reqwest::header::CONTENT_ENCODING)
                .is_some_and(|v| v.as_bytes() == wire::ZSTD.as_bytes());
            let bytes = match response.bytes().await {
                Ok(b) => b,
                Err(e) => {
                    // Cut off mid-answer: ask again; the server keeps each change once.
                    last_error = e.to_string();
                    continue;
                }
            };
            p.bytes_received += bytes.len() as u64;
            let plain = if zstd { wire::decompress(&bytes, 512 * 1024 * 1024)? } else { bytes.to_vec() };
            budget.grow();
            return Ok((next, wire::decode(&plain)?));
        }
        Err(SyncError::Network(last_error))
    }

    /// Subscribe to live news: the returned stream yields the id of each
    /// workspace that changed on the server (`*`: maybe several).
    pub async fn subscribe(&self) -> Result<News, SyncError> {
        let response = self.get("/v1/events").await?;
        let mut news = News { response, buffer: String::new() };
        // Wait for the server's hello, so news sent from now on is not missed.
        match news.next_event().await {
            Some((event, _)) if event == "ready" => Ok(news),
            _ => Err(SyncError::Network("the news stream did not start".into())),
        }
    }
}

/// Live news from the server (Server-Sent Events).
#[derive(Debug)]
pub struct News {
    response: reqwest::Response,
    buffer: String,
}

impl News {
    /// The next workspace with news; `None` when the connection ends.
    pub async fn next(&mut self) -> Option<String> {
        loop {
            let (event, data) = self.next_event().await?;
            if event == "news" {
                return Some(data);
            }
        }
    }

    async fn next_event(&mut self) -> Option<(String, String)> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let (mut event, mut data) = (String::from("message"), String::new());
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        event = v.trim().to_owned();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data = v.trim().to_owned();
                    }
                }
                if block.lines().all(|l| l.starts_with(':') || l.is_empty()) {
                    continue; // keep-alive comment
                }
                return Some((event, data));
            }
            let chunk = self.response.chunk().await.ok()??;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}
