-- A counter of changes to a note's attached media (their alt text): a status kept serialised
-- in memory is still right while the note's row, this counter included, is unchanged, without
-- reading its media again. Media are attached in the note's own insert and otherwise change only
-- in their description.
ALTER TABLE notes ADD COLUMN media_rev BIGINT NOT NULL DEFAULT 0;
