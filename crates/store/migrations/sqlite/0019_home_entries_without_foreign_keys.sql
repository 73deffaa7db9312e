-- A post writes one home entry per follower in one many-row INSERT … SELECT, on the one writer.
-- With foreign keys on home_entries, SQLite looked up every entry's account and note, and, since
-- such a check may abort the statement halfway, kept a statement journal: a copy of each page
-- the insert changed, taken before it changed it. Without them (and with `INSERT OR IGNORE`,
-- see `notes.rs`), `notebridge bench --scenario post` at 100k members went from 617–724 to
-- 1,102–1,210 posts/s (927–931 with the keys dropped from the schema alone, before this
-- rebuild). Their cascades are triggers now. PostgreSQL keeps its foreign keys.
--
-- SQLite cannot drop a constraint in place: the table is built again (a minute or so for the
-- 40M entries of a 100k-member community).
CREATE TABLE home_entries_new (
    owner_id  INTEGER NOT NULL,
    note_id   INTEGER NOT NULL,
    author_id INTEGER NOT NULL,
    PRIMARY KEY (owner_id, note_id)
) WITHOUT ROWID;

INSERT INTO home_entries_new (owner_id, note_id, author_id)
SELECT owner_id, note_id, author_id FROM home_entries ORDER BY owner_id, note_id;

DROP TABLE home_entries;
ALTER TABLE home_entries_new RENAME TO home_entries;
CREATE INDEX home_entries_note ON home_entries (note_id);

CREATE TRIGGER home_entries_of_deleted_note AFTER DELETE ON notes
BEGIN
    DELETE FROM home_entries WHERE note_id = OLD.id;
END;

CREATE TRIGGER home_entries_of_deleted_account AFTER DELETE ON accounts
BEGIN
    DELETE FROM home_entries WHERE owner_id = OLD.id;
END;
