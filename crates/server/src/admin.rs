//! Administration on the server's own machine: `cd4mm-server user
//! add|disable|enable|password …`, `workspace add …`, `member add|remove …`,
//! `region cover|uncover|list …`, `device list|revoke …`, `audit`, `epoch
//! new`. The same actions as the web UI's (`crate::accounts`), audited as
//! the console's.

use crate::access::Role;
use crate::accounts::{self, CONSOLE};
use crate::now_ms;
use crate::storage::Storage;
use cd4mm_core::administration::{AdminAction, AuditAction};

/// One admin command, as parsed by the binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    AddUser {
        username: String,
        password: String,
        admin: bool,
    },
    /// Disable (every device revoked, no sign-in) or enable a user.
    SetDisabled {
        username: String,
        disabled: bool,
    },
    ResetPassword {
        username: String,
        password: String,
    },
    AddWorkspace {
        id: String,
        name: String,
        country: String,
    },
    AddMember {
        workspace: String,
        username: String,
        role: String,
    },
    RemoveMember {
        workspace: String,
        username: String,
    },
    /// A regional officer: `username` reads every workspace of these countries.
    Cover {
        username: String,
        countries: Vec<String>,
    },
    Uncover {
        username: String,
        countries: Vec<String>,
    },
    ListCoverage,
    ListDevices,
    RevokeDevice {
        device_id: String,
    },
    /// The newest lines of the audit log.
    Audit,
    NewEpoch,
    /// A demo workspace with demo accounts.
    Demo,
}

/// Run a command; the text to print on success, or a plain-language error.
pub fn run(db: &dyn Storage, command: Command) -> Result<String, String> {
    let fail = |e: crate::storage::Error| e.message;
    let act = |action: AdminAction| accounts::act(db, CONSOLE, &action, now_ms()).map_err(fail);
    match command {
        Command::AddUser { username, password, admin } => act(AdminAction::AddUser { username, password, admin }),
        Command::SetDisabled { username, disabled } => act(AdminAction::SetDisabled { username, disabled }),
        Command::ResetPassword { username, password } => act(AdminAction::ResetPassword { username, password }),
        Command::AddWorkspace { id, name, country } => act(AdminAction::AddWorkspace { id, name, country }),
        Command::AddMember { workspace, username, role } => {
            let role = Role::parse(&role).ok_or_else(|| {
                let all: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
                format!("`{role}` is not a role; use one of: {}", all.join(", "))
            })?;
            act(AdminAction::SetMember { workspace, username, role })
        }
        Command::RemoveMember { workspace, username } => act(AdminAction::RemoveMember { workspace, username }),
        Command::Cover { username, countries } => {
            let countries: Vec<&str> = countries.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect();
            if countries.is_empty() {
                return Err("name at least one country, by its ISO code or English name".to_owned());
            }
            let mut out = Vec::new();
            for country in countries {
                out.push(act(AdminAction::Cover { username: username.clone(), country: country.to_owned() })?);
            }
            Ok(out.join("\n"))
        }
        Command::Uncover { username, countries } => {
            let mut out = Vec::new();
            for country in countries.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
                let action = AdminAction::Uncover { username: username.clone(), country: country.to_owned() };
                out.push(accounts::act(db, CONSOLE, &action, now_ms()).unwrap_or_else(|e| e.message));
            }
            Ok(out.join("\n"))
        }
        Command::ListCoverage => {
            let mut out = String::from("USER            COUNTRY\n");
            for user in accounts::overview(db).map_err(fail)?.users {
                for country in &user.coverage {
                    out.push_str(&format!(
                        "{:<15} {}\n",
                        accounts::printable(&user.username),
                        accounts::printable(country)
                    ));
                }
            }
            Ok(out.trim_end().to_owned())
        }
        Command::ListDevices => {
            let mut out = String::from("DEVICE            USER            NAME                  STATE\n");
            let mut devices = accounts::overview(db).map_err(fail)?.devices;
            devices.sort_by(|a, b| a.username.cmp(&b.username).then(a.created_at.cmp(&b.created_at)));
            for d in devices {
                out.push_str(&format!(
                    "{:<17} {:<15} {:<21} {}\n",
                    d.device_id,
                    accounts::printable(&d.username),
                    accounts::printable(&d.name),
                    if d.revoked { "revoked" } else { "active" }
                ));
            }
            Ok(out.trim_end().to_owned())
        }
        Command::RevokeDevice { device_id } => act(AdminAction::RevokeDevice { device_id }),
        Command::Audit => {
            let mut out = String::from("WHEN (UTC, ms)   BY              ACTION            SUBJECT           DETAIL\n");
            for line in accounts::audit_log(db, None, 50).map_err(fail)?.into_iter().rev() {
                out.push_str(&format!(
                    "{:<16} {:<15} {:<17} {:<17} {}\n",
                    line.at,
                    accounts::printable(&line.by),
                    line.action.code(),
                    accounts::printable(&line.subject),
                    accounts::printable(&line.detail)
                ));
            }
            Ok(out.trim_end().to_owned())
        }
        Command::Demo => crate::demo::seed(db),
        Command::NewEpoch => {
            let epoch = db.new_epoch().map_err(fail)?;
            accounts::note(
                db,
                CONSOLE,
                AuditAction::NewEpoch,
                &epoch,
                "devices send again what the server lacks",
                now_ms(),
            )
            .map_err(fail)?;
            Ok(format!("new epoch {epoch}: devices will send again what this server lacks"))
        }
    }
}
