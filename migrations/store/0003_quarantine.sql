-- What a device keeps of sync beyond cursors (sync protocol 2).

-- Documents received from elsewhere that this device could not use (changes
-- that break the document, a document that does not read): kept aside with
-- the reason, so one bad document never stops a sync or a start-up.
CREATE TABLE quarantine (
    doc_id TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    at     INTEGER NOT NULL
) STRICT;

-- This device's changes the server refused, with why. Such a change has
-- `acked = -1` in `changes`: never sent again; the user decides (copy the
-- content elsewhere, or discard this device's version of the document).
CREATE TABLE not_accepted (
    hash    BLOB PRIMARY KEY,
    doc_id  TEXT NOT NULL,
    code    TEXT NOT NULL,
    message TEXT NOT NULL,
    at      INTEGER NOT NULL
) STRICT;
CREATE INDEX not_accepted_by_doc ON not_accepted (doc_id);

-- A first sync in progress: where its snapshots go on (opaque to the store).
ALTER TABLE sync_cursors ADD COLUMN resume TEXT;

-- A document's snapshot arriving in parts over a link that drops: what
-- arrived so far, kept across cuts and restarts.
CREATE TABLE snapshot_parts (
    doc_id TEXT PRIMARY KEY,
    total  INTEGER NOT NULL,
    bytes  BLOB NOT NULL
) STRICT;
