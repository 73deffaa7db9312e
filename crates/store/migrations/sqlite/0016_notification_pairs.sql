-- The duplicate check of a new notification looks up (actor, recipient): one index range
-- instead of every notification of a busy recipient or of a prolific actor.
DROP INDEX IF EXISTS notifications_by_actor;
CREATE INDEX notifications_by_actor ON notifications (actor_id, recipient_id);
