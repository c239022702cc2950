//! The window's commands: thin wrappers. The work is [`cd4mm_app::execute`]
//! and the sync task; errors reach the UI as `{code, message, field}`.
//!
//! Commands are `async` so Tauri runs them off the main thread; store work
//! runs on the blocking pool.

use crate::account::Account;
use crate::sync::Desktop;
use crate::vault::{MIN_PASSPHRASE_CHARS, Vault};
use cd4mm_app::{AppError, Caller, Command, LockState, Reply, SyncStatus};
use cd4mm_core::Code;
use cd4mm_sync::{Client, SyncError};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tauri::{AppHandle, Runtime, State};

fn error(code: Code, message: impl Into<String>) -> AppError {
    AppError::new(code, message)
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, AppError> + Send + 'static) -> Result<T, AppError> {
    tauri::async_runtime::spawn_blocking(f).await.map_err(|e| error(Code::Internal, e.to_string()))?
}

/// One command of the command API over this device's store, as the
/// signed-in user (or the device's own user, without a server).
#[tauri::command]
pub async fn command(desktop: State<'_, Arc<Desktop>>, command: Command) -> Result<Reply, AppError> {
    let desktop = desktop.inner().clone();
    blocking(move || {
        let account = desktop.account();
        let own = account.as_ref().map(|a| (desktop.store().actor().to_hex_string(), a.username.clone()));
        // The desktop knows one author by name: its own user.
        let authors = move || Ok(own.iter().cloned().collect());
        let caller = match &account {
            Some(a) => Caller { memberships: Some(a.workspaces.clone()), admin: a.admin, authors: &authors },
            None => Caller::local(),
        };
        let writes = command.writes();
        let reply = cd4mm_app::execute(&mut desktop.store(), &caller, command, now_ms())?;
        if writes {
            desktop.nudge();
        }
        Ok(reply)
    })
    .await
}

/// Sign this device in to a server (enrolling it), and start syncing.
#[tauri::command]
pub async fn sign_in(
    desktop: State<'_, Arc<Desktop>>,
    server: String,
    username: String,
    password: String,
) -> Result<SyncStatus, AppError> {
    let server = server.trim().trim_end_matches('/').to_owned();
    if !(server.starts_with("http://") || server.starts_with("https://")) {
        return Err(AppError {
            field: Some("server".into()),
            ..error(Code::Invalid, "the server address starts with https:// (or http:// on a local network)")
        });
    }
    let actor = desktop.store().actor().to_hex_string();
    let client = Client::enrol_as(&server, &username, &password, &device_name(), &actor).await.map_err(refusal)?;
    let me = client.me().await.map_err(refusal)?;
    let account = Account {
        server,
        username: me.username,
        token: client.token().to_owned(),
        admin: me.admin,
        workspaces: me.workspaces.into_iter().map(crate::account::workspace_info).collect(),
    };
    desktop.set_account(Some(account)).map_err(|e| error(Code::Storage, e))?;
    Ok(desktop.status())
}

/// Stop syncing and forget the sign-in. Edits not yet sent stay on the device
/// and go out after the next sign-in.
#[tauri::command]
pub async fn sign_out(desktop: State<'_, Arc<Desktop>>) -> Result<SyncStatus, AppError> {
    if let Some(account) = desktop.account() {
        // Tell the server the token is done with; offline, it simply expires unused.
        let _ = Client::new(&account.server, &account.token).sign_out().await;
    }
    desktop.set_account(None).map_err(|e| error(Code::Storage, e))?;
    Ok(desktop.status())
}

/// The lock of this device's data: open once unlocked (or opened with the
/// keychain's key at start).
#[derive(Debug)]
pub struct Lock(Mutex<Option<Locked>>);

#[derive(Debug)]
pub struct Locked {
    vault: Vault,
    first_time: bool,
    /// Why the keychain, which holds the key, did not answer (a passphrase
    /// cannot help then).
    keychain: Option<String>,
}

impl Lock {
    pub fn open() -> Lock {
        Lock(Mutex::new(None))
    }

    pub fn locked(vault: Vault, first_time: bool, why: String, keychain: Option<String>) -> Lock {
        eprintln!("cd4mm: this device's data is locked ({why})");
        Lock(Mutex::new(Some(Locked { vault, first_time, keychain })))
    }

    fn state(&self) -> LockState {
        let locked = self.0.lock().unwrap_or_else(|p| p.into_inner());
        LockState {
            locked: locked.is_some(),
            first_time: locked.as_ref().is_some_and(|l| l.first_time),
            min_chars: MIN_PASSPHRASE_CHARS as u32,
            keychain: locked.as_ref().and_then(|l| l.keychain.clone()),
        }
    }
}

/// Whether the window must ask for the passphrase before anything else.
#[tauri::command]
pub async fn lock_state(lock: State<'_, Lock>) -> Result<LockState, AppError> {
    Ok(lock.state())
}

/// Open this device's data with its passphrase (the first time: choose it).
/// A wrong one is refused in plain words and nothing changes.
#[tauri::command]
pub async fn unlock<R: Runtime>(
    app: AppHandle<R>,
    lock: State<'_, Lock>,
    passphrase: String,
) -> Result<LockState, AppError> {
    let (vault, first_time, keychain) = match &*lock.0.lock().unwrap_or_else(|p| p.into_inner()) {
        Some(l) => (l.vault.clone(), l.first_time, l.keychain.is_some()),
        None => return Ok(lock.state()),
    };
    if keychain {
        // Locked with the keychain's key: ask the keychain again.
        let opening = blocking(move || vault.open().map_err(AppError::from)).await?;
        let crate::vault::Opening::Open(store) = opening else {
            return Err(error(
                Code::Locked,
                "the system keychain still does not answer; unlock it (sign in to your desktop session) and try again",
            ));
        };
        let mut locked = lock.0.lock().unwrap_or_else(|p| p.into_inner());
        if locked.is_some() {
            crate::start(&app, *store).map_err(|e| error(Code::Storage, e))?;
            *locked = None;
        }
        drop(locked);
        return Ok(lock.state());
    }
    if first_time && passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(AppError {
            field: Some("passphrase".into()),
            ..error(
                Code::Invalid,
                format!("a passphrase has at least {MIN_PASSPHRASE_CHARS} characters; a few words make a good one"),
            )
        });
    }
    // Deriving the key takes about a second on purpose: off the main thread.
    let store = blocking(move || {
        vault.unlock(&passphrase).map_err(|e| match e {
            cd4mm_store::StoreError::WrongKey { .. } => AppError {
                field: Some("passphrase".into()),
                ..error(Code::WrongPassphrase, "that passphrase does not open this device's data; try again")
            },
            other => AppError::from(other),
        })
    })
    .await?;
    let mut locked = lock.0.lock().unwrap_or_else(|p| p.into_inner());
    if locked.is_some() {
        crate::start(&app, store).map_err(|e| error(Code::Storage, e))?;
        *locked = None;
    }
    drop(locked);
    Ok(lock.state())
}

#[tauri::command]
pub async fn sync_status(desktop: State<'_, Arc<Desktop>>) -> Result<SyncStatus, AppError> {
    let desktop = desktop.inner().clone();
    blocking(move || Ok(desktop.status())).await
}

/// Sync now rather than at the next occasion.
#[tauri::command]
pub async fn sync_now(desktop: State<'_, Arc<Desktop>>) -> Result<(), AppError> {
    desktop.nudge();
    Ok(())
}

/// Where exports are saved (see `crate::app`).
pub struct Exports(pub PathBuf);

/// The signed-in server's client, or a plain-words refusal.
fn client(desktop: &Desktop) -> Result<Client, AppError> {
    let account = desktop.account().ok_or_else(|| {
        error(Code::SignedOut, "the regional dashboard needs this computer to be signed in to a server")
    })?;
    Ok(Client::new(&account.server, &account.token))
}

/// A GET of the server's regional API (`/api/dashboard?…`), answered as raw
/// bytes (the server's JSON) so the UI reads it as the browser would.
#[tauri::command]
pub async fn regional(desktop: State<'_, Arc<Desktop>>, path: String) -> Result<tauri::ipc::Response, AppError> {
    let bytes = client(&desktop)?.regional(&path).await.map_err(refusal)?;
    Ok(tauri::ipc::Response::new(bytes))
}

/// The server's account API (administration, the user's own devices) as the
/// signed-in user: a GET of `path` without `body`, else a POST of it;
/// answered as the server's JSON bytes (`Client::account` allows only those
/// routes).
#[tauri::command]
pub async fn account(
    desktop: State<'_, Arc<Desktop>>,
    path: String,
    body: Option<serde_json::Value>,
) -> Result<tauri::ipc::Response, AppError> {
    let bytes = client(&desktop)?.account(&path, body.as_ref()).await.map_err(refusal)?;
    Ok(tauri::ipc::Response::new(bytes))
}

/// Fetch an export (`/api/export/{file}?…`) and save it as `file_name` in the
/// exports folder, never over an existing file; the path it was saved at.
#[tauri::command]
pub async fn save_export(
    desktop: State<'_, Arc<Desktop>>,
    exports: State<'_, Exports>,
    path: String,
    file_name: String,
) -> Result<String, AppError> {
    let name = Path::new(&file_name)
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| *n == file_name && !n.starts_with('.'))
        .ok_or_else(|| error(Code::Invalid, format!("`{file_name}` is not a file name")))?
        .to_owned();
    if !path.starts_with("/api/export/") {
        return Err(error(Code::Invalid, format!("`{path}` is not an export")));
    }
    let bytes = client(&desktop)?.regional(&path).await.map_err(refusal)?;
    let dir = exports.0.clone();
    blocking(move || {
        let saved = free_name(&dir, &name).map_err(|e| error(Code::Storage, e.to_string()))?;
        std::fs::write(&saved, bytes)
            .map_err(|e| error(Code::Storage, format!("could not save {}: {e}", saved.display())))?;
        Ok(saved.display().to_string())
    })
    .await
}

/// `dir/name`, or `dir/stem (2).ext` and so on when taken; creates `dir`.
fn free_name(dir: &Path, name: &str) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let (stem, ext) = name.rsplit_once('.').map_or((name, String::new()), |(s, e)| (s, format!(".{e}")));
    let mut candidate = dir.join(name);
    let mut n = 2;
    while candidate.exists() {
        candidate = dir.join(format!("{stem} ({n}){ext}"));
        n += 1;
    }
    Ok(candidate)
}

fn refusal(e: SyncError) -> AppError {
    match e {
        SyncError::Refused { status: 401, message, .. } => {
            AppError { field: Some("password".into()), ..error(Code::Unauthorised, message) }
        }
        SyncError::Refused { code, message, .. } => error(code, message),
        SyncError::Network(_) => error(Code::Offline, e.to_string()),
        other => error(Code::SyncFailed, other.to_string()),
    }
}

/// How administrators see this device: one short line (the server takes up
/// to 64 visible characters).
fn device_name() -> String {
    let host = std::env::var("HOSTNAME").ok().filter(|h| !h.is_empty());
    let name = format!("CD4MM Field desktop{}", host.map(|h| format!(" on {h}")).unwrap_or_default());
    name.chars().filter(|c| !c.is_control()).take(64).collect()
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}
