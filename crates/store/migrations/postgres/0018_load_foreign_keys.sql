-- A bulk load into an empty database drops the foreign keys of the tables it fills (checked row
-- by row, they made the load several times slower) and adds them back at its end, each checked
-- in one pass over its table. While dropped they are kept here, so that a load cut off midway
-- has them back on the next start (migrate restores them).
CREATE TABLE load_dropped_foreign_keys (
    name       TEXT PRIMARY KEY,
    table_name TEXT NOT NULL,
    definition TEXT NOT NULL
);
