package io.maestro.healing;

import io.maestro.failure.RetryPolicy;
import static io.maestro.healing.HealerFixtures.create;
import static io.maestro.healing.HealerFixtures.find;
import static io.maestro.healing.HealerFixtures.job;
import static io.maestro.healing.HealerFixtures.query;
import static io.maestro.healing.HealerFixtures.trigger;
import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.failure.FailureCode;
import io.maestro.testing.Eventually;
import io.maestro.testing.TestApp;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * End to end over real workers: a stage fails with each category, the healer (driven through
 * POST /api/maestro/trigger-healing, base backoff 40 ms, no jitter) decides, the dispatcher runs the retries.
 */
@DisplayName("Healer retry policy: every category, end to end")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HealerRetryPolicyTest {
  private static final long BASE_MS = 40;
  private TestApp app;

  @BeforeAll
  void start() throws Exception {
    app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0).put("jobs.pollIntervalMs", 50)
        .put("healer.intervalMs", 3_600_000).put("healer.backoffBaseMs", BASE_MS).put("healer.jitterPercent", 0));
    app.deployWorkers(FailingRenderer::all, 2);
  }

  @AfterAll
  void stop() throws Exception {
    app.close();
  }

  static Stream<FailureCode> retryable() {
    return Arrays.stream(FailureCode.values()).filter(c -> c.retryable() && !c.waitsForReset());
  }

  static Stream<FailureCode> notRetryable() {
    return Arrays.stream(FailureCode.values()).filter(c -> !c.retryable());
  }

  private Map<String, Object> awaitFailedAttempt(String jobId, int attempt) throws Exception {
    return Eventually.await(jobId + " to fail attempt " + attempt, Duration.ofSeconds(30), () -> job(app, jobId),
        j -> "failed".equals(j.get("status")) && "none".equals(j.get("healing_state"))
            && ((Integer) j.get("attempt")) == attempt);
  }

  @ParameterizedTest(name = "{0} is retried exactly twice with growing delays, then permanent")
  @MethodSource("retryable")
  @DisplayName("a retryable category is retried exactly up to the limit with growing delays, then is permanent")
  void retryableUpToTheLimit(FailureCode code) throws Exception {
    String jobId = create(app, "fail:" + code.category() + " retried");
    List<Long> delays = new ArrayList<>();
    for (int retry = 1; retry <= 2; retry++) {
      awaitFailedAttempt(jobId, retry);
      JsonObject report = trigger(app);
      JsonObject retried = find(report.getJsonArray("retried"), jobId);
      assertThat(retried).as(report.encodePrettily()).isNotNull();
      assertThat(retried.getString("category")).isEqualTo(code.category());
      assertThat(retried.getInteger("retry_count")).isEqualTo(retry);
      assertThat(retried.getString("reason")).isEqualTo(code.category() + ": retry " + retry + " of 2 in "
          + retried.getLong("delay_ms") + " ms");
      delays.add(retried.getLong("delay_ms"));
    }
    assertThat(delays).containsExactly(BASE_MS, 2 * BASE_MS);

    awaitFailedAttempt(jobId, 3);
    JsonObject report = trigger(app);
    assertThat(find(report.getJsonArray("retried"), jobId)).isNull();
    JsonObject note = find(report.getJsonArray("permanent"), jobId);
    assertThat(note).as(report.encodePrettily()).isNotNull();
    assertThat(note.getString("category")).isEqualTo(code.category());
    assertThat(note.getString("reason")).isEqualTo(code.category() + " (max 2 retries exhausted)");
    assertThat(note.getInteger("retry_count")).isEqualTo(2);
    assertThat(note.getString("action")).isEqualTo(RetryPolicy.permanentAction(code))
        .doesNotContain("attempting one retry").doesNotContain("retrying");
    assertThat(note.getString("error_snippet")).contains("scripted " + code.category() + " failure");

    // nothing more happens to it: no fourth attempt, however many cycles run
    trigger(app);
    Map<String, Object> row = job(app, jobId);
    assertThat(row.get("status")).isEqualTo("failed");
    assertThat(row.get("healing_state")).isEqualTo("permanent");
    assertThat(row.get("retry_count")).isEqualTo(2);
    assertThat(row.get("attempt")).isEqualTo(3);
    assertThat(query(app, "SELECT outcome FROM job_attempts a JOIN jobs j ON j.id = a.job_pk WHERE j.job_id = ?",
        jobId)).hasSize(3).allMatch(a -> "failed".equals(a.get("outcome")));
    assertThat(query(app, "SELECT outcome FROM healing_events WHERE job_id = ? ORDER BY id", jobId))
        .extracting(e -> e.get("outcome")).containsExactly("retried", "retried", "permanent");
    assertThat(query(app, "SELECT * FROM healing_notifications WHERE job_id = ?", jobId)).hasSize(1);
  }

  @ParameterizedTest(name = "{0} is permanent at once with its own action")
  @MethodSource("notRetryable")
  @DisplayName("a non-retryable category goes permanent at once with the category's suggested action")
  void notRetryableIsPermanentAtOnce(FailureCode code) throws Exception {
    String jobId = create(app, "fail:" + code.category() + " permanent");
    awaitFailedAttempt(jobId, 1);
    JsonObject report = trigger(app);
    JsonObject note = find(report.getJsonArray("permanent"), jobId);
    assertThat(note).as(report.encodePrettily()).isNotNull();
    assertThat(note.getString("reason")).isEqualTo(code.category() + " (not retryable)");
    assertThat(note.getString("action")).isEqualTo(code.suggestedAction());
    assertThat(note.getInteger("retry_count")).isZero();
    Map<String, Object> row = job(app, jobId);
    assertThat(row.get("healing_state")).isEqualTo("permanent");
    assertThat(row.get("attempt")).isEqualTo(1);
    assertThat(row.get("retry_count")).isEqualTo(0);
  }

  @Test
  @DisplayName("content_error, file_not_found, config_error and api_auth are among the non-retryable categories")
  void theFourNamedCategoriesAreNotRetryable() {
    assertThat(notRetryable()).contains(FailureCode.CONTENT_ERROR, FailureCode.FILE_NOT_FOUND,
        FailureCode.CONFIG_ERROR, FailureCode.API_AUTH);
    assertThat(retryable()).contains(FailureCode.API_ERROR, FailureCode.UNKNOWN, FailureCode.WORKER_LOST);
  }
}
