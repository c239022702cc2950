//! # cd4mm — the desktop shell
//!
//! A thin Tauri 2 layer: the window shows the UI (`ui/dist`), every command is
//! [`cd4mm_app::execute`] over the device's store, and a background task syncs
//! with the regional server whenever one is reachable ([`sync`]). The store
//! lives in the app's data directory, or in `CD4MM_DATA_DIR` when set (tests,
//! portable installs). Regional exports are saved in the user's Downloads
//! folder, or in `exports/` of that data directory, so a portable install
//! keeps everything in one place.

mod account;
mod commands;
pub mod sync;

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
/// app's data directory (e.g. `~/.local/share/org.cd4mm.field`).
pub fn app<R: Runtime>(builder: tauri::Builder<R>, data: Option<PathBuf>) -> tauri::Builder<R> {
    builder
        .invoke_handler(tauri::generate_handler![
            commands::command,
            commands::sign_in,
            commands::sign_out,
            commands::sync_status,
            commands::sync_now,
            commands::regional,
            commands::save_export
        ])
        .setup(move |app| {
            let (data, exports) = match data.clone() {
                Some(dir) => (dir.clone(), dir.join("exports")),
                None => {
                    let home = app.path().home_dir()?;
                    (app.path().app_data_dir()?, app.path().download_dir().unwrap_or_else(|_| home.join("Downloads")))
                }
            };
            app.manage(commands::Exports(exports));
            std::fs::create_dir_all(&data)?;
            let mut store = Store::open(&store_path(&data))?;
            store.install_toolbox()?;
            let desktop = Arc::new(Desktop::new(Arc::new(Mutex::new(store)), data.join("account.json"))?);
            app.manage(desktop.clone());
            sync::start(app.handle().clone(), desktop);
            Ok(())
        })
}

/// Run the desktop app.
pub fn run() {
    let data = std::env::var_os("CD4MM_DATA_DIR").map(PathBuf::from);
    if let Err(e) = app(tauri::Builder::default(), data).run(tauri::generate_context!("../tauri.conf.json")) {
        eprintln!("cd4mm: {e}");
        std::process::exit(1);
    }
}
