//! Backups that restore: `cd4mm-server backup FILE` while the server runs,
//! `cd4mm-server restore FILE` while it is stopped (then a new epoch, so every
//! device sends again what the backup lacks). See docs/operations.md.
//!
//! SQLite: `VACUUM INTO`, one read transaction, so the copy is consistent
//! while devices keep syncing (WAL lets the server write meanwhile), checked
//! with `PRAGMA integrity_check` before it is called a backup. PostgreSQL:
//! `pg_dump --format=custom` and `pg_restore --clean`, PostgreSQL's own tools,
//! found on the PATH.

use crate::Config;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The server's SQLite database in `data`.
pub fn sqlite_path(data: &Path) -> PathBuf {
    data.join("cd4mm-server.sqlite3")
}

/// Write a consistent copy of the server's database to `file` (never over an
/// existing file). Answers what was written, for the person running it.
pub fn backup(config: &Config, file: &Path) -> Result<String, String> {
    // `symlink_metadata`: a link, even one pointing nowhere, is not a new file.
    if file.symlink_metadata().is_ok() {
        return Err(format!("{} exists already: choose a new file name (a backup never overwrites)", file.display()));
    }
    if file.as_os_str().as_encoded_bytes().ends_with(b"/") {
        return Err(format!("{} names a folder: give the backup file's own name", file.display()));
    }
    // An absolute path: SQLite would read a name starting with `file:` as a
    // URI (an in-memory database, say), and report a backup that is nowhere.
    let file = &std::path::absolute(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let folder = file
        .parent()
        .filter(|f| f.is_dir())
        .ok_or_else(|| format!("{} is in no existing folder: create the folder first", file.display()))?;
    let source = sqlite_path(&config.data);
    if config.database.is_none() {
        if !source.exists() {
            return Err(format!("no database at {}: is --data right?", source.display()));
        }
        // Beside the database, a name SQLite keeps for itself (its `-wal`,
        // `-journal`…) would be taken for one of its files and deleted. The
        // folders are compared as they really are (through `..` and links).
        let same_folder = folder.canonicalize().ok() == config.data.canonicalize().ok();
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        if same_folder && name.starts_with("cd4mm-server.") {
            return Err(format!("{} is a name the server keeps for its own files: choose another", file.display()));
        }
    }
    // Written first into a folder of its own beside the destination (only
    // this user may enter it, so nobody can swap what is written there),
    // readable by its owner only since a backup holds the accounts' password
    // hashes, and then given its name.
    use std::os::unix::fs::PermissionsExt;
    let scratch = tempfile::Builder::new()
        .prefix(".cd4mm-backup-")
        // 0700 whatever the umask (which only takes bits away).
        .permissions(std::fs::Permissions::from_mode(0o700))
        .tempdir_in(folder)
        .map_err(|e| format!("cannot write in {}: {e}", folder.display()))?;
    let written = scratch.path().join("backup");
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&written)
        .map_err(|e| format!("cannot write in {}: {e}", folder.display()))?;
    let what = match &config.database {
        Some(url) => {
            pg_tool("pg_dump", &["--format=custom", "--no-owner", "--file", &path_text(&written)?, url])?;
            "PostgreSQL database"
        }
        None => {
            vacuum_into(&source, &written)?;
            "database"
        }
    };
    name_it(&written, file)?;
    let restores = if config.database.is_none() { "; it restores with `cd4mm-server restore FILE`" } else { "" };
    Ok(format!("{what} saved to {} ({}){restores}", file.display(), size(file)))
}

/// Give the finished backup `written` the name `file`, never over anything
/// found there: a hard link (`link` neither follows a link put at the name
/// nor replaces a file) or, where the file system has none (a USB stick's
/// FAT), a new file (`O_EXCL`) the backup is copied into through its handle.
fn name_it(written: &Path, file: &Path) -> Result<(), String> {
    let exists = || format!("{} exists already: choose a new file name (a backup never overwrites)", file.display());
    match std::fs::hard_link(written, file) {
        Ok(()) => return Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(exists()),
        Err(_) => {}
    }
    let mut copy =
        std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(file).map_err(|e| {
            match e.kind() {
                std::io::ErrorKind::AlreadyExists => exists(),
                _ => format!("cannot create {}: {e}", file.display()),
            }
        })?;
    let mut from = std::fs::File::open(written).map_err(|e| e.to_string())?;
    std::io::copy(&mut from, &mut copy)
        .and_then(|_| copy.sync_all())
        .map_err(|e| format!("cannot write {}: {e} (a part may be left there: delete it)", file.display()))
}

/// SQLite's consistent copy of `source` into the new, empty `file`, checked.
fn vacuum_into(source: &Path, file: &Path) -> Result<(), String> {
    let conn = rusqlite::Connection::open_with_flags(source, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| format!("cannot open {}: {e}", source.display()))?;
    // The server may be writing: wait for its transaction rather than fail.
    conn.busy_timeout(std::time::Duration::from_secs(30)).map_err(|e| e.to_string())?;
    conn.execute("VACUUM INTO ?1", [path_text(file)?]).map_err(|e| format!("the backup failed: {e}"))?;
    check_ours(file)
}

/// Put a backup in place of the database (the server must be stopped), then
/// start a new epoch so that every device sends again what the backup lacks.
pub fn restore(config: &Config, file: &Path) -> Result<String, String> {
    if !file.is_file() {
        return Err(format!("no backup at {}", file.display()));
    }
    // As it really is: through a link, SQLite reads the log beside the
    // file the link names, so that is the log to look for.
    let file = &file.canonicalize().map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    // A database some program has open (a copy of a live server's file, say)
    // keeps its latest writes in the log beside it, which a copy of the file
    // alone would lose.
    if std::fs::metadata(side(file, "-wal")).is_ok_and(|m| m.len() > 0) {
        return Err(format!(
            "{} has a write-ahead log beside it ({}-wal): it is a database in use, not a backup; \
             make one with `cd4mm-server backup FILE`",
            file.display(),
            file.file_name().unwrap_or_default().to_string_lossy()
        ));
    }
    let mut kept = None;
    if let Some(url) = &config.database {
        pg_tool(
            "pg_restore",
            &["--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname", url, &path_text(file)?],
        )?;
    } else {
        check_ours(file)?;
        std::fs::create_dir_all(&config.data).map_err(|e| format!("cannot create {}: {e}", config.data.display()))?;
        // A running server would go on writing to the database it has open,
        // and everything it wrote after the restore would be lost unseen.
        let _serving = serving_lock(&config.data)
            .map_err(|_| "the server is running on this data directory: stop it first, then restore".to_owned())?;
        let target = sqlite_path(&config.data);
        // The copy goes beside the database and is renamed over it: a full
        // disk leaves the old database whole. The old one is kept aside
        // (with its write-ahead log, should a crash have left one).
        let incoming = target.with_extension("sqlite3.restoring");
        // A log left by an earlier restore cut short would be read into this one.
        let clear = || {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let leftover = side(&incoming, suffix);
                let _ = std::fs::remove_file(leftover);
            }
        };
        clear();
        std::fs::copy(file, &incoming).map_err(|e| format!("cannot copy the backup: {e}"))?;
        // The database is the server's alone, whatever the backup's mode was.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&incoming, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| format!("cannot copy the backup: {e}"))?;
        // Brought up to this version, and found to be made as a new database
        // is, before it replaces anything: a backup this build cannot
        // migrate, or one missing a table or holding a trigger of its own,
        // leaves the server as it was.
        let brought_up = crate::storage::sqlite::Sqlite::open(&incoming)
            .map(drop)
            .map_err(|e| format!("{} cannot be brought up to this version ({e})", file.display()))
            .and_then(|()| made_as_new(&incoming).map_err(|odd| format!("{} {odd}", file.display())));
        if let Err(e) = brought_up {
            clear();
            return Err(format!("{e}: it is not a whole backup of this server; nothing was changed"));
        }
        let aside = target.with_extension(format!("sqlite3.before-restore-{}", crate::now_ms()));
        for (from, to) in [(target.clone(), aside.clone()), (side(&target, "-wal"), side(&aside, "-wal"))] {
            if from.exists() {
                std::fs::copy(&from, &to).map_err(|e| format!("cannot keep the old database aside: {e}"))?;
            }
        }
        if aside.exists() {
            kept = Some(aside);
        }
        for suffix in ["-wal", "-shm"] {
            let mut log = target.clone().into_os_string();
            log.push(suffix);
            match std::fs::remove_file(&log) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(format!("cannot remove {}: {e}", Path::new(&log).display())),
            }
        }
        std::fs::rename(&incoming, &target).map_err(|e| format!("cannot put the backup in place: {e}"))?;
    }
    // Browser sessions' stores are caches of the state before: rebuilt from
    // the log when next used. (Several instances on PostgreSQL: each has its
    // own; docs/operations.md says to restore with all of them stopped.)
    let _ = std::fs::remove_dir_all(config.data.join("browser"));
    let kept = kept.map(|k| format!("; the database before it is kept as {}", k.display())).unwrap_or_default();
    let epoch = crate::open_storage(config)
        .and_then(|db| crate::admin::run(db.as_ref(), crate::admin::Command::NewEpoch))
        .map_err(|e| {
            format!(
                "the backup is in place, but a new epoch could not be started ({e}){kept}; \
                 run `cd4mm-server epoch new` before the server serves again"
            )
        })?;
    Ok(format!("restored from {}{kept}; {epoch}", file.display()))
}

/// Whether `file` is a whole database of this server, of a schema this
/// build knows: checked before a backup is called one, and before a restore
/// touches anything (an empty file or another program's database would
/// otherwise become an empty server).
fn check_ours(file: &Path) -> Result<(), String> {
    let unreadable = |e: &dyn std::fmt::Display| format!("{} is not a backup of this server: {e}", file.display());
    if std::fs::metadata(file).map_err(|e| unreadable(&e))?.len() == 0 {
        return Err(unreadable(&"it is empty"));
    }
    let conn = rusqlite::Connection::open_with_flags(file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| unreadable(&e))?;
    let verdict: String = conn.query_row("PRAGMA integrity_check", [], |row| row.get(0)).map_err(|e| unreadable(&e))?;
    if verdict != "ok" {
        return Err(format!("{} is damaged: {verdict}", file.display()));
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(|e| unreadable(&e))?;
    if version > crate::storage::migrate::MIGRATIONS.len() as i64 {
        return Err(format!(
            "{} was written by a newer cd4mm-server (database version {version}): restore it with that version",
            file.display()
        ));
    }
    let epoch: Option<String> = conn.query_row("SELECT value FROM meta WHERE key = 'epoch'", [], |row| row.get(0)).ok();
    if version < 1 || epoch.is_none() {
        return Err(unreadable(&"it does not hold this server's tables"));
    }
    Ok(())
}

/// Whether the database at `file` is made exactly as a new one of this
/// version is (every table, index, view and trigger, by the SQL that made
/// it): an error naming the first few differences otherwise. A table
/// missing, a column of another type, a constraint or index dropped, a
/// trigger added: each would break the server, or quietly change what it
/// does, only once it serves. Then the file is left without a write-ahead
/// log, whole in itself, to be renamed into place.
fn made_as_new(file: &Path) -> Result<(), String> {
    let conn = rusqlite::Connection::open(file).map_err(|e| e.to_string())?;
    // Checked again once migrated: the copy, not only the file it came from.
    let verdict: String = conn.query_row("PRAGMA integrity_check", [], |row| row.get(0)).map_err(|e| e.to_string())?;
    if verdict != "ok" {
        return Err(format!("is damaged once copied ({verdict})"));
    }
    let have = crate::storage::sqlite::layout(&conn).map_err(|e| e.to_string())?;
    let new = crate::storage::sqlite::new_layout()?;
    let mut odd: Vec<String> = new
        .iter()
        .filter_map(|(part @ (kind, name), sql)| match have.get(part) {
            None => Some(format!("lacks the {kind} {name}")),
            Some(made) if made != sql => Some(format!("has the {kind} {name} made otherwise")),
            Some(_) => None,
        })
        .collect();
    odd.extend(
        have.keys()
            .filter(|part| !new.contains_key(*part))
            .map(|(kind, name)| format!("has a {kind} {name} of its own")),
    );
    match odd.len() {
        0 => conn.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(())).map_err(|e| e.to_string()),
        n if n > 3 => Err(format!("{} and {} more differences", odd[..3].join(", "), n - 3)),
        _ => Err(odd.join(", ")),
    }
}

/// `path` with `suffix` added to its name, as SQLite names its side files.
fn side(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The lock a serving process holds on its data directory (SQLite), so that
/// `restore` can tell it is running. Held until the file is dropped.
pub fn serving_lock(data: &Path) -> std::io::Result<std::fs::File> {
    std::fs::create_dir_all(data)?;
    let file =
        std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(data.join("cd4mm-server.lock"))?;
    file.try_lock().map_err(|e| match e {
        std::fs::TryLockError::WouldBlock => {
            std::io::Error::new(std::io::ErrorKind::WouldBlock, "held by another process")
        }
        std::fs::TryLockError::Error(e) => e,
    })?;
    Ok(file)
}

/// Run one of PostgreSQL's tools; its errors are shown without the URL's password.
fn pg_tool(program: &str, args: &[&str]) -> Result<(), String> {
    let output = Command::new(program).args(args).output().map_err(|e| {
        format!("cannot run {program} ({e}): install PostgreSQL's client tools (Debian: postgresql-client)")
    })?;
    if output.status.success() {
        return Ok(());
    }
    let said = String::from_utf8_lossy(&output.stderr);
    let said: String =
        args.iter().filter(|a| a.contains("://")).fold(said.into_owned(), |s, url| s.replace(url, &crate::redact(url)));
    Err(format!("{program} failed: {}", said.trim()))
}

fn path_text(file: &Path) -> Result<String, String> {
    file.to_str().map(str::to_owned).ok_or_else(|| format!("{} is not a UTF-8 path", file.display()))
}

fn size(file: &Path) -> String {
    let bytes = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    format!("{:.1} MB", bytes as f64 / 1e6)
}
