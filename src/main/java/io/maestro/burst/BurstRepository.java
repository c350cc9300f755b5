package io.maestro.burst;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * All SQL of the burst coordinator: the persisted settings rows (pause flags, last daily run, counters) and the
 * per-user burst lock. Every check-and-set is one conditional statement, so two nodes (or a restarted one) agree.
 */
public final class BurstRepository {
  public static final String PAUSED = "is_paused";
  public static final String POSTS_PAUSED = "posts_paused";
  public static final String LAST_DAILY_RUN = "last_daily_run";
  public static final String LOCK = "burst_lock";
  public static final String STATS = "stats";
  /** The newest burst's lock contents plus finished_at: burst_started_at of the status outlives the lock. */
  public static final String LAST_BURST = "last_burst";

  private final Pool pool;

  public BurstRepository(Pool pool) {
    this.pool = pool;
  }

  /** Every settings row of a user as {key: value}, plus "<key>.updated_at" — a primary-key range read. */
  public Future<JsonObject> settings(String userId) {
    return pool.preparedQuery("SELECT key, value, updated_at FROM settings WHERE user_id = $1")
        .execute(Tuple.of(userId))
        .map(rows -> {
          JsonObject out = new JsonObject();
          for (Row row : rows) {
            out.put(row.getString("key"), row.getValue("value"));
            out.put(row.getString("key") + ".updated_at", row.getOffsetDateTime("updated_at").toInstant().toString());
          }
          return out;
        });
  }

  /** Sets a boolean flag; true when it changed (false: it already had that value). */
  public Future<Boolean> setFlag(String userId, String key, boolean value) {
    String sql = value ? """
        INSERT INTO settings (user_id, key, value) VALUES ($1, $2, 'true')
        ON CONFLICT (user_id, key) DO UPDATE SET value = 'true', updated_at = now() WHERE settings.value <> 'true'
        RETURNING 1"""
        : "UPDATE settings SET value = 'false', updated_at = now() WHERE user_id = $1 AND key = $2 AND value = 'true'"
            + " RETURNING 1";
    return pool.preparedQuery(sql).execute(Tuple.of(userId, key)).map(rows -> rows.size() == 1);
  }

  /**
   * Takes the user's burst lock unless a live one exists. A lock whose holder stopped renewing it (crashed node)
   * expires and is taken over.
   */
  public Future<Boolean> tryLock(String userId, JsonObject lock, long ttlMs) {
    return pool.preparedQuery("""
            INSERT INTO settings (user_id, key, value)
            VALUES ($1, 'burst_lock', $2::jsonb || jsonb_build_object('expires_at', now() + $3 * interval '1 millisecond'))
            ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value, updated_at = now()
             WHERE (settings.value->>'expires_at')::timestamptz < now()
            RETURNING 1""")
        .execute(Tuple.of(userId, lock, ttlMs)).map(rows -> rows.size() == 1);
  }

  /** Extends the lock and records progress; false when the lock is no longer ours. */
  public Future<Boolean> renewLock(String userId, String burstId, long ttlMs, JsonObject progress) {
    return pool.preparedQuery("""
            UPDATE settings SET value = value || $4::jsonb
                                || jsonb_build_object('expires_at', now() + $3 * interval '1 millisecond'),
                                updated_at = now()
             WHERE user_id = $1 AND key = 'burst_lock' AND value->>'burst_id' = $2""")
        .execute(Tuple.of(userId, burstId, ttlMs, progress)).map(rows -> rows.rowCount() == 1);
  }

  /** Keeps what the newest burst was (its lock row goes when it ends). */
  public Future<Void> recordLastBurst(String userId, JsonObject burst) {
    return pool.preparedQuery("""
            INSERT INTO settings (user_id, key, value) VALUES ($1, 'last_burst', $2)
            ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value, updated_at = now()""")
        .execute(Tuple.of(userId, burst)).mapEmpty();
  }

  public Future<Void> releaseLock(String userId, String burstId) {
    return pool.preparedQuery("DELETE FROM settings WHERE user_id = $1 AND key = 'burst_lock' AND value->>'burst_id' = $2")
        .execute(Tuple.of(userId, burstId)).mapEmpty();
  }

  /** Claims today's daily burst; true for exactly one caller per user and date, across restarts and nodes. */
  public Future<Boolean> claimDailyRun(String userId, String date) {
    return pool.preparedQuery("""
            INSERT INTO settings (user_id, key, value) VALUES ($1, 'last_daily_run', to_jsonb($2::text))
            ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value, updated_at = now()
             WHERE settings.value IS DISTINCT FROM excluded.value
            RETURNING 1""")
        .execute(Tuple.of(userId, date)).map(rows -> rows.size() == 1);
  }

  /** Adds to counters in the user's stats row, e.g. {"total_cycles": 1, "errors": 2, "agent_errors.toby": 1}. */
  public Future<Void> bump(String userId, JsonObject deltas) {
    return pool.preparedQuery("""
            INSERT INTO settings (user_id, key, value) VALUES ($1, 'stats', $2)
            ON CONFLICT (user_id, key) DO UPDATE SET updated_at = now(), value = settings.value || (
              SELECT coalesce(jsonb_object_agg(d.key, coalesce((settings.value->>d.key)::bigint, 0) + d.value::bigint),
                              '{}'::jsonb)
                FROM jsonb_each_text($2) AS d)""")
        .execute(Tuple.of(userId, deltas)).mapEmpty();
  }

  /** Users with at least one active agent: whom the daily burst is for. */
  public Future<List<String>> usersWithAgents() {
    return pool.query("SELECT DISTINCT user_id FROM agents WHERE active").execute().map(rows -> {
      List<String> users = new ArrayList<>();
      rows.forEach(row -> users.add(row.getString(0)));
      return users;
    });
  }
}
