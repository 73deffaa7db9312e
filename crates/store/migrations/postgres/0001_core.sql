-- Accounts, OAuth apps and tokens, notes, tags, follows and the home feed.
-- Times are Unix milliseconds; ids are time-ordered 64-bit integers from one generator.

CREATE TABLE accounts (
    id              BIGINT PRIMARY KEY,
    handle          TEXT NOT NULL,
    handle_key      TEXT NOT NULL CONSTRAINT accounts_handle_key_key UNIQUE,
    email           TEXT NOT NULL CONSTRAINT accounts_email_key UNIQUE,
    password_hash   TEXT NOT NULL,
    display_name    TEXT NOT NULL DEFAULT '',
    bio             TEXT NOT NULL DEFAULT '',
    home_region     TEXT,
    languages       TEXT NOT NULL DEFAULT '',
    role            TEXT NOT NULL DEFAULT 'user',
    state           TEXT NOT NULL DEFAULT 'active',
    created_at      BIGINT NOT NULL,
    notes_count     BIGINT NOT NULL DEFAULT 0,
    followers_count BIGINT NOT NULL DEFAULT 0,
    following_count BIGINT NOT NULL DEFAULT 0,
    last_note_at    BIGINT
);

CREATE TABLE apps (
    id                 BIGINT PRIMARY KEY,
    name               TEXT NOT NULL,
    website            TEXT,
    redirect_uris      TEXT NOT NULL,
    scopes             TEXT NOT NULL,
    client_id          TEXT NOT NULL CONSTRAINT apps_client_id_key UNIQUE,
    client_secret_hash TEXT NOT NULL,
    created_at         BIGINT NOT NULL
);

CREATE TABLE tokens (
    id         BIGINT PRIMARY KEY,
    token_hash TEXT NOT NULL CONSTRAINT tokens_token_hash_key UNIQUE,
    app_id     BIGINT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    account_id BIGINT REFERENCES accounts (id) ON DELETE CASCADE,
    scopes     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX tokens_app ON tokens (app_id);
CREATE INDEX tokens_account ON tokens (account_id);

CREATE TABLE notes (
    id             BIGINT PRIMARY KEY,
    author_id      BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    title          TEXT NOT NULL DEFAULT '',
    body           TEXT NOT NULL,
    visibility     TEXT NOT NULL,
    language       TEXT,
    app_id         BIGINT REFERENCES apps (id) ON DELETE SET NULL,
    created_at     BIGINT NOT NULL,
    likes_count    BIGINT NOT NULL DEFAULT 0,
    collects_count BIGINT NOT NULL DEFAULT 0,
    comments_count BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX notes_author ON notes (author_id, id);
CREATE INDEX notes_public ON notes (id) WHERE visibility = 'public';
CREATE INDEX notes_app ON notes (app_id);

-- Public notes by tag: the tag feed reads its index.
CREATE TABLE note_tags (
    tag_key TEXT NOT NULL,
    note_id BIGINT NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
    PRIMARY KEY (tag_key, note_id)
);
CREATE INDEX note_tags_note ON note_tags (note_id);

-- `id` is the follow's own time-ordered id: follower and following lists page by it.
CREATE TABLE follows (
    follower_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    followee_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    id          BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (follower_id, followee_id)
);
CREATE INDEX follows_followee ON follows (followee_id, follower_id);
CREATE UNIQUE INDEX follows_by_follower ON follows (follower_id, id);
CREATE UNIQUE INDEX follows_by_followee ON follows (followee_id, id);

-- The home feed, fanned out on write: one row per (reader, note).
CREATE TABLE home_entries (
    owner_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    note_id   BIGINT NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL,
    PRIMARY KEY (owner_id, note_id)
);
CREATE INDEX home_entries_note ON home_entries (note_id);
CREATE INDEX home_entries_author ON home_entries (owner_id, author_id);
