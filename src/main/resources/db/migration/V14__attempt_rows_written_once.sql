-- A job's running attempt lives on its row (attempt, lease_owner, claimed_at); its job_attempts row is written once,
-- when the attempt ends. Before, every attempt was an insert at the claim and an update at the end: a second heap
-- tuple and five index entries per job instead of two, on the hottest path there is.

-- Running attempts become the job row's again. One whose job is no longer running at that attempt was never closed
-- (no code path leaves one, but a row is not deleted on a promise): it is closed as released, and says so.
UPDATE job_attempts a SET outcome = 'released', finished_at = now(),
                          message = 'closed by migration V14: its job was no longer running this attempt'
 WHERE a.outcome = 'running'
   AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = a.job_pk AND j.status = 'generating' AND j.attempt = a.attempt);
DELETE FROM job_attempts WHERE outcome = 'running';

ALTER TABLE job_attempts
  ALTER COLUMN started_at DROP DEFAULT,
  ALTER COLUMN finished_at SET NOT NULL,
  ALTER COLUMN outcome DROP DEFAULT,
  DROP CONSTRAINT job_attempts_outcome_check,
  ADD CONSTRAINT attempt_row_is_a_finished_attempt
      CHECK (outcome IN ('completed', 'failed', 'lost', 'cancelled', 'released')),
  -- the surrogate key was never read: (job_pk, attempt) names an attempt, and one index fewer is written per job
  DROP CONSTRAINT job_attempts_pkey,
  DROP COLUMN id,
  DROP CONSTRAINT job_attempts_job_pk_attempt_key,
  ADD PRIMARY KEY (job_pk, attempt);

-- Every row is finished now; the partial index's predicate says nothing any more.
DROP INDEX job_attempts_finished;
CREATE INDEX job_attempts_finished ON job_attempts (finished_at);

-- The running attempt's start is the job's claimed_at; a running job always has one.
ALTER TABLE jobs ADD CONSTRAINT running_job_was_claimed CHECK (status <> 'generating' OR claimed_at IS NOT NULL);
