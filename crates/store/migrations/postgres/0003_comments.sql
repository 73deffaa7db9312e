-- Comments: two levels, as RedNote. A top-level comment answers the note (parent_id NULL); a
-- reply answers a top-level comment, naming whom it answers (reply_to_account_id). Comments share
-- the id space of notes, so /api/v1/statuses/:id finds either.

CREATE TABLE comments (
    id                  BIGINT PRIMARY KEY,
    note_id             BIGINT NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
    author_id           BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    parent_id           BIGINT REFERENCES comments (id) ON DELETE CASCADE,
    reply_to_account_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    body                TEXT NOT NULL,
    language            TEXT,
    created_at          BIGINT NOT NULL,
    likes_count         BIGINT NOT NULL DEFAULT 0,
    replies_count       BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX comments_by_note ON comments (note_id, id);
CREATE INDEX comments_by_parent ON comments (parent_id, id);
CREATE INDEX comments_by_author ON comments (author_id, id);

CREATE TABLE comment_likes (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    comment_id BIGINT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    id         BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, comment_id)
);
CREATE INDEX comment_likes_by_comment ON comment_likes (comment_id);

-- Notifications about a comment (comment, reply, mention, a like of a comment) point at it.
ALTER TABLE notifications ADD COLUMN comment_id BIGINT REFERENCES comments (id) ON DELETE CASCADE;
CREATE INDEX notifications_by_comment ON notifications (comment_id);
