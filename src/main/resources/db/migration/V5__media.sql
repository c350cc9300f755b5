-- Auto-scheduling: one booking per (job, brand), so a re-delivered "job finished" event (or a scheduler on every
-- node of a cluster) never books the same output twice; slots stay unique per (user, brand) from V1.
CREATE UNIQUE INDEX schedule_job_brand ON schedule (user_id, job_id, brand);
CREATE INDEX schedule_user_slot ON schedule (user_id, slot_at);
