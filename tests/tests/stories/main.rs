//! The cross-crate stories, in one test binary (one link, one process): a
//! real `cd4mm-server` on a loopback port over a real SQLite file or a
//! throwaway PostgreSQL cluster, and real devices (each a real store file
//! and a sync client). A story that must hold on every backend is written
//! once, as `async fn story(backend: Backend)`, and run on each by
//! [`on_every_backend!`]: `cargo test --test stories roles::` runs one file's.

/// Run `$story(Backend)` on every backend, as the tests `$name::sqlite` and
/// `$name::postgres`.
macro_rules! on_every_backend {
    ($name:ident, $story:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$story(crate::common::Backend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$story(crate::common::Backend::Postgres).await;
            }
        }
    };
}

mod common;

mod administration;
mod bad_input;
mod browser_users;
mod convergence;
mod hostile;
mod https;
mod instances;
mod network_faults;
mod not_accepted;
mod partner_parts;
mod regional;
mod roles;
mod sign_in;
mod simulation;
mod two_people_one_plan;
