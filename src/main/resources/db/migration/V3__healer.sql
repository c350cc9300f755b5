-- The healer (issue 4): rate-limit reset times, once-only stuck reports, a record of every healing action, and the
-- indexes its cycle queries need.

-- When the rate limit or quota that failed the job resets (Retry-After / reset header); the healer parks the job
-- until then without spending a retry. Null for every other failure.
ALTER TABLE jobs ADD COLUMN error_reset_at timestamptz;

-- When the healer last reported this job as queued too long. A job is reported once per time it became due
-- (reported again only if it is re-queued and gets stuck again), so a stuck queue does not spam every cycle.
ALTER TABLE jobs ADD COLUMN stuck_reported_at timestamptz;

-- Failed jobs the healer has not handled yet: the diagnose step reads only these, oldest first.
CREATE INDEX jobs_failed_unhandled ON jobs (updated_at, id) WHERE status = 'failed' AND healing_state = 'none';
-- GET /api/maestro/healing lists a user's failures of the last 24 h.
CREATE INDEX jobs_user_failed ON jobs (user_id, completed_at DESC) WHERE status = 'failed';

-- Every healing action (retry, reset wait, permanent, rescue, queued too long, manual retry), for
-- GET /api/healing/report. Notifications (healing_notifications) are only the ones an operator must read.
CREATE TABLE healing_events (
  id          bigserial   PRIMARY KEY,
  user_id     text        NOT NULL,
  time        timestamptz NOT NULL DEFAULT now(),
  job_id      text        NOT NULL,
  category    text        NOT NULL,
  outcome     text        NOT NULL
              CHECK (outcome IN ('retried', 'waiting_reset', 'permanent', 'rescued', 'queued_too_long', 'manual_retry')),
  retry_count integer     NOT NULL DEFAULT 0,
  detail      text        NOT NULL CHECK (btrim(detail) <> '')
);
CREATE INDEX healing_events_user_time ON healing_events (user_id, time DESC);
