//! The power cut at the border crossing: a real child process makes edits in a
//! loop and is killed with SIGKILL at a random moment. After reopening, every
//! edit whose call had returned is there and the database is sound.
//!
//! The child is this same test binary, started again with `CD4MM_CRASH_CHILD`
//! set and filtered to `child_process_makes_edits_until_killed`.

use cd4mm_core::engagement::Engagement;
use cd4mm_core::{Content, Edit};
use cd4mm_store::Store;
use serde_json::json;
use std::collections::HashSet;
use std::hash::{BuildHasher, Hasher};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CHILD_ENV: &str = "CD4MM_CRASH_CHILD";
const ROUNDS: usize = 6;

/// In the child: edit until killed (or, as a safety net, for 60 seconds).
#[test]
fn child_process_makes_edits_until_killed() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let (path, round) = spec.split_once('|').expect("path|round");
    let mut store = Store::open(std::path::Path::new(path)).expect("child opens store");
    if store.list(None).expect("list").is_empty() {
        let content = Content::Engagement(Engagement { title: "Workshop".into(), ..Engagement::default() });
        store.create("eng", "ws", &content, 0).expect("create");
    }
    let stdout = std::io::stdout();
    let started = Instant::now();
    let mut i = 0u64;
    while started.elapsed() < Duration::from_secs(60) {
        let id = format!("r{round}-{i}");
        let item = json!({"id": id, "summary": format!("Participant said {i} things about the border post.")});
        store.edit("eng", &Edit::Insert { list: "log".into(), item, before: None }, i as i64).expect("edit");
        // Only now has the call returned: acknowledge it.
        let mut out = stdout.lock();
        writeln!(out, "ACK {id}").expect("write ack");
        out.flush().expect("flush");
        i += 1;
    }
}

fn random_below(n: u64) -> u64 {
    std::collections::hash_map::RandomState::new().build_hasher().finish() % n
}

#[test]
fn killed_writer_loses_no_acknowledged_edit() {
    if std::env::var(CHILD_ENV).is_ok() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("crash.sqlite3");
    let exe = std::env::current_exe().expect("test binary");
    let mut acknowledged: HashSet<String> = HashSet::new();
    for round in 0..ROUNDS {
        let mut child = Command::new(&exe)
            .args(["child_process_makes_edits_until_killed", "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, format!("{}|{round}", path.display()))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start child");
        let stdout = child.stdout.take().expect("child stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(id) = line.strip_prefix("ACK ") {
                    let _ = tx.send(id.to_owned());
                }
            }
        });
        // Wait until the child is writing (however slow the machine), then kill
        // it at a random moment while it writes.
        let first = rx.recv_timeout(Duration::from_secs(60)).expect("the child acknowledges its first edit");
        std::thread::sleep(Duration::from_millis(random_below(400)));
        child.kill().expect("SIGKILL the child");
        child.wait().expect("reap child");
        reader.join().expect("reader");
        let acks: Vec<String> = std::iter::once(first).chain(rx.try_iter()).collect();
        acknowledged.extend(acks);

        let mut store = Store::open(&path).expect("reopen after the kill");
        assert_eq!(store.integrity_check().expect("integrity check"), "ok");
        let log = store.read("eng").expect("read").value["log"].as_array().expect("log").clone();
        let present: HashSet<String> = log.iter().filter_map(|e| e["id"].as_str().map(str::to_owned)).collect();
        let lost: Vec<&String> = acknowledged.difference(&present).collect();
        assert!(lost.is_empty(), "round {round}: acknowledged edits lost after SIGKILL: {lost:?}");
    }
    eprintln!("crash test: {} acknowledged edits over {ROUNDS} kills, none lost", acknowledged.len());
}
