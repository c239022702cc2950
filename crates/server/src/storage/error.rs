//! What went wrong in the storage, in its own terms: a kind, a stable code
//! and a message for people. The HTTP side maps it to a status once
//! (`crate::error`); database details are logged, never echoed.

use cd4mm_core::Code;
use cd4mm_core::admission::Refusal;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub code: Code,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request is not valid as sent.
    Invalid,
    /// Who asks is not known (or no longer).
    Unauthorised,
    /// Known, but not allowed.
    Forbidden,
    NotFound,
    /// It clashes with what is there.
    Conflict,
    TooLarge,
    /// Busy for now: the same request later will do.
    Unavailable,
    /// Our fault.
    Internal,
}

impl Error {
    pub fn new(kind: ErrorKind, code: Code, message: impl Into<String>) -> Error {
        Error { kind, code, message: message.into() }
    }

    pub fn invalid(code: Code, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Invalid, code, message)
    }

    pub fn unauthorised(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Unauthorised, Code::Unauthorised, message)
    }

    pub fn forbidden(code: Code, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Forbidden, code, message)
    }

    pub fn not_found(code: Code, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::NotFound, code, message)
    }

    pub fn conflict(code: Code, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Conflict, code, message)
    }

    pub fn too_large(code: Code, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::TooLarge, code, message)
    }

    /// Something broke on our side: log the detail, tell the client little.
    pub fn internal(detail: impl std::fmt::Display) -> Error {
        tracing::error!(%detail, "internal error");
        Error::new(ErrorKind::Internal, Code::Internal, "the server failed; try again later")
    }

    /// The rules every backend applies, worded once.
    pub fn no_user(username: &str) -> Error {
        Error::invalid(Code::NoUser, format!("there is no user `{username}`"))
    }

    pub fn no_workspace(id: &str) -> Error {
        Error::invalid(Code::NoWorkspace, format!("there is no workspace `{id}`"))
    }

    /// A unique name already taken (`what`: "user `ama`").
    pub fn exists(what: &str) -> Error {
        Error::conflict(Code::Exists, format!("{what} already exists"))
    }

    /// A refused change, as protocol 1 fails its whole round with it.
    pub fn refused(refusal: &Refusal) -> Error {
        let kind = match refusal.code {
            Code::NotAMember | Code::RoleForbids | Code::ForeignActor => ErrorKind::Forbidden,
            Code::DuplicateSeq | Code::ChangeElsewhere => ErrorKind::Conflict,
            _ => ErrorKind::Invalid,
        };
        Error::new(kind, refusal.code, refusal.message.clone())
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        Error::internal(e)
    }
}

/// A store the server keeps (demo seeding, browser sessions) failing is the
/// server's fault, not the client's.
impl From<cd4mm_store::StoreError> for Error {
    fn from(e: cd4mm_store::StoreError) -> Error {
        Error::internal(e)
    }
}
