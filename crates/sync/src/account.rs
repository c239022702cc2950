//! The JSON of the account API a device signs in with (`POST /v1/enrol`,
//! `GET /v1/me`), defined once for the server that answers and the client
//! that asks.
//!
//! Like the sync wire, these reach devices of every age: add fields with
//! defaults, never rename one.

use cd4mm_core::Role;
use serde::{Deserialize, Deserializer, Serialize};

/// `POST /v1/enrol`: a device asks for its token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolRequest {
    pub username: String,
    pub password: String,
    /// Shown to the user and administrators among their devices.
    pub device_name: String,
    /// Hex id of the device's Automerge actor, which no other device may use.
    pub actor: String,
}

/// What enrolling a device gives back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Enrolment {
    pub device_id: String,
    /// `DEVICE_ID.SECRET`; shown once, stored only as a digest.
    pub token: String,
    pub username: String,
    pub admin: bool,
}

/// `GET /v1/me`: who this device signs in as, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub username: String,
    pub device_id: String,
    pub admin: bool,
    pub workspaces: Vec<Membership>,
}

/// A workspace a user belongs to, with their role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Membership {
    pub workspace: String,
    pub name: String,
    pub country: String,
    /// A role this build does not know (sent by a newer server) reads as a
    /// viewer's: nothing is offered that the server might refuse.
    #[serde(deserialize_with = "role_or_viewer")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "editor"))]
    pub role: Role,
}

fn role_or_viewer<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Role, D::Error> {
    let code = String::deserialize(deserializer)?;
    Ok(Role::parse(&code).unwrap_or(Role::Viewer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_from_a_newer_server_reads_as_a_viewer() {
        let json = r#"{"workspace":"w","name":"W","country":"GH","role":"auditor"}"#;
        assert_eq!(serde_json::from_str::<Membership>(json).expect("membership").role, Role::Viewer);
        let json = r#"{"workspace":"w","name":"W","country":"GH","role":"counterpart"}"#;
        assert_eq!(serde_json::from_str::<Membership>(json).expect("membership").role, Role::Counterpart);
    }
}
