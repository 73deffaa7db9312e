-- A post writes one home entry per follower, each on a page of its own in every index of
-- home_entries: the (owner_id, author_id) index doubled the pages a post wrote. The two
-- statements that used it (unfollow and block remove one author's entries from one reader's
-- feed) walk that reader's primary-key range instead.
DROP INDEX IF EXISTS home_entries_author;
