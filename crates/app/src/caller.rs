//! Who asks: what a shell knows of the person behind a command, and the
//! checks the command API makes with it. Both shells (the desktop window and
//! the server's browser sessions) fill a [`Caller`] and pass commands
//! through; neither answers a command itself.

use crate::commands::{AppError, Command, WorkspaceInfo, local_workspaces};
use cd4mm_core::Code;
use cd4mm_core::{Kind, Reach, Role};
use cd4mm_store::Store;
use std::collections::HashMap;

/// Names of the people behind Automerge actors (hex), asked only when a
/// history is read.
pub type Authors<'a> = &'a dyn Fn() -> Result<HashMap<String, String>, AppError>;

/// The caller's context.
pub struct Caller<'a> {
    /// Their workspaces and roles as the server last said; `None` on a device
    /// used without a server, where every workspace is the user's own.
    pub memberships: Option<Vec<WorkspaceInfo>>,
    /// A server administrator, who may write everything a role may not.
    pub admin: bool,
    pub authors: Authors<'a>,
}

fn nobody() -> Result<HashMap<String, String>, AppError> {
    Ok(HashMap::new())
}

impl Caller<'static> {
    /// A device used without a server.
    pub fn local() -> Caller<'static> {
        Caller { memberships: None, admin: false, authors: &nobody }
    }
}

impl Caller<'_> {
    /// The workspaces the caller may open: the server's memberships, and any
    /// workspace made on this device before signing in, so nothing typed
    /// offline disappears from view (its edits wait in the not-accepted list
    /// if the server refuses them).
    pub fn workspaces(&self, store: &Store) -> Result<Vec<WorkspaceInfo>, AppError> {
        let mut out = self.memberships.clone().unwrap_or_default();
        for local in local_workspaces(store)? {
            if !out.iter().any(|w| w.id == local.id) {
                out.push(local);
            }
        }
        Ok(out)
    }

    /// Refuse a write the caller's role does not allow before it touches the
    /// store: the server would refuse it, and a refused change would wait on
    /// the device until someone discards it.
    pub fn check(&self, store: &Store, command: &Command) -> Result<(), AppError> {
        let (workspace, kind) = match command {
            Command::CreateDocument { workspace, kind, .. } => (workspace.clone(), *kind),
            Command::StartNextRound { workspace, .. } => (workspace.clone(), Kind::Engagement),
            Command::EditDocument { id, .. }
            | Command::ValidateAssessment { id, .. }
            | Command::DesignAssessment { id, .. }
            | Command::RecordReassessment { monitoring: id, .. } => match store.summary(id)? {
                Some(d) => match Kind::from_code(&d.kind) {
                    Some(kind) => (d.workspace, kind),
                    None => return Ok(()), // the store refuses it
                },
                None => return Ok(()), // not found: the store says so
            },
            _ => return Ok(()),
        };
        let role = match &self.memberships {
            // Without a server, every workspace is the user's own.
            None => Some(Role::Owner),
            Some(_) => self.workspaces(store)?.into_iter().find(|w| w.id == workspace).map(|w| w.role),
        };
        // What the command changes: a field or item of the document, or
        // (creating one) all of it.
        let target = match command {
            Command::EditDocument { edit, .. } => edit.target(),
            Command::ValidateAssessment { .. } => "validation_record".to_owned(),
            Command::DesignAssessment { .. } => "template".to_owned(),
            Command::RecordReassessment { .. } => "measurements".to_owned(),
            _ => String::new(),
        };
        let part = target.split('/').next().unwrap_or_default();
        let allowed = match role {
            _ if self.admin => true,
            Some(r) if command_creates(command) => matches!(r.reach(kind), Reach::Whole),
            Some(r) => r.may_change(kind, &target),
            None => false,
        };
        if allowed {
            return Ok(());
        }
        Err(AppError {
            code: Code::Forbidden,
            message: match role {
                Some(r) if r.may_write(kind) && command_creates(command) => {
                    format!("your role ({}) may not start new {} documents", r.code(), kind.code())
                }
                Some(r) => r.refusal(kind, part),
                None => format!("you are not a member of workspace `{workspace}`"),
            },
            field: None,
        })
    }
}

impl std::fmt::Debug for Caller<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caller")
            .field("memberships", &self.memberships)
            .field("admin", &self.admin)
            .finish_non_exhaustive()
    }
}

fn command_creates(command: &Command) -> bool {
    matches!(command, Command::CreateDocument { .. } | Command::StartNextRound { .. })
}
