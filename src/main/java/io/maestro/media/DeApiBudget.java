package io.maestro.media;

import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.function.LongSupplier;

/**
 * The client-side deAPI budget (requests per minute and per UTC day), counted in PostgreSQL: every worker of every
 * node draws from one budget, and a restarted or re-joined node keeps today's count. One statement takes a request
 * (the row lock orders concurrent takers). A used-up minute is waited out (it is not a failure); a used-up day fails
 * as api_quota_exhausted with the reset time, so the healer parks the job instead of spending a retry.
 *
 * <p>When deAPI itself says the day is over (a daily 429, or X-RateLimit-Daily-Remaining: 0), its word is the one
 * truth: nothing is sent until the reset time it gave, and no longer — the client-side count is left alone.
 */
public final class DeApiBudget {
  private static final long MINUTE = 60_000;
  private static final long DAY = 86_400_000;

  /** Takes one request unless deAPI's block is on, the day is used up or the minute is full. */
  private static final String TAKE = """
      WITH blocked AS (
        SELECT blocked_until FROM deapi_block WHERE blocked_until > $5::timestamptz
      ), taken AS (
        INSERT INTO deapi_budget AS b (day, used, minute, minute_used)
        SELECT $1::date, 1, $2::bigint, 1 WHERE NOT EXISTS (SELECT 1 FROM blocked)
        ON CONFLICT (day) DO UPDATE
           SET used = b.used + 1, minute = $2,
               minute_used = CASE WHEN b.minute = $2 THEN b.minute_used + 1 ELSE 1 END
         WHERE b.used < $3::int AND (b.minute <> $2 OR b.minute_used < $4::int)
        RETURNING used
      )
      SELECT (SELECT count(*) FROM taken) AS taken, (SELECT blocked_until FROM blocked) AS blocked_until,
             (SELECT used FROM deapi_budget WHERE day = $1) AS used""";

  private static final String BLOCK = """
      INSERT INTO deapi_block (only_row, blocked_until, reason) VALUES (true, $1, $2)
      ON CONFLICT (only_row) DO UPDATE SET blocked_until = EXCLUDED.blocked_until, reason = EXCLUDED.reason""";

  private final SqlClient pool;
  private final int perMinute;
  private final int perDay;
  private final LongSupplier clock;
  private final Blocking blocking;

  public DeApiBudget(Vertx vertx, SqlClient pool, int perMinute, int perDay, LongSupplier clock) {
    this.pool = pool;
    this.perMinute = perMinute;
    this.perDay = perDay;
    this.clock = clock;
    this.blocking = new Blocking(vertx);
  }

  /** What one take found: taken, or why not. */
  private record Verdict(boolean taken, Instant blockedUntil, long usedToday) {}

  /**
   * Takes one request from the budget, waiting (on this worker thread) while the minute is used up.
   *
   * @param remainingMillis how long the caller may wait at most
   */
  public void acquire(long remainingMillis) throws InterruptedException {
    long giveUpAt = clock.getAsLong() + remainingMillis;
    while (true) {
      long now = clock.getAsLong();
      long minute = now / MINUTE;
      LocalDate day = LocalDate.ofEpochDay(now / DAY);
      Verdict verdict = await(() -> pool.preparedQuery(TAKE).execute(Tuple.of(day, minute, perDay, perMinute,
          OffsetDateTime.ofInstant(Instant.ofEpochMilli(now), ZoneOffset.UTC))).map(rows -> verdict(rows.iterator()
          .next())));
      if (verdict.taken()) {
        return;
      }
      if (verdict.blockedUntil() != null) {
        throw MaestroException.rateLimited(FailureCode.API_QUOTA_EXHAUSTED, "deAPI said its daily request limit "
            + "is reached; nothing is sent until its reset at " + verdict.blockedUntil(), verdict.blockedUntil());
      }
      if (verdict.usedToday() >= perDay) {
        Instant reset = Instant.ofEpochMilli((now / DAY + 1) * DAY);
        throw MaestroException.rateLimited(FailureCode.API_QUOTA_EXHAUSTED, "the client-side deAPI budget of "
            + perDay + " requests per day (deapi.perDay) is used up; it resets at " + reset, reset);
      }
      long wait = (minute + 1) * MINUTE - now;
      if (now + wait > giveUpAt) {
        Instant reset = Instant.ofEpochMilli(now + wait);
        throw MaestroException.rateLimited(FailureCode.API_RATE_LIMITED, "the client-side deAPI budget of "
            + perMinute + " requests per minute (deapi.perMinute) is used up and the next slot at " + reset
            + " is past this job's remaining time", reset);
      }
      Thread.sleep(wait + 5);
    }
  }

  private static Verdict verdict(Row row) {
    OffsetDateTime blocked = row.getOffsetDateTime("blocked_until");
    Integer used = row.getInteger("used");
    return new Verdict(row.getLong("taken") > 0, blocked == null ? null : blocked.toInstant(),
        used == null ? 0 : used);
  }

  /**
   * deAPI said no requests are left: nothing more is sent, cluster-wide, until {@code resetAt} — the time deAPI gave,
   * or the next UTC midnight when it gave none.
   */
  public void blockUntil(Instant resetAt, String reason) {
    await(() -> pool.preparedQuery(BLOCK).execute(Tuple.of(OffsetDateTime.ofInstant(resetAt, ZoneOffset.UTC),
        reason)).map(rows -> 0L));
  }

  /** Submissions counted today (UTC) in the shared budget, for the metrics gauge. */
  public static Future<Long> usedToday(SqlClient pool, long nowMillis) {
    return pool.preparedQuery("SELECT used FROM deapi_budget WHERE day = $1")
        .execute(Tuple.of(LocalDate.ofEpochDay(nowMillis / DAY)))
        .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getInteger(0).longValue());
  }

  private <T> T await(java.util.function.Supplier<Future<T>> call) {
    try {
      return blocking.await(call, 30_000);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new MaestroException(FailureCode.INTERNAL_ERROR, "the shared deAPI budget did not answer within 30 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MaestroException(FailureCode.JOB_TIMEOUT, "interrupted by the job deadline while waiting for the "
          + "shared deAPI budget", e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new MaestroException(FailureCode.API_ERROR, "the shared deAPI budget (PostgreSQL) failed: "
          + e.getMessage(), e);
    }
  }
}
