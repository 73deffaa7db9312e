-- Translations of note and comment texts, cached by content: the SHA-256 (hex) of the text, its
-- source and target language and the engine that made it. The same text in two notes is
-- translated once; an edited text has a new hash, so nothing goes stale. `kind` says whether
-- the text is a translation or a dictionary gloss (shown differently).
CREATE TABLE translations (
    content_hash TEXT NOT NULL,
    source       TEXT NOT NULL,
    target       TEXT NOT NULL,
    engine       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    text         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (content_hash, source, target, engine)
) WITHOUT ROWID;
