-- Idempotency-Key on replies (POST /api/v1/statuses with in_reply_to_id), as for notes: the key
-- is written in the comment's transaction, so a retried request finds the comment the first one
-- made. Keys older than an hour are ignored.
CREATE TABLE comment_idempotency_keys (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    comment_id INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, key)
) WITHOUT ROWID;
CREATE INDEX comment_idempotency_keys_comment ON comment_idempotency_keys (comment_id);
