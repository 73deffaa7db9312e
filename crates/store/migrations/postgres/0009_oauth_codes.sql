-- OAuth authorization codes (authorization_code grant, with PKCE). Only the SHA-256 of a code is
-- kept; a code lives ten minutes and can be exchanged once.
CREATE TABLE oauth_codes (
    code_hash        TEXT PRIMARY KEY,
    app_id           BIGINT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    account_id       BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    redirect_uri     TEXT NOT NULL,
    scopes           TEXT NOT NULL,
    code_challenge   TEXT,
    challenge_method TEXT,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    used_at          BIGINT
);
CREATE INDEX oauth_codes_app ON oauth_codes (app_id);
CREATE INDEX oauth_codes_account ON oauth_codes (account_id);
