-- Browser sessions expire (devices in the field do not: they may be offline
-- for weeks): which devices are browser sessions, and when each was last
-- used (kept to the minute).
ALTER TABLE devices ADD COLUMN browser INTEGER NOT NULL DEFAULT 0;
ALTER TABLE devices ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;
UPDATE devices SET browser = 1 WHERE name = 'web browser';
UPDATE devices SET last_seen_at = created_at;
CREATE INDEX devices_open_sessions ON devices (user_id, created_at) WHERE browser = 1 AND revoked_at IS NULL;
