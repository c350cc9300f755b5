package io.maestro.failure;

import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * What the healer does with one failed job. Pure (no I/O, the random source is injected), so every branch is a
 * unit test. The order of the checks is the policy:
 * <ol>
 *   <li>not retryable → permanent at once, with the category's own advice;</li>
 *   <li>the job has used {@code jobs.maxAttempts} attempts (rescues included) → permanent, so nothing loops
 *       forever, not even a limit that keeps resetting;</li>
 *   <li>rate limit or quota → wait until the reset (or one backoff step when the API did not say), no retry spent;</li>
 *   <li>retries left → retry after exponential backoff with jitter;</li>
 *   <li>otherwise → permanent, "max N retries exhausted".</li>
 * </ol>
 */
public final class RetryPolicy {
  public enum Outcome { RETRY, WAIT_FOR_RESET, PERMANENT }

  /**
   * @param delayMs for RETRY (and WAIT_FOR_RESET without a known reset time): how long until the job is due again
   * @param reason the truth, in the words an operator reads ("api_error (max 2 retries exhausted)")
   * @param action what should happen next; for a permanent failure never a promise of another retry
   */
  public record Decision(Outcome outcome, FailureCode code, long delayMs, String reason, String action) {}

  private final long baseMs;
  private final long maxMs;
  private final int jitterPercent;
  private final int maxAttempts;
  private final DoubleSupplier random;

  public RetryPolicy(long baseMs, long maxMs, int jitterPercent, int maxAttempts, DoubleSupplier random) {
    this.baseMs = Math.max(1, baseMs);
    this.maxMs = Math.max(this.baseMs, maxMs);
    this.jitterPercent = Math.max(0, Math.min(100, jitterPercent));
    this.maxAttempts = maxAttempts;
    this.random = random;
  }

  /**
   * The category of a stored failure: from its code when the code is ours; the seed's keyword table only for a row
   * whose code we do not know (text written by hand or by another system).
   */
  public static FailureCode diagnose(Integer errorCode, String errorMessage) {
    Optional<FailureCode> known = errorCode == null ? Optional.empty() : FailureCode.fromCode(errorCode);
    return known.orElseGet(() -> FailureClassifier.classifyText(errorMessage).code());
  }

  /** Advice for a job that will not be retried automatically any more. */
  public static String permanentAction(FailureCode code) {
    if (!code.retryable()) {
      return code.suggestedAction();
    }
    return "No automatic retries left — fix the cause of the " + code.category()
        + " failure, then retry the job manually (POST /api/maestro/retry-job/{job_id}) or regenerate it";
  }

  /**
   * Delay before retry number {@code retriesDone + 1}: base · 2^retriesDone, capped at the maximum, minus a random
   * part of up to jitter percent (so retries of many jobs that failed together spread out, and never exceed the cap).
   */
  public long backoffMs(int retriesDone) {
    int exponent = Math.min(Math.max(0, retriesDone), 40);
    double full = Math.min((double) maxMs, baseMs * Math.pow(2, exponent));
    double jitter = full * jitterPercent / 100.0 * random.getAsDouble();
    return Math.max(1, Math.round(full - jitter));
  }

  public Decision decide(FailedJob job) {
    FailureCode code = diagnose(job.errorCode(), job.errorMessage());
    String category = code.category();
    if (!code.retryable()) {
      return new Decision(Outcome.PERMANENT, code, 0, category + " (not retryable)", code.suggestedAction());
    }
    if (job.attempt() >= maxAttempts) {
      return new Decision(Outcome.PERMANENT, code, 0, category + " (attempt cap of " + maxAttempts + " reached after "
          + job.retryCount() + " retries)", permanentAction(code));
    }
    if (code.waitsForReset()) {
      if (job.resetAt() != null) {
        return new Decision(Outcome.WAIT_FOR_RESET, code, 0, category + ": waiting until " + job.resetAt().toInstant()
            + " for the limit to reset (no retry spent)", code.suggestedAction());
      }
      long delay = backoffMs(job.retryCount());
      return new Decision(Outcome.WAIT_FOR_RESET, code, delay, category + ": reset time unknown, waiting " + delay
          + " ms (no retry spent)", code.suggestedAction());
    }
    if (job.retryCount() < job.maxRetries()) {
      long delay = backoffMs(job.retryCount());
      return new Decision(Outcome.RETRY, code, delay, category + ": retry " + (job.retryCount() + 1) + " of "
          + job.maxRetries() + " in " + delay + " ms", code.suggestedAction());
    }
    return new Decision(Outcome.PERMANENT, code, 0, category + " (max " + job.maxRetries() + " retries exhausted)",
        permanentAction(code));
  }
}
