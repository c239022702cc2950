//! Sign-in attempts (`/api/login`, `/v1/enrol`): rate limits per user name
//! and per client address, and a bounded queue for password checks.
//!
//! - **Per user name from one address**: a burst of [`USER_BURST`] attempts,
//!   then one every [`USER_EVERY`]: guessing a password takes years. Keyed
//!   with the address, so someone guessing elsewhere does not lock the real
//!   user out. The address is the client's as [`crate::client_address`]
//!   resolves it (behind trusted proxies, the one they name); behind an
//!   untrusted proxy on the same machine every request comes from
//!   loopback, and there the name alone is the key.
//! - **Per user name from anywhere**: a larger burst, then one every
//!   [`NAME_EVERY`], so many addresses together cannot guess fast either.
//!   Someone who keeps that pace for a name delays its real user by that
//!   much at worst, never for good.
//! - **Per client address**: a larger burst (a workshop signs in from one
//!   hotspot), then one a second: one machine cannot try many names fast.
//!   IPv6 addresses count by their /64 (one subscriber's network); loopback
//!   (IPv4-mapped too) is not limited by address.
//! - **Password checks** (Argon2, 19 MiB and tens of ms each) run one per
//!   core; a few more may wait, and beyond those an attempt is answered 429
//!   at once instead of piling up.
//!
//! The limits use `governor` (GCRA: an attempt costs a fixed time; a key is
//! free again once that time has passed). Keys left idle are dropped by
//! [`SignIn::forget_idle`], which the server runs every minute.

use crate::error::ApiError;
use axum::http::StatusCode;
use cd4mm_core::Code;
use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::HashMapStateStore;
use governor::{Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Attempts at one user name from one address at once...
pub const USER_BURST: u32 = 10;
/// ...and then one per this long.
pub const USER_EVERY: Duration = Duration::from_secs(10);
/// Attempts at one user name from anywhere at once, then one per
/// [`NAME_EVERY`].
pub const NAME_BURST: u32 = 60;
pub const NAME_EVERY: Duration = Duration::from_secs(2);
/// Attempts one client address may make at once, then one a second.
pub const ADDRESS_BURST: u32 = 30;
/// User names are compared without case and surrounding spaces, and at
/// most this long (a longer one is no user's).
const MAX_NAME: usize = 128;

type Keyed<K> = RateLimiter<K, HashMapStateStore<K>, DefaultClock>;

/// The limits and the queue, shared by every sign-in route.
pub struct SignIn {
    by_user: Keyed<(String, Option<IpAddr>)>,
    by_name: Keyed<String>,
    by_address: Keyed<IpAddr>,
    /// One password check per core.
    checks: Arc<Semaphore>,
    /// Attempts that may wait for a check; beyond them, 429.
    waiting: Arc<Semaphore>,
    clock: DefaultClock,
}

impl std::fmt::Debug for SignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignIn").finish_non_exhaustive()
    }
}

impl Default for SignIn {
    fn default() -> SignIn {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        SignIn::new(cores, 8 * cores)
    }
}

/// An attempt's place: its password check may run while this is held.
#[derive(Debug)]
pub struct Turn {
    _check: OwnedSemaphorePermit,
}

/// An attempt refused before its password was checked.
#[derive(Debug)]
pub struct TooMany {
    /// When the same attempt would be taken again.
    pub retry_after: Duration,
    /// Why, for the log: `too_many_attempts` (a limit) or `busy` (the line
    /// of password checks is full).
    pub reason: &'static str,
    message: String,
}

impl From<TooMany> for ApiError {
    fn from(e: TooMany) -> ApiError {
        ApiError {
            retry_after: Some(e.retry_after.as_secs_f64().ceil().max(1.0) as u64),
            ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, Code::TooManyAttempts, e.message)
        }
    }
}

impl SignIn {
    /// `checks` password checks at once, `waiting` more in line.
    pub fn new(checks: usize, waiting: usize) -> SignIn {
        let per = |every: Duration, burst: u32| {
            Quota::with_period(every).expect("a period").allow_burst(NonZeroU32::new(burst).expect("a burst"))
        };
        SignIn {
            by_user: RateLimiter::hashmap(per(USER_EVERY, USER_BURST)),
            by_name: RateLimiter::hashmap(per(NAME_EVERY, NAME_BURST)),
            by_address: RateLimiter::hashmap(per(Duration::from_secs(1), ADDRESS_BURST)),
            checks: Arc::new(Semaphore::new(checks.max(1))),
            waiting: Arc::new(Semaphore::new(waiting.max(1))),
            clock: DefaultClock::default(),
        }
    }

    /// Take an attempt at signing in as `username` from `address`: its turn
    /// for a password check, once one is free; or why not now.
    pub async fn attempt(&self, username: &str, address: Option<IpAddr>) -> Result<Turn, TooMany> {
        let address = address.map(network).filter(|a| !a.is_loopback());
        if let Some(address) = address
            && let Err(later) = self.by_address.check_key(&address)
        {
            return Err(TooMany {
                retry_after: later.wait_time_from(self.clock.now()),
                reason: "too_many_attempts",
                message: "too many sign-in attempts from this address; wait a moment and try again".into(),
            });
        }
        let name = key(username);
        // The name's own budget is spent only by attempts its per-address
        // limit lets through: one address hammering a name is held back by
        // that limit alone, and cannot drain the budget the real user needs.
        let limited = match self.by_user.check_key(&(name.clone(), address)) {
            Ok(()) => self.by_name.check_key(&name),
            Err(later) => Err(later),
        };
        if let Err(later) = limited {
            let retry_after = later.wait_time_from(self.clock.now());
            let seconds = retry_after.as_secs_f64().ceil().max(1.0) as u64;
            return Err(TooMany {
                retry_after,
                reason: "too_many_attempts",
                message: format!(
                    "too many sign-in attempts for this user; try again in {seconds} second{}",
                    if seconds == 1 { "" } else { "s" }
                ),
            });
        }
        let busy = || TooMany {
            retry_after: Duration::from_secs(2),
            reason: "busy",
            message: "the server is checking many sign-ins; try again in a moment".into(),
        };
        let _waiting = self.waiting.clone().try_acquire_owned().map_err(|_| busy())?;
        let check = self.checks.clone().acquire_owned().await.map_err(|_| busy())?;
        Ok(Turn { _check: check })
    }

    /// Drop the keys whose limits are back to full (run now and then, so
    /// names and addresses seen once do not stay in memory).
    pub fn forget_idle(&self) {
        self.by_user.retain_recent();
        self.by_name.retain_recent();
        self.by_address.retain_recent();
    }

    /// Keys held (for tests and figures).
    pub fn keys(&self) -> usize {
        self.by_user.len() + self.by_name.len() + self.by_address.len()
    }
}

/// Every minute until `closing` turns true, forget the keys left idle.
/// Call from within a Tokio runtime.
pub fn sweeper(signin: Arc<SignIn>, mut closing: tokio::sync::watch::Receiver<bool>) {
    tokio::spawn(async move {
        loop {
            tokio::select! {
                () = tokio::time::sleep(Duration::from_secs(60)) => signin.forget_idle(),
                _ = closing.changed() => return,
            }
        }
    });
}

/// The address as limits count it: IPv4-mapped IPv6 as IPv4, other IPv6
/// by its /64 (a subscriber gets a whole /64 to pick addresses from).
pub(crate) fn network(address: IpAddr) -> IpAddr {
    match address.to_canonical() {
        IpAddr::V6(v6) => {
            let mut segments = v6.segments();
            segments[4..].fill(0);
            IpAddr::V6(segments.into())
        }
        v4 => v4,
    }
}

fn key(username: &str) -> String {
    let name = username.trim();
    let mut end = name.len().min(MAX_NAME);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    name[..end].to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_address_trying_many_names_is_slowed_but_loopback_and_others_are_not() {
        let signin = SignIn::new(2, 16);
        let far: IpAddr = "203.0.113.7".parse().expect("address");
        let other: IpAddr = "198.51.100.1".parse().expect("address");
        for n in 0..ADDRESS_BURST {
            assert!(signin.attempt(&format!("name-{n}"), Some(far)).await.is_ok(), "attempt {n}");
        }
        let refused = signin.attempt("one-more", Some(far)).await.expect_err("limited");
        assert!(refused.retry_after <= Duration::from_secs(1), "{:?}", refused.retry_after);
        assert!(signin.attempt("one-more", Some(other)).await.is_ok(), "another address is not held up");
        assert!(signin.attempt("from-here", Some(IpAddr::from([127, 0, 0, 1]))).await.is_ok());
        let mapped: IpAddr = "::ffff:127.0.0.1".parse().expect("address");
        assert!(network(mapped).is_loopback(), "IPv4-mapped loopback is loopback");
        let (a, b): (IpAddr, IpAddr) =
            ("2001:db8:1:2::1".parse().expect("a"), "2001:db8:1:2:ffff::9".parse().expect("b"));
        assert_eq!(network(a), network(b), "one /64, one key");
        assert_eq!(key("  Ama "), "ama");
        assert_eq!(key(&"é".repeat(100)).len(), MAX_NAME, "long names are cut on a character boundary");
    }

    #[tokio::test]
    async fn guessing_from_one_address_does_not_lock_out_the_user_elsewhere() {
        let signin = SignIn::new(2, 16);
        let attacker: IpAddr = "203.0.113.7".parse().expect("address");
        let user: IpAddr = "198.51.100.1".parse().expect("address");
        for _ in 0..USER_BURST {
            assert!(signin.attempt("ama", Some(attacker)).await.is_ok());
        }
        assert!(signin.attempt("ama", Some(attacker)).await.is_err(), "the attacker is slowed");
        assert!(signin.attempt("Ama", Some(user)).await.is_ok(), "the user, elsewhere, is not");
    }

    #[tokio::test]
    async fn one_address_hammering_a_name_does_not_drain_the_names_budget() {
        let signin = SignIn::new(2, 16);
        // Far more attempts than the name's whole burst, all from one place
        // the address limit does not slow (loopback: a proxy on this
        // machine): the name-and-address limit refuses all but the first few.
        let attacker = Some(IpAddr::from([127, 0, 0, 1]));
        for _ in 0..3 * NAME_BURST {
            let _ = signin.attempt("ama", attacker).await;
        }
        assert!(signin.attempt("ama", attacker).await.is_err(), "the attacker is held back");
        let user: IpAddr = "198.51.100.1".parse().expect("address");
        assert!(signin.attempt("ama", Some(user)).await.is_ok(), "the user, elsewhere, signs in");
    }

    #[tokio::test]
    async fn password_checks_wait_in_a_bounded_line() {
        let signin = SignIn::new(1, 2);
        let first = signin.attempt("a", None).await.expect("a check");
        // The second waits for the first's check; meanwhile a third is in
        // line too, and a fourth has no place.
        let waiting = tokio::spawn({
            let checks = signin.checks.clone();
            async move { checks.acquire_owned().await.map(drop) }
        });
        let _line = signin.waiting.clone().try_acquire_many_owned(2).expect("the line");
        assert!(signin.attempt("b", None).await.is_err(), "beyond the line: 429 at once");
        drop(first);
        waiting.await.expect("task").expect("the next check runs");
    }
}
