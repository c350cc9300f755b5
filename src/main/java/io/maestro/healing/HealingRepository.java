package io.maestro.healing;

import io.maestro.failure.FailedJob;
import io.maestro.failure.RetryPolicy;
import io.maestro.failure.FailureCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The healer's SQL, except what re-queues a job: its retries are JobRepository's, run through the JobService so
 * that the queue limit applies; here it only reports stuck jobs and marks permanent ones. The cycle's statements
 * run inside one transaction that first takes a PostgreSQL advisory lock, so only one cycle runs at a time across
 * every node sharing the database; each write also re-checks the state it read (status, healing_state,
 * updated_at), so even without the lock a job could not be retried twice.
 *
 * <p>Counters live in {@code settings}: per user under key {@value #COUNTERS_KEY} ({@code total_healed} = automatic
 * retries and reset waits scheduled, {@code total_healing_failures} = jobs made permanent), and the time of the last
 * completed cycle under user {@code '*'}, key {@value #LAST_CYCLE_KEY} (one healer serves every user).
 */
public final class HealingRepository {
  /** Advisory lock key of the healing cycle ("MaestroH"); any session holding it keeps every healer out. */
  public static final long CYCLE_LOCK = 0x4d61657374726f48L;
  static final String COUNTERS_KEY = "healer.counters";
  static final String LAST_CYCLE_KEY = "healer.last_cycle";
  static final String ALL_USERS = "*";

  static final String TRY_LOCK = "SELECT pg_try_advisory_xact_lock($1)";

  /** Pending past the start budget (measured from when the job became due) and not reported for that wait yet. */
  static final String NEWLY_STUCK = """
      SELECT id, job_id, user_id, retry_count,
             (extract(epoch FROM now() - greatest(run_at, queued_at)) * 1000)::bigint AS waited_ms
        FROM jobs
       WHERE status = 'pending'
         AND run_at < now() - $1 * interval '1 millisecond'
         AND queued_at < now() - $1 * interval '1 millisecond'
         AND (stuck_reported_at IS NULL OR stuck_reported_at < greatest(run_at, queued_at))
       ORDER BY run_at, id
       LIMIT $2
         FOR UPDATE SKIP LOCKED""";

  static final String MARK_STUCK = """
      WITH d AS (
        SELECT * FROM unnest($1::bigint[], $2::text[]) AS d(id, reason)
      ), marked AS (
        UPDATE jobs j SET stuck_reported_at = now()
          FROM d WHERE j.id = d.id AND j.status = 'pending'
        RETURNING j.user_id, j.job_id, j.title, j.brands->>0 AS brand, j.retry_count, d.reason
      ), events AS (
        INSERT INTO healing_events (user_id, job_id, category, outcome, retry_count, detail)
        SELECT user_id, job_id, $3, 'queued_too_long', retry_count, reason FROM marked
      )
      INSERT INTO healing_notifications (user_id, job_id, brand, title, category, reason, error_snippet, retry_count,
                                         action)
      SELECT user_id, job_id, brand, title, $3, reason, NULL, retry_count, $4 FROM marked
      RETURNING *""";

  /** Everything pending past the budget right now, reported or not: what readiness reflects. */
  static final String STUCK_NOW = """
      SELECT count(*) AS stuck,
             coalesce(max(extract(epoch FROM now() - greatest(run_at, queued_at)) * 1000), 0)::bigint AS oldest_ms
        FROM jobs
       WHERE status = 'pending'
         AND run_at < now() - $1 * interval '1 millisecond'
         AND queued_at < now() - $1 * interval '1 millisecond'""";

  static final String UNHANDLED_FAILURES = """
      SELECT id, job_id, user_id, title, brands->>0 AS brand, error_code, error_category, error_message, retry_count,
             max_retries, attempt, error_reset_at, updated_at
        FROM jobs
       WHERE status = 'failed' AND healing_state = 'none' AND updated_at > now() - $1 * interval '1 hour'
       ORDER BY updated_at, id
       LIMIT $2
         FOR UPDATE SKIP LOCKED""";

  static final String MARK_PERMANENT = """
      WITH d AS (
        SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[])
               AS d(id, seen, category, reason, action)
      ), perm AS (
        UPDATE jobs j SET healing_state = 'permanent', updated_at = now()
          FROM d
         WHERE j.id = d.id AND j.status = 'failed' AND j.healing_state = 'none' AND j.updated_at = d.seen
        RETURNING j.user_id, j.job_id, j.title, j.brands->>0 AS brand, j.retry_count, j.error_message, d.category,
                  d.reason, d.action
      ), events AS (
        INSERT INTO healing_events (user_id, job_id, category, outcome, retry_count, detail)
        SELECT user_id, job_id, category, 'permanent', retry_count, reason FROM perm
      )
      INSERT INTO healing_notifications (user_id, job_id, brand, title, category, reason, error_snippet, retry_count,
                                         action)
      SELECT user_id, job_id, brand, title, category, reason, left(error_message, 300), retry_count, action FROM perm
      RETURNING *""";

  static final String ADD_COUNTERS = """
      INSERT INTO settings (user_id, key, value)
      SELECT u, $4, jsonb_build_object('total_healed', h, 'total_healing_failures', f)
        FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS c(u, h, f)
      ON CONFLICT (user_id, key) DO UPDATE SET
        value = jsonb_build_object(
          'total_healed', coalesce((settings.value->>'total_healed')::bigint, 0)
                          + (excluded.value->>'total_healed')::bigint,
          'total_healing_failures', coalesce((settings.value->>'total_healing_failures')::bigint, 0)
                                    + (excluded.value->>'total_healing_failures')::bigint),
        updated_at = now()""";

  static final String RECORD_CYCLE = """
      INSERT INTO settings (user_id, key, value, updated_at) VALUES ($1, $2, $3::jsonb || '{"cycles": 1}'::jsonb, now())
      ON CONFLICT (user_id, key) DO UPDATE SET
        value = $3::jsonb || jsonb_build_object('cycles', coalesce((settings.value->>'cycles')::bigint, 0) + 1),
        updated_at = now()
      RETURNING updated_at""";

  private final SqlClient sql;

  /** @param sql the pool, or the cycle transaction's connection */
  public HealingRepository(SqlClient sql) {
    this.sql = sql;
  }

  // ---- the cycle (call inside one transaction) ----

  /** True when this transaction now holds the cycle lock; released by commit or rollback. */
  public Future<Boolean> tryCycleLock() {
    return sql.preparedQuery(TRY_LOCK).execute(Tuple.of(CYCLE_LOCK)).map(rows -> rows.iterator().next().getBoolean(0));
  }

  public record StuckJob(long pk, String jobId, String userId, int retryCount, long waitedMs) {}

  public Future<List<StuckJob>> newlyStuck(long budgetMs, int limit) {
    return sql.preparedQuery(NEWLY_STUCK).execute(Tuple.of(budgetMs, limit)).map(rows -> {
      List<StuckJob> stuck = new ArrayList<>();
      rows.forEach(r -> stuck.add(new StuckJob(r.getLong("id"), r.getString("job_id"), r.getString("user_id"),
          r.getInteger("retry_count"), r.getLong("waited_ms"))));
      return stuck;
    });
  }

  /** Marks the jobs reported and persists one notification each; returns the notifications. */
  public Future<List<JsonObject>> markStuck(List<StuckJob> jobs, List<String> reasons) {
    if (jobs.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Long[] ids = jobs.stream().map(StuckJob::pk).toArray(Long[]::new);
    return sql.preparedQuery(MARK_STUCK).execute(Tuple.of(ids, reasons.toArray(String[]::new),
            FailureCode.QUEUED_TOO_LONG.category(), FailureCode.QUEUED_TOO_LONG.suggestedAction()))
        .map(HealingRepository::notifications);
  }

  /** [jobs pending past the budget, how long the oldest has waited in ms]. */
  public Future<long[]> stuckNow(long budgetMs) {
    return sql.preparedQuery(STUCK_NOW).execute(Tuple.of(budgetMs)).map(rows -> {
      Row row = rows.iterator().next();
      return new long[] {row.getLong("stuck"), row.getLong("oldest_ms")};
    });
  }

  public Future<List<FailedJob>> unhandledFailures(int hours, int limit) {
    return sql.preparedQuery(UNHANDLED_FAILURES).execute(Tuple.of(hours, limit)).map(rows -> {
      List<FailedJob> failed = new ArrayList<>();
      rows.forEach(r -> failed.add(new FailedJob(r.getLong("id"), r.getString("job_id"), r.getString("user_id"),
          r.getString("title"), r.getString("brand"), r.getInteger("error_code"), r.getString("error_category"),
          r.getString("error_message"), r.getInteger("retry_count"), r.getInteger("max_retries"),
          r.getInteger("attempt"), r.getOffsetDateTime("error_reset_at"), r.getOffsetDateTime("updated_at"))));
      return failed;
    });
  }

  /** Marks jobs permanently failed and persists one notification each; returns the notifications. */
  public Future<List<JsonObject>> markPermanent(List<FailedJob> jobs, List<RetryPolicy.Decision> decisions) {
    if (jobs.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    int n = jobs.size();
    Long[] ids = new Long[n];
    OffsetDateTime[] seen = new OffsetDateTime[n];
    String[] categories = new String[n];
    String[] reasons = new String[n];
    String[] actions = new String[n];
    for (int i = 0; i < n; i++) {
      ids[i] = jobs.get(i).pk();
      seen[i] = jobs.get(i).updatedAt();
      categories[i] = decisions.get(i).code().category();
      reasons[i] = decisions.get(i).reason();
      actions[i] = decisions.get(i).action();
    }
    return sql.preparedQuery(MARK_PERMANENT).execute(Tuple.of(ids, seen, categories, reasons, actions))
        .map(HealingRepository::notifications);
  }

  /** Adds to each user's counters: user → [healed, healing failures]. */
  public Future<Void> addCounters(Map<String, long[]> perUser) {
    if (perUser.isEmpty()) {
      return Future.succeededFuture();
    }
    String[] users = perUser.keySet().toArray(String[]::new);
    Long[] healed = new Long[users.length];
    Long[] failures = new Long[users.length];
    for (int i = 0; i < users.length; i++) {
      healed[i] = perUser.get(users[i])[0];
      failures[i] = perUser.get(users[i])[1];
    }
    return sql.preparedQuery(ADD_COUNTERS).execute(Tuple.of(users, healed, failures, COUNTERS_KEY)).mapEmpty();
  }

  /** Records that a cycle completed (its counts, and how many cycles ever ran); returns the database time of it. */
  public Future<String> recordCycle(JsonObject summary) {
    return sql.preparedQuery(RECORD_CYCLE).execute(Tuple.of(ALL_USERS, LAST_CYCLE_KEY, summary))
        .map(rows -> rows.iterator().next().getOffsetDateTime(0).toInstant().toString());
  }

  // ---- reads (on the pool) ----

  /** {last_healing_at, total_healed, total_healing_failures} of one user. */
  public Future<JsonObject> counters(String userId) {
    return sql.preparedQuery("""
            SELECT (SELECT value FROM settings WHERE user_id = $1 AND key = $2) AS counters,
                   (SELECT updated_at FROM settings WHERE user_id = $3 AND key = $4) AS last_cycle""")
        .execute(Tuple.of(userId, COUNTERS_KEY, ALL_USERS, LAST_CYCLE_KEY))
        .map(rows -> {
          Row row = rows.iterator().next();
          Object raw = row.getValue("counters");
          JsonObject counters = raw instanceof JsonObject o ? o : new JsonObject();
          OffsetDateTime last = row.getOffsetDateTime("last_cycle");
          return new JsonObject().put("last_healing_at", last == null ? null : last.toInstant().toString())
              .put("total_healed", counters.getLong("total_healed", 0L))
              .put("total_healing_failures", counters.getLong("total_healing_failures", 0L));
        });
  }

  /** Newest first. */
  public Future<JsonArray> recentNotifications(String userId, int limit) {
    return sql.preparedQuery("SELECT * FROM healing_notifications WHERE user_id = $1 ORDER BY time DESC, id DESC "
            + "LIMIT $2")
        .execute(Tuple.of(userId, limit))
        .map(rows -> new JsonArray(notifications(rows)));
  }

  /** The user's jobs that failed within the window, newest first, with the totals over the whole window. */
  public Future<List<Row>> failedSince(String userId, int hours, int limit) {
    return sql.preparedQuery("""
            SELECT j.job_id, j.brands->>0 AS brand, j.variant, j.title, j.error_code, j.error_category,
                   j.error_message, j.created_at, j.proposal_id, p.agent_name, j.retry_count, j.max_retries,
                   j.healing_state, j.completed_at,
                   count(*) OVER () AS total_failed,
                   count(j.proposal_id) OVER () AS maestro_created_failures
              FROM jobs j
              LEFT JOIN proposals p ON p.user_id = j.user_id AND p.proposal_id = j.proposal_id
             WHERE j.user_id = $1 AND j.status = 'failed' AND j.completed_at > now() - $2 * interval '1 hour'
             ORDER BY j.completed_at DESC, j.id DESC
             LIMIT $3""")
        .execute(Tuple.of(userId, hours, limit))
        .map(rows -> {
          List<Row> list = new ArrayList<>();
          rows.forEach(list::add);
          return list;
        });
  }

  /** Healing actions over the window, counted by category and outcome. */
  public Future<List<Row>> report(String userId, int hours) {
    return sql.preparedQuery("""
            SELECT category, outcome, count(*) AS count FROM healing_events
             WHERE user_id = $1 AND time > now() - $2 * interval '1 hour'
             GROUP BY category, outcome ORDER BY category, outcome""")
        .execute(Tuple.of(userId, hours))
        .map(rows -> {
          List<Row> list = new ArrayList<>();
          rows.forEach(list::add);
          return list;
        });
  }

  private static List<JsonObject> notifications(RowSet<Row> rows) {
    List<JsonObject> list = new ArrayList<>();
    rows.forEach(r -> list.add(new JsonObject()
        .put("time", r.getOffsetDateTime("time").toInstant().toString())
        .put("job_id", r.getString("job_id"))
        .put("user_id", r.getString("user_id"))
        .put("brand", r.getString("brand"))
        .put("title", r.getString("title"))
        .put("category", r.getString("category"))
        .put("reason", r.getString("reason"))
        .put("error_snippet", r.getString("error_snippet"))
        .put("retry_count", r.getInteger("retry_count"))
        .put("action", r.getString("action"))));
    return list;
  }
}
