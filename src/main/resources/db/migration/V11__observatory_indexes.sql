-- The Observatory's jobs view and statistics (api/BoardRoutes, api/StatsRoutes, jobs/JobBoard).
-- A status tab is one index range walked newest first: the first page and each keyset page stay a few index
-- reads at any number of jobs, and the counts per status are an index-only scan of the user's range.
CREATE INDEX jobs_user_status_created ON jobs (user_id, status, created_at DESC, id DESC);
-- The failure-category filter.
CREATE INDEX jobs_user_category_created ON jobs (user_id, error_category, created_at DESC, id DESC)
  WHERE error_category IS NOT NULL;
-- Throughput and failures per hour read the attempts finished in the last 24 hours.
CREATE INDEX job_attempts_finished ON job_attempts (finished_at) WHERE finished_at IS NOT NULL;
