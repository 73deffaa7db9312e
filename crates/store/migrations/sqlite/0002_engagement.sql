-- Likes, boards and collects, notifications and read markers.
-- Counters on notes (likes_count, collects_count) are kept exact in the same transactions.

-- `id` is a time-ordered id of the like itself: /api/v1/favourites pages by it.
CREATE TABLE likes (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    note_id    INTEGER NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
    id         INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, note_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX likes_by_account ON likes (account_id, id);
CREATE INDEX likes_by_note ON likes (note_id, id);

-- A member's boards; each member has at most one default board, made on first collect.
CREATE TABLE boards (
    id          INTEGER PRIMARY KEY,
    owner_id    INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    is_default  INTEGER NOT NULL DEFAULT 0,
    visibility  TEXT NOT NULL DEFAULT 'private',
    created_at  INTEGER NOT NULL,
    notes_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX boards_by_owner ON boards (owner_id, id);
CREATE UNIQUE INDEX boards_one_default ON boards (owner_id) WHERE is_default = 1;

-- A member collects a note once, into one board.
CREATE TABLE collects (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    note_id    INTEGER NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
    id         INTEGER NOT NULL,
    board_id   INTEGER NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, note_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX collects_by_account ON collects (account_id, id);
CREATE INDEX collects_by_board ON collects (board_id, id);
CREATE INDEX collects_by_note ON collects (note_id);

-- kind: follow | favourite | collect (comment, reply and mention arrive with comments).
CREATE TABLE notifications (
    id           INTEGER PRIMARY KEY,
    recipient_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    actor_id     INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    note_id      INTEGER REFERENCES notes (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL
);
CREATE INDEX notifications_by_recipient ON notifications (recipient_id, id);
CREATE INDEX notifications_by_actor ON notifications (actor_id);
CREATE INDEX notifications_by_note ON notifications (note_id);

-- Mastodon's markers: where a member stopped reading a timeline.
CREATE TABLE markers (
    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    timeline     TEXT NOT NULL,
    last_read_id INTEGER NOT NULL,
    version      INTEGER NOT NULL DEFAULT 0,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (account_id, timeline)
) WITHOUT ROWID;
