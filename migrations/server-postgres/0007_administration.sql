-- The same facts as migrations/server-sqlite/0007_administration.sql.
ALTER TABLE users ADD COLUMN disabled_at BIGINT;

CREATE TABLE audit (
    id      BIGSERIAL PRIMARY KEY,
    at      BIGINT NOT NULL,
    by      TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail  TEXT NOT NULL
);
