//! The sign-in this device keeps: which server, as whom, its device token and
//! the workspaces it may see. Kept inside the store, so it is encrypted with
//! everything else (`vault.rs`); absent means "local only". Devices signed in
//! before kept it in `account.json` beside the store: it is moved in, and the
//! file deleted, on the first start.

use cd4mm_app::WorkspaceInfo;
use cd4mm_store::Store;
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub server: String,
    pub username: String,
    /// The device token.
    pub token: String,
    /// The memberships as the server last told them.
    pub workspaces: Vec<WorkspaceInfo>,
    /// A server administrator (sign-ins kept before this was: no).
    #[serde(default)]
    pub admin: bool,
}

/// A membership as the server sends it (a role from a newer server already
/// reads as a viewer's: `cd4mm_sync::Membership`).
pub fn workspace_info(m: cd4mm_sync::Membership) -> WorkspaceInfo {
    WorkspaceInfo { role: m.role, id: m.workspace, name: m.name, country: m.country }
}

/// The file older versions kept the sign-in in, in the clear.
pub const OLD_FILE: &str = "account.json";

impl Account {
    pub fn load(store: &Store) -> Result<Option<Account>, String> {
        match store.sign_in().map_err(|e| e.to_string())? {
            Some(json) => {
                serde_json::from_str(&json).map(Some).map_err(|e| format!("the sign-in kept is unreadable: {e}"))
            }
            None => Ok(None),
        }
    }

    /// Keep `account` (`None`: forget the sign-in).
    pub fn save(account: Option<&Account>, store: &mut Store) -> Result<(), String> {
        let json = account.map(serde_json::to_string).transpose().map_err(|e| e.to_string())?;
        store.set_sign_in(json.as_deref()).map_err(|e| e.to_string())
    }

    /// Move the sign-in from `account.json` in `data` into the store, then
    /// delete the file; nothing to do when there is none.
    pub fn move_in(data: &Path, store: &mut Store) -> Result<(), String> {
        let path = data.join(OLD_FILE);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e.to_string()),
        };
        // An unreadable file holds no sign-in worth keeping: signing in again gives one.
        if let Ok(account) = serde_json::from_slice::<Account>(&bytes) {
            Account::save(Some(&account), store)?;
        }
        std::fs::remove_file(&path).map_err(|e| e.to_string())
    }
}
