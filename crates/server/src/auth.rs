//! Passwords (Argon2), device tokens, and the extractor that turns a
//! `Authorization: Bearer` header into the device making the request.

use crate::AppState;
use crate::error::ApiError;
use argon2::password_hash::{self, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};
use std::sync::{Condvar, Mutex};

/// The device behind a request, as found from its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub device_id: String,
    pub user_id: i64,
    pub username: String,
    pub admin: bool,
    /// Hex id of the Automerge actor registered to this device.
    pub actor: String,
}

pub fn hash_password(password: &str) -> Result<String, crate::storage::Error> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(crate::storage::Error::internal)?;
    let salt = SaltString::encode_b64(&salt).map_err(crate::storage::Error::internal)?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(crate::storage::Error::internal)?
        .to_string())
}

/// The most characters a new password has (hashing a megabyte is work for nothing).
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// The fewest characters a new password has (shared with the UI).
pub use cd4mm_core::administration::MIN_PASSWORD_CHARS;

/// Whether `password` may be a new password of `username`: long enough, not
/// the name, not one character repeated, and not one of the most used
/// passwords (`data/common-passwords.txt`, without case). Passwords set
/// before these rules still sign in.
pub fn check_new_password(username: &str, password: &str) -> Result<(), crate::storage::Error> {
    let refuse = |why: &str| Err(crate::storage::Error::invalid(cd4mm_core::Code::BadUser, why));
    let chars = password.chars().count();
    let lower = password.trim().to_lowercase();
    if chars > MAX_PASSWORD_CHARS {
        return refuse(&format!("a password has at most {MAX_PASSWORD_CHARS} characters"));
    }
    if chars < MIN_PASSWORD_CHARS || password.trim().chars().count() < MIN_PASSWORD_CHARS {
        return refuse(&format!(
            "a password has at least {MIN_PASSWORD_CHARS} characters; a few words make a good one"
        ));
    }
    if lower == username.trim().to_lowercase() || password.chars().all(|c| password.starts_with(c)) {
        return refuse("that password is too easy to guess; a few words make a good one");
    }
    let common = include_str!("../data/common-passwords.txt");
    if common.lines().filter(|l| !l.starts_with('#')).any(|l| l.trim() == lower) {
        return refuse("that password is among the most used ones, which are tried first; choose another");
    }
    Ok(())
}

/// A hash of a random password, made once with the parameters of every new
/// hash: a sign-in as a name that is no user's is checked against it, so it
/// takes as long as one with a wrong password.
pub fn stand_in_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        let password = random_hex(16).unwrap_or_else(|_| "stand-in".into());
        hash_password(&password).unwrap_or_default()
    })
}

/// Whether `password` is the one `hash` (a PHC string) was made from.
///
/// Argon2 works in 19 MiB of memory per check. Checked the library's way,
/// each check allocated it on whichever thread ran it, and the allocator
/// kept it: 32 parallel wrong sign-ins took the server from 145 MB to 662 MB
/// for good. Here the memory is a few buffers made once and reused, one per
/// core, and a check waits for a free one.
pub fn verify_password(password: &str, hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else { return false };
    let (Ok(algorithm), Ok(params)) = (Algorithm::try_from(parsed.algorithm), Params::try_from(&parsed)) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else { return false };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else { return false };
    let blocks = params.block_count();
    if blocks > MAX_BLOCKS {
        tracing::error!(blocks, "a stored password hash asks for more Argon2 memory than this server gives");
        return false;
    }
    let argon2 = Argon2::new(algorithm, version, params);
    let mut out = vec![0u8; expected.len()];
    let hashed = MEMORY.with_blocks(blocks, |memory| {
        argon2.hash_password_into_with_memory(password.as_bytes(), salt, &mut out, memory).is_ok()
    });
    // `Output`'s comparison takes the same time wherever the bytes differ.
    hashed && password_hash::Output::new(&out).is_ok_and(|out| out == expected)
}

/// The most Argon2 memory one check may use (64 MiB; ours use 19 MiB).
const MAX_BLOCKS: usize = 64 * 1024;

/// Argon2's working memory, reused (see [`verify_password`]).
static MEMORY: ArgonMemory =
    ArgonMemory { free: Mutex::new(Vec::new()), made: Mutex::new(0), returned: Condvar::new() };

struct ArgonMemory {
    free: Mutex<Vec<Vec<Block>>>,
    /// Buffers made so far: at most one per core.
    made: Mutex<usize>,
    returned: Condvar,
}

impl ArgonMemory {
    fn with_blocks<T>(&self, count: usize, f: impl FnOnce(&mut [Block]) -> T) -> T {
        let mut buffer = self.take();
        if buffer.len() < count {
            buffer.resize(count, Block::default());
        }
        let result = f(&mut buffer[..count]);
        self.free.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(buffer);
        self.returned.notify_one();
        result
    }

    fn take(&self) -> Vec<Block> {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let mut free = self.free.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        loop {
            if let Some(buffer) = free.pop() {
                return buffer;
            }
            {
                let mut made = self.made.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                if *made < cores {
                    *made += 1;
                    return Vec::new();
                }
            }
            free = self.returned.wait(free).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }
}

/// A new random secret, hex.
pub fn random_hex(bytes: usize) -> Result<String, crate::storage::Error> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(crate::storage::Error::internal)?;
    Ok(hex::encode(buf))
}

/// Tokens are `DEVICE_ID.SECRET`; only SHA-256 of the secret is stored. (The
/// secret is 256 random bits, so a fast hash is enough; Argon2 is for passwords.)
pub fn token_digest(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

impl FromRequestParts<AppState> for Device {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Device, ApiError> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| ApiError::unauthorised("sign in first: this request carries no device token"))?;
        let token = header
            .strip_prefix("Bearer ")
            .ok_or_else(|| ApiError::unauthorised("the Authorization header must be `Bearer TOKEN`"))?;
        let (device_id, secret) =
            token.split_once('.').ok_or_else(|| ApiError::unauthorised("the device token is not valid"))?;
        let (db, rules) = (state.db.clone(), state.config.session_rules());
        let (device_id, digest) = (device_id.to_owned(), token_digest(secret));
        Ok(tokio::task::spawn_blocking(move || db.authenticate_at(&device_id, &digest, crate::now_ms(), &rules))
            .await
            .map_err(ApiError::internal)??)
    }
}

#[cfg(test)]
mod password_tests {
    use super::{hash_password, verify_password};

    #[test]
    fn a_password_checks_against_its_hash_only_and_many_checks_share_the_memory() {
        let hash = hash_password("correct horse battery").expect("hash");
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("correct horse battery", &hash));
        use super::check_new_password as new;
        assert!(new("ama", "correct horse battery").is_ok());
        assert!(new("ama", "short").is_err(), "too short");
        assert!(new("ama", "Password123").is_err(), "among the most used, whatever the case");
        assert!(new("administrator", "Administrator").is_err(), "the name");
        assert!(new("ama", "zzzzzzzzzzzz").is_err(), "one character");
        assert!(new("ama", "ééééééééééé").is_err() && new("ama", "mañana en la frontera").is_ok());
        assert!(!verify_password("correct horse batterz", &hash));
        assert!(!verify_password("correct horse battery", "not a hash"));
        // More checks at once than there are buffers: they wait, all answer right.
        let threads: Vec<_> = (0..8)
            .map(|i| {
                let hash = hash.clone();
                std::thread::spawn(move || {
                    verify_password(if i % 2 == 0 { "correct horse battery" } else { "wrong" }, &hash)
                })
            })
            .collect();
        let answers: Vec<bool> = threads.into_iter().map(|t| t.join().expect("check")).collect();
        assert_eq!(answers, [true, false, true, false, true, false, true, false]);
    }
}
