//! A load generator: many simulated devices against a real `cd4mm-server`
//! process (the release binary, started here on a throwaway data directory
//! or PostgreSQL database, on a loopback port chosen by the OS).
//!
//! Each device is enrolled, and its changes (one plan of its own, created
//! then edited, one change per sync) are made before the timed part, so the
//! clients' own work is encoding one small request each. Two modes:
//! - **open loop** (`--rate R`): requests are due at R per second, spread
//!   over the devices; a request's latency counts from when it was due, so a
//!   server that falls behind shows it (no coordinated omission);
//! - **closed loop** (no `--rate`): every device syncs again as soon as its
//!   answer arrives.
//!
//! Layouts: each device in a workspace of its own (`per-workspace`, as
//! countries are), or all in one (`--shared`: every answer carries the
//! others' changes). Prints syncs/s, latency percentiles, refusals and the
//! server's memory (RSS), then checks that every change the server
//! acknowledged is on the server and reaches a device of its workspace.
//!
//! `cargo bench -p cd4mm-tests --bench load` runs the scenarios of
//! `docs/benchmarks.md`; one scenario: `… -- --devices 200 --rate 400
//! --seconds 10 [--shared] [--postgres] [--instances 2]` (`--instances`:
//! several server processes on one PostgreSQL database). The server binary is
//! `target/release/cd4mm-server` (built here if missing) or `$CD4MM_SERVER`.

use cd4mm_core::automerge::ActorId;
use cd4mm_core::plan::Plan;
use cd4mm_core::{Content, Document, Edit};
use cd4mm_server::Config;
use cd4mm_server::admin::{self, Command};
use cd4mm_sync::account::{EnrolRequest, Enrolment};
use cd4mm_sync::wire::{self, Cursor, OutChange, SyncRequest, SyncResponse};
use serde_json::json;
use std::io::BufRead;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[path = "../tests/stories/common/postgres.rs"]
#[allow(dead_code)]
mod postgres;

const PASSWORD: &str = "load generator password";

#[derive(Debug, Clone)]
struct Scenario {
    devices: usize,
    /// Syncs per second offered; `None`: closed loop.
    rate: Option<f64>,
    seconds: f64,
    shared: bool,
    postgres: bool,
    /// Server processes on the one database (PostgreSQL), devices spread
    /// over them in turn.
    instances: usize,
}

impl Scenario {
    fn name(&self) -> String {
        format!(
            "{}{}, {} devices, {}, {}",
            if self.postgres { "PostgreSQL" } else { "SQLite" },
            if self.instances > 1 { format!(" ({} instances)", self.instances) } else { String::new() },
            self.devices,
            if self.shared { "one shared workspace" } else { "a workspace each" },
            match self.rate {
                Some(r) => format!("{r:.0} syncs/s offered"),
                None => "closed loop".into(),
            }
        )
    }
}

fn args() -> Option<Scenario> {
    let args: Vec<String> = std::env::args().collect();
    let value = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let flag = |name: &str| args.iter().any(|a| a == name);
    if !flag("--devices") && value("--rate").is_none() {
        return None;
    }
    Some(Scenario {
        devices: value("--devices").and_then(|v| v.parse().ok()).unwrap_or(200),
        rate: value("--rate").and_then(|v| v.parse().ok()),
        seconds: value("--seconds").and_then(|v| v.parse().ok()).unwrap_or(10.0),
        shared: flag("--shared"),
        postgres: flag("--postgres") || value("--instances").is_some(),
        instances: value("--instances").and_then(|v| v.parse().ok()).unwrap_or(1).max(1),
    })
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let server = server_binary();
    let scenarios = match args() {
        Some(one) => vec![one],
        None => {
            // PostgreSQL at 800/s is left out here: it serves about 200/s
            // on the test machine, and the backlog would take half a minute
            // (run it by hand with `-- --rate 800 --postgres`).
            let s =
                |rate, shared, postgres| Scenario { devices: 200, rate, seconds: 6.0, shared, postgres, instances: 1 };
            vec![
                s(Some(400.0), false, false),
                s(Some(800.0), false, false),
                s(None, false, false),
                s(Some(400.0), true, false),
                s(Some(400.0), false, true),
                s(None, false, true),
                Scenario { instances: 2, ..s(None, false, true) },
            ]
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    for scenario in scenarios {
        runtime.block_on(run(&server, &scenario));
    }
}

/// The release server binary, built if missing.
fn server_binary() -> PathBuf {
    if let Ok(path) = std::env::var("CD4MM_SERVER") {
        return PathBuf::from(path);
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let path = root.join("target/release/cd4mm-server");
    if !path.exists() {
        let status = std::process::Command::new(env!("CARGO"))
            .args(["build", "--release", "--locked", "-p", "cd4mm-server"])
            .current_dir(&root)
            .status()
            .expect("cargo build");
        assert!(status.success(), "building the server");
    }
    path
}

/// The server process, stopped when dropped.
struct Server {
    child: std::process::Child,
    url: String,
    errors: Arc<AtomicU64>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(binary: &std::path::Path, data: &std::path::Path, database: Option<&str>) -> Server {
        let mut command = std::process::Command::new(binary);
        command.arg("--data").arg(data).args(["--listen", "127.0.0.1:0"]);
        if let Some(url) = database {
            command.args(["--database", url]);
        }
        let mut child = command
            .env("CD4MM_LOG", "warn,cd4mm_server=info")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start the server");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = std::sync::mpsc::channel();
        let errors = Arc::new(AtomicU64::new(0));
        let counted = errors.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains("listening") {
                    let _ = tx.send(line.clone());
                }
                if line.contains("ERROR") || line.starts_with("cd4mm-server:") {
                    counted.fetch_add(1, Ordering::Relaxed);
                    eprintln!("server: {line}");
                }
            }
        });
        let line = rx.recv_timeout(Duration::from_secs(60)).expect("the server says where it listens");
        let addr = line
            .split_whitespace()
            .find_map(|w| w.strip_prefix("addr="))
            .expect("addr= in the listening line")
            .to_owned();
        Server { child, url: format!("http://{addr}"), errors }
    }

    /// Resident memory, in MB.
    fn rss_mb(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    }
}

/// One simulated device: its token, its plan's changes made in advance, and
/// where its sync stands.
struct Device {
    /// The server instance it syncs with.
    url: String,
    token: String,
    workspace: String,
    doc_id: String,
    changes: Vec<Vec<u8>>,
    /// Changes the server acknowledged (sent in order, one per sync).
    acked: usize,
    cursor: u64,
    epoch: Option<String>,
}

#[derive(Default)]
struct Tally {
    latencies_ms: Vec<f64>,
    ok: u64,
    busy: u64,
    failed: u64,
    bytes: u64,
}

async fn run(binary: &std::path::Path, scenario: &Scenario) {
    let dir = tempfile::tempdir().expect("tempdir");
    // On a plain thread: the blocking PostgreSQL client cannot run on a runtime's.
    let (cluster, database) = if scenario.postgres {
        let (cluster, url) = std::thread::spawn(|| {
            let cluster = postgres::Cluster::start();
            let url = cluster.create_database("load");
            (cluster, url)
        })
        .join()
        .expect("cluster");
        (Some(cluster), Some(url))
    } else {
        (None, None)
    };
    let workspace_of = |n: usize| if scenario.shared { "region".to_owned() } else { format!("country-{n:03}") };

    // Accounts, written straight into the storage before the server starts.
    {
        let config = Config { data: dir.path().to_owned(), database: database.clone(), ..Config::default() };
        let devices = scenario.devices;
        let shared = scenario.shared;
        tokio::task::spawn_blocking(move || {
            let db = cd4mm_server::open_storage(&config).expect("storage");
            let run = |c| admin::run(db.as_ref(), c).expect("admin");
            let workspace_of = |n: usize| if shared { "region".to_owned() } else { format!("country-{n:03}") };
            run(Command::AddUser { username: "checker".into(), password: PASSWORD.into(), admin: true });
            for n in 0..devices {
                if n == 0 || !shared {
                    run(Command::AddWorkspace { id: workspace_of(n), name: workspace_of(n), country: String::new() });
                }
                run(Command::AddUser { username: format!("officer{n}"), password: PASSWORD.into(), admin: false });
                run(Command::AddMember {
                    workspace: workspace_of(n),
                    username: format!("officer{n}"),
                    role: "editor".into(),
                });
            }
        })
        .await
        .expect("accounts");
    }
    let servers: Vec<Server> = (0..scenario.instances)
        .map(|i| {
            let data = dir.path().join(format!("instance-{i}"));
            std::fs::create_dir_all(&data).expect("data directory");
            // SQLite is the data directory's own file: one instance only.
            Server::start(binary, if database.is_some() { &data } else { dir.path() }, database.as_deref())
        })
        .collect();
    let rss = || servers.iter().map(Server::rss_mb).sum::<f64>();
    let idle_mb = rss();
    let http = cd4mm_sync::http_client();

    // Enrol every device and make its changes.
    let per_device = match scenario.rate {
        Some(rate) => (rate * scenario.seconds / scenario.devices as f64).ceil() as usize + 2,
        None => 200,
    };
    let mut devices = Vec::with_capacity(scenario.devices);
    for n in 0..scenario.devices {
        let actor = ActorId::random();
        let enrol = EnrolRequest {
            username: format!("officer{n}"),
            password: PASSWORD.into(),
            device_name: format!("laptop {n}"),
            actor: actor.to_hex_string(),
        };
        let enrolment: Enrolment = http
            .post(format!("{}/v1/enrol", servers[n % servers.len()].url))
            .json(&enrol)
            .send()
            .await
            .expect("enrol")
            .json()
            .await
            .expect("enrolment");
        let workspace = workspace_of(n);
        let plan = Plan { title: format!("Plan of officer {n}"), ..Plan::default() };
        let mut doc = Document::create(&workspace, &Content::Plan(plan), actor, 1).expect("plan");
        let mut changes = vec![doc.last_local_change().expect("created").raw_bytes().to_vec()];
        for i in 1..per_device {
            let edit = Edit::Set { path: "title".into(), value: json!(format!("Plan of officer {n}, version {i}")) };
            doc.apply(&edit, 1 + i as i64).expect("edit");
            changes.push(doc.last_local_change().expect("edited").raw_bytes().to_vec());
        }
        devices.push(Arc::new(tokio::sync::Mutex::new(Device {
            url: servers[n % servers.len()].url.clone(),
            token: enrolment.token,
            workspace,
            doc_id: format!("plan-{n:03}"),
            changes,
            acked: 0,
            cursor: 0,
            epoch: None,
        })));
    }
    let enrolled_mb = rss();

    // The timed part.
    let tally = Arc::new(Mutex::new(Tally::default()));
    let peak = Arc::new(AtomicU64::new(0));
    let sampling = Arc::new(AtomicBool::new(true));
    let pids: Vec<u32> = servers.iter().map(|s| s.child.id()).collect();
    let sampler = {
        let (peak, sampling) = (peak.clone(), sampling.clone());
        std::thread::spawn(move || {
            while sampling.load(Ordering::Relaxed) {
                let kb: u64 = pids
                    .iter()
                    .map(|pid| {
                        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
                        status
                            .lines()
                            .find_map(|l| l.strip_prefix("VmRSS:"))
                            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                            .unwrap_or(0)
                    })
                    .sum();
                peak.fetch_max(kb, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(scenario.seconds);
    let mut tasks = Vec::new();
    match scenario.rate {
        Some(rate) => {
            let total = (rate * scenario.seconds) as usize;
            for i in 0..total {
                let due = started + Duration::from_secs_f64(i as f64 / rate);
                tokio::time::sleep_until(due.into()).await;
                let (device, http, tally) = (devices[i % devices.len()].clone(), http.clone(), tally.clone());
                tasks.push(tokio::spawn(async move {
                    let mut device = device.lock().await;
                    sync_once(&http, &mut device, due, &tally).await;
                }));
            }
        }
        None => {
            for device in &devices {
                let (device, http, tally) = (device.clone(), http.clone(), tally.clone());
                tasks.push(tokio::spawn(async move {
                    let mut device = device.lock().await;
                    while Instant::now() < deadline && device.acked < device.changes.len() {
                        sync_once(&http, &mut device, Instant::now(), &tally).await;
                    }
                }));
            }
        }
    }
    for t in tasks {
        t.await.expect("device task");
    }
    let elapsed = started.elapsed().as_secs_f64();
    sampling.store(false, Ordering::Relaxed);
    sampler.join().expect("sampler");
    let after_mb = rss();

    let mut tally = std::mem::take(&mut *tally.lock().expect("tally"));
    tally.latencies_ms.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        let l = &tally.latencies_ms;
        if l.is_empty() { 0.0 } else { l[((l.len() - 1) as f64 * p).round() as usize] }
    };
    println!(
        "load, {}: {:.0} syncs/s served over {elapsed:.1} s; latency p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {} busy (429/503), {} failed, {} server errors logged; {:.1} MB moved; server RSS {idle_mb:.0} MB idle, {enrolled_mb:.0} MB after enrolling, peak {:.0} MB, {after_mb:.0} MB after",
        scenario.name(),
        tally.ok as f64 / elapsed,
        pct(0.5),
        pct(0.9),
        pct(0.99),
        pct(1.0),
        tally.busy,
        tally.failed,
        servers.iter().map(|s| s.errors.load(Ordering::Relaxed)).sum::<u64>(),
        tally.bytes as f64 / 1e6,
        peak.load(Ordering::Relaxed) as f64 / 1024.0,
    );
    assert_eq!(tally.failed, 0, "no sync may fail");

    // Nothing lost: a device that reads every workspace holds every change
    // the server acknowledged, each once.
    let checker_dir = tempfile::tempdir().expect("checker");
    let mut checker = cd4mm_store::Store::open(&checker_dir.path().join("c.sqlite3")).expect("store");
    let client =
        cd4mm_sync::Client::enrol(&servers[0].url, "checker", PASSWORD, "checker", &checker).await.expect("checker");
    let mut workspaces: Vec<String> = (0..scenario.devices).map(workspace_of).collect();
    workspaces.dedup();
    let (_tx, mut cancel) = tokio::sync::watch::channel(false);
    client.sync(&mut checker, &workspaces, &mut cancel, &mut |_| {}).await.expect("checker sync");
    let mut acked = 0;
    for device in &devices {
        let device = device.lock().await;
        acked += device.acked;
        if device.acked > 0 {
            let held = checker.changes(&device.doc_id).expect("the device's plan is on the server");
            assert_eq!(held.len(), device.acked, "{}: every acknowledged change, once", device.doc_id);
        }
    }
    println!("load, {}: all {acked} acknowledged changes are on the server and reach a reader", scenario.name());
    drop(servers);
    // The cluster stops with a blocking command: not on the runtime's thread.
    if let Some(cluster) = cluster {
        tokio::task::spawn_blocking(move || drop(cluster)).await.expect("cluster stopped");
    }
}

/// One sync of `device`: its next change and its cursor; the latency counts
/// from `due`.
async fn sync_once(http: &reqwest::Client, device: &mut Device, due: Instant, tally: &Mutex<Tally>) {
    let changes = match device.changes.get(device.acked) {
        Some(bytes) => vec![OutChange {
            workspace: device.workspace.clone(),
            doc_id: device.doc_id.clone(),
            kind: "plan".into(),
            bytes: bytes.clone(),
        }],
        None => vec![],
    };
    let sent = changes.len();
    let request = SyncRequest {
        epoch: device.epoch.clone(),
        budget: 256 * 1024,
        cursors: vec![Cursor { workspace: device.workspace.clone(), seq: device.cursor, resume: None }],
        changes,
    };
    let body = wire::compress(&wire::encode(&request));
    let mut moved = body.len() as u64;
    let response = http
        .post(format!("{}/v1/sync", device.url))
        .bearer_auth(&device.token)
        .header("content-type", wire::CONTENT_TYPE)
        .header("content-encoding", wire::ZSTD)
        .header("accept-encoding", wire::ZSTD)
        .body(body)
        .send()
        .await;
    let outcome = match response {
        Ok(r) if r.status().is_success() => {
            let zstd = r.headers().get("content-encoding").is_some_and(|v| v.as_bytes() == wire::ZSTD.as_bytes());
            match r.bytes().await {
                Ok(bytes) => {
                    moved += bytes.len() as u64;
                    let plain = if zstd { wire::decompress(&bytes, 64 << 20).ok() } else { Some(bytes.to_vec()) };
                    plain.and_then(|p| wire::decode::<SyncResponse>(&p).ok()).map(Ok).unwrap_or(Err(false))
                }
                Err(_) => Err(false),
            }
        }
        Ok(r) if r.status().as_u16() == 429 || r.status().as_u16() == 503 => Err(true),
        _ => Err(false),
    };
    let latency = due.elapsed().as_secs_f64() * 1000.0;
    let mut tally = tally.lock().expect("tally");
    tally.bytes += moved;
    match outcome {
        Ok(answer) => {
            tally.ok += 1;
            tally.latencies_ms.push(latency);
            let refused = answer.refused.iter().any(|r| r.index == 0) || answer.deferred.contains(&0);
            if sent == 1 && !refused {
                device.acked += 1;
            }
            device.epoch = Some(answer.epoch);
            if let Some(news) = answer.workspaces.iter().find(|w| w.workspace == device.workspace) {
                device.cursor = news.cursor;
            }
        }
        Err(true) => tally.busy += 1,
        Err(false) => tally.failed += 1,
    }
}
