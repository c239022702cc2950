-- Each document's last log entry, kept by the log itself (a trigger, so no
-- writer can forget it): which documents' regional facts are stale is then
-- two numbers compared per document, instead of a look into the log for
-- each one on every dashboard.
ALTER TABLE documents ADD COLUMN last_seq BIGINT NOT NULL DEFAULT 0;
UPDATE documents d SET last_seq = coalesce((SELECT max(l.seq) FROM log l WHERE l.doc_id = d.id), 0);
CREATE FUNCTION log_keeps_last_seq() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE documents SET last_seq = NEW.seq WHERE id = NEW.doc_id AND last_seq < NEW.seq;
    RETURN NULL;
END
$$;
CREATE TRIGGER log_keeps_last_seq AFTER INSERT ON log FOR EACH ROW EXECUTE FUNCTION log_keeps_last_seq();
