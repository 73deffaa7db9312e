-- Signed-in browser sessions of the web app. The cookie holds a random secret; only its SHA-256
-- (hex) is stored, as for API tokens. A session ends at `expires_at`, at sign-out, or with the
-- account.
CREATE TABLE web_sessions (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX web_sessions_account ON web_sessions (account_id);
