package io.maestro.jobs;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Observatory's read-only SQL over jobs: a filtered page newest first (keyset, so page 200 costs what page 1
 * does), the counts per status for the same filter, and the throughput/failure statistics. Every query is scoped to
 * the user and served by the indexes of the observatory migration; nothing here writes.
 */
public final class JobBoard {
  /** Filters of the jobs view, already validated; null means "any". {@code cursor} is the last row of the page before. */
  public record Filter(String status, String brand, String variant, String category, String search) {}

  /** A keyset position: the (created_at, id) of the last row shown. */
  public record Cursor(OffsetDateTime createdAt, long id) {}

  private static final String SUMMARY_COLUMNS = """
      id, job_id, status, title, variant, brands, created_at, updated_at, completed_at, progress_percent,
      current_step, error_code, error_category, error_message, attempt, retry_count, proposal_id,
      (SELECT jsonb_object_agg(key, coalesce(value ->> 'thumbnail_path', value ->> 'thumbnail_url',
                                             value ->> 'image_url'))
         FROM jsonb_each(CASE WHEN jsonb_typeof(brand_outputs) = 'object' THEN brand_outputs ELSE '{}' END)
        WHERE jsonb_typeof(value) = 'object') AS thumbnails""";

  private static final String STATS_HOURLY = """
      WITH hours AS (
        SELECT generate_series(date_trunc('hour', now()) - interval '23 hours', date_trunc('hour', now()),
                               interval '1 hour') AS hour
      ), done AS (
        SELECT date_trunc('hour', a.finished_at) AS hour, a.outcome
          FROM job_attempts a JOIN jobs j ON j.id = a.job_pk
         WHERE j.user_id = $1 AND a.finished_at >= date_trunc('hour', now()) - interval '23 hours'
           AND a.outcome IN ('completed', 'failed', 'lost')
      )
      SELECT h.hour, count(d.outcome) FILTER (WHERE d.outcome = 'completed') AS completed,
             count(d.outcome) FILTER (WHERE d.outcome IN ('failed', 'lost')) AS failed
        FROM hours h LEFT JOIN done d ON d.hour = h.hour
       GROUP BY h.hour ORDER BY h.hour""";

  private static final String STATS_CATEGORIES_TODAY = """
      SELECT a.category, count(*) AS count
        FROM job_attempts a JOIN jobs j ON j.id = a.job_pk
       WHERE j.user_id = $1 AND a.finished_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
         AND a.outcome IN ('failed', 'lost')
       GROUP BY a.category ORDER BY count(*) DESC, a.category""";

  private static final String STATS_QUEUE = """
      SELECT count(*) FILTER (WHERE status = 'pending') AS pending,
             count(*) FILTER (WHERE status = 'generating') AS generating,
             extract(epoch FROM now() - min(queued_at) FILTER (WHERE status = 'pending'))::bigint AS oldest_pending
        FROM jobs WHERE user_id = $1 AND status IN ('pending', 'generating')""";

  private final SqlClient pool;

  public JobBoard(SqlClient pool) {
    this.pool = pool;
  }

  /** One page newest first, {@code limit + 1} rows asked so the caller knows whether there is a next page. */
  public Future<JsonObject> page(String userId, Filter filter, Cursor after, int limit) {
    List<Object> params = new ArrayList<>();
    StringBuilder where = where(userId, filter, params);
    if (after != null) {
      params.add(after.createdAt());
      params.add(after.id());
      where.append(" AND (created_at, id) < ($").append(params.size() - 1).append(", $").append(params.size())
          .append(")");
    }
    params.add(limit + 1);
    String sql = "SELECT " + SUMMARY_COLUMNS + " FROM jobs WHERE " + where
        + " ORDER BY created_at DESC, id DESC LIMIT $" + params.size();
    return pool.preparedQuery(sql).execute(Tuple.from(params)).map(rows -> {
      JsonArray jobs = new JsonArray();
      Cursor last = null;
      for (Row row : rows) {
        if (jobs.size() == limit) {
          break;
        }
        jobs.add(summary(row));
        last = new Cursor(row.getOffsetDateTime("created_at"), row.getLong("id"));
      }
      boolean more = rows.size() > limit;
      return new JsonObject().put("count", jobs.size()).put("limit", limit).put("jobs", jobs)
          .put("next_cursor", more && last != null ? encode(last) : null);
    });
  }

  /** Counts per status (every status present, zero included) for the filter without its status. */
  public Future<JsonObject> counts(String userId, Filter filter) {
    List<Object> params = new ArrayList<>();
    StringBuilder where = where(userId, new Filter(null, filter.brand(), filter.variant(), filter.category(),
        filter.search()), params);
    return pool.preparedQuery("SELECT status, count(*) FROM jobs WHERE " + where + " GROUP BY status")
        .execute(Tuple.from(params)).map(rows -> {
          JsonObject byStatus = new JsonObject();
          for (String s : List.of("pending", "generating", "completed", "failed", "cancelled")) {
            byStatus.put(s, 0L);
          }
          long total = 0;
          for (Row row : rows) {
            byStatus.put(row.getString(0), row.getLong(1));
            total += row.getLong(1);
          }
          return new JsonObject().put("total", total).put("by_status", byStatus);
        });
  }

  /** Completed and failed attempts per hour (24 buckets, oldest first), failures by category today, the queue. */
  public Future<JsonObject> stats(String userId) {
    Tuple user = Tuple.of(userId);
    Future<JsonArray> hourly = pool.preparedQuery(STATS_HOURLY).execute(user).map(rows -> {
      JsonArray hours = new JsonArray();
      rows.forEach(r -> hours.add(new JsonObject().put("hour", r.getOffsetDateTime("hour").toInstant().toString())
          .put("completed", r.getLong("completed")).put("failed", r.getLong("failed"))));
      return hours;
    });
    Future<JsonArray> categories = pool.preparedQuery(STATS_CATEGORIES_TODAY).execute(user).map(rows -> {
      JsonArray list = new JsonArray();
      rows.forEach(r -> list.add(new JsonObject().put("category", r.getString("category") == null ? "unknown"
          : r.getString("category")).put("count", r.getLong("count"))));
      return list;
    });
    Future<Row> queue = pool.preparedQuery(STATS_QUEUE).execute(user).map(rows -> rows.iterator().next());
    return Future.all(hourly, categories, queue).map(all -> new JsonObject()
        .put("hours", hourly.result()).put("failures_today", categories.result())
        .put("queue_depth", queue.result().getLong("pending"))
        .put("generating", queue.result().getLong("generating"))
        .put("oldest_pending_age_seconds", queue.result().getLong("oldest_pending")));
  }

  /** The schedule rows of one job (one per brand it was booked for). */
  public Future<JsonArray> scheduleOf(String userId, String jobId) {
    return pool.preparedQuery("SELECT * FROM schedule WHERE user_id = $1 AND job_id = $2 ORDER BY slot_at")
        .execute(Tuple.of(userId, jobId)).map(JobBoard::rows);
  }

  /**
   * A brand's schedule rows in [from, to) with the thumbnail of the job output they publish. Every column of the
   * row is passed on, so a state another actor adds to the schedule (publishing, failed, ...) shows as it is.
   */
  public Future<JsonArray> calendar(String userId, String brand, OffsetDateTime from, OffsetDateTime to) {
    return pool.preparedQuery("""
            SELECT s.*, coalesce(j.brand_outputs -> s.brand ->> 'thumbnail_path',
                                 j.brand_outputs -> s.brand ->> 'thumbnail_url') AS thumbnail_url
              FROM schedule s LEFT JOIN jobs j ON j.user_id = s.user_id AND j.job_id = s.job_id
             WHERE s.user_id = $1 AND s.brand = $2 AND s.slot_at >= $3 AND s.slot_at < $4
             ORDER BY s.slot_at, s.id LIMIT 500""")
        .execute(Tuple.of(userId, brand, from, to)).map(JobBoard::rows);
  }

  private static JsonArray rows(io.vertx.sqlclient.RowSet<Row> rows) {
    JsonArray out = new JsonArray();
    for (Row row : rows) {
      JsonObject item = new JsonObject();
      for (int i = 0; i < row.size(); i++) {
        Object v = row.getValue(i);
        if (v instanceof OffsetDateTime t) {
          v = t.toInstant().toString();
        } else if (v instanceof java.time.temporal.Temporal || v instanceof java.util.UUID) {
          v = v.toString();
        }
        if (!"user_id".equals(row.getColumnName(i))) {
          item.put(row.getColumnName(i), v);
        }
      }
      out.add(item);
    }
    return out;
  }

  private static StringBuilder where(String userId, Filter filter, List<Object> params) {
    params.add(userId);
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
    if (filter.category() != null) {
      params.add(filter.category());
      where.append(" AND error_category = $").append(params.size());
    }
    if (filter.search() != null) {
      // LIKE's own wildcards in the user's text are literal characters
      params.add("%" + filter.search().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
      where.append(" AND (job_id ILIKE $").append(params.size()).append(" OR title ILIKE $")
          .append(params.size()).append(")");
    }
    return where;
  }

  private static JsonObject summary(Row row) {
    Object thumbnails = row.getValue("thumbnails");
    return new JsonObject()
        .put("job_id", row.getString("job_id"))
        .put("status", row.getString("status"))
        .put("title", row.getString("title"))
        .put("variant", row.getString("variant"))
        .put("brands", row.getValue("brands"))
        .put("created_at", time(row.getOffsetDateTime("created_at")))
        .put("updated_at", time(row.getOffsetDateTime("updated_at")))
        .put("completed_at", time(row.getOffsetDateTime("completed_at")))
        .put("progress_percent", row.getInteger("progress_percent"))
        .put("current_step", row.getString("current_step"))
        .put("error_code", row.getInteger("error_code"))
        .put("error_category", row.getString("error_category"))
        .put("error_message", row.getString("error_message"))
        .put("attempt", row.getInteger("attempt"))
        .put("retry_count", row.getInteger("retry_count"))
        .put("proposal_id", row.getString("proposal_id"))
        .put("thumbnails", thumbnails instanceof JsonObject o ? o : new JsonObject(Map.of()));
  }

  private static String time(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }

  /** Opaque to clients: microsecond time and id, so a cursor never skips rows created within one millisecond. */
  public static String encode(Cursor c) {
    java.time.Instant i = c.createdAt().toInstant();
    return (i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000) + "_" + c.id();
  }

  /** Null for a cursor this class did not write (the route answers 422). */
  public static Cursor decode(String raw) {
    if (raw == null || !raw.matches("-?\\d{1,19}_\\d{1,19}")) {
      return null;
    }
    String[] parts = raw.split("_");
    try {
      long micros = Long.parseLong(parts[0]);
      java.time.Instant at = java.time.Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
          Math.floorMod(micros, 1_000_000L) * 1_000L);
      return new Cursor(at.atOffset(java.time.ZoneOffset.UTC), Long.parseLong(parts[1]));
    } catch (NumberFormatException | java.time.DateTimeException e) {
      return null;
    }
  }
}
