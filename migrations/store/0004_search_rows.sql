-- Which rows of the full-text index belong to which document. FTS5 indexes
-- words, not the `doc_id` column, so removing a document's rows before
-- writing them again scanned the whole index: every edit and every document
-- received got slower as the store grew.
CREATE TABLE search_rows (
    doc_id TEXT NOT NULL,
    row    INTEGER NOT NULL
) STRICT;
CREATE INDEX search_rows_by_doc ON search_rows (doc_id);
INSERT INTO search_rows (doc_id, row) SELECT doc_id, rowid FROM search;
