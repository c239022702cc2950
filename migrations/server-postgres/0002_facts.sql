-- What the regional views need from each document (cd4mm_core::regional::Facts
-- as JSON), refreshed in the sync round that brings a change, so dashboards
-- never open documents.
CREATE TABLE facts (
    doc_id       TEXT PRIMARY KEY REFERENCES documents (id),
    workspace_id TEXT NOT NULL,
    facts        TEXT NOT NULL,
    -- The last log entry the facts include.
    seq          BIGINT NOT NULL
);
CREATE INDEX facts_by_workspace ON facts (workspace_id);
