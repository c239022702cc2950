//! The desktop's state and its background sync.
//!
//! One task syncs whenever there is reason to: right after sign-in, a moment
//! after a local edit (so a burst of typing goes in one request), when the
//! server announces news, and every few minutes regardless. It never holds the
//! store while waiting on the network ([`Client::sync_shared`]), so the UI
//! stays responsive on a slow link. Each change of state is sent to the window
//! as the `sync-status` event.

use crate::account::Account;
use cd4mm_app::{SyncState, SyncStatus};
use cd4mm_store::Store;
use cd4mm_sync::{Client, SyncError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tauri::{AppHandle, Emitter, Runtime};
use tokio::sync::{Notify, watch};

/// The event the window listens to.
pub const STATUS_EVENT: &str = "sync-status";
/// A quiet period after a local edit before syncing, to batch typing.
const AFTER_EDIT: Duration = Duration::from_millis(700);
/// How often to sync with nothing else happening.
const EVERY: Duration = Duration::from_secs(120);
/// How soon to try again while the server cannot be reached.
const WHILE_OFFLINE: Duration = Duration::from_secs(20);

/// What the window's commands and the sync task share.
#[derive(Debug)]
pub struct Desktop {
    pub store: Arc<Mutex<Store>>,
    account: Mutex<Option<Account>>,
    status: Mutex<SyncStatus>,
    /// Wakes the sync task.
    wake: Notify,
    /// Set when the account changes, to stop a sync in flight.
    cancel: watch::Sender<bool>,
}

impl Desktop {
    /// The shell over an open store, with the sign-in it keeps.
    pub fn new(store: Arc<Mutex<Store>>) -> Result<Desktop, String> {
        let account = Account::load(&store.lock().unwrap_or_else(|p| p.into_inner()))?;
        let status = SyncStatus {
            state: if account.is_some() { SyncState::Offline } else { SyncState::LocalOnly },
            server: account.as_ref().map(|a| a.server.clone()),
            user: account.as_ref().map(|a| a.username.clone()),
            unsent: 0,
            last_sync_ms: None,
            progress: None,
            message: None,
            admin: account.as_ref().is_some_and(|a| a.admin),
        };
        Ok(Desktop {
            store,
            account: Mutex::new(account),
            status: Mutex::new(status),
            wake: Notify::new(),
            cancel: watch::channel(false).0,
        })
    }

    pub fn store(&self) -> MutexGuard<'_, Store> {
        // A panic while holding the store leaves SQLite consistent (every write
        // is a transaction), so the poison flag carries no meaning here.
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn account(&self) -> Option<Account> {
        self.account.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Keep (or forget, with `None`) the sign-in, and sync at once.
    pub fn set_account(&self, account: Option<Account>) -> Result<(), String> {
        Account::save(account.as_ref(), &mut self.store())?;
        {
            let mut status = self.status.lock().unwrap_or_else(|p| p.into_inner());
            status.state = if account.is_some() { SyncState::Syncing } else { SyncState::LocalOnly };
            status.server = account.as_ref().map(|a| a.server.clone());
            status.user = account.as_ref().map(|a| a.username.clone());
            status.admin = account.as_ref().is_some_and(|a| a.admin);
            status.message = None;
        }
        *self.account.lock().unwrap_or_else(|p| p.into_inner()) = account;
        let _ = self.cancel.send(true);
        self.wake.notify_one();
        Ok(())
    }

    /// The status with a fresh count of unsent edits.
    pub fn status(&self) -> SyncStatus {
        let unsent = self.store().unacked_count().unwrap_or(0);
        let mut status = self.status.lock().unwrap_or_else(|p| p.into_inner());
        status.unsent = unsent;
        status.clone()
    }

    fn update(&self, change: impl FnOnce(&mut SyncStatus)) -> SyncStatus {
        {
            let mut status = self.status.lock().unwrap_or_else(|p| p.into_inner());
            change(&mut status);
        }
        self.status()
    }

    /// Sync soon: after a local edit, or when the user asks.
    pub fn nudge(&self) {
        self.wake.notify_one();
    }
}

/// Start the background sync (and the live-news listener) for the app.
pub fn start<R: Runtime>(app: AppHandle<R>, desktop: Arc<Desktop>) {
    let news = desktop.clone();
    tauri::async_runtime::spawn(async move { run(app, desktop).await });
    tauri::async_runtime::spawn(async move { listen(news).await });
}

async fn run<R: Runtime>(app: AppHandle<R>, desktop: Arc<Desktop>) {
    loop {
        let wait = match desktop.account() {
            None => {
                let status = desktop.update(|s| {
                    *s = SyncStatus { state: SyncState::LocalOnly, ..blank() };
                });
                let _ = app.emit(STATUS_EVENT, status);
                None
            }
            Some(account) => Some(sync_once(&app, &desktop, account).await),
        };
        let woken = desktop.wake.notified();
        match wait {
            None => woken.await,
            Some(after) => {
                tokio::select! {
                    _ = woken => tokio::time::sleep(AFTER_EDIT).await,
                    _ = tokio::time::sleep(after) => {}
                }
            }
        }
    }
}

fn blank() -> SyncStatus {
    SyncStatus {
        state: SyncState::LocalOnly,
        server: None,
        user: None,
        unsent: 0,
        last_sync_ms: None,
        progress: None,
        message: None,
        admin: false,
    }
}

/// One sync with the account's server; answers how long to wait before the next.
async fn sync_once<R: Runtime>(app: &AppHandle<R>, desktop: &Desktop, account: Account) -> Duration {
    let _ = desktop.cancel.send(false);
    let mut cancel = desktop.cancel.subscribe();
    let emit = |status: SyncStatus| {
        let _ = app.emit(STATUS_EVENT, status);
    };
    emit(desktop.update(|s| {
        s.state = SyncState::Syncing;
        s.server = Some(account.server.clone());
        s.user = Some(account.username.clone());
        s.admin = account.admin;
        s.progress = Some(0.0);
        s.message = None;
    }));
    let client = Client::new(&account.server, &account.token);
    // The memberships first: a workspace the user was just added to is synced
    // in this same round.
    let workspaces = match client.me().await {
        Ok(me) => {
            let mut account = account.clone();
            account.workspaces = me.workspaces.into_iter().map(crate::account::workspace_info).collect();
            if account.admin != me.admin {
                account.admin = me.admin;
                emit(desktop.update(|s| s.admin = me.admin));
            }
            if desktop.account().is_some_and(|a| a.token == account.token) {
                let _ = desktop.set_account_quietly(account.clone());
            }
            account.workspaces
        }
        Err(e) => return failed(desktop, &emit, e),
    };
    let ids: Vec<String> = workspaces.iter().map(|w| w.id.clone()).collect();
    let mut progress = |p: &cd4mm_sync::Progress| {
        let done = if p.changes_to_send == 0 { 0.5 } else { p.changes_sent as f64 / p.changes_to_send as f64 };
        emit(desktop.update(|s| s.progress = Some(done.clamp(0.0, 1.0))));
    };
    match client.sync_shared(&desktop.store, &ids, &mut cancel, &mut progress).await {
        Ok(_) => {
            emit(desktop.update(|s| {
                s.state = SyncState::Online;
                s.progress = None;
                s.last_sync_ms = Some(now_ms());
                s.message = None;
            }));
            EVERY
        }
        Err(e) => failed(desktop, &emit, e),
    }
}

fn failed(desktop: &Desktop, emit: &dyn Fn(SyncStatus), e: SyncError) -> Duration {
    let (state, message) = match &e {
        SyncError::Cancelled => (SyncState::Offline, None),
        SyncError::Network(_) => (SyncState::Offline, Some(e.to_string())),
        SyncError::Refused { status: 401, .. } => (
            SyncState::Error,
            Some("the server no longer accepts this device; sign in again (your edits are safe here)".into()),
        ),
        _ => (SyncState::Error, Some(e.to_string())),
    };
    emit(desktop.update(|s| {
        s.state = state;
        s.progress = None;
        s.message = message;
    }));
    if matches!(e, SyncError::Cancelled) { Duration::ZERO } else { WHILE_OFFLINE }
}

/// Wake the sync task whenever the server announces news for this user.
async fn listen(desktop: Arc<Desktop>) {
    loop {
        if let Some(account) = desktop.account() {
            let client = Client::new(&account.server, &account.token);
            if let Ok(mut news) = client.subscribe().await {
                while news.next().await.is_some() {
                    if desktop.account().is_none_or(|a| a.token != account.token) {
                        break; // signed out or in as someone else
                    }
                    desktop.nudge();
                }
            }
        }
        tokio::time::sleep(WHILE_OFFLINE).await;
    }
}

impl Desktop {
    /// Update the stored memberships without interrupting the sync in flight.
    fn set_account_quietly(&self, account: Account) -> Result<(), String> {
        Account::save(Some(&account), &mut self.store())?;
        *self.account.lock().unwrap_or_else(|p| p.into_inner()) = Some(account);
        Ok(())
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}
