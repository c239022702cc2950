-- The regional server's PostgreSQL schema: the same facts as
-- migrations/server-sqlite/0001_init.sql, in Postgres's dialect.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    admin         BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL
);

CREATE TABLE devices (
    id           TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    token_digest BYTEA NOT NULL,
    actor        TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    revoked_at   BIGINT
);

CREATE TABLE workspaces (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    country    TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);

CREATE TABLE members (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    user_id      BIGINT NOT NULL REFERENCES users (id),
    role         TEXT NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);

CREATE TABLE documents (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    kind         TEXT NOT NULL,
    snapshot     BYTEA,
    snapshot_seq BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX documents_by_workspace ON documents (workspace_id);

-- Writers of a workspace take an advisory lock on it (see pg.rs), so within a
-- workspace log numbers commit in order and a cursor never skips an entry.
CREATE TABLE log (
    seq          BIGSERIAL PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    doc_id       TEXT NOT NULL,
    hash         BYTEA NOT NULL UNIQUE,
    bytes        BYTEA NOT NULL,
    device_id    TEXT NOT NULL,
    received_at  BIGINT NOT NULL
);
CREATE INDEX log_by_workspace ON log (workspace_id, seq);
CREATE INDEX log_by_doc ON log (doc_id, seq);
