//! What the tests of the real `cd4mm-server` binary share: running an admin
//! command, and a serving process on a loopback port the OS chooses, with
//! its logs, stopped by the test (killed if the test fails first).

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_cd4mm-server");

/// Run `cd4mm-server ARGS…` to its end: whether it succeeded, and all it
/// printed (standard output, then standard error).
pub fn run<S: AsRef<OsStr>>(args: &[S]) -> (bool, String) {
    let out = Command::new(BIN).args(args).output().expect("run cd4mm-server");
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

/// A serving `cd4mm-server`.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The log lines up to the one that names the address.
    pub startup: Vec<String>,
    rest: Option<JoinHandle<Vec<String>>>,
}

impl Server {
    /// `cd4mm-server ARGS… --listen 127.0.0.1:0` with the environment `env`,
    /// once it listens (its address read from its logs, text or JSON).
    pub fn start<S: AsRef<OsStr>>(args: &[S], env: &[(&str, &str)]) -> Server {
        let mut child = Command::new(BIN)
            .args(args)
            .args(["--listen", "127.0.0.1:0"])
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the server");
        let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
        let mut startup = Vec::new();
        let addr = loop {
            let line = lines.next().expect("the server logs its address").expect("utf-8 log");
            startup.push(line.clone());
            if let Some(addr) = address(&line) {
                break addr;
            }
        };
        // Read on, so the server never blocks on a full pipe.
        let rest = std::thread::spawn(move || lines.map_while(Result::ok).collect());
        Server { child, url: format!("http://{addr}"), startup, rest: Some(rest) }
    }

    /// Stop it with `signal` (`INT` or `TERM`), check that it exits cleanly
    /// within 20 s, and return every line it logged.
    pub fn stop(mut self, signal: &str) -> Vec<String> {
        let pid = self.child.id().to_string();
        let status = Command::new("kill").args([&format!("-{signal}"), &pid]).status().expect("kill");
        assert!(status.success(), "kill -{signal} {pid}");
        let deadline = Instant::now() + Duration::from_secs(20);
        let exit = loop {
            if let Some(exit) = self.child.try_wait().expect("wait") {
                break exit;
            }
            assert!(Instant::now() < deadline, "the server stops within 20 s of SIG{signal}");
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(exit.success(), "a graceful stop exits 0, not {exit}");
        let mut logs = std::mem::take(&mut self.startup);
        logs.extend(self.rest.take().expect("logs").join().expect("the log reader"));
        logs
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The address a "listening" log line names: `addr=…` in text, the field
/// `addr` in JSON.
fn address(line: &str) -> Option<String> {
    if line.starts_with('{') {
        let entry: serde_json::Value = serde_json::from_str(line).ok()?;
        return entry["fields"]["addr"].as_str().map(str::to_owned);
    }
    Some(line.split("addr=").nth(1)?.split_whitespace().next()?.to_owned())
}
