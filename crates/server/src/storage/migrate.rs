//! The server's schema migrations: one list of names for both dialects
//! (each name has a file in `migrations/server-sqlite/` and one in
//! `migrations/server-postgres/`, so a step cannot be added to one backend
//! and forgotten in the other), and one runner. The backends only say how
//! their dialect reads and records the version.

/// Every migration, as (name, SQLite text, PostgreSQL text), in order.
macro_rules! migrations {
    ($($name:literal),* $(,)?) => {
        pub const MIGRATIONS: &[(&str, &str, &str)] = &[$((
            $name,
            include_str!(concat!("../../../../migrations/server-sqlite/", $name)),
            include_str!(concat!("../../../../migrations/server-postgres/", $name)),
        )),*];
    };
}

migrations![
    "0001_init.sql",
    "0002_facts.sql",
    "0003_coverage.sql",
    "0004_documents_by_id.sql",
    "0005_last_seq.sql",
    "0006_browser_sessions.sql",
    "0007_administration.sql",
    "0008_facts_again.sql",
];

/// Which text of a migration a backend runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// How one backend keeps its schema version. Each step runs in its own
/// transaction with the version it leads to.
pub trait Schema {
    type Error: std::fmt::Display;
    const DIALECT: Dialect;

    /// The version recorded (0 for a new database).
    fn version(&mut self) -> Result<i64, Self::Error>;
    /// Run `sql` and record `version`, in one transaction.
    fn step(&mut self, sql: &str, version: i64) -> Result<(), Self::Error>;
}

/// Refuse a database written by a newer server, before anything touches
/// it: its data must not be read by code that does not know it.
pub fn check<S: Schema>(schema: &mut S, what: &str) -> Result<i64, String> {
    let version = schema.version().map_err(|e| format!("{what}: {e}"))?;
    if version > MIGRATIONS.len() as i64 {
        return Err(format!(
            "{what} was written by a newer cd4mm-server (database version {version}); update the server"
        ));
    }
    Ok(version)
}

/// Bring the schema up to date (after [`check`]).
pub fn run<S: Schema>(schema: &mut S, what: &str) -> Result<(), String> {
    let fail = |e: S::Error| format!("{what}: {e}");
    let version = check(schema, what)?;
    for (i, (name, sqlite, postgres)) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
        let sql = match S::DIALECT {
            Dialect::Sqlite => sqlite,
            Dialect::Postgres => postgres,
        };
        tracing::info!(migration = name, "migrating the database");
        schema.step(sql, i as i64 + 1).map_err(fail)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A schema in memory that records the steps it ran.
    struct Recorder {
        version: i64,
        ran: Vec<i64>,
    }

    impl Schema for Recorder {
        type Error = String;
        const DIALECT: Dialect = Dialect::Sqlite;

        fn version(&mut self) -> Result<i64, String> {
            Ok(self.version)
        }

        fn step(&mut self, sql: &str, version: i64) -> Result<(), String> {
            assert!(!sql.trim().is_empty(), "migration {version} is empty");
            self.ran.push(version);
            self.version = version;
            Ok(())
        }
    }

    #[test]
    fn only_missing_steps_run_and_a_newer_database_is_refused() {
        let all = MIGRATIONS.len() as i64;
        let mut fresh = Recorder { version: 0, ran: vec![] };
        run(&mut fresh, "test").expect("fresh");
        assert_eq!(fresh.ran, (1..=all).collect::<Vec<_>>());
        let mut half = Recorder { version: all - 1, ran: vec![] };
        run(&mut half, "test").expect("half");
        assert_eq!(half.ran, vec![all]);
        let mut newer = Recorder { version: all + 1, ran: vec![] };
        let err = run(&mut newer, "the data").expect_err("newer");
        assert!(err.contains("newer cd4mm-server"), "{err}");
        assert!(newer.ran.is_empty());
    }

    #[test]
    fn every_file_of_both_folders_is_a_listed_step() {
        let listed: Vec<&str> = MIGRATIONS.iter().map(|m| m.0).collect();
        for dialect in ["server-sqlite", "server-postgres"] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations").join(dialect);
            let mut files: Vec<String> = std::fs::read_dir(&dir)
                .expect("migrations folder")
                .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".sql"))
                .collect();
            files.sort();
            assert_eq!(files, listed, "{dialect}: a migration file that is not listed would never run");
        }
    }
}
