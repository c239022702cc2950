//! Who may start work that loads whole documents (judging a round's changes,
//! building a first sync's snapshots, an export): one such piece of work per
//! core at a time, and one per user, so neither memory nor a queue can be
//! filled by one member. A second heavy request of the same user while one
//! runs is answered 429 (devices retry shortly); the others wait for a core.
//!
//! The pass is moved into the blocking work and released when that work
//! ends, not when the client hangs up: a request dropped mid-way must not
//! free its place while its thread still holds a document in memory.

use crate::error::ApiError;
use axum::http::StatusCode;
use cd4mm_core::Code;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

#[derive(Debug)]
pub struct Gate {
    cores: Arc<Semaphore>,
    users: Mutex<HashMap<i64, Arc<Semaphore>>>,
}

/// Leave to do heavy work, held until dropped.
#[derive(Debug)]
pub struct Pass {
    _user: OwnedSemaphorePermit,
    _core: OwnedSemaphorePermit,
}

impl Default for Gate {
    fn default() -> Gate {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        Gate { cores: Arc::new(Semaphore::new(cores)), users: Mutex::default() }
    }
}

impl Gate {
    pub async fn enter(&self, user_id: i64) -> Result<Pass, ApiError> {
        let user = {
            let mut users = self.users.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            users.entry(user_id).or_insert_with(|| Arc::new(Semaphore::new(1))).clone()
        };
        let user = user.try_acquire_owned().map_err(|_| {
            ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                Code::Busy,
                "another request of yours is still being worked on; this one is tried again shortly",
            )
        })?;
        let core = self.cores.clone().acquire_owned().await.map_err(ApiError::internal)?;
        Ok(Pass { _user: user, _core: core })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_heavy_request_per_user_and_one_per_core() {
        let gate = Gate { cores: Arc::new(Semaphore::new(1)), users: Mutex::default() };
        let first = gate.enter(1).await.expect("the first request of user 1");
        let second = gate.enter(1).await.expect_err("a second one of the same user waits for none");
        assert_eq!((second.status, second.code), (StatusCode::TOO_MANY_REQUESTS, Code::Busy));
        // Another user waits for the core, not for user 1's queue.
        let other = tokio::spawn(async move { gate.enter(2).await.map(|_| ()) });
        tokio::task::yield_now().await;
        assert!(!other.is_finished(), "the only core is taken");
        drop(first);
        other.await.expect("task").expect("user 2 goes on once the core is free");
    }
}
