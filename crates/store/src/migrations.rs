//! Schema migrations of the local store: SQL files in `migrations/store/`,
//! embedded in the binary and applied in order at open. `PRAGMA user_version`
//! holds how many have been applied.

use rusqlite::Connection;

/// Migration `n` (1-based) is `MIGRATIONS[n - 1]`. Append only: never edit one
/// that has shipped, devices in the field have already run it.
const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_init.sql", include_str!("../../../migrations/store/0001_init.sql")),
    ("0002_sync.sql", include_str!("../../../migrations/store/0002_sync.sql")),
    ("0003_quarantine.sql", include_str!("../../../migrations/store/0003_quarantine.sql")),
    ("0004_search_rows.sql", include_str!("../../../migrations/store/0004_search_rows.sql")),
];

/// The version a fully migrated store has.
pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

/// Apply the migrations the database lacks, each in its own transaction.
pub(crate) fn run(conn: &mut Connection) -> rusqlite::Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (index, (_name, sql)) in MIGRATIONS.iter().enumerate().skip(current.max(0) as usize) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive)?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
