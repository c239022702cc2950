//! Writes the core's projection rows (`cd4mm_core::projection`) into the
//! `p_*` tables and the `search` index, replacing the document's old rows.

use cd4mm_core::projection::rows;
use cd4mm_core::{Content, Document, Snapshot};
use rusqlite::{Connection, params};

const TABLES: &[&str] = &["p_stakeholders", "p_questions", "p_activities", "p_indicators", "p_measurements", "search"];
/// The `p_*` tables, each indexed by `doc_id`.
const KEYED: &[&str] = &["p_stakeholders", "p_questions", "p_activities", "p_indicators", "p_measurements"];

/// Replace the rows of document `id`, and its line in `documents`.
pub(crate) fn write(conn: &Connection, id: &str, doc: &Document, now_ms: i64) -> crate::Result<()> {
    write_read(conn, id, doc, doc.read(), now_ms)
}

/// [`write`] from `snapshot`, the document as just read.
pub(crate) fn write_read(
    conn: &Connection,
    id: &str,
    doc: &Document,
    snapshot: Snapshot,
    now_ms: i64,
) -> crate::Result<()> {
    clear(conn, id)?;
    let conflicts = snapshot.conflicts.len() as i64;
    // A document whose content does not fit the model (e.g. from a newer app)
    // still gets its line in lists; it just contributes no rows.
    let r = Content::from_json(doc.kind(), snapshot.value).map(|c| rows(&c)).unwrap_or_default();
    conn.prepare_cached(
        "UPDATE documents SET title = ?2, schema = ?3, conflicts = ?4, updated_at = max(updated_at, ?5) WHERE id = ?1",
    )?
    .execute(params![id, r.title, doc.schema() as i64, conflicts, now_ms])?;
    let kind = doc.kind().code();
    let mut stmt = conn.prepare_cached(
        "INSERT INTO p_stakeholders (doc_id, id, name, type, power, interest, stance, quadrant) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for s in &r.stakeholders {
        stmt.execute(params![id, s.id, s.name, s.stakeholder_type, s.power, s.interest, s.stance, s.quadrant])?;
    }
    let mut stmt = conn.prepare_cached(
        "INSERT INTO p_questions (doc_id, question_id, section_id, level, core_issue, functional_capacity, existing, desired, gap, priority)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for q in &r.questions {
        stmt.execute(params![
            id,
            q.question_id,
            q.section_id,
            q.level,
            q.core_issue,
            q.functional_capacity,
            q.existing,
            q.desired,
            q.gap,
            q.priority
        ])?;
    }
    let mut stmt = conn.prepare_cached(
        "INSERT INTO p_activities (doc_id, id, outcome_id, output_id, title, type, status, budget, owner, starts_on, ends_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    for a in &r.activities {
        stmt.execute(params![
            id,
            a.id,
            a.outcome_id,
            a.output_id,
            a.title,
            a.activity_type,
            a.status,
            a.budget,
            a.owner,
            a.starts_on,
            a.ends_on
        ])?;
    }
    let mut stmt = conn.prepare_cached(
        "INSERT INTO p_indicators (doc_id, id, result_id, name, baseline, target, target_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for i in &r.indicators {
        stmt.execute(params![id, i.id, i.result_id, i.name, i.baseline, i.target, i.target_on])?;
    }
    let mut stmt = conn.prepare_cached(
        "INSERT INTO p_measurements (doc_id, id, indicator_id, date, value) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for m in &r.measurements {
        stmt.execute(params![id, m.id, m.indicator_id, m.date, m.value])?;
    }
    let mut stmt =
        conn.prepare_cached("INSERT INTO search (doc_id, kind, item_id, title, body) VALUES (?1, ?2, ?3, ?4, ?5)")?;
    let mut row = conn.prepare_cached("INSERT INTO search_rows (doc_id, row) VALUES (?1, ?2)")?;
    for s in &r.search {
        stmt.execute(params![id, kind, s.item_id, s.title, s.body])?;
        row.execute(params![id, conn.last_insert_rowid()])?;
    }
    Ok(())
}

/// Remove the rows of document `id`.
pub(crate) fn clear(conn: &Connection, id: &str) -> crate::Result<()> {
    for table in KEYED {
        conn.prepare_cached(&format!("DELETE FROM {table} WHERE doc_id = ?1"))?.execute([id])?;
    }
    // By rowid: a `doc_id` condition would scan the whole full-text index.
    conn.prepare_cached("DELETE FROM search WHERE rowid IN (SELECT row FROM search_rows WHERE doc_id = ?1)")?
        .execute([id])?;
    conn.prepare_cached("DELETE FROM search_rows WHERE doc_id = ?1")?.execute([id])?;
    Ok(())
}

pub(crate) fn clear_all(conn: &Connection) -> crate::Result<()> {
    for table in TABLES.iter().chain(&["search_rows"]) {
        conn.execute(&format!("DELETE FROM {table}"), [])?;
    }
    Ok(())
}

/// Every row of every projection (and each document's listed title and
/// conflict count), as text, sorted.
pub(crate) fn dump(conn: &Connection) -> crate::Result<Vec<String>> {
    let mut out = Vec::new();
    let queries = TABLES.iter().map(|t| format!("SELECT '{t}', * FROM {t}")).chain(std::iter::once(
        "SELECT 'documents', id, kind, workspace, title, schema, conflicts FROM documents".to_owned(),
    ));
    for sql in queries {
        let mut stmt = conn.prepare(&sql)?;
        let columns = stmt.column_count();
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let mut line = Vec::with_capacity(columns);
            for i in 0..columns {
                let v: rusqlite::types::Value = row.get(i)?;
                line.push(format!("{v:?}"));
            }
            out.push(line.join("|"));
        }
    }
    out.sort();
    Ok(out)
}
