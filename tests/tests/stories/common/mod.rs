//! A real `cd4mm-server` (its `serve()` on a loopback port chosen by the OS,
//! over a real SQLite file) and real devices (each a real store file and a sync
//! client), for the stories in this folder.

#![allow(dead_code)]

use cd4mm_core::Content;
use cd4mm_core::plan::{Activity, Objective, Outcome, Output, Plan};
use cd4mm_server::admin::{self, Command};
use cd4mm_server::{Config, Storage};
use cd4mm_store::Store;
use cd4mm_sync::{Client, Progress, SyncError};
use std::sync::Arc;

pub mod postgres;

pub const PASSWORD: &str = "correct horse battery";

pub struct TestServer {
    pub url: String,
    pub db: Arc<dyn Storage>,
    pub data: tempfile::TempDir,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<Result<(), String>>>,
    /// The PostgreSQL cluster behind the server, stopped when the last user drops it.
    pub cluster: Option<Arc<postgres::Cluster>>,
}

/// Where the server keeps its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl TestServer {
    pub async fn start() -> TestServer {
        TestServer::start_with(|_| {}).await
    }

    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> TestServer {
        TestServer::start_in(tempfile::tempdir().expect("server data dir"), adjust).await
    }

    /// Start on the given backend: SQLite, or a throwaway PostgreSQL cluster.
    pub async fn start_on(backend: Backend) -> TestServer {
        TestServer::start_on_with(backend, |_| {}).await
    }

    pub async fn start_on_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> TestServer {
        match backend {
            Backend::Sqlite => TestServer::start_with(adjust).await,
            Backend::Postgres => {
                // On a plain thread: the blocking PostgreSQL client cannot run on a runtime's.
                let (cluster, url) = std::thread::spawn(|| {
                    let cluster = postgres::Cluster::start();
                    let url = cluster.create_database("cd4mm");
                    (cluster, url)
                })
                .join()
                .expect("cluster");
                let mut server = TestServer::start_with(|c| {
                    c.database = Some(url);
                    adjust(c);
                })
                .await;
                server.cluster = Some(Arc::new(cluster));
                server
            }
        }
    }

    /// Another server instance on the same PostgreSQL database.
    pub async fn second_instance(&self) -> TestServer {
        let cluster = self.cluster.clone().expect("a PostgreSQL server");
        let url = cluster.url("cd4mm");
        let mut server = TestServer::start_with(|c| c.database = Some(url)).await;
        server.cluster = Some(cluster);
        server
    }

    /// Start on an existing data directory (e.g. after a restore).
    pub async fn start_in(data: tempfile::TempDir, adjust: impl FnOnce(&mut Config)) -> TestServer {
        let mut config = Config { data: data.path().to_owned(), ..Config::default() };
        adjust(&mut config);
        let opening = config.clone();
        let db = tokio::task::spawn_blocking(move || cd4mm_server::open_storage(&opening))
            .await
            .expect("open storage")
            .expect("server storage");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let handle = tokio::spawn(cd4mm_server::serve(db.clone(), config, listener, async {
            let _ = rx.await;
        }));
        TestServer { url, db, data, shutdown: Some(tx), handle: Some(handle), cluster: None }
    }

    pub fn admin(&self, command: Command) {
        let db = self.db.clone();
        block(move || admin::run(db.as_ref(), command)).expect("admin command");
    }

    /// A user with a role in a workspace (created on first use).
    pub fn member(&self, workspace: &str, user: &str, role: &str) {
        let _ = admin::run(
            self.db.as_ref(),
            Command::AddWorkspace {
                id: workspace.into(),
                name: format!("Workspace {workspace}"),
                country: "GH".into(),
            },
        );
        let _ = admin::run(
            self.db.as_ref(),
            Command::AddUser { username: user.into(), password: PASSWORD.into(), admin: false },
        );
        self.admin(Command::AddMember { workspace: workspace.into(), username: user.into(), role: role.into() });
    }

    /// Stop the server (it finishes requests in flight); its data stays.
    pub async fn stop(mut self) -> tempfile::TempDir {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(handle) = self.handle.take() {
            handle.await.expect("server task").expect("server stopped cleanly");
        }
        self.data
    }
}

/// Run blocking storage work (PostgreSQL's client blocks) from async tests.
pub fn block<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    tokio::task::block_in_place(f)
}

/// A device: its own store file and a client enrolled as `user`.
pub struct Device {
    pub store: Store,
    pub client: Client,
    pub dir: tempfile::TempDir,
}

pub async fn device(server: &TestServer, user: &str) -> Device {
    let dir = tempfile::tempdir().expect("device dir");
    let store = Store::open(&dir.path().join("device.sqlite3")).expect("device store");
    let client = Client::enrol(&server.url, user, PASSWORD, &format!("{user}'s laptop"), &store).await.expect("enrol");
    Device { store, client, dir }
}

impl Device {
    pub async fn sync(&mut self, workspaces: &[&str]) -> Result<Progress, SyncError> {
        let workspaces: Vec<String> = workspaces.iter().map(|w| (*w).to_owned()).collect();
        let (_tx, mut cancel) = tokio::sync::watch::channel(false);
        self.client.sync(&mut self.store, &workspaces, &mut cancel, &mut |_| {}).await
    }
}

/// Scenario 2's plan: one outcome, one output, one SOP activity of 5,000.
pub fn border_plan() -> Content {
    Content::Plan(Plan {
        title: "Border capacity response".into(),
        objective: Objective {
            statement: "Officials examine travel documents. Vulnerable migrants are referred.".into(),
            indicators: vec![],
        },
        outcomes: vec![Outcome {
            id: "oc1".into(),
            statement: "SOPs applied".into(),
            outputs: vec![Output {
                id: "op1".into(),
                statement: "SOPs adopted".into(),
                activities: vec![Activity {
                    id: "sop".into(),
                    title: "SOP development".into(),
                    budget: 5000.0,
                    ..Activity::default()
                }],
                ..Output::default()
            }],
            ..Outcome::default()
        }],
        ..Plan::default()
    })
}
