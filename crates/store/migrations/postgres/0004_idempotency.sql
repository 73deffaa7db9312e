-- Idempotency-Key on POST /api/v1/statuses: the key is written in the note's transaction, so a
-- retried request finds the note the first one made. Keys older than an hour are ignored.
CREATE TABLE idempotency_keys (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    note_id    BIGINT NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, key)
);
CREATE INDEX idempotency_keys_note ON idempotency_keys (note_id);
