package io.maestro.jobs;

import io.maestro.failure.FailedJob;
import io.maestro.failure.Failure;
import io.maestro.failure.FailureCode;
import io.maestro.failure.RetryPolicy;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * All SQL about jobs and their attempts. Every state change that a worker's result causes re-checks the job's
 * status, attempt and lease owner in its WHERE clause, so a late result never overwrites a rescued, cancelled or
 * re-run job.
 */
public final class JobRepository {
  /** Most jobs one claim takes: one running and one prefetched for each of 64 workers (jobs.workerInstances' most). */
  public static final int MAX_CLAIM = 128;

  private static final String INSERT = """
      INSERT INTO jobs (user_id, title, content_lines, variant, ai_prompt, cta_type, brands, platforms, fixed_title,
                        caption, slide_texts, proposal_id, max_retries)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
      RETURNING *""";

  /**
   * One statement: claim due jobs for free slots. The running attempt lives on the job row (attempt, lease_owner,
   * claimed_at); its job_attempts row is written once, when the attempt ends, so a job's history costs one insert and
   * no update. Its commit does not wait for the WAL flush ({@code synchronous_commit} off for this transaction only):
   * a claim lost in a database crash leaves the job pending at its previous attempt, so it simply runs again — what
   * a lost lease already means — and the worker's late result is discarded by the attempt check. Nothing that follows
   * can be durable without it: the outcome's synchronous commit flushes the WAL up to and including the claim. On a
   * durable server this halves the fsyncs per job (each job is a claim and a completion).
   *
   * <p>The batch size is a literal, not a parameter. The dispatcher keeps this statement prepared (see
   * {@code Database.claimPool}), and with {@code LIMIT $n} PostgreSQL's generic plan assumes a tenth of the table is
   * wanted, never beats a custom plan, and every claim is planned anew anyway. One statement text per batch size (at
   * most {@link #MAX_CLAIM}) keeps one plan each.
   */
  private static final String CLAIM = """
      WITH due AS (
        SELECT id FROM jobs
         WHERE status = 'pending' AND run_at <= now()
         ORDER BY run_at, id
         FOR UPDATE SKIP LOCKED
         LIMIT %d
      ), claimed AS (
        UPDATE jobs j
           SET status = 'generating', attempt = j.attempt + 1, claimed_at = now(),
               started_at = coalesce(j.started_at, now()), lease_owner = $1,
               lease_expires_at = now() + $2 * interval '1 millisecond',
               current_step = 'claimed', progress_percent = 0, updated_at = now(), healing_state = 'none'
          FROM due WHERE j.id = due.id
        RETURNING j.*
      )
      SELECT claimed.* FROM claimed, (SELECT set_config('synchronous_commit', 'off', true)) AS no_flush_wait
       ORDER BY run_at, id""";

  /**
   * Renews only leases that are still live: once a lease has expired the job belongs to the rescue, and a late
   * heartbeat must not take it back (rescue and heartbeat would otherwise race for the same row).
   */
  private static final String HEARTBEAT = """
      UPDATE jobs SET lease_expires_at = now() + $2 * interval '1 millisecond'
       WHERE id = ANY($3) AND lease_owner = $1 AND status = 'generating' AND lease_expires_at > now()""";

  /**
   * Completes a batch in one round trip (group commit under load); same re-checks as a single completion. It returns
   * only the columns a completion can find changed since the claim: while the attempt holds its lease, the other
   * statements touch no other column of the job (progress writes step, percent, outputs and updated_at, a heartbeat
   * the lease; {@code noUpdateSetsTheSpec} in the tests guards the spec), so the claimed row plus these is the row.
   * Decoding the whole row again, JSONB columns included, was a sixth of the dispatcher's event loop.
   */
  private static final String COMPLETE_BATCH = """
      WITH input AS (
        SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[]) AS u(id, attempt, step, outputs)
      ), done AS (
        UPDATE jobs j SET status = 'completed', current_step = input.step, progress_percent = 100,
                          brand_outputs = j.brand_outputs || input.outputs::jsonb, completed_at = now(),
                          updated_at = now(), lease_owner = NULL, lease_expires_at = NULL,
                          -- a completed job carries no error: an earlier attempt's stays in job_attempts
                          error_code = NULL, error_category = NULL, error_message = NULL, error_stack = NULL,
                          error_reset_at = NULL
          FROM input
         WHERE j.id = input.id AND j.attempt = input.attempt AND j.lease_owner = $5 AND j.status = 'generating'
        RETURNING j.id, j.attempt, j.claimed_at, j.status, j.current_step, j.progress_percent, j.brand_outputs,
                  j.updated_at, j.completed_at
      ), closed AS (
        INSERT INTO job_attempts (job_pk, attempt, node, started_at, finished_at, outcome)
        SELECT id, attempt, $5, claimed_at, now(), 'completed' FROM done
      )
      SELECT id, status, current_step, progress_percent, brand_outputs, updated_at, completed_at FROM done""";

  private static final String FAIL = """
      WITH done AS (
        UPDATE jobs SET status = 'failed', current_step = $4, brand_outputs = brand_outputs || $5,
                        error_code = $6, error_category = $7, error_message = $8, error_stack = $9,
                        error_reset_at = $10, completed_at = now(), updated_at = now(), lease_owner = NULL, lease_expires_at = NULL
         WHERE id = $1 AND attempt = $2 AND lease_owner = $3 AND status = 'generating'
        RETURNING *
      ), closed AS (
        INSERT INTO job_attempts (job_pk, attempt, node, started_at, finished_at, outcome, code, category, message,
                                  stack)
        SELECT id, attempt, $3, claimed_at, now(), 'failed', $6, $7, $8, $9 FROM done
      )
      SELECT * FROM done""";

  private static final String PROGRESS = """
      UPDATE jobs SET current_step = coalesce($4, current_step),
                      progress_percent = greatest(progress_percent, coalesce($5, progress_percent)),
                      brand_outputs = brand_outputs || $6, updated_at = now()
       WHERE id = $1 AND attempt = $2 AND lease_owner = $3 AND status = 'generating'
      RETURNING *""";

  /**
   * Expired leases: the node that ran the job stopped heartbeating. Re-queued while attempts remain, failed as
   * worker_lost after that. The WHERE re-checks status and attempt, so a job finished meanwhile is left alone.
   */
  private static final String RESCUE = """
      WITH lost AS (
        SELECT id, attempt, lease_owner, claimed_at FROM jobs
         WHERE status = 'generating' AND lease_expires_at < now()
         ORDER BY lease_expires_at
         FOR UPDATE SKIP LOCKED
         LIMIT $1
      ), rescued AS (
        UPDATE jobs j
           SET status = CASE WHEN j.attempt < $2 THEN 'pending' ELSE 'failed' END,
               run_at = now(), queued_at = now(), lease_owner = NULL, lease_expires_at = NULL,
               current_step = CASE WHEN j.attempt < $2 THEN 'requeued: worker lost' ELSE 'failed: worker lost' END,
               error_code = $3, error_category = $4,
               error_message = 'worker ' || coalesce(j.lease_owner, '?') || ' stopped heartbeating during attempt '
                               || j.attempt || '; its lease expired',
               updated_at = now(),
               completed_at = CASE WHEN j.attempt < $2 THEN NULL ELSE now() END
          FROM lost WHERE j.id = lost.id AND j.attempt = lost.attempt AND j.status = 'generating'
        RETURNING j.*, lost.lease_owner AS lost_owner, lost.claimed_at AS lost_claimed_at
      ), closed AS (
        INSERT INTO job_attempts (job_pk, attempt, node, started_at, finished_at, outcome, code, category, message)
        SELECT id, attempt, lost_owner, lost_claimed_at, now(), 'lost', $3, $4, error_message
          FROM rescued
      )
      SELECT * FROM rescued""";

  /** Jobs this node still holds go back to the queue at once (graceful stop, lost worker), no lease wait. */
  private static final String RELEASE = """
      WITH released AS (
        UPDATE jobs SET status = 'pending', run_at = now(), queued_at = now(), lease_owner = NULL,
                        lease_expires_at = NULL, current_step = 'requeued: ' || $3, updated_at = now()
         WHERE id = ANY($2) AND lease_owner = $1 AND status = 'generating'
        RETURNING *
      ), closed AS (
        INSERT INTO job_attempts (job_pk, attempt, node, started_at, finished_at, outcome, message)
        SELECT id, attempt, $1, claimed_at, now(), 'released', $3 FROM released
      )
      SELECT * FROM released""";

  /**
   * Claimed jobs that never reached a worker (prefetched, or claimed as the node stopped) go back as if never
   * claimed: the attempt is given back (it has no job_attempts row yet), so a stop or a lost worker costs no
   * attempt, and run_at is kept, so they stay at the head of the queue. started_at is cleared only when this claim
   * had set it (the claim sets started_at and claimed_at from the same now()).
   */
  private static final String UNCLAIM = """
      WITH input AS (
        SELECT * FROM unnest($2::bigint[], $3::int[]) AS u(id, attempt)
      ), back AS (
        UPDATE jobs j SET status = 'pending', attempt = j.attempt - 1, lease_owner = NULL, lease_expires_at = NULL,
                          started_at = CASE WHEN j.started_at = j.claimed_at THEN NULL ELSE j.started_at END,
                          current_step = 'requeued: ' || $4, updated_at = now()
          FROM input
         WHERE j.id = input.id AND j.attempt = input.attempt AND j.lease_owner = $1 AND j.status = 'generating'
        RETURNING j.*
      )
      SELECT * FROM back""";

  /**
   * The healer's retries and reset waits: back to pending, due after the delay (or at the reset), counter spent or
   * not, with their healing_events rows. The WHERE re-checks what the healer read (failed, unhandled, same
   * updated_at), so a job is never retried twice.
   */
  static final String SCHEDULE_RETRIES = """
      WITH d AS (
        SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::bigint[], $4::int[], $5::text[], $6::text[],
                             $7::text[])
               AS d(id, seen, delay_ms, spend, state, category, reason)
      ), retried AS (
        UPDATE jobs j
           SET status = 'pending',
               run_at = CASE WHEN d.state = 'waiting_reset' AND j.error_reset_at IS NOT NULL
                             THEN greatest(now(), j.error_reset_at)
                             ELSE now() + d.delay_ms * interval '1 millisecond' END,
               queued_at = now(), retry_count = j.retry_count + d.spend, healing_state = d.state,
               current_step = d.reason, progress_percent = 0, completed_at = NULL, updated_at = now()
          FROM d
         WHERE j.id = d.id AND j.status = 'failed' AND j.healing_state = 'none' AND j.updated_at = d.seen
        RETURNING j.*, d.category AS healed_category, d.reason AS healed_reason,
                  (extract(epoch FROM j.run_at - now()) * 1000)::bigint AS wait_ms
      ), events AS (
        INSERT INTO healing_events (user_id, job_id, category, outcome, retry_count, detail)
        SELECT user_id, job_id, healed_category,
               CASE WHEN healing_state = 'waiting_reset' THEN 'waiting_reset' ELSE 'retried' END, retry_count,
               healed_reason
          FROM retried
      )
      SELECT * FROM retried""";

  /** An operator's retry of a failed job (also a permanent one), with its healing_events row. */
  private static final String MANUAL_RETRY = """
      WITH retried AS (
        UPDATE jobs SET status = 'pending', run_at = now(), queued_at = now(), retry_count = retry_count + 1,
                        healing_state = 'retry_scheduled', current_step = 'manual retry ' || (retry_count + 1),
                        progress_percent = 0, completed_at = NULL, updated_at = now()
         WHERE user_id = $1 AND job_id = $2 AND status = 'failed'
        RETURNING *
      ), events AS (
        INSERT INTO healing_events (user_id, job_id, category, outcome, retry_count, detail)
        SELECT user_id, job_id, error_category, 'manual_retry', retry_count,
               'manual retry ' || retry_count || ' requested through the API' FROM retried
      )
      SELECT * FROM retried""";

  private static final String QUEUED_COUNTS = """
      SELECT user_id, count(*) FROM jobs
       WHERE user_id = ANY($1) AND status IN ('pending', 'generating') GROUP BY user_id""";

  // A pool, or a connection inside a transaction (the healer rescues under its cycle lock).
  private final SqlClient pool;

  public JobRepository(SqlClient pool) {
    this.pool = pool;
  }

  public Future<JsonObject> insert(String userId, JobSpec spec) {
    return pool.preparedQuery(INSERT).execute(Tuple.from(new Object[] {userId, spec.title(), spec.contentLines(),
            spec.variant(), spec.aiPrompt(), spec.ctaType(), spec.brands(), spec.platforms(), spec.fixedTitle(),
            spec.caption(), spec.slideTexts(), spec.proposalId(), spec.maxRetries()}))
        .map(rows -> JobJson.from(rows.iterator().next()));
  }

  /** Which of {@code jobIds} belong to the user. */
  public Future<java.util.Set<String>> owned(String userId, String[] jobIds) {
    if (jobIds.length == 0) {
      return Future.succeededFuture(java.util.Set.of());
    }
    return pool.preparedQuery("SELECT job_id FROM jobs WHERE user_id = $1 AND job_id = ANY($2)")
        .execute(Tuple.of(userId).addArrayOfString(jobIds)).map(rows -> {
          java.util.Set<String> ids = new java.util.HashSet<>();
          rows.forEach(row -> ids.add(row.getString(0)));
          return ids;
        });
  }

  /** The user's pending and generating jobs (the per-user queue limit). */
  public Future<Integer> queuedCount(String userId) {
    return pool.preparedQuery("SELECT count(*) FROM jobs WHERE user_id = $1 AND status IN ('pending', 'generating')")
        .execute(Tuple.of(userId)).map(rows -> rows.iterator().next().getLong(0).intValue());
  }

  /** Pending and generating jobs per user, for each of {@code userIds} (a user with none is absent). */
  public Future<Map<String, Integer>> queuedCounts(String[] userIds) {
    return pool.preparedQuery(QUEUED_COUNTS).execute(Tuple.of(userIds)).map(rows -> {
      Map<String, Integer> counts = new HashMap<>();
      rows.forEach(row -> counts.put(row.getString(0), row.getLong(1).intValue()));
      return counts;
    });
  }

  public Future<Optional<JsonObject>> find(String userId, String jobId) {
    return pool.preparedQuery("SELECT * FROM jobs WHERE user_id = $1 AND job_id = $2")
        .execute(Tuple.of(userId, jobId)).map(JobRepository::first);
  }

  public Future<JsonObject> list(String userId, JobFilter filter) {
    List<Object> params = new ArrayList<>(List.of(userId));
    StringBuilder where = new StringBuilder("user_id = $1");
    if (filter.status() != null) {
      params.add(filter.status());
      where.append(" AND status = $").append(params.size());
    }
    if (filter.variant() != null) {
      params.add(filter.variant());
      where.append(" AND variant = $").append(params.size());
    }
    if (filter.brand() != null) {
      params.add(new JsonArray().add(filter.brand()));
      where.append(" AND brands @> $").append(params.size());
    }
    String count = "SELECT count(*) FROM jobs WHERE " + where;
    Tuple countParams = Tuple.from(params);
    params.add(filter.limit());
    params.add(filter.offset());
    String page = "SELECT * FROM jobs WHERE " + where + " ORDER BY created_at DESC, id DESC LIMIT $"
        + (params.size() - 1) + " OFFSET $" + params.size();
    return pool.preparedQuery(count).execute(countParams)
        .compose(total -> pool.preparedQuery(page).execute(Tuple.from(params))
            .map(rows -> {
              JsonArray jobs = new JsonArray(JobJson.all(rows));
              return new JsonObject().put("total", total.iterator().next().getLong(0)).put("limit", filter.limit())
                  .put("offset", filter.offset()).put("count", jobs.size()).put("jobs", jobs);
            }));
  }

  /** Cancels a job that has not finished; a running job's late result is then discarded. */
  public Future<Optional<JsonObject>> cancel(String userId, String jobId) {
    return pool.preparedQuery("""
            WITH target AS (
              SELECT id, status, lease_owner FROM jobs WHERE user_id = $1 AND job_id = $2 FOR UPDATE
            ), done AS (
              UPDATE jobs j SET status = 'cancelled', current_step = 'cancelled', lease_owner = NULL,
                                lease_expires_at = NULL, completed_at = now(), updated_at = now()
                FROM target t
               WHERE j.id = t.id AND t.status IN ('pending', 'generating', 'failed')
              RETURNING j.*, t.status AS was, t.lease_owner AS was_owner
            ), closed AS (
              -- the attempt a running job was in ends here
              INSERT INTO job_attempts (job_pk, attempt, node, started_at, finished_at, outcome)
              SELECT id, attempt, was_owner, claimed_at, now(), 'cancelled' FROM done WHERE was = 'generating'
            )
            SELECT * FROM done""")
        .execute(Tuple.of(userId, jobId)).map(JobRepository::first);
  }

  public Future<Boolean> delete(String userId, String jobId) {
    return pool.preparedQuery("DELETE FROM jobs WHERE user_id = $1 AND job_id = $2")
        .execute(Tuple.of(userId, jobId)).map(rows -> rows.rowCount() == 1);
  }

  /** Runs a finished job again from scratch (not while it is running). */
  public Future<Optional<JsonObject>> regenerate(String userId, String jobId) {
    return pool.preparedQuery("""
            UPDATE jobs SET status = 'pending', run_at = now(), queued_at = now(), brand_outputs = '{}',
                            current_step = 'queued for regeneration', progress_percent = 0, started_at = NULL,
                            completed_at = NULL, error_code = NULL, error_category = NULL, error_message = NULL,
                            error_stack = NULL, retry_count = 0, healing_state = 'none', updated_at = now()
             WHERE user_id = $1 AND job_id = $2 AND status IN ('completed', 'failed', 'cancelled')
            RETURNING *""")
        .execute(Tuple.of(userId, jobId)).map(JobRepository::first);
  }

  /**
   * An operator's retry of a failed job: due now, the retry counter spent, the last error kept as history. Empty
   * when the job is not the user's or is not failed.
   */
  public Future<Optional<JsonObject>> retryManually(String userId, String jobId) {
    return pool.preparedQuery(MANUAL_RETRY).execute(Tuple.of(userId, jobId)).map(JobRepository::first);
  }

  /**
   * Re-queues jobs the healer's policy decided to retry or park until a reset. Returns the re-queued jobs (JobJson
   * shape plus {@code healed_category}, {@code healed_reason}, {@code wait_ms}); a job whose row changed since it was
   * read is left out.
   */
  public Future<List<JsonObject>> scheduleRetries(List<FailedJob> jobs, List<RetryPolicy.Decision> decisions) {
    if (jobs.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    int n = jobs.size();
    Long[] ids = new Long[n];
    OffsetDateTime[] seen = new OffsetDateTime[n];
    Long[] delays = new Long[n];
    Integer[] spend = new Integer[n];
    String[] states = new String[n];
    String[] categories = new String[n];
    String[] reasons = new String[n];
    for (int i = 0; i < n; i++) {
      FailedJob job = jobs.get(i);
      RetryPolicy.Decision d = decisions.get(i);
      boolean waits = d.outcome() == RetryPolicy.Outcome.WAIT_FOR_RESET;
      ids[i] = job.pk();
      seen[i] = job.updatedAt();
      delays[i] = d.delayMs();
      spend[i] = waits ? 0 : 1;
      states[i] = waits ? "waiting_reset" : "retry_scheduled";
      categories[i] = d.code().category();
      reasons[i] = d.reason();
    }
    return pool.preparedQuery(SCHEDULE_RETRIES)
        .execute(Tuple.from(new Object[] {ids, seen, delays, spend, states, categories, reasons}))
        .map(rows -> {
          List<JsonObject> retried = new ArrayList<>();
          rows.forEach(r -> retried.add(JobJson.from(r).put("healed_category", r.getString("healed_category"))
              .put("healed_reason", r.getString("healed_reason")).put("wait_ms", r.getLong("wait_ms"))));
          return retried;
        });
  }

  /** The job's finished attempts and, while it runs, its current one (which lives on the job row). */
  public Future<Optional<JsonArray>> attempts(String userId, String jobId) {
    return pool.preparedQuery("""
            SELECT a.* FROM jobs j LEFT JOIN LATERAL (
                     SELECT attempt, node, started_at, finished_at, outcome, code, category, message, stack
                       FROM job_attempts WHERE job_pk = j.id
                     UNION ALL
                     SELECT j.attempt, j.lease_owner, j.claimed_at, NULL, 'running', NULL, NULL, NULL, NULL
                      WHERE j.status = 'generating'
                   ) a ON true
             WHERE j.user_id = $1 AND j.job_id = $2 ORDER BY a.attempt""")
        .execute(Tuple.of(userId, jobId))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          JsonArray attempts = new JsonArray();
          rows.forEach(row -> {
            if (row.getValue("attempt") != null) {
              attempts.add(JobJson.attempt(row));
            }
          });
          return Optional.of(attempts);
        });
  }

  /**
   * A claimed job, and how long it had been due when the claim took it: from the later of {@code run_at} and when it
   * was last queued to {@code claimed_at}, on the database's clock (the dispatch latency's first part).
   */
  public record Claimed(JsonObject job, Duration waited) {}

  /** Claims up to {@code slots} (1 to {@link #MAX_CLAIM}) due jobs, oldest first, each with its attempt opened. */
  public Future<List<Claimed>> claim(String node, long leaseMs, int slots) {
    if (slots < 1 || slots > MAX_CLAIM) {
      throw new IllegalArgumentException("a claim takes 1 to " + MAX_CLAIM + " jobs, not " + slots);
    }
    return pool.preparedQuery(CLAIM.formatted(slots)).execute(Tuple.of(node, leaseMs)).map(rows -> {
      List<JsonObject> jobs = JobJson.all(rows);
      List<Claimed> claimed = new ArrayList<>(rows.size());
      int i = 0;
      for (Row row : rows) {
        claimed.add(new Claimed(jobs.get(i++), waited(row)));
      }
      return claimed;
    });
  }

  private static Duration waited(Row row) {
    // the times as decoded, not the JSON's strings: parsing three ISO instants per job cost the dispatcher more
    // than the claim's own row decoding
    OffsetDateTime runAt = row.getOffsetDateTime("run_at");
    OffsetDateTime queuedAt = row.getOffsetDateTime("queued_at");
    OffsetDateTime due = runAt.isAfter(queuedAt) ? runAt : queuedAt;
    Duration waited = Duration.between(due, row.getOffsetDateTime("claimed_at"));
    return waited.isNegative() ? Duration.ZERO : waited;
  }

  public Future<Integer> heartbeat(String node, long leaseMs, Long[] jobPks) {
    return pool.preparedQuery(HEARTBEAT).execute(Tuple.of(node, leaseMs, jobPks)).map(RowSet::rowCount);
  }

  /**
   * One completed attempt, as handed to {@link #completeAll}: the job as claimed (the dispatcher's row, with its
   * internal key and attempt), the last step and the brand outputs.
   */
  public record Completion(JsonObject claimed, String step, JsonObject outputs) {
    long pk() {
      return claimed.getLong(JobJson.INTERNAL_PK);
    }

    int attempt() {
      return claimed.getInteger("attempt");
    }
  }

  /**
   * Completes every attempt of the batch that is still this node's; returns the jobs actually completed: each one's
   * claimed object, brought up to the completed row in place.
   */
  public Future<List<JsonObject>> completeAll(String node, List<Completion> batch) {
    Long[] pks = new Long[batch.size()];
    Integer[] attempts = new Integer[batch.size()];
    String[] steps = new String[batch.size()];
    String[] outputs = new String[batch.size()];
    Map<Long, JsonObject> claimed = new HashMap<>(batch.size() * 2);
    for (int i = 0; i < batch.size(); i++) {
      Completion c = batch.get(i);
      pks[i] = c.pk();
      attempts[i] = c.attempt();
      steps[i] = c.step();
      outputs[i] = (c.outputs() == null ? new JsonObject() : c.outputs()).encode();
      claimed.put(pks[i], c.claimed());
    }
    return pool.preparedQuery(COMPLETE_BATCH).execute(Tuple.of(pks, attempts, steps, outputs, node))
        .map(rows -> {
          List<JsonObject> done = new ArrayList<>(rows.size());
          for (Row row : rows) {
            done.add(JobJson.completed(claimed.get(row.getLong(0)), row));
          }
          return done;
        });
  }

  public Future<Optional<JsonObject>> fail(long pk, int attempt, String node, String step, JsonObject outputs,
      Failure failure) {
    return pool.preparedQuery(FAIL).execute(Tuple.from(new Object[] {pk, attempt, node, step, outputs,
            failure.code().code(), failure.category(), failure.message(), failure.stack(),
            failure.resetAt() == null ? null : java.time.OffsetDateTime.ofInstant(failure.resetAt(), java.time.ZoneOffset.UTC)}))
        .map(JobRepository::first);
  }

  public Future<Optional<JsonObject>> progress(long pk, int attempt, String node, String step, Integer percent,
      JsonObject outputs) {
    return pool.preparedQuery(PROGRESS).execute(Tuple.of(pk, attempt, node, step, percent, outputs))
        .map(JobRepository::first);
  }

  public Future<List<JsonObject>> rescueExpiredLeases(int maxAttempts, int limit) {
    return pool.preparedQuery(RESCUE)
        .execute(Tuple.of(limit, maxAttempts, FailureCode.WORKER_LOST.code(), FailureCode.WORKER_LOST.category()))
        .map(JobRepository::all);
  }

  public Future<List<JsonObject>> release(String node, Long[] jobPks, String reason) {
    return pool.preparedQuery(RELEASE).execute(Tuple.of(node, jobPks, reason)).map(JobRepository::all);
  }

  /** Hands back claimed attempts that no worker started (see UNCLAIM); returns the jobs now pending again. */
  public Future<List<JsonObject>> unclaim(String node, Long[] jobPks, Integer[] attempts, String reason) {
    return pool.preparedQuery(UNCLAIM).execute(Tuple.of(node, jobPks, attempts, reason)).map(JobRepository::all);
  }

  /**
   * Records (or, with null, removes) the publishing slot of one brand output. One UPDATE per call, so concurrent
   * calls for different brands of the same job each see the other's write. A slot is written only while its
   * schedule item exists: the scheduler books the item and writes the time back in two statements, and an
   * unschedule that lands between them must not be undone by the late write-back.
   */
  public Future<Boolean> setScheduledTime(String userId, String jobId, String brand, String scheduledTime) {
    if (scheduledTime != null) {
      return setScheduledTimes(List.of(new ScheduledTime(userId, jobId, brand, scheduledTime))).map(n -> n == 1);
    }
    return pool.preparedQuery("""
            UPDATE jobs SET brand_outputs = brand_outputs #- ARRAY[$3::text, 'scheduled_time'], updated_at = now()
             WHERE user_id = $1 AND job_id = $2 AND brand_outputs ? $3""")
        .execute(Tuple.of(userId, jobId, brand)).map(rows -> rows.rowCount() == 1);
  }

  /** One output's booked slot, to be written back as its scheduled_time. */
  public record ScheduledTime(String userId, String jobId, String brand, String slotAt) {}

  /**
   * Writes many booked slots back in one statement, each only into an output that exists and only while its schedule
   * row still holds that slot (see {@link #setScheduledTime}). Outputs of one job are merged into one update of its
   * row: an UPDATE joined to two input rows for the same job would apply only one of them. Returns the number of job
   * rows written.
   */
  public Future<Integer> setScheduledTimes(List<ScheduledTime> times) {
    if (times.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return pool.preparedQuery("""
            WITH input AS (
              SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(user_id, job_id, brand, slot)
            ), per_job AS (
              SELECT i.user_id, i.job_id, jsonb_object_agg(i.brand, i.slot) AS slots
                FROM input i JOIN jobs o ON o.user_id = i.user_id AND o.job_id = i.job_id
               WHERE jsonb_typeof(o.brand_outputs -> i.brand) = 'object'
                 AND EXISTS (SELECT 1 FROM schedule s WHERE s.user_id = i.user_id AND s.job_id = i.job_id
                                                        AND s.brand = i.brand AND s.slot_at = i.slot::timestamptz)
               GROUP BY i.user_id, i.job_id
            )
            UPDATE jobs j
               SET brand_outputs = j.brand_outputs || coalesce((
                     SELECT jsonb_object_agg(b.key, (j.brand_outputs -> b.key)
                                                    || jsonb_build_object('scheduled_time', b.value))
                       FROM jsonb_each_text(p.slots) b
                      WHERE jsonb_typeof(j.brand_outputs -> b.key) = 'object'), '{}'),
                   updated_at = now()
              FROM per_job p
             WHERE j.user_id = p.user_id AND j.job_id = p.job_id""")
        .execute(Tuple.from(new Object[] {times.stream().map(ScheduledTime::userId).toArray(String[]::new),
            times.stream().map(ScheduledTime::jobId).toArray(String[]::new),
            times.stream().map(ScheduledTime::brand).toArray(String[]::new),
            times.stream().map(ScheduledTime::slotAt).toArray(String[]::new)}))
        .map(RowSet::rowCount);
  }

  private static Optional<JsonObject> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(JobJson.from(rows.iterator().next()));
  }

  private static List<JsonObject> all(RowSet<Row> rows) {
    return JobJson.all(rows);
  }
}
