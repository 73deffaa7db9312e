-- The outbox: work that follows a write and need not (or cannot) happen in its transaction,
-- such as deleting blobs no row refers to any more. A job is enqueued in the same transaction as
-- the write it follows, so it exists exactly when the write does. Workers lease due jobs; a
-- worker that dies leaves its lease to expire and another takes the job up. A job that keeps
-- failing becomes a dead letter (state 'dead') until an operator replays it.
CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    payload     TEXT NOT NULL,
    -- At most one live job per key (periodic work: one queued run at a time).
    dedupe_key  TEXT UNIQUE,
    state       TEXT NOT NULL DEFAULT 'queued',
    attempts    INTEGER NOT NULL DEFAULT 0,
    -- Queued: the earliest start. Leased: when the lease expires.
    run_at      INTEGER NOT NULL,
    -- The token of the current lease; a worker whose lease lapsed cannot finish the job.
    lease       INTEGER,
    last_error  TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX jobs_due ON jobs (state, run_at, id);

-- Profile pictures: blob keys of the processed avatar and header images.
ALTER TABLE accounts ADD COLUMN avatar_key TEXT;
ALTER TABLE accounts ADD COLUMN header_key TEXT;

-- Blob garbage collection asks whether any row still refers to a key.
CREATE INDEX media_by_original_key ON media (original_key);
CREATE INDEX media_by_small_key ON media (small_key);
CREATE INDEX accounts_by_avatar_key ON accounts (avatar_key);
CREATE INDEX accounts_by_header_key ON accounts (header_key);
