-- A member's reading preferences. `auto_translate` = 1: notes and comments in another language
-- than the member's are shown translated at once, with the original one tap away.
CREATE TABLE preferences (
    account_id     BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    auto_translate BIGINT NOT NULL DEFAULT 0
);
