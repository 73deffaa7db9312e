-- A note's Explore score in SQL, so that a like or collect rescores its note in the statement
-- that counts it: created_at / 12 h + ln(1 + likes + 2 collects + 3 comments), as
-- `nb_store::explore_score` computes it (SQLite gets the same function from the store).
CREATE FUNCTION nb_explore_score(created_at BIGINT, likes BIGINT, collects BIGINT, comments BIGINT)
RETURNS DOUBLE PRECISION
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT created_at::DOUBLE PRECISION / 43200000.0
        + ln(1.0 + (GREATEST(likes, 0) + 2 * GREATEST(collects, 0) + 3 * GREATEST(comments, 0))::DOUBLE PRECISION)
$$;
