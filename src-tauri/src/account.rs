//! The sign-in this device keeps: which server, as whom, its device token and
//! the workspaces it may see. A small JSON file beside the store, written
//! atomically; absent means "local only".

use cd4mm_app::WorkspaceInfo;
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub server: String,
    pub username: String,
    /// The device token. Kept in the user's data directory, readable only by
    /// them; an OS keychain would be better (see the README's gaps).
    pub token: String,
    /// The memberships as the server last told them.
    pub workspaces: Vec<WorkspaceInfo>,
    /// A server administrator (files written before this was kept: no).
    #[serde(default)]
    pub admin: bool,
}

/// A membership as the server sends it (a role from a newer server already
/// reads as a viewer's: `cd4mm_sync::Membership`).
pub fn workspace_info(m: cd4mm_sync::Membership) -> WorkspaceInfo {
    WorkspaceInfo { role: m.role, id: m.workspace, name: m.name, country: m.country }
}

impl Account {
    pub fn load(path: &Path) -> std::io::Result<Option<Account>> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(std::io::Error::other),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let partial = path.with_extension("json.partial");
        std::fs::write(&partial, serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?)?;
        restrict(&partial)?;
        std::fs::rename(&partial, path)
    }

    pub fn forget(path: &Path) -> std::io::Result<()> {
        match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(unix)]
fn restrict(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn restrict(_path: &Path) -> std::io::Result<()> {
    Ok(())
}
