//! `cd4mm-server`: serve, or run an admin command. See `--help`.

use cd4mm_server::Config;
use cd4mm_server::admin::{self, Command};
use clap::{Parser, Subcommand};
use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;

/// The CD4MM Field regional sync server.
///
/// With no arguments it serves on 127.0.0.1:8640 with an SQLite database in
/// ./cd4mm-server-data: no other setup. Settings come from, in order of
/// precedence: command-line options, CD4MM_* environment variables, a TOML file
/// given with --config (keys: listen, data, database, database_connections,
/// ui, max_body_bytes, max_response_bytes, session_idle_secs,
/// session_max_secs, sessions_per_user, database_ca, tls_cert, tls_key,
/// trusted_proxies), and the defaults.
#[derive(Debug, Parser)]
#[command(version, about, long_about)]
struct Cli {
    /// Address to listen on, e.g. 0.0.0.0:8640 behind a TLS proxy.
    #[arg(long, env = "CD4MM_LISTEN", global = true)]
    listen: Option<SocketAddr>,
    /// Directory of the SQLite database (created if missing).
    #[arg(long, env = "CD4MM_DATA", global = true)]
    data: Option<PathBuf>,
    /// Use PostgreSQL: postgres://user:password@host:port/database.
    #[arg(long, env = "CD4MM_DATABASE", global = true)]
    database: Option<String>,
    /// Directory of the built web UI (`ui/dist`), served at `/` for browser
    /// users; without it the server answers only the API.
    #[arg(long, env = "CD4MM_UI", global = true)]
    ui: Option<PathBuf>,
    /// With a `sslmode=require` database URL: the authority (PEM) that signed
    /// PostgreSQL's certificate, besides the system's.
    #[arg(long, env = "CD4MM_DATABASE_CA", global = true)]
    database_ca: Option<PathBuf>,
    /// HTTPS without a proxy: the certificate chain (PEM), with --tls-key.
    #[arg(long, env = "CD4MM_TLS_CERT", global = true)]
    tls_cert: Option<PathBuf>,
    /// The certificate's private key (PEM).
    #[arg(long, env = "CD4MM_TLS_KEY", global = true)]
    tls_key: Option<PathBuf>,
    /// Behind a reverse proxy elsewhere than this machine: its address or
    /// network (e.g. 10.0.0.0/8; repeat, or separate with commas), whose
    /// X-Forwarded-For then names the client for the sign-in limits.
    #[arg(long = "trusted-proxy", env = "CD4MM_TRUSTED_PROXIES", global = true, value_delimiter = ',')]
    trusted_proxies: Vec<String>,
    /// A TOML file with the settings above.
    #[arg(long, env = "CD4MM_CONFIG", global = true)]
    config: Option<PathBuf>,
    /// Logs as lines for people (`text`) or one JSON object per line (`json`),
    /// for a log collector. Which lines: CD4MM_LOG (e.g. `info`, `debug`).
    #[arg(long, env = "CD4MM_LOG_FORMAT", global = true, value_enum, default_value = "text")]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Option<Admin>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
enum Admin {
    /// Users: `user add NAME [--admin]`, `user password NAME` (a new one),
    /// `user disable NAME` (every device revoked, no sign-in), `user enable
    /// NAME`; passwords are read from CD4MM_PASSWORD or the first line of
    /// standard input.
    #[command(subcommand)]
    User(UserCmd),
    /// Workspaces: `workspace add ID --name NAME [--country COUNTRY]` (an ISO
    /// 3166 code such as GH, or the English name).
    #[command(subcommand)]
    Workspace(WorkspaceCmd),
    /// Roles: `member add WORKSPACE USER ROLE` (owner, editor, counterpart,
    /// viewer; again to change it), `member remove WORKSPACE USER`.
    #[command(subcommand)]
    Member(MemberCmd),
    /// Regional officers: `region cover USER COUNTRY...` lets USER read every
    /// workspace of those countries (as a viewer) without being a member;
    /// `region uncover USER COUNTRY...` takes countries back; `region list`.
    #[command(subcommand)]
    Region(RegionCmd),
    /// Devices: `device list`, `device revoke DEVICE_ID`.
    #[command(subcommand)]
    Device(DeviceCmd),
    /// The newest lines of the audit log: what administrators did, and when.
    Audit,
    /// After restoring a backup: `epoch new`, so devices send again what was lost.
    #[command(subcommand)]
    Epoch(EpochCmd),
    /// Fill a new server with a demo workspace (`ghana-border`) and demo
    /// accounts (officer, counterpart, regional, admin; password `cd4mm-demo`).
    Demo,
    /// `backup FILE`: a consistent copy of the database while the server
    /// runs (SQLite: VACUUM INTO; PostgreSQL: pg_dump). Never overwrites.
    Backup { file: PathBuf },
    /// `restore FILE`, with the server stopped: put a backup in place, then
    /// start a new epoch so every device sends again what the backup lacks
    /// (PostgreSQL: pg_restore --clean).
    Restore { file: PathBuf },
}

#[derive(Debug, Subcommand)]
enum UserCmd {
    Add {
        username: String,
        #[arg(long)]
        admin: bool,
    },
    Password {
        username: String,
    },
    Disable {
        username: String,
    },
    Enable {
        username: String,
    },
}

#[derive(Debug, Subcommand)]
enum WorkspaceCmd {
    Add {
        id: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        country: String,
    },
}

#[derive(Debug, Subcommand)]
enum MemberCmd {
    Add { workspace: String, username: String, role: String },
    Remove { workspace: String, username: String },
}

#[derive(Debug, Subcommand)]
enum RegionCmd {
    Cover {
        username: String,
        #[arg(required = true)]
        countries: Vec<String>,
    },
    Uncover {
        username: String,
        #[arg(required = true)]
        countries: Vec<String>,
    },
    List,
}

#[derive(Debug, Subcommand)]
enum DeviceCmd {
    List,
    Revoke { device_id: String },
}

#[derive(Debug, Subcommand)]
enum EpochCmd {
    New,
}

fn config(cli: &Cli) -> anyhow_free::Result<Config> {
    let mut config = match &cli.config {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => Config::default(),
    };
    if let Some(listen) = cli.listen {
        config.listen = listen;
    }
    if let Some(data) = &cli.data {
        config.data = data.clone();
    }
    if let Some(database) = &cli.database {
        config.database = Some(database.clone());
    }
    if let Some(ui) = &cli.ui {
        config.ui = Some(ui.clone());
    }
    if let Some(ca) = &cli.database_ca {
        config.database_ca = Some(ca.clone());
    }
    if let Some(cert) = &cli.tls_cert {
        config.tls_cert = Some(cert.clone());
    }
    if let Some(key) = &cli.tls_key {
        config.tls_key = Some(key.clone());
    }
    // Empty items (`CD4MM_TRUSTED_PROXIES=""`, a trailing comma) name nothing.
    let proxies: Vec<&str> = cli.trusted_proxies.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).collect();
    if !proxies.is_empty() {
        config.trusted_proxies = proxies
            .iter()
            .map(|p| p.parse())
            .collect::<Result<_, String>>()
            .map_err(|e| format!("--trusted-proxy: {e}"))?;
    }
    Ok(config)
}

/// Errors at this edge are plain strings for people.
mod anyhow_free {
    pub type Result<T> = std::result::Result<T, String>;
}

fn password() -> anyhow_free::Result<String> {
    if let Ok(p) = std::env::var("CD4MM_PASSWORD") {
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| e.to_string())?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn admin_command(admin: Admin) -> anyhow_free::Result<Command> {
    Ok(match admin {
        Admin::User(UserCmd::Add { username, admin }) => Command::AddUser { username, password: password()?, admin },
        Admin::User(UserCmd::Password { username }) => Command::ResetPassword { username, password: password()? },
        Admin::User(UserCmd::Disable { username }) => Command::SetDisabled { username, disabled: true },
        Admin::User(UserCmd::Enable { username }) => Command::SetDisabled { username, disabled: false },
        Admin::Member(MemberCmd::Remove { workspace, username }) => Command::RemoveMember { workspace, username },
        Admin::Audit => Command::Audit,
        Admin::Workspace(WorkspaceCmd::Add { id, name, country }) => Command::AddWorkspace { id, name, country },
        Admin::Member(MemberCmd::Add { workspace, username, role }) => Command::AddMember { workspace, username, role },
        Admin::Region(RegionCmd::Cover { username, countries }) => Command::Cover { username, countries },
        Admin::Region(RegionCmd::Uncover { username, countries }) => Command::Uncover { username, countries },
        Admin::Region(RegionCmd::List) => Command::ListCoverage,
        Admin::Device(DeviceCmd::List) => Command::ListDevices,
        Admin::Device(DeviceCmd::Revoke { device_id }) => Command::RevokeDevice { device_id },
        Admin::Epoch(EpochCmd::New) => Command::NewEpoch,
        Admin::Demo => Command::Demo,
        Admin::Backup { .. } | Admin::Restore { .. } => unreachable!("handled before opening the storage"),
    })
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let logs = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("CD4MM_LOG").unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Text => logs.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr())).init(),
        LogFormat::Json => logs.json().with_current_span(false).init(),
    }
    match run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("cd4mm-server: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(mut cli: Cli) -> anyhow_free::Result<()> {
    let config = config(&cli)?;
    if let Some(admin) = cli.command.take() {
        let out = match admin {
            Admin::Backup { file } => cd4mm_server::backup::backup(&config, &file)?,
            Admin::Restore { file } => cd4mm_server::backup::restore(&config, &file)?,
            other => {
                let db = cd4mm_server::open_storage(&config)?;
                admin::run(db.as_ref(), admin_command(other)?)?
            }
        };
        // `… | head` closes the pipe early: that is not an error worth a panic.
        use std::io::Write;
        let _ = writeln!(std::io::stdout(), "{out}");
        return Ok(());
    }
    // While serving from SQLite, the data directory is locked: `restore`
    // refuses to replace a database a server has open.
    let _serving = match config.database {
        None => Some(
            cd4mm_server::backup::serving_lock(&config.data)
                .map_err(|e| format!("{} is in use by another cd4mm-server ({e})", config.data.display()))?,
        ),
        Some(_) => None,
    };
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
        // Ctrl-C or SIGTERM (service managers): finish requests in flight,
        // then stop. Both are taken over here, before the server says it
        // listens: a signal sent at once would otherwise kill it outright.
        use tokio::signal::unix::{SignalKind, signal};
        let mut interrupt = signal(SignalKind::interrupt()).map_err(|e| e.to_string())?;
        let mut term = signal(SignalKind::terminate()).map_err(|e| e.to_string())?;
        let shutdown = async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = term.recv() => {}
            }
        };
        let opening = config.clone();
        let db = tokio::task::spawn_blocking(move || cd4mm_server::open_storage(&opening))
            .await
            .map_err(|e| e.to_string())??;
        cd4mm_server::serve(db, config, listener, shutdown).await
    })
}
