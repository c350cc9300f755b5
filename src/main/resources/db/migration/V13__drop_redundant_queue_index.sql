-- jobs_user_queued (V8) answered "how many of this user's jobs are pending or generating" for the queue limit.
-- jobs_user_status_created (user_id, status, ...) answers the same count with an index-only scan of the two status
-- ranges, and every claim (a status change, so never a HOT update) and every new job paid for an entry in both.
DROP INDEX IF EXISTS jobs_user_queued;
