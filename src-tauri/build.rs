//! The configuration lives at the repository root (`tauri.conf.json`, whose
//! `frontendDist` is `ui/dist`, so build the UI first). The app's commands are
//! declared so the capability file can allow exactly them.

fn main() {
    let commands = &[
        "command",
        "sign_in",
        "sign_out",
        "sync_status",
        "sync_now",
        "regional",
        "save_export",
        "lock_state",
        "unlock",
        "account",
    ];
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(commands));
    println!("cargo:rerun-if-changed=capabilities");
    tauri_build::try_build(attributes).expect("tauri build step (is ui/dist built? `npm --prefix ui run build`)");
}
