-- Explore v0: a stored score per note, read by an index range (no formula at read time).
-- score = created_at / 12 h + ln(1 + likes + 2 collects + 3 comments): log-linear in time, so
-- ordering by it equals ordering with every note decaying at the same rate, and a note's score
-- changes only when its engagement does (recomputed in that transaction).
ALTER TABLE notes ADD COLUMN explore_score DOUBLE PRECISION NOT NULL DEFAULT 0;
CREATE INDEX notes_explore ON notes (explore_score, id) WHERE visibility = 'public';
