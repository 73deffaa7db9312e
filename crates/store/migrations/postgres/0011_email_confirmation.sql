-- Optional email confirmation. An account whose address still needs confirming has no
-- email_confirmed_at and cannot sign in; accounts from before this migration count as confirmed.
ALTER TABLE accounts ADD COLUMN email_confirmed_at BIGINT;
UPDATE accounts SET email_confirmed_at = created_at;

-- The one open confirmation of an account: the SHA-256 of the token mailed to it. A new mail
-- replaces the token; the link keeps working (harmlessly) until it expires.
CREATE TABLE email_confirmations (
    account_id  BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL UNIQUE,
    expires_at  BIGINT NOT NULL
);
