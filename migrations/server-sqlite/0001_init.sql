-- The regional server's SQLite database: accounts, devices, workspaces and
-- roles, and per workspace the append-only log of accepted changes.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    admin         INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
) STRICT;

-- A device is one installation (or one browser user); its token authenticates
-- it and its Automerge actor is the only one it may write changes as.
CREATE TABLE devices (
    id           TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    token_digest BLOB NOT NULL,
    actor        TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER
) STRICT;

CREATE TABLE workspaces (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    country    TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE members (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    user_id      INTEGER NOT NULL REFERENCES users (id),
    role         TEXT NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
) STRICT;

-- Documents the server holds, with a cached snapshot for first syncs.
CREATE TABLE documents (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id),
    kind          TEXT NOT NULL,
    snapshot      BLOB,
    snapshot_seq  INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX documents_by_workspace ON documents (workspace_id);

-- The log: every accepted change once (by hash), numbered.
CREATE TABLE log (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id TEXT NOT NULL,
    doc_id       TEXT NOT NULL,
    hash         BLOB NOT NULL UNIQUE,
    bytes        BLOB NOT NULL,
    device_id    TEXT NOT NULL,
    received_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX log_by_workspace ON log (workspace_id, seq);
CREATE INDEX log_by_doc ON log (doc_id, seq);
