-- Uploaded images. Blobs are content-addressed in the blob store (same bytes, one blob); these
-- rows are the references. A medium is uploaded unattached, then attached to one note at a
-- position. Deleting the note detaches its media (as Mastodon, so "delete and redraft" keeps the
-- photos); unattached media are the owner's and can be attached again.
CREATE TABLE media (
    id              BIGINT PRIMARY KEY,
    owner_id        BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    note_id         BIGINT REFERENCES notes (id) ON DELETE SET NULL,
    position        BIGINT NOT NULL DEFAULT 0,
    mime            TEXT NOT NULL,
    original_key    TEXT NOT NULL,
    original_width  BIGINT NOT NULL,
    original_height BIGINT NOT NULL,
    small_key       TEXT NOT NULL,
    small_width     BIGINT NOT NULL,
    small_height    BIGINT NOT NULL,
    blurhash        TEXT NOT NULL,
    phash           BIGINT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL
);
CREATE INDEX media_by_note ON media (note_id, position);
CREATE INDEX media_by_owner ON media (owner_id, id);
