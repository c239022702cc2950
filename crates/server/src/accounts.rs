//! Administration of people and places, written once for every backend and
//! for both ways in: the web UI (`administration.rs`) and the server's own
//! command line (`admin.rs`). Each action runs in one transaction with its
//! line in the audit log, so the log never says something happened that did
//! not, nor misses something that did.

use crate::auth::{self, Device};
use crate::storage::sql::{Row, Sql};
use crate::storage::{Error, Storage};
use cd4mm_core::administration::{
    AdminAction, AdminOverview, AuditAction, AuditLine, DeviceLine, MemberLine, UserLine, WorkspaceLine,
};
use cd4mm_core::{Code, Role, country};
use std::collections::HashMap;

/// Who the server's own commands act as, in the audit log.
pub const CONSOLE: &str = "console";

/// The longest user name and workspace id.
const MAX_NAME: usize = 64;
/// The longest workspace name.
const MAX_TITLE: usize = 200;
/// The most audit lines one page shows.
pub const AUDIT_PAGE: usize = 200;
/// The most devices the overview lists (newest first): ended browser
/// sessions are left out, so this is every device of a large region.
const DEVICES_SHOWN: i64 = 5000;

/// Do `action` as `by` (a user name, or [`CONSOLE`]) at `now_ms`; a sentence
/// saying what was done.
pub fn act<S: Storage + ?Sized>(db: &S, by: &str, action: &AdminAction, now_ms: i64) -> Result<String, Error> {
    // Argon2 is slow on purpose: hashed before the transaction, so the
    // database (SQLite's one connection) is not held meanwhile.
    let hash = match action {
        AdminAction::AddUser { username, password, .. } => {
            check_user_name(username)?;
            auth::check_new_password(username, password)?;
            Some(auth::hash_password(password)?)
        }
        AdminAction::ResetPassword { username, password } => {
            auth::check_new_password(username, password)?;
            Some(auth::hash_password(password)?)
        }
        _ => None,
    };
    in_transaction(db, |sql| {
        let (subject, detail, message) = apply(sql, by, action, hash.as_deref(), now_ms)?;
        audit(sql, now_ms, by, action.kind(), &subject, &detail)?;
        Ok(message)
    })
}

/// A device's owner ends one of their own devices or browser sessions.
pub fn revoke_own<S: Storage + ?Sized>(db: &S, owner: &Device, device_id: &str, now_ms: i64) -> Result<(), Error> {
    in_transaction(db, |sql| {
        let rows = sql.query(
            "UPDATE devices SET revoked_at = ?3 WHERE id = ?1 AND user_id = ?2 AND revoked_at IS NULL RETURNING name",
            &[device_id.into(), owner.user_id.into(), now_ms.into()],
        )?;
        let Some(row) = rows.first() else {
            return Err(no_device(device_id));
        };
        let detail = format!("{} ended by its owner", row[0].text());
        audit(sql, now_ms, &owner.username, AuditAction::RevokeOwnDevice, device_id, &detail)
    })
}

/// End a browser session (signing out is not an administrator's action:
/// not audited).
pub fn sign_out<S: Storage + ?Sized>(db: &S, session: &Device, now_ms: i64) -> Result<(), Error> {
    in_transaction(db, |sql| {
        sql.execute(
            "UPDATE devices SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            &[session.device_id.as_str().into(), now_ms.into()],
        )
        .map(drop)
    })
}

/// Everything the administration pages show.
pub fn overview<S: Storage + ?Sized>(db: &S) -> Result<AdminOverview, Error> {
    in_transaction(db, |sql| {
        // Grouped once, by key: a region's thousands of users and members
        // cost a pass each, not a pass per user.
        let mut coverage: HashMap<String, Vec<String>> = HashMap::new();
        for c in sql.query(
            "SELECT u.username, c.country FROM coverage c JOIN users u ON u.id = c.user_id ORDER BY c.country",
            &[],
        )? {
            coverage.entry(c[0].text().to_owned()).or_default().push(c[1].text().to_owned());
        }
        let users = sql
            .query("SELECT username, admin, disabled_at IS NOT NULL, created_at FROM users ORDER BY username", &[])?
            .into_iter()
            .map(|r| UserLine {
                coverage: coverage.remove(r[0].text()).unwrap_or_default(),
                username: r[0].text().to_owned(),
                admin: r[1].flag(),
                disabled: r[2].flag(),
                created_at: r[3].int().unwrap_or(0),
            })
            .collect();
        let mut members: HashMap<String, Vec<MemberLine>> = HashMap::new();
        for m in sql.query(
            "SELECT m.workspace_id, u.username, m.role FROM members m JOIN users u ON u.id = m.user_id
             ORDER BY u.username",
            &[],
        )? {
            members.entry(m[0].text().to_owned()).or_default().push(MemberLine {
                username: m[1].text().to_owned(),
                role: Role::parse(m[2].text()).unwrap_or(Role::Viewer),
            });
        }
        let workspaces = sql
            .query("SELECT id, name, country, created_at FROM workspaces ORDER BY name, id", &[])?
            .into_iter()
            .map(|r| WorkspaceLine {
                members: members.remove(r[0].text()).unwrap_or_default(),
                country_code: country::code(r[2].text()).map(str::to_owned),
                id: r[0].text().to_owned(),
                name: r[1].text().to_owned(),
                country: r[2].text().to_owned(),
                created_at: r[3].int().unwrap_or(0),
            })
            .collect();
        let devices = sql
            .query(
                "SELECT d.id, u.username, d.name, d.browser, d.created_at, d.last_seen_at, d.revoked_at IS NOT NULL
                 FROM devices d JOIN users u ON u.id = d.user_id
                 WHERE NOT (d.browser AND d.revoked_at IS NOT NULL)
                 ORDER BY d.created_at DESC, d.id LIMIT ?1",
                &[DEVICES_SHOWN.into()],
            )?
            .iter()
            .map(device_line)
            .collect();
        Ok(AdminOverview { users, workspaces, devices })
    })
}

/// The user behind each Automerge actor (every device and session ever),
/// to name who wrote what.
pub fn authors<S: Storage + ?Sized>(db: &S) -> Result<std::collections::HashMap<String, String>, Error> {
    in_transaction(db, |sql| {
        let rows = sql.query("SELECT d.actor, u.username FROM devices d JOIN users u ON u.id = d.user_id", &[])?;
        Ok(rows.into_iter().map(|r| (r[0].text().to_owned(), r[1].text().to_owned())).collect())
    })
}

/// The authors a user may see named: the user behind each actor of every
/// member of `workspaces` (those the user may read), so a desktop's history
/// and conflicts say who, as the browser's do; nobody else's names.
pub fn authors_in<S: Storage + ?Sized>(
    db: &S,
    workspaces: &[String],
) -> Result<std::collections::HashMap<String, String>, Error> {
    in_transaction(db, |sql| {
        let mut names = std::collections::HashMap::new();
        // One query per workspace (a user reads a handful), each reading only
        // its members' devices: the devices table grows with every sign-in.
        for workspace in workspaces {
            for row in sql.query(
                "SELECT d.actor, u.username FROM members m JOIN users u ON u.id = m.user_id
                 JOIN devices d ON d.user_id = u.id WHERE m.workspace_id = ?1",
                &[workspace.as_str().into()],
            )? {
                names.insert(row[0].text().to_owned(), row[1].text().to_owned());
            }
        }
        Ok(names)
    })
}

/// A user's open devices and browser sessions, newest first.
pub fn own_devices<S: Storage + ?Sized>(db: &S, owner: &Device) -> Result<Vec<DeviceLine>, Error> {
    in_transaction(db, |sql| {
        Ok(sql
            .query(
                "SELECT d.id, u.username, d.name, d.browser, d.created_at, d.last_seen_at, d.revoked_at IS NOT NULL
                 FROM devices d JOIN users u ON u.id = d.user_id
                 WHERE d.user_id = ?1 AND d.revoked_at IS NULL ORDER BY d.created_at DESC, d.id",
                &[owner.user_id.into()],
            )?
            .iter()
            .map(device_line)
            .collect())
    })
}

/// Up to `limit` lines of the audit log older than the line `before`
/// (`None`: the newest), newest first.
pub fn audit_log<S: Storage + ?Sized>(db: &S, before: Option<i64>, limit: usize) -> Result<Vec<AuditLine>, Error> {
    let limit = limit.clamp(1, AUDIT_PAGE) as i64;
    in_transaction(db, |sql| {
        Ok(sql
            .query(
                "SELECT id, at, by, action, subject, detail FROM audit WHERE id < ?1 ORDER BY id DESC LIMIT ?2",
                &[before.unwrap_or(i64::MAX).into(), limit.into()],
            )?
            .into_iter()
            .map(|r| AuditLine {
                id: r[0].int().unwrap_or(0),
                at: r[1].int().unwrap_or(0),
                by: r[2].text().to_owned(),
                action: AuditAction::parse(r[3].text()),
                subject: r[4].text().to_owned(),
                detail: r[5].text().to_owned(),
            })
            .collect())
    })
}

/// Write a line of the audit log for something done outside this module
/// (a new epoch).
pub fn note<S: Storage + ?Sized>(
    db: &S,
    by: &str,
    action: AuditAction,
    subject: &str,
    detail: &str,
    now_ms: i64,
) -> Result<(), Error> {
    in_transaction(db, |sql| audit(sql, now_ms, by, action, subject, detail))
}

fn audit(sql: &mut dyn Sql, at: i64, by: &str, action: AuditAction, subject: &str, detail: &str) -> Result<(), Error> {
    sql.execute(
        "INSERT INTO audit (at, by, action, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        &[at.into(), by.into(), action.code().into(), subject.into(), detail.into()],
    )?;
    Ok(())
}

/// `f` in one administration transaction of `db`: committed if it succeeds.
fn in_transaction<S: Storage + ?Sized, T: Send>(
    db: &S,
    f: impl FnOnce(&mut dyn Sql) -> Result<T, Error> + Send,
) -> Result<T, Error> {
    let mut f = Some(f);
    let mut out = None;
    db.administer(&mut |sql| {
        let f = f.take().ok_or_else(|| Error::internal("an administration transaction ran twice"))?;
        out = Some(f(sql)?);
        Ok(())
    })?;
    out.ok_or_else(|| Error::internal("an administration transaction did not run"))
}

/// The action's effect: (its subject, the audit's words, the sentence for
/// whoever did it).
fn apply(
    sql: &mut dyn Sql,
    by: &str,
    action: &AdminAction,
    hash: Option<&str>,
    now_ms: i64,
) -> Result<(String, String, String), Error> {
    let hash = || hash.ok_or_else(|| Error::internal("a password was not hashed"));
    if by != CONSOLE {
        // Checked again here: an administrator disabled (or demoted) since
        // their request was let in acts no more.
        let acting = sql.query("SELECT admin AND disabled_at IS NULL FROM users WHERE username = ?1", &[by.into()])?;
        if !acting.first().is_some_and(|r| r[0].flag()) {
            return Err(Error::forbidden(Code::NotAnAdmin, "only an active server administrator may do this"));
        }
    }
    Ok(match action {
        AdminAction::AddUser { username, admin, .. } => {
            // `Ama` beside `ama` would be two people to the server and one to everyone else.
            let taken =
                sql.query("SELECT username FROM users WHERE lower(username) = lower(?1)", &[username.as_str().into()])?;
            if let Some(row) = taken.first() {
                return Err(Error::exists(&format!("user `{}`", row[0].text())));
            }
            sql.execute(
                "INSERT INTO users (username, password_hash, admin, created_at) VALUES (?1, ?2, ?3, ?4)",
                &[username.as_str().into(), hash()?.into(), (*admin).into(), now_ms.into()],
            )?;
            let role = if *admin { " as an administrator" } else { "" };
            (username.clone(), format!("added{role}"), format!("user `{username}` added{role}"))
        }
        AdminAction::SetDisabled { username, disabled } => {
            let user = user_id(sql, username)?.ok_or_else(|| Error::no_user(username))?;
            if *disabled && username == by {
                return Err(Error::invalid(Code::Forbidden, "you cannot disable your own account"));
            }
            if *disabled {
                // Someone must be left to enable others: not the last active
                // administrator (checked here, in the transaction, so two
                // administrators cannot disable each other at once).
                let others = sql.query(
                    "SELECT count(*) FROM users WHERE admin AND disabled_at IS NULL AND id <> ?1",
                    &[user.into()],
                )?;
                let target_is_admin = sql
                    .query("SELECT admin FROM users WHERE id = ?1", &[user.into()])?
                    .first()
                    .is_some_and(|r| r[0].flag());
                if target_is_admin && others.first().and_then(|r| r[0].int()) == Some(0) {
                    return Err(Error::invalid(
                        Code::Forbidden,
                        "this is the last active administrator; make another administrator first",
                    ));
                }
            }
            if *disabled {
                sql.execute("UPDATE users SET disabled_at = ?2 WHERE id = ?1", &[user.into(), now_ms.into()])?;
                let revoked = revoke_all(sql, user, now_ms, false)?;
                (
                    username.clone(),
                    format!("disabled; {revoked} devices and sessions revoked"),
                    format!("`{username}` is disabled: {revoked} devices and sessions no longer work"),
                )
            } else {
                sql.execute("UPDATE users SET disabled_at = NULL WHERE id = ?1", &[user.into()])?;
                (
                    username.clone(),
                    "enabled".to_owned(),
                    format!("`{username}` is enabled: they can sign in and enrol devices again"),
                )
            }
        }
        AdminAction::ResetPassword { username, .. } => {
            let user = user_id(sql, username)?.ok_or_else(|| Error::no_user(username))?;
            sql.execute("UPDATE users SET password_hash = ?2 WHERE id = ?1", &[user.into(), hash()?.into()])?;
            let ended = revoke_all(sql, user, now_ms, true)?;
            (
                username.clone(),
                format!("password reset; {ended} browser sessions ended"),
                format!(
                    "`{username}`'s password is reset; their browser sessions ended (devices in the field keep syncing)"
                ),
            )
        }
        AdminAction::AddWorkspace { id, name, country } => {
            check_workspace_id(id)?;
            let (name, country) = (check_title(name)?, country_name(country)?);
            if workspace(sql, id)?.is_some() {
                return Err(Error::exists(&format!("workspace `{id}`")));
            }
            sql.execute(
                "INSERT INTO workspaces (id, name, country, created_at) VALUES (?1, ?2, ?3, ?4)",
                &[id.as_str().into(), name.into(), country.into(), now_ms.into()],
            )?;
            (id.clone(), format!("added: {name}, {}", or_none(country)), format!("workspace `{id}` added"))
        }
        AdminAction::ChangeWorkspace { id, name, country } => {
            let (name, country) = (check_title(name)?, country_name(country)?);
            let old = workspace(sql, id)?.ok_or_else(|| Error::no_workspace(id))?;
            sql.execute(
                "UPDATE workspaces SET name = ?2, country = ?3 WHERE id = ?1",
                &[id.as_str().into(), name.into(), country.into()],
            )?;
            let detail =
                format!("name: {} → {name}; country: {} → {}", old[0].text(), or_none(old[1].text()), or_none(country));
            (id.clone(), detail, format!("workspace `{id}` changed"))
        }
        AdminAction::SetMember { workspace: ws, username, role } => {
            let user = user_id(sql, username)?.ok_or_else(|| Error::no_user(username))?;
            workspace(sql, ws)?.ok_or_else(|| Error::no_workspace(ws))?;
            let before = sql.query(
                "SELECT role FROM members WHERE workspace_id = ?1 AND user_id = ?2",
                &[ws.as_str().into(), user.into()],
            )?;
            sql.execute(
                "INSERT INTO members (workspace_id, user_id, role) VALUES (?1, ?2, ?3)
                 ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = excluded.role",
                &[ws.as_str().into(), user.into(), role.code().into()],
            )?;
            let detail = match before.first() {
                Some(r) => format!("{username}: {} → {}", r[0].text(), role.code()),
                None => format!("{username} added as {}", role.code()),
            };
            (ws.clone(), detail, format!("`{username}` is now {} of `{ws}`", role.code()))
        }
        AdminAction::RemoveMember { workspace: ws, username } => {
            let user = user_id(sql, username)?.ok_or_else(|| Error::no_user(username))?;
            let removed = sql.query(
                "DELETE FROM members WHERE workspace_id = ?1 AND user_id = ?2 RETURNING role",
                &[ws.as_str().into(), user.into()],
            )?;
            let Some(role) = removed.first() else {
                return Err(Error::invalid(Code::NotAMember, format!("`{username}` is not a member of `{ws}`")));
            };
            (
                ws.clone(),
                format!("{username} removed (was {})", role[0].text()),
                format!("`{username}` is no longer a member of `{ws}`; what they wrote stays"),
            )
        }
        AdminAction::Cover { username, country } => {
            let user = user_id(sql, username)?.ok_or_else(|| Error::no_user(username))?;
            let country = country_name(country)?;
            if country.is_empty() {
                return Err(Error::invalid(Code::NoCountry, "name the country to cover"));
            }
            sql.execute(
                "INSERT INTO coverage (user_id, country) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                &[user.into(), country.into()],
            )?;
            (
                username.clone(),
                format!("covers {country}"),
                format!("`{username}` now reads every workspace in {country}"),
            )
        }
        AdminAction::Uncover { username, country } => {
            let user = user_id(sql, username)?.ok_or_else(|| Error::no_user(username))?;
            // By code or name, in any case; a name kept before the list was
            // enforced can go too.
            let listed = country::canonical(country).unwrap_or(country.trim());
            let n = sql.execute(
                "DELETE FROM coverage WHERE user_id = ?1 AND (lower(country) = lower(?2) OR lower(country) = lower(?3))",
                &[user.into(), country.trim().into(), listed.into()],
            )?;
            if n == 0 {
                return Err(Error::invalid(
                    Code::NotFound,
                    format!("`{username}`'s role did not cover {}", country.trim()),
                ));
            }
            (
                username.clone(),
                format!("no longer covers {}", country.trim()),
                format!("`{username}` no longer reads the workspaces in {} (unless a member)", country.trim()),
            )
        }
        AdminAction::RevokeDevice { device_id } => {
            let rows = sql.query(
                "SELECT d.name, u.username FROM devices d JOIN users u ON u.id = d.user_id
                 WHERE d.id = ?1 AND d.revoked_at IS NULL",
                &[device_id.as_str().into()],
            )?;
            let Some(row) = rows.first() else {
                return Err(no_device(device_id));
            };
            sql.execute(
                "UPDATE devices SET revoked_at = ?2 WHERE id = ?1",
                &[device_id.as_str().into(), now_ms.into()],
            )?;
            (
                device_id.clone(),
                format!("{}'s {} revoked", row[1].text(), row[0].text()),
                format!("device `{device_id}` revoked: its token no longer works"),
            )
        }
    })
}

/// Revoke a user's open devices and sessions (only the browser sessions if
/// `sessions_only`); how many.
fn revoke_all(sql: &mut dyn Sql, user: i64, now_ms: i64, sessions_only: bool) -> Result<u64, Error> {
    let filter = if sessions_only { " AND browser" } else { "" };
    sql.execute(
        &format!("UPDATE devices SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL{filter}"),
        &[user.into(), now_ms.into()],
    )
}

fn user_id(sql: &mut dyn Sql, username: &str) -> Result<Option<i64>, Error> {
    Ok(sql.query("SELECT id FROM users WHERE username = ?1", &[username.into()])?.first().and_then(|r| r[0].int()))
}

/// A workspace's (name, country).
fn workspace(sql: &mut dyn Sql, id: &str) -> Result<Option<Row>, Error> {
    Ok(sql.query("SELECT name, country FROM workspaces WHERE id = ?1", &[id.into()])?.into_iter().next())
}

fn device_line(r: &Row) -> DeviceLine {
    DeviceLine {
        device_id: r[0].text().to_owned(),
        username: r[1].text().to_owned(),
        name: r[2].text().to_owned(),
        browser: r[3].flag(),
        created_at: r[4].int().unwrap_or(0),
        last_seen_at: r[5].int().unwrap_or(0),
        revoked: r[6].flag(),
    }
}

fn no_device(device_id: &str) -> Error {
    Error::invalid(Code::NoDevice, format!("there is no active device `{device_id}`"))
}

/// A user name: 1 to 64 characters, no spaces at its ends, no control characters.
fn check_user_name(username: &str) -> Result<(), Error> {
    if username.trim().is_empty() {
        return Err(Error::invalid(Code::BadUser, "a user needs a name"));
    }
    if username.eq_ignore_ascii_case(CONSOLE) {
        return Err(Error::invalid(
            Code::BadUser,
            format!("`{CONSOLE}` names the server's own commands in the audit log"),
        ));
    }
    if username.trim() != username || username.chars().count() > MAX_NAME || username.chars().any(invisible) {
        return Err(Error::invalid(
            Code::BadUser,
            format!("a user name is 1 to {MAX_NAME} visible characters, without spaces at either end"),
        ));
    }
    Ok(())
}

/// A device's name, as its owner typed it, shown to administrators (and
/// printed in their terminal by `device list` and `audit`): one short line
/// of visible characters.
pub fn check_device_name(name: &str) -> Result<(), Error> {
    if name.trim().is_empty() || name.chars().count() > MAX_NAME || name.chars().any(invisible) {
        return Err(Error::invalid(
            Code::Invalid,
            format!("a device name is 1 to {MAX_NAME} visible characters on one line"),
        ));
    }
    Ok(())
}

/// Characters that show nothing, or change how what follows shows: control
/// characters, and the zero-width, joining and direction marks a look-alike
/// name or a forged terminal line would use.
fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}' | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}')
}

/// `text` safe to print in a terminal: what [`invisible`] matches becomes `�`
/// (names kept before these checks may hold anything).
pub fn printable(text: &str) -> String {
    text.chars().map(|c| if invisible(c) { '\u{FFFD}' } else { c }).collect()
}

/// A workspace id appears in addresses (`#/w/ghana-border`): a plain name.
fn check_workspace_id(id: &str) -> Result<(), Error> {
    let plain = !id.is_empty()
        && !id.bytes().all(|b| b == b'.')
        && id.len() <= MAX_NAME
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if plain {
        Ok(())
    } else {
        Err(Error::invalid(Code::BadId, format!("a workspace id is 1 to {MAX_NAME} letters, digits, `-`, `_` or `.`")))
    }
}

fn check_title(name: &str) -> Result<&str, Error> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_TITLE || name.chars().any(invisible) {
        return Err(Error::invalid(
            Code::Invalid,
            format!("a workspace name is 1 to {MAX_TITLE} characters on one line"),
        ));
    }
    Ok(name)
}

/// A country as the ISO list names it, from its code or name; empty stays
/// empty (a workspace with no country is in no regional officer's view).
fn country_name(input: &str) -> Result<&'static str, Error> {
    if input.trim().is_empty() {
        return Ok("");
    }
    country::canonical(input).ok_or_else(|| {
        Error::invalid(
            Code::NoCountry,
            format!(
                "`{}` is not a country of the ISO 3166 list; use its two-letter code or its English name",
                input.trim()
            ),
        )
    })
}

fn or_none(country: &str) -> &str {
    if country.is_empty() { "no country" } else { country }
}
