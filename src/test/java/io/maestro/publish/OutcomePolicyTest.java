package io.maestro.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.failure.FailureCode;
import io.maestro.failure.RetryPolicy;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("OutcomePolicy: what an item's platform results mean for the item")
class OutcomePolicyTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private final OutcomePolicy policy = new OutcomePolicy(new RetryPolicy(1_000, 60_000, 0, 99, () -> 0.0), 2, 5);

  private static JsonObject published(boolean dry) {
    return new JsonObject().put("status", "published").put("dry_run", dry);
  }

  private static JsonObject failed(FailureCode code, String resetAt) {
    return new JsonObject().put("status", "failed").put("error_code", code.code()).put("error_category",
        code.category()).put("error_message", code.category() + " happened").put("reset_at", resetAt);
  }

  @Test
  @DisplayName("all published → published; all dry run → published (dry run)")
  void allPublished() {
    Outcome live = policy.decide(List.of("instagram", "facebook"), new JsonObject().put("instagram", published(false))
        .put("facebook", published(false)), 0, 1, NOW);
    assertThat(live.status()).isEqualTo("published");
    assertThat(live.dryRun()).isFalse();
    assertThat(policy.decide(List.of("instagram"), new JsonObject().put("instagram", published(true)), 0, 1, NOW)
        .dryRun()).isTrue();
  }

  @Test
  @DisplayName("a 5xx with retries left → due again after backoff, one retry spent; none left → partially_published")
  void transientFailure() {
    JsonObject results = new JsonObject().put("instagram", published(false))
        .put("facebook", failed(FailureCode.API_ERROR, null));
    Outcome retry = policy.decide(List.of("instagram", "facebook"), results, 1, 2, NOW);
    assertThat(retry.status()).isEqualTo("scheduled");
    assertThat(retry.retrySpent()).isTrue();
    assertThat(retry.releaseAt()).isEqualTo(NOW.plusMillis(2_000));
    Outcome done = policy.decide(List.of("instagram", "facebook"), results, 2, 3, NOW);
    assertThat(done.status()).isEqualTo("partially_published");
    assertThat(done.error().code()).isEqualTo(FailureCode.API_ERROR);
  }

  @Test
  @DisplayName("a rate limit waits until its reset without spending a retry, even with no retries left; the claim cap"
      + " still ends it")
  void rateLimit() {
    JsonObject results = new JsonObject().put("youtube", failed(FailureCode.API_QUOTA_EXHAUSTED,
        "2026-12-02T08:00:00Z"));
    Outcome wait = policy.decide(List.of("youtube"), results, 2, 3, NOW);
    assertThat(wait.status()).isEqualTo("scheduled");
    assertThat(wait.retrySpent()).isFalse();
    assertThat(wait.releaseAt()).isEqualTo(Instant.parse("2026-12-02T08:00:00Z"));
    assertThat(policy.decide(List.of("youtube"), results, 0, 5, NOW).status()).isEqualTo("failed");
  }

  @Test
  @DisplayName("auth, rejected, media fetch and config failures are final at once; only retryable ones are re-sent")
  void permanent() {
    for (FailureCode code : List.of(FailureCode.PUBLISH_AUTH, FailureCode.PUBLISH_REJECTED,
        FailureCode.PUBLISH_MEDIA_FETCH, FailureCode.CONFIG_ERROR)) {
      Outcome outcome = policy.decide(List.of("facebook"), new JsonObject().put("facebook", failed(code, null)), 0, 1,
          NOW);
      assertThat(outcome.status()).as(code.name()).isEqualTo("failed");
      assertThat(OutcomePolicy.toSend(failed(code, null))).as(code.name()).isFalse();
    }
    assertThat(OutcomePolicy.toSend(failed(FailureCode.API_ERROR, null))).isTrue();
    assertThat(OutcomePolicy.toSend(null)).isTrue();
    assertThat(OutcomePolicy.toSend(new JsonObject().put("status", "queued"))).isTrue();
    assertThat(OutcomePolicy.toSend(published(false))).isFalse();
  }
}
