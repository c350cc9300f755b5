package io.maestro.failure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Retry policy: backoff and the decision for one failed job")
class RetryPolicyTest {
  private static final OffsetDateTime NOW = OffsetDateTime.of(2026, 11, 23, 12, 0, 0, 0, ZoneOffset.UTC);

  private static FailedJob failed(FailureCode code, int retries, int attempt, OffsetDateTime resetAt) {
    return new FailedJob(1, "GEN-100001", "local", "t", "healthycollege", code.code(), code.category(), "boom",
        retries, 2, attempt, resetAt, NOW);
  }

  @Test
  @DisplayName("backoff doubles per retry and stops at the maximum")
  void backoffGrowsAndIsCapped() {
    RetryPolicy policy = new RetryPolicy(1_000, 5_000, 0, 6, () -> 0.5);
    assertThat(policy.backoffMs(0)).isEqualTo(1_000);
    assertThat(policy.backoffMs(1)).isEqualTo(2_000);
    assertThat(policy.backoffMs(2)).isEqualTo(4_000);
    assertThat(policy.backoffMs(3)).isEqualTo(5_000);
    assertThat(policy.backoffMs(500)).isEqualTo(5_000);
  }

  @Test
  @DisplayName("jitter takes up to its percentage off the delay, never adds to it")
  void jitterBounds() {
    assertThat(new RetryPolicy(1_000, 60_000, 20, 6, () -> 0.0).backoffMs(1)).isEqualTo(2_000);
    assertThat(new RetryPolicy(1_000, 60_000, 20, 6, () -> 0.999_999).backoffMs(1)).isEqualTo(1_600);
    assertThat(new RetryPolicy(1_000, 60_000, 100, 6, () -> 1.0).backoffMs(0)).isEqualTo(1);
  }

  @Test
  @DisplayName("retryable with retries left: RETRY with the backoff of the retries done so far")
  void retry() {
    RetryPolicy.Decision d = new RetryPolicy(100, 10_000, 0, 6, () -> 0).decide(failed(FailureCode.API_ERROR, 1, 2, null));
    assertThat(d.outcome()).isEqualTo(RetryPolicy.Outcome.RETRY);
    assertThat(d.delayMs()).isEqualTo(200);
    assertThat(d.reason()).isEqualTo("api_error: retry 2 of 2 in 200 ms");
  }

  @Test
  @DisplayName("retries used up: PERMANENT, 'max N retries exhausted', and no promise of another retry")
  void exhausted() {
    RetryPolicy.Decision d = new RetryPolicy(100, 10_000, 0, 6, () -> 0).decide(failed(FailureCode.UNKNOWN, 2, 3, null));
    assertThat(d.outcome()).isEqualTo(RetryPolicy.Outcome.PERMANENT);
    assertThat(d.reason()).isEqualTo("unknown (max 2 retries exhausted)");
    assertThat(d.action()).doesNotContain("attempting one retry").doesNotContain("retrying");
  }

  @Test
  @DisplayName("a rate limit with a known reset waits for it; without one it waits one backoff step; no retry spent")
  void waitsForReset() {
    RetryPolicy policy = new RetryPolicy(100, 10_000, 0, 6, () -> 0);
    RetryPolicy.Decision known = policy.decide(failed(FailureCode.API_RATE_LIMITED, 2, 3, NOW.plusMinutes(1)));
    assertThat(known.outcome()).isEqualTo(RetryPolicy.Outcome.WAIT_FOR_RESET);
    assertThat(known.reason()).contains("2026-11-23T12:01:00Z").endsWith("(no retry spent)");
    RetryPolicy.Decision unknown = policy.decide(failed(FailureCode.API_QUOTA_EXHAUSTED, 0, 1, null));
    assertThat(unknown.outcome()).isEqualTo(RetryPolicy.Outcome.WAIT_FOR_RESET);
    assertThat(unknown.delayMs()).isEqualTo(100);
  }

  @Test
  @DisplayName("the attempt cap ends even a limit that keeps resetting")
  void attemptCap() {
    RetryPolicy.Decision d = new RetryPolicy(100, 10_000, 0, 6, () -> 0)
        .decide(failed(FailureCode.API_RATE_LIMITED, 0, 6, NOW));
    assertThat(d.outcome()).isEqualTo(RetryPolicy.Outcome.PERMANENT);
    assertThat(d.reason()).isEqualTo("api_rate_limited (attempt cap of 6 reached after 0 retries)");
  }

  @Test
  @DisplayName("the stored code decides; text is read only when the code is not ours")
  void diagnose() {
    assertThat(RetryPolicy.diagnose(1008, "connection timeout")).isEqualTo(FailureCode.FILE_NOT_FOUND);
    assertThat(RetryPolicy.diagnose(42, "connection timeout")).isEqualTo(FailureCode.API_ERROR);
    assertThat(RetryPolicy.diagnose(null, "ffmpeg exited 1")).isEqualTo(FailureCode.FFMPEG_OTHER);
    assertThat(RetryPolicy.diagnose(42, "zxqv")).isEqualTo(FailureCode.UNKNOWN);
  }
}
