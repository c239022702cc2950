//! Encryption at rest: a device's store is an SQLCipher database (AES-256,
//! every page, the write-ahead log included) whose key is 32 random bytes
//! kept in the operating system's keychain, or derived from a passphrase the
//! user chooses where no keychain answers. A stolen laptop's data directory
//! then yields nothing readable.
//!
//! [`encrypt_in_place`] turns a store written before encryption into an
//! encrypted one without losing anything: the copy is made beside it,
//! checked, and only then put in its place.

use crate::{Result, StoreError};
use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// The key of an encrypted store. Never printed; wiped when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct StoreKey([u8; 32]);

impl StoreKey {
    pub fn from_bytes(bytes: [u8; 32]) -> StoreKey {
        StoreKey(bytes)
    }

    /// A new random key.
    pub fn random() -> std::io::Result<StoreKey> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
        Ok(StoreKey(bytes))
    }

    /// The key as 64 hexadecimal digits (as a keychain keeps it).
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn from_hex(hex: &str) -> Option<StoreKey> {
        let hex = hex.trim();
        if hex.len() != 64 || !hex.is_ascii() {
            return None;
        }
        let mut bytes = [0u8; 32];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(StoreKey(bytes))
    }

    /// The key a passphrase gives with this salt (Argon2id, 64 MiB, 3
    /// passes: about a second on an old laptop, paid once per start).
    pub fn from_passphrase(passphrase: &str, salt: &[u8]) -> Result<StoreKey> {
        let params = argon2::Params::new(64 * 1024, 3, 1, Some(32)).map_err(|e| StoreError::Key(e.to_string()))?;
        let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut bytes = [0u8; 32];
        argon
            .hash_password_into(passphrase.as_bytes(), salt, &mut bytes)
            .map_err(|e| StoreError::Key(e.to_string()))?;
        Ok(StoreKey(bytes))
    }

    /// The statement that opens a database with this key: a raw key, so
    /// SQLCipher does not stretch it again on every open.
    pub(crate) fn pragma(&self) -> String {
        // Quiet: a wrong key is reported as `WrongKey`, not logged to stderr.
        format!("PRAGMA cipher_log_level = NONE; PRAGMA key = \"x'{}'\";", self.to_hex())
    }

    fn literal(&self) -> String {
        format!("x'{}'", self.to_hex())
    }
}

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreKey(…)")
    }
}

impl Drop for StoreKey {
    fn drop(&mut self) {
        // `black_box`: the wipe is not optimised away as a dead store.
        self.0 = [0; 32];
        std::hint::black_box(&self.0);
    }
}

/// Whether the file at `path` is a plain (unencrypted) SQLite database.
/// An encrypted one starts with random bytes instead of SQLite's header.
pub fn is_plain(path: &Path) -> Result<bool> {
    use std::io::Read;
    let mut header = [0u8; 16];
    match std::fs::File::open(path) {
        Ok(mut file) => {
            let n = file.read(&mut header)?;
            Ok(n == 16 && &header == crate::SQLITE_MAGIC)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// The copy being written while a store is encrypted.
pub fn encrypting_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".encrypting");
    PathBuf::from(name)
}

/// Encrypt the plain store at `path` with `key`, in place; nothing to do if
/// it is absent or already encrypted. The encrypted copy is written beside
/// it, compared with the original table by table, flushed, and renamed over
/// it; should anything fail (a full disk), the copy is removed and the plain
/// store is left as it was, so nothing is lost and the next start tries again.
pub fn encrypt_in_place(path: &Path, key: &StoreKey) -> Result<()> {
    if !is_plain(path)? {
        return Ok(());
    }
    let copy = encrypting_path(path);
    let result = write_encrypted_copy(path, &copy, key);
    if let Err(e) = result {
        let _ = std::fs::remove_file(&copy);
        return Err(StoreError::Encrypting { path: path.to_owned(), reason: e.to_string() });
    }
    std::fs::rename(&copy, path)?;
    // The plain write-ahead log was emptied by the checkpoint; remove what is left.
    for suffix in ["-wal", "-shm"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(side));
    }
    if let Some(dir) = path.parent() {
        // The rename itself is durable once the directory is flushed.
        if let Ok(dir) = std::fs::File::open(dir) {
            let _ = dir.sync_all();
        }
    }
    Ok(())
}

fn write_encrypted_copy(path: &Path, copy: &Path, key: &StoreKey) -> Result<()> {
    let _ = std::fs::remove_file(copy); // from an attempt that was cut short
    let conn = Connection::open(path)?;
    // Everything into the main file first, so the copy misses nothing.
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let copy_text = copy.to_str().ok_or_else(|| StoreError::Key("the data directory's path is not text".into()))?;
    conn.execute("ATTACH DATABASE ?1 AS encrypted KEY ?2", [copy_text, key.literal().as_str()])?;
    conn.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
    conn.execute_batch(&format!("PRAGMA encrypted.user_version = {version};"))?;
    conn.execute_batch("DETACH DATABASE encrypted;")?;
    // The copy, opened afresh with its key, must hold every row of every
    // table (a virtual table's rows are in its shadow tables).
    let encrypted = Connection::open(copy)?;
    encrypted.execute_batch(&key.pragma())?;
    let tables: Vec<String> = {
        let sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND rootpage > 0 AND name NOT LIKE 'sqlite_%'";
        let mut stmt = conn.prepare(sql)?;
        stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?
    };
    for table in tables {
        let sql = format!("SELECT count(*) FROM \"{}\"", table.replace('"', "\"\""));
        let count = |c: &Connection| c.query_row(&sql, [], |r| r.get::<_, i64>(0));
        if count(&conn)? != count(&encrypted)? {
            return Err(StoreError::Key(format!("the encrypted copy of table {table} differs")));
        }
    }
    drop(encrypted);
    drop(conn);
    std::fs::File::open(copy)?.sync_all()?;
    Ok(())
}
