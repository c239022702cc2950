-- Documents received from elsewhere that this device could not use (changes
-- that break the document, a document that does not read): kept aside with
-- the reason, so one bad document never stops a sync or a start-up.
CREATE TABLE quarantine (
    doc_id TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    at     INTEGER NOT NULL
) STRICT;
