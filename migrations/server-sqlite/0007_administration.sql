-- Administration from the web UI: a user can be disabled (every device
-- revoked, no sign-in or enrolment until enabled again), and every
-- administrator's action is written to an audit log they can read.
ALTER TABLE users ADD COLUMN disabled_at INTEGER;

CREATE TABLE audit (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      INTEGER NOT NULL,
    -- A user name, or `console` for the server's own commands.
    by      TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail  TEXT NOT NULL
) STRICT;
