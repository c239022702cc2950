-- Sync state of the device (crates/sync): what the server has acknowledged,
-- and how far the device has read each workspace's log.

-- 1 once the server holds this (local) change. Unacknowledged local changes are
-- never dropped by compaction: they are what the next sync sends.
ALTER TABLE changes ADD COLUMN acked INTEGER NOT NULL DEFAULT 0;
CREATE INDEX changes_unacked ON changes (local, acked);
CREATE INDEX changes_by_hash ON changes (hash);

CREATE TABLE sync_cursors (
    workspace TEXT PRIMARY KEY,
    seq       INTEGER NOT NULL
) STRICT;
