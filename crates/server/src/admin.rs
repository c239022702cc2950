//! Administration on the server's own machine: `cd4mm-server user add …`,
//! `workspace add …`, `member add …`, `region cover|uncover|list …`, `device list|revoke …`,
//! `epoch new`.

use crate::access::Role;
use crate::now_ms;
use crate::storage::Storage;

/// One admin command, as parsed by the binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    AddUser {
        username: String,
        password: String,
        admin: bool,
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
    NewEpoch,
    /// A demo workspace with demo accounts.
    Demo,
}

/// Run a command; the text to print on success, or a plain-language error.
pub fn run(db: &dyn Storage, command: Command) -> Result<String, String> {
    let fail = |e: crate::storage::Error| e.message;
    match command {
        Command::AddUser { username, password, admin } => {
            db.add_user(&username, &password, admin, now_ms()).map_err(fail)?;
            Ok(format!("user `{username}` added{}", if admin { " as an administrator" } else { "" }))
        }
        Command::AddWorkspace { id, name, country } => {
            db.add_workspace(&id, &name, &country, now_ms()).map_err(fail)?;
            Ok(format!("workspace `{id}` added"))
        }
        Command::AddMember { workspace, username, role } => {
            let parsed = Role::parse(&role).ok_or_else(|| {
                let all: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
                format!("`{role}` is not a role; use one of: {}", all.join(", "))
            })?;
            db.add_member(&workspace, &username, parsed).map_err(fail)?;
            Ok(format!("`{username}` is now {role} of `{workspace}`"))
        }
        Command::Cover { username, countries } => {
            let countries: Vec<&str> = countries.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect();
            if countries.is_empty() {
                return Err("name at least one country, as the workspaces spell it".to_owned());
            }
            for country in &countries {
                db.cover(&username, country).map_err(fail)?;
            }
            Ok(format!("`{username}` now reads every workspace in {}", countries.join(", ")))
        }
        Command::Uncover { username, countries } => {
            let mut out = Vec::new();
            for country in countries.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
                let removed = db.uncover(&username, country).map_err(fail)?;
                out.push(if removed {
                    format!("`{username}` no longer reads the workspaces in {country} (unless a member)")
                } else {
                    format!("`{username}`'s role did not cover {country}")
                });
            }
            Ok(out.join("\n"))
        }
        Command::ListCoverage => {
            let mut out = String::from("USER            COUNTRY\n");
            for (user, country) in db.coverage().map_err(fail)? {
                out.push_str(&format!("{user:<15} {country}\n"));
            }
            Ok(out.trim_end().to_owned())
        }
        Command::ListDevices => {
            let devices = db.devices().map_err(fail)?;
            let mut out = String::from("DEVICE            USER            NAME                  STATE\n");
            for d in devices {
                out.push_str(&format!(
                    "{:<17} {:<15} {:<21} {}\n",
                    d.device_id,
                    d.username,
                    d.name,
                    if d.revoked { "revoked" } else { "active" }
                ));
            }
            Ok(out.trim_end().to_owned())
        }
        Command::RevokeDevice { device_id } => {
            db.revoke_device(&device_id, now_ms()).map_err(fail)?;
            Ok(format!("device `{device_id}` revoked: its token no longer works"))
        }
        Command::Demo => crate::demo::seed(db),
        Command::NewEpoch => {
            let epoch = db.new_epoch().map_err(fail)?;
            Ok(format!("new epoch {epoch}: devices will send again what this server lacks"))
        }
    }
}
