//! A throwaway PostgreSQL cluster from Debian's packages: `initdb` and `pg_ctl`
//! on a temporary directory and a free loopback port, stopped when dropped.
//! Nothing assumes a running service. As root, the cluster runs as the
//! `postgres` user that the package creates (initdb refuses root).

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
    as_root: bool,
}

fn server_binaries() -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| d.filter_map(Result::ok).map(|e| e.path().join("bin")).filter(|b| b.join("initdb").exists()).collect())
        .unwrap_or_default();
    found.sort();
    found.pop().expect(
        "PostgreSQL server binaries not found under /usr/lib/postgresql: install Debian's `postgresql` package (scripts/test does)",
    )
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl Cluster {
    fn run(&self, program: &str, args: &[&str]) {
        let exe = self.bin.join(program);
        let output = if self.as_root {
            Command::new("runuser").args(["-u", "postgres", "--"]).arg(&exe).args(args).output()
        } else {
            Command::new(&exe).args(args).output()
        }
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", exe.display()));
        assert!(
            output.status.success(),
            "{program} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    pub fn start() -> Cluster {
        Cluster::start_with(None)
    }

    /// A cluster that offers TLS with this certificate and key (PEM).
    pub fn start_with_tls(cert: &str, key: &str) -> Cluster {
        Cluster::start_with(Some((cert, key)))
    }

    fn start_with(tls: Option<(&str, &str)>) -> Cluster {
        let bin = server_binaries();
        let dir = tempfile::Builder::new().prefix("cd4mm-pg-").tempdir().expect("tempdir");
        let as_root = is_root();
        if as_root {
            let status =
                Command::new("chown").args(["-R", "postgres:postgres"]).arg(dir.path()).status().expect("chown");
            assert!(status.success(), "chown the cluster directory to postgres");
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("addr").port();
        let cluster = Cluster { dir, bin, port, as_root };
        std::fs::create_dir_all(Path::new(&cluster.path("sock"))).expect("socket dir");
        if as_root {
            let _ = Command::new("chown").args(["postgres:postgres", &cluster.path("sock")]).status();
        }
        cluster
            .run("initdb", &["-D", &cluster.path("data"), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
        let mut options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100",
            cluster.port,
            cluster.path("sock")
        );
        if let Some((cert, key)) = tls {
            let (cert_path, key_path) = (cluster.path("server.crt"), cluster.path("server.key"));
            std::fs::write(&cert_path, cert).expect("write the certificate");
            std::fs::write(&key_path, key).expect("write the key");
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&key_path, std::fs::Permissions::from_mode(0o600)).expect("key mode");
            if as_root {
                let _ = Command::new("chown").args(["postgres:postgres", &cert_path, &key_path]).status();
            }
            options.push_str(&format!(" -c ssl=on -c ssl_cert_file={cert_path} -c ssl_key_file={key_path}"));
        }
        cluster
            .run("pg_ctl", &["-D", &cluster.path("data"), "-o", &options, "-l", &cluster.path("log"), "-w", "start"]);
        cluster
    }

    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// Create a database and return its URL.
    pub fn create_database(&self, name: &str) -> String {
        let mut admin =
            ::postgres::Client::connect(&self.url("postgres"), ::postgres::NoTls).expect("connect to the cluster");
        admin.batch_execute(&format!("CREATE DATABASE {name}")).expect("create database");
        self.url(name)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let exe = self.bin.join("pg_ctl");
        let data = self.path("data");
        let args = ["-D", data.as_str(), "-m", "immediate", "-w", "stop"];
        let _ = if self.as_root {
            Command::new("runuser").args(["-u", "postgres", "--"]).arg(&exe).args(args).output()
        } else {
            Command::new(&exe).args(args).output()
        };
    }
}
