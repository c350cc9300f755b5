-- The per-user queue limit counts a user's unfinished jobs on every create; keep that an index-only range.
CREATE INDEX jobs_user_queued ON jobs (user_id) WHERE status IN ('pending', 'generating');
