-- Blocks hide both ways everywhere and end follows both ways; mutes hide one way (the muted
-- account's notes, and optionally its notifications, from the muter). `id` orders the lists.
CREATE TABLE blocks (
    blocker_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    blocked_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    id         INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
) WITHOUT ROWID;
CREATE INDEX blocks_by_blocked ON blocks (blocked_id, blocker_id);
CREATE UNIQUE INDEX blocks_by_blocker ON blocks (blocker_id, id);

CREATE TABLE mutes (
    muter_id      INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    muted_id      INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    id            INTEGER NOT NULL,
    notifications INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (muter_id, muted_id)
) WITHOUT ROWID;
CREATE INDEX mutes_by_muted ON mutes (muted_id);
CREATE UNIQUE INDEX mutes_by_muter ON mutes (muter_id, id);
