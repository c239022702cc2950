//! `cd4mm-server demo`: a demo workspace on this server, so a fresh install has
//! something to look at. The data is the store's demo engagement
//! (`cd4mm_store::demo`), written on a scratch device and sent through the
//! same sync round as any device's changes.

use crate::access::Role;
use crate::auth;
use crate::storage::Storage;
use cd4mm_store::Store;
use cd4mm_sync::session::{self, RoundFailure};

pub const WORKSPACE: &str = "ghana-border";
/// The demo accounts' password. Demo data only: never on a real server.
pub const PASSWORD: &str = "cd4mm-demo";

/// Create the demo accounts and workspace and fill it; the text to print.
pub fn seed(db: &dyn Storage) -> Result<String, String> {
    let fail = |e: crate::ApiError| e.message;
    let now = crate::now_ms();
    db.add_workspace(WORKSPACE, "Northern border crossings", "Ghana", now).map_err(fail)?;
    for (user, role, admin) in
        [("officer", Some(Role::Editor), false), ("counterpart", Some(Role::Counterpart), false), ("admin", None, true)]
    {
        db.add_user(user, PASSWORD, admin, now).map_err(fail)?;
        if let Some(role) = role {
            db.add_member(WORKSPACE, user, role).map_err(fail)?;
        }
    }

    let scratch = std::env::temp_dir().join(format!("cd4mm-demo-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    let result = (|| {
        let mut store = Store::open(&scratch.join("device.sqlite3")).map_err(|e| e.to_string())?;
        cd4mm_store::demo::seed(&mut store, WORKSPACE, cd4mm_store::demo::START_MS).map_err(|e| e.to_string())?;
        let enrolment =
            db.enrol("officer", PASSWORD, "demo data", &store.actor().to_hex_string(), now).map_err(fail)?;
        let secret = enrolment.token.split_once('.').map(|(_, s)| s).unwrap_or_default();
        let device = db.authenticate(&enrolment.device_id, &auth::token_digest(secret)).map_err(fail)?;
        session::sync_in_process::<crate::ApiError>(&mut store, &[WORKSPACE.to_owned()], now, |request| {
            db.sync(&device, request, 1024 * 1024, now).map(|o| o.response).map_err(RoundFailure::Failed)
        })
        .map_err(fail)?;
        Ok::<_, String>(())
    })();
    let _ = std::fs::remove_dir_all(&scratch);
    result?;
    Ok(format!(
        "demo workspace `{WORKSPACE}` ready; sign in as officer, counterpart or admin with the password `{PASSWORD}`"
    ))
}
