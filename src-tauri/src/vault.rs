//! The key that opens this device's store (`cd4mm_store::StoreKey`): 32
//! random bytes kept in the operating system's keychain (Secret Service on
//! Linux, Keychain on macOS, Credential Manager on Windows), made on first
//! start; or, where no keychain answers or the user asks for one
//! (`CD4MM_KEYCHAIN=off`, read by [`crate::run`]), derived from a passphrase the user chooses, with a
//! salt kept beside the store. The store is never opened without a key: a
//! store written before encryption is encrypted in place on the first start
//! that has one.

use cd4mm_store::{Store, StoreError, StoreKey};
use std::path::{Path, PathBuf};

/// The keychain entry's service name.
const SERVICE: &str = "org.cd4mm.field";
/// The salt of a passphrase-locked store, beside it. Its presence says the
/// store is locked with a passphrase, not the keychain.
const SALT_FILE: &str = "cd4mm.salt";
/// The shortest passphrase a user may choose.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// How the store of a data directory is unlocked.
#[derive(Debug)]
pub enum Opening {
    /// Unlocked with the keychain's key.
    Open(Box<Store>),
    /// A passphrase is needed: to choose one (`first_time`) or to enter it.
    NeedsPassphrase { first_time: bool, why: String },
    /// The store is locked with the keychain's key, and the keychain did not
    /// answer (locked, or its service not running): no passphrase can help;
    /// the user unlocks the keychain and tries again.
    NeedsKeychain { why: String },
}

/// The store of the data directory `data`.
#[derive(Debug, Clone)]
pub struct Vault {
    data: PathBuf,
    store: PathBuf,
    /// Whether to ask the keychain (not when the user chose a passphrase).
    keychain: bool,
}

impl Vault {
    pub fn new(data: &Path, store: PathBuf, keychain: bool) -> Vault {
        Vault { data: data.to_owned(), store, keychain }
    }

    /// Open the store with the keychain's key if there is a keychain and the
    /// store is not passphrase-locked; otherwise say a passphrase is needed.
    pub fn open(&self) -> Result<Opening, StoreError> {
        if self.salt_path().exists() {
            return Ok(Opening::NeedsPassphrase { first_time: false, why: "locked with a passphrase".into() });
        }
        let first_time = !self.store.exists() || cd4mm_store::is_plain(&self.store)?;
        if !self.keychain {
            let why = "the keychain is turned off".to_owned();
            if !first_time {
                return Ok(Opening::NeedsKeychain {
                    why: format!("{why}, but this computer's data is locked with its key"),
                });
            }
            return Ok(Opening::NeedsPassphrase { first_time, why });
        }
        match keychain_key(&self.store, first_time) {
            Ok(key) => Ok(Opening::Open(Box::new(self.open_with(&key)?))),
            Err(why) if first_time => Ok(Opening::NeedsPassphrase { first_time, why }),
            Err(why) => Ok(Opening::NeedsKeychain { why }),
        }
    }

    /// Open the store with a passphrase: the one it was locked with, or, the
    /// first time, a new one (then the salt is made and kept).
    pub fn unlock(&self, passphrase: &str) -> Result<Store, StoreError> {
        let salt = match std::fs::read(self.salt_path()) {
            Ok(salt) => salt,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if self.store.exists() && !cd4mm_store::is_plain(&self.store)? {
                    // Locked with the keychain's key, which is gone: no
                    // passphrase can open it, and a new one must not be made.
                    return Err(StoreError::Key(
                        "this device's data was locked with a key the keychain no longer has".into(),
                    ));
                }
                let salt = StoreKey::random()?.to_hex().into_bytes();
                // Written before the store is encrypted with it: a salt
                // without a store is harmless, a store without its salt lost.
                write_durably(&self.salt_path(), &salt)?;
                salt
            }
            Err(e) => return Err(e.into()),
        };
        self.open_with(&StoreKey::from_passphrase(passphrase, &salt)?)
    }

    fn open_with(&self, key: &StoreKey) -> Result<Store, StoreError> {
        cd4mm_store::encrypt_in_place(&self.store, key)?;
        let mut store = Store::open_encrypted(&self.store, key)?;
        crate::account::Account::move_in(&self.data, &mut store).map_err(StoreError::Key)?;
        Ok(store)
    }

    fn salt_path(&self) -> PathBuf {
        self.data.join(SALT_FILE)
    }
}

/// The store's key from the keychain, made there when the store is new or
/// still plain; `Err` says why the keychain cannot be used.
fn keychain_key(store: &Path, first_time: bool) -> Result<StoreKey, String> {
    let account = format!("store key {}", store.display());
    let entry = keyring::Entry::new(SERVICE, &account).map_err(|e| e.to_string())?;
    match entry.get_password() {
        Ok(hex) => StoreKey::from_hex(&hex).ok_or_else(|| "the keychain's key is damaged".to_owned()),
        Err(keyring::Error::NoEntry) if first_time => {
            let key = StoreKey::random().map_err(|e| e.to_string())?;
            entry.set_password(&key.to_hex()).map_err(|e| e.to_string())?;
            // Read back: a keychain that accepts but does not keep is no keychain.
            match entry.get_password() {
                Ok(hex) if StoreKey::from_hex(&hex).as_ref() == Some(&key) => Ok(key),
                _ => Err("the keychain did not keep the key".to_owned()),
            }
        }
        Err(keyring::Error::NoEntry) => Err("the keychain has no key for this device's data".to_owned()),
        Err(e) => Err(e.to_string()),
    }
}

fn write_durably(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}
