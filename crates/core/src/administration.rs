//! The JSON of the server's administration pages (`/api/admin/…`), defined
//! once for the server that answers and the UI that asks (generated to
//! TypeScript). The rules themselves live on the server (`accounts.rs`).

use crate::Role;
use serde::{Deserialize, Serialize};

/// The fewest characters a new password has (the server also refuses the
/// user's own name, one character repeated and the most used passwords).
pub const MIN_PASSWORD_CHARS: usize = 10;

/// One thing an administrator does. Each is written to the audit log with
/// who did it and when (never a password).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AdminAction {
    AddUser {
        username: String,
        password: String,
        admin: bool,
    },
    /// A disabled user's devices and sessions are all revoked, and they can
    /// neither sign in nor enrol a device until enabled again.
    SetDisabled {
        username: String,
        disabled: bool,
    },
    /// A new password; the user's browser sessions end.
    ResetPassword {
        username: String,
        password: String,
    },
    /// `country`: an ISO 3166-1 code or name (see `crate::country`).
    AddWorkspace {
        id: String,
        name: String,
        country: String,
    },
    ChangeWorkspace {
        id: String,
        name: String,
        country: String,
    },
    /// Add a member, or change their role.
    SetMember {
        workspace: String,
        username: String,
        role: Role,
    },
    /// The member's devices stop receiving the workspace; what they wrote stays.
    RemoveMember {
        workspace: String,
        username: String,
    },
    /// A regional officer reads every workspace of a country, as a viewer.
    Cover {
        username: String,
        country: String,
    },
    Uncover {
        username: String,
        country: String,
    },
    RevokeDevice {
        device_id: String,
    },
}

impl AdminAction {
    /// What the audit log calls it.
    pub fn kind(&self) -> AuditAction {
        match self {
            AdminAction::AddUser { .. } => AuditAction::AddUser,
            AdminAction::SetDisabled { disabled: true, .. } => AuditAction::DisableUser,
            AdminAction::SetDisabled { disabled: false, .. } => AuditAction::EnableUser,
            AdminAction::ResetPassword { .. } => AuditAction::ResetPassword,
            AdminAction::AddWorkspace { .. } => AuditAction::AddWorkspace,
            AdminAction::ChangeWorkspace { .. } => AuditAction::ChangeWorkspace,
            AdminAction::SetMember { .. } => AuditAction::SetMember,
            AdminAction::RemoveMember { .. } => AuditAction::RemoveMember,
            AdminAction::Cover { .. } => AuditAction::Cover,
            AdminAction::Uncover { .. } => AuditAction::Uncover,
            AdminAction::RevokeDevice { .. } => AuditAction::RevokeDevice,
        }
    }
}

/// The kinds of line in the audit log.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    AddUser,
    DisableUser,
    EnableUser,
    ResetPassword,
    AddWorkspace,
    ChangeWorkspace,
    SetMember,
    RemoveMember,
    Cover,
    Uncover,
    RevokeDevice,
    /// A device's owner revoked it themselves.
    RevokeOwnDevice,
    NewEpoch,
    /// Written by a newer server.
    Other,
}

impl AuditAction {
    pub fn code(self) -> &'static str {
        match self {
            AuditAction::AddUser => "add_user",
            AuditAction::DisableUser => "disable_user",
            AuditAction::EnableUser => "enable_user",
            AuditAction::ResetPassword => "reset_password",
            AuditAction::AddWorkspace => "add_workspace",
            AuditAction::ChangeWorkspace => "change_workspace",
            AuditAction::SetMember => "set_member",
            AuditAction::RemoveMember => "remove_member",
            AuditAction::Cover => "cover",
            AuditAction::Uncover => "uncover",
            AuditAction::RevokeDevice => "revoke_device",
            AuditAction::RevokeOwnDevice => "revoke_own_device",
            AuditAction::NewEpoch => "new_epoch",
            AuditAction::Other => "other",
        }
    }

    pub fn parse(code: &str) -> AuditAction {
        serde_json::from_value(serde_json::Value::from(code)).unwrap_or(AuditAction::Other)
    }
}

/// `GET /api/admin/overview`: everything the administration pages show.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AdminOverview {
    pub users: Vec<UserLine>,
    pub workspaces: Vec<WorkspaceLine>,
    pub devices: Vec<DeviceLine>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserLine {
    pub username: String,
    pub admin: bool,
    pub disabled: bool,
    pub created_at: i64,
    /// Countries whose workspaces this user reads as a regional officer.
    pub coverage: Vec<String>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceLine {
    pub id: String,
    pub name: String,
    pub country: String,
    /// The country's ISO code; `None` for a name not in the list (set
    /// before the list was enforced): the page asks to correct it.
    pub country_code: Option<String>,
    pub created_at: i64,
    pub members: Vec<MemberLine>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberLine {
    pub username: String,
    pub role: Role,
}

/// A device (an installation) or a browser session.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceLine {
    pub device_id: String,
    pub username: String,
    pub name: String,
    pub browser: bool,
    pub created_at: i64,
    /// Its last sync or request, to the minute.
    pub last_seen_at: i64,
    pub revoked: bool,
}

/// `GET /api/admin/audit`: newest first.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLine {
    pub id: i64,
    pub at: i64,
    /// Who did it: a user name, or `console` for the server's own commands.
    pub by: String,
    pub action: AuditAction,
    /// The user, workspace or device it was done to.
    pub subject: String,
    /// What changed, in words (never a password).
    pub detail: String,
}

/// `POST /api/devices/revoke`: a user ends one of their own devices or sessions.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokeOwnDevice {
    pub device_id: String,
}
