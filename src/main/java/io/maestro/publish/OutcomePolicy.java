package io.maestro.publish;

import io.maestro.failure.Failure;
import io.maestro.failure.FailureCode;
import io.maestro.failure.RetryPolicy;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * What an item's platform results mean for the item. Pure, so every branch is a unit test:
 * <ol>
 *   <li>every platform published → published (dry run when every result is);</li>
 *   <li>a failed platform hit a rate limit or quota → due again at its reset (or one backoff step), no retry spent;</li>
 *   <li>a failed platform hit a 5xx/timeout and retries are left → due again after backoff, one retry spent;</li>
 *   <li>otherwise (auth, rejected, media, config, or nothing left) → partially_published when at least one platform
 *       went out, else failed. The claim cap ends even a limit that keeps resetting.</li>
 * </ol>
 */
public final class OutcomePolicy {
  private final RetryPolicy backoff;
  private final int maxRetries;
  private final int maxAttempts;

  public OutcomePolicy(RetryPolicy backoff, int maxRetries, int maxAttempts) {
    this.backoff = backoff;
    this.maxRetries = maxRetries;
    this.maxAttempts = maxAttempts;
  }

  /** Whether an automatic re-send includes this platform: never sent, queued by a manual retry, or a passing fault. */
  public static boolean toSend(JsonObject result) {
    if (result == null || "queued".equals(result.getString("status"))) {
      return true;
    }
    if (!"failed".equals(result.getString("status"))) {
      return false;
    }
    return failure(result).code().retryable();
  }

  public Outcome decide(List<String> platforms, JsonObject results, int retryCount, int attempts, Instant now) {
    Failure first = null;
    boolean anyPublished = false;
    boolean allDry = true;
    Instant waitUntil = null;
    boolean retryable = false;
    for (String platform : platforms) {
      JsonObject result = results.getJsonObject(platform);
      if (result != null && "published".equals(result.getString("status"))) {
        anyPublished = true;
        allDry &= result.getBoolean("dry_run", false);
        continue;
      }
      Failure failure = result == null ? new Failure(FailureCode.WORKER_LOST, platform + " was not attempted", null)
          : failure(result);
      first = first == null ? failure : first;
      if (failure.code().waitsForReset()) {
        Instant reset = failure.resetAt() != null && failure.resetAt().isAfter(now) ? failure.resetAt()
            : now.plusMillis(backoff.backoffMs(retryCount));
        waitUntil = waitUntil == null || reset.isAfter(waitUntil) ? reset : waitUntil;
      } else if (failure.code().retryable()) {
        retryable = true;
      }
    }
    if (first == null) {
      return new Outcome("published", null, false, allDry, null);
    }
    if (attempts < maxAttempts) {
      boolean retry = retryable && retryCount < maxRetries;
      if (waitUntil != null || retry) {
        Instant after = retry ? now.plusMillis(backoff.backoffMs(retryCount)) : null;
        Instant release = waitUntil == null ? after : after == null || waitUntil.isAfter(after) ? waitUntil : after;
        return new Outcome("scheduled", release, retry, false, first);
      }
    }
    return new Outcome(anyPublished ? "partially_published" : "failed", null, false, false, first);
  }

  static Failure failure(JsonObject result) {
    Integer code = result.getInteger("error_code");
    FailureCode failureCode = code == null ? FailureCode.UNKNOWN : FailureCode.fromCode(code).orElse(FailureCode.UNKNOWN);
    return new Failure(failureCode, result.getString("error_message"), null, instant(result.getValue("reset_at")));
  }

  static Instant instant(Object value) {
    if (value instanceof String text && !text.isBlank()) {
      return OffsetDateTime.parse(text).toInstant();
    }
    return value instanceof OffsetDateTime odt ? odt.toInstant() : null;
  }
}
