//! Passwords (Argon2), device tokens, and the extractor that turns a
//! `Authorization: Bearer` header into the device making the request.

use crate::AppState;
use crate::error::ApiError;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};

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

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
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
        let db = state.db.clone();
        let (device_id, digest) = (device_id.to_owned(), token_digest(secret));
        Ok(tokio::task::spawn_blocking(move || db.authenticate(&device_id, &digest))
            .await
            .map_err(ApiError::internal)??)
    }
}
