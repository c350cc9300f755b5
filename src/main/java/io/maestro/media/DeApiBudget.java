package io.maestro.media;

import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * The client-side deAPI budget (requests per minute and per UTC day), counted in Vert.x shared data under a shared
 * lock, so every worker of the node draws from one budget — and every node, once the cluster manager makes shared
 * data cluster-wide. A used-up minute is waited out (it is not a failure); a used-up day fails as
 * api_quota_exhausted with the reset time, so the healer parks the job instead of spending a retry.
 */
public final class DeApiBudget {
  private static final String LOCK = "maestro.deapi.budget.lock";
  private static final String MAP = "maestro.deapi.budget";
  private static final long MINUTE = 60_000;
  private static final long DAY = 86_400_000;

  private final Vertx vertx;
  private final int perMinute;
  private final int perDay;
  private final LongSupplier clock;
  private final Blocking blocking;

  public DeApiBudget(Vertx vertx, int perMinute, int perDay, LongSupplier clock) {
    this.vertx = vertx;
    this.perMinute = perMinute;
    this.perDay = perDay;
    this.clock = clock;
    this.blocking = new Blocking(vertx);
  }

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
      long day = now / DAY;
      long verdict = await(() -> vertx.sharedData().withLock(LOCK, 10_000, () -> take(now, minute, day)));
      if (verdict == 0) {
        return;
      }
      if (verdict < 0) {
        Instant reset = Instant.ofEpochMilli((day + 1) * DAY);
        throw MaestroException.rateLimited(FailureCode.API_QUOTA_EXHAUSTED, "the client-side deAPI budget of "
            + perDay + " requests per day (deapi.perDay) is used up; it resets at " + reset, reset);
      }
      if (now + verdict > giveUpAt) {
        Instant reset = Instant.ofEpochMilli(now + verdict);
        throw MaestroException.rateLimited(FailureCode.API_RATE_LIMITED, "the client-side deAPI budget of "
            + perMinute + " requests per minute (deapi.perMinute) is used up and the next slot at " + reset
            + " is past this job's remaining time", reset);
      }
      Thread.sleep(verdict + 5);
    }
  }

  /** Under the lock: 0 = taken, -1 = the day is used up, otherwise milliseconds until the next minute. */
  private Future<Long> take(long now, long minute, long day) {
    return map().compose(map -> map.get("d:" + day).compose(usedToday -> map.get("m:" + minute)
        .compose(usedThisMinute -> {
          long today = usedToday == null ? 0 : usedToday;
          long thisMinute = usedThisMinute == null ? 0 : usedThisMinute;
          if (today >= perDay) {
            return Future.succeededFuture(-1L);
          }
          if (thisMinute >= perMinute) {
            return Future.succeededFuture((minute + 1) * MINUTE - now);
          }
          return map.put("m:" + minute, thisMinute + 1, 2 * MINUTE)
              .compose(ignored -> map.put("d:" + day, today + 1, 2 * DAY))
              .map(ignored -> 0L);
        })));
  }

  /** The API said no requests are left today: nothing more is sent until the UTC day turns. */
  public void exhaustDay() {
    long day = clock.getAsLong() / DAY;
    await(() -> vertx.sharedData().withLock(LOCK, 10_000, () -> map().compose(map ->
        map.put("d:" + day, (long) perDay, 2 * DAY))).map(ignored -> 0L));
  }

  /** Submissions counted today (UTC) in the shared budget; read by the metrics without taking the lock. */
  public static Future<Long> usedToday(Vertx vertx, long nowMillis) {
    return vertx.sharedData().<String, Long>getAsyncMap(MAP).compose(map -> map.get("d:" + nowMillis / DAY))
        .map(used -> used == null ? 0L : used);
  }

  private Future<AsyncMap<String, Long>> map() {
    return vertx.sharedData().getAsyncMap(MAP);
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
      throw new MaestroException(FailureCode.INTERNAL_ERROR, "the shared deAPI budget failed: " + e.getMessage(), e);
    }
  }
}
