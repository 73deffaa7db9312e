-- Much-followed members' notes are merged into their followers' home feeds when a feed is read,
-- instead of being written into every follower's feed when posted. A post with F followers
-- wrote F home entries, each into a different page; at 100k members the writer's log grew by
-- about 90 pages a post, and the checkpoint that copies them back set posting's p99.
--
-- `home_pull` is sticky: set by a member's first post above the threshold (a setting), it stays,
-- so a note that was not written into feeds is always found by reading. `pulled_follows` lists,
-- for each reader, the followed members whose notes are read that way.
ALTER TABLE accounts ADD COLUMN home_pull SMALLINT NOT NULL DEFAULT 0;

CREATE TABLE pulled_follows (
    follower_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    followee_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (follower_id, followee_id)
);
CREATE INDEX pulled_follows_followee ON pulled_follows (followee_id);

-- Members above the former fan-out job's threshold are read that way from now on, so the
-- fan-out jobs still queued for them have nothing left to do.
UPDATE accounts SET home_pull = 1 WHERE followers_count > 1000;
INSERT INTO pulled_follows (follower_id, followee_id)
SELECT f.follower_id, f.followee_id FROM follows f JOIN accounts a ON a.id = f.followee_id
WHERE a.home_pull = 1 ORDER BY f.follower_id, f.followee_id;
DELETE FROM jobs WHERE kind = 'fan_out';
