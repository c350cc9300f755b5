package io.maestro.metrics;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;

/** The queries behind the job gauges: grouped and index-backed, so a scrape every few seconds costs little. */
public final class MetricsRepository {
  private final Pool pool;

  public MetricsRepository(Pool pool) {
    this.pool = pool;
  }

  /** Jobs per status, variant and (for failed jobs) failure category. */
  public record JobCount(String status, String variant, String category, long count) {}

  /** Pending jobs already due, and how long the one waiting longest has been due (0 when none). */
  public record Queue(long depth, double oldestAgeSeconds) {}

  public Future<List<JobCount>> jobCounts() {
    return pool.query("""
        SELECT status, variant, CASE WHEN status = 'failed' THEN coalesce(error_category, 'unknown') ELSE 'none' END,
               count(*)
          FROM jobs GROUP BY 1, 2, 3""").execute().map(rows -> {
      List<JobCount> counts = new ArrayList<>();
      for (Row row : rows) {
        counts.add(new JobCount(row.getString(0), row.getString(1), row.getString(2), row.getLong(3)));
      }
      return counts;
    });
  }

  public Future<Queue> queue() {
    return pool.query("""
        SELECT count(*),
               coalesce(extract(epoch FROM now() - min(greatest(run_at, queued_at))), 0)::float8
          FROM jobs WHERE status = 'pending' AND run_at <= now()""").execute().map(rows -> {
      Row row = rows.iterator().next();
      return new Queue(row.getLong(0), Math.max(0, row.getDouble(1)));
    });
  }
}
