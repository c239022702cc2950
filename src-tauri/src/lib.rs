//! # cd4mm — the desktop shell
//!
//! A thin Tauri 2 layer: the window shows the UI (`ui/dist`), every command is
//! [`cd4mm_app::execute`] over the device's store, and a background task syncs
//! with the regional server whenever one is reachable ([`sync`]). The store
//! lives in the app's data directory, or in `CD4MM_DATA_DIR` when set (tests,
//! portable installs). Regional exports are saved in the user's Downloads
//! folder, or in `exports/` of that data directory, so a portable install
//! keeps everything in one place.
//!
//! The store is encrypted (`vault.rs`): with a key from the OS keychain, or a
//! passphrase the window asks for (`lock_state`, `unlock`) before anything
//! else is shown.

mod account;
mod commands;
pub mod sync;
mod vault;

use cd4mm_store::Store;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tauri::{Manager, Runtime};

pub use account::Account;
pub use sync::Desktop;

/// The store's file in a data directory.
pub fn store_path(data: &std::path::Path) -> PathBuf {
    data.join("cd4mm.sqlite3")
}

/// The app's commands and state on a builder of any runtime (the real one, or
/// `tauri::test::mock_builder()` in tests). `data` is where the store and the sign-in live; `None` is the
/// app's data directory (e.g. `~/.local/share/org.cd4mm.field`). Without
/// `keychain`, the store's key comes from a passphrase the window asks for.
pub fn app<R: Runtime>(builder: tauri::Builder<R>, data: Option<PathBuf>, keychain: bool) -> tauri::Builder<R> {
    builder
        .invoke_handler(tauri::generate_handler![
            commands::command,
            commands::sign_in,
            commands::sign_out,
            commands::sync_status,
            commands::sync_now,
            commands::regional,
            commands::save_export,
            commands::lock_state,
            commands::unlock,
            commands::account
        ])
        .setup(move |app| {
            let (data, exports) = match data.clone() {
                Some(dir) => (dir.clone(), dir.join("exports")),
                None => {
                    let data = app.path().app_data_dir()?;
                    let exports = exports_dir(app, &data)?;
                    (data, exports)
                }
            };
            app.manage(commands::Exports(exports));
            std::fs::create_dir_all(&data)?;
            let vault = vault::Vault::new(&data, store_path(&data), keychain);
            match vault.open()? {
                vault::Opening::Open(store) => {
                    app.manage(commands::Lock::open());
                    start(app.handle(), *store)?;
                }
                vault::Opening::NeedsPassphrase { first_time, why } => {
                    app.manage(commands::Lock::locked(vault, first_time, why, None));
                }
                vault::Opening::NeedsKeychain { why } => {
                    app.manage(commands::Lock::locked(vault, false, why.clone(), Some(why)));
                }
            }
            Ok(())
        })
}

/// Where regional exports are saved on a computer: the user's Downloads folder.
#[cfg(desktop)]
fn exports_dir<R: Runtime>(app: &tauri::App<R>, _data: &std::path::Path) -> tauri::Result<PathBuf> {
    let home = app.path().home_dir()?;
    Ok(app.path().download_dir().unwrap_or_else(|_| home.join("Downloads")))
}

/// On a phone there is no shared Downloads folder an app may write to
/// freely: the app's own documents folder (Android: its folder under
/// `Android/data`; iOS: its Documents, shown by the Files app when the
/// project allows file sharing), or `exports/` of the data directory.
#[cfg(mobile)]
fn exports_dir<R: Runtime>(app: &tauri::App<R>, data: &std::path::Path) -> tauri::Result<PathBuf> {
    Ok(app.path().document_dir().unwrap_or_else(|_| data.join("exports")))
}

/// Start the shell over the unlocked store: its commands' state and the sync task.
pub(crate) fn start<R: Runtime>(app: &tauri::AppHandle<R>, mut store: Store) -> Result<(), String> {
    store.install_toolbox().map_err(|e| e.to_string())?;
    let desktop = Arc::new(Desktop::new(Arc::new(Mutex::new(store)))?);
    app.manage(desktop.clone());
    sync::start(app.clone(), desktop);
    Ok(())
}

/// Run the app: the desktop binary's `main`, and the entry point the
/// Android and iOS projects call (see docs/mobile.md).
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    let data = std::env::var_os("CD4MM_DATA_DIR").map(PathBuf::from);
    // A passphrase instead of the keychain, on request; always on Android,
    // where the keyring crate has no keychain and falls back to memory: the
    // key would be gone at the next start, and the data with it.
    let keychain = !cfg!(target_os = "android") && std::env::var("CD4MM_KEYCHAIN").map_or(true, |v| v != "off");
    if let Err(e) = app(tauri::Builder::default(), data, keychain).run(tauri::generate_context!("../tauri.conf.json")) {
        eprintln!("cd4mm: {e}");
        std::process::exit(1);
    }
}
