-- The local store of one profile: Automerge documents and their projections.
-- Documents are the truth; every p_* table and `search` can be dropped and
-- rebuilt from them (Store::rebuild_projections).

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- One row per document: its latest compacted snapshot and what lists need.
CREATE TABLE documents (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    workspace  TEXT NOT NULL,
    title      TEXT NOT NULL DEFAULT '',
    schema     INTEGER NOT NULL,
    conflicts  INTEGER NOT NULL DEFAULT 0,
    snapshot   BLOB,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX documents_by_workspace ON documents (workspace, kind);

-- Changes made or received after the snapshot, in arrival order (rowid).
CREATE TABLE changes (
    doc_id TEXT NOT NULL REFERENCES documents (id),
    hash   BLOB NOT NULL,
    bytes  BLOB NOT NULL,
    local  INTEGER NOT NULL,
    PRIMARY KEY (doc_id, hash)
) STRICT;

CREATE TABLE p_stakeholders (
    doc_id TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
    power INTEGER NOT NULL, interest INTEGER NOT NULL, stance TEXT NOT NULL, quadrant TEXT NOT NULL
) STRICT;
CREATE INDEX p_stakeholders_doc ON p_stakeholders (doc_id);

CREATE TABLE p_questions (
    doc_id TEXT NOT NULL, question_id TEXT NOT NULL, section_id TEXT NOT NULL,
    level TEXT, core_issue TEXT, functional_capacity TEXT,
    existing INTEGER, desired INTEGER, gap INTEGER, priority INTEGER NOT NULL
) STRICT;
CREATE INDEX p_questions_doc ON p_questions (doc_id);

CREATE TABLE p_activities (
    doc_id TEXT NOT NULL, id TEXT NOT NULL, outcome_id TEXT NOT NULL, output_id TEXT NOT NULL,
    title TEXT NOT NULL, type TEXT NOT NULL, status TEXT NOT NULL, budget REAL NOT NULL,
    owner TEXT NOT NULL, starts_on TEXT, ends_on TEXT
) STRICT;
CREATE INDEX p_activities_doc ON p_activities (doc_id);

CREATE TABLE p_indicators (
    doc_id TEXT NOT NULL, id TEXT NOT NULL, result_id TEXT NOT NULL, name TEXT NOT NULL,
    baseline REAL NOT NULL, target REAL NOT NULL, target_on TEXT
) STRICT;
CREATE INDEX p_indicators_doc ON p_indicators (doc_id);

CREATE TABLE p_measurements (
    doc_id TEXT NOT NULL, id TEXT NOT NULL, indicator_id TEXT NOT NULL, date TEXT, value REAL NOT NULL
) STRICT;
CREATE INDEX p_measurements_doc ON p_measurements (doc_id);

-- Full-text search over toolbox entries, notes and evidence.
CREATE VIRTUAL TABLE search USING fts5 (
    doc_id UNINDEXED, kind UNINDEXED, item_id UNINDEXED, title, body,
    tokenize = 'unicode61 remove_diacritics 2'
);
