package io.maestro.healing;

import static io.maestro.healing.HealerFixtures.insertFailed;
import static io.maestro.healing.HealerFixtures.job;
import static io.maestro.healing.HealerFixtures.trigger;
import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.bus.Addresses;
import io.maestro.failure.FailureCode;
import io.maestro.testing.Eventually;
import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.maestro.testing.TestPostgres;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Healing API: contract shape, manual retry, report, persistence across restarts")
class HealingApiTest {
  private static final JsonObject QUIET = new JsonObject().put("jobs.workerInstances", 0)
      .put("healer.intervalMs", 3_600_000).put("healer.backoffBaseMs", 3_600_000);
  private TestApp app;

  @AfterEach
  void stop() throws Exception {
    if (app != null) {
      app.close();
    }
  }

  @Test
  @DisplayName("GET /api/maestro/healing has the contract's shape, with a truthful permanent-failure notification")
  void healingShape() throws Exception {
    app = TestApp.start(QUIET);
    String content = insertFailed(app, FailureCode.CONTENT_ERROR.code(), "content_error", "content_lines is empty");
    String exhausted = insertFailed(app, FailureCode.UNKNOWN.code(), "unknown", "zxqv");
    app.execute("UPDATE jobs SET retry_count = 2 WHERE job_id = '" + exhausted + "'");
    String transient503 = insertFailed(app, FailureCode.API_ERROR.code(), "api_error", "upstream 503");
    trigger(app);

    JsonObject body = Http.get(app.http, "/api/maestro/healing").bodyAsJsonObject();
    assertThat(body.fieldNames()).contains("healing", "failed_jobs_24h", "total_failed", "maestro_created_failures");
    JsonObject healing = body.getJsonObject("healing");
    assertThat(healing.getString("last_healing_at")).isNotBlank();
    assertThat(healing.getLong("total_healed")).isEqualTo(1);
    assertThat(healing.getLong("total_healing_failures")).isEqualTo(2);
    JsonArray notes = healing.getJsonArray("recent_notifications");
    assertThat(notes).hasSize(2);
    for (Object o : notes) {
      assertThat(((JsonObject) o).fieldNames()).containsExactlyInAnyOrder("time", "job_id", "brand", "title",
          "category", "reason", "error_snippet", "retry_count", "action");
    }
    JsonObject unknown = HealerFixtures.find(notes, exhausted);
    assertThat(unknown.getString("reason")).isEqualTo("unknown (max 2 retries exhausted)");
    assertThat(unknown.getString("action")).doesNotContain("attempting one retry").doesNotContain("retrying once");
    assertThat(HealerFixtures.find(notes, content).getString("brand")).isEqualTo("healthycollege");

    // the retried one is pending again; the two permanent ones are the failures of the last 24 h
    assertThat(body.getLong("total_failed")).isEqualTo(2);
    assertThat(body.getLong("maestro_created_failures")).isZero();
    JsonObject failed = HealerFixtures.find(body.getJsonArray("failed_jobs_24h"), content);
    assertThat(failed.fieldNames()).contains("job_id", "brand", "variant", "title", "error_snippet", "created_at",
        "is_maestro_created", "agent", "diagnosis", "retry_count");
    assertThat(failed.getJsonObject("diagnosis")).isEqualTo(new JsonObject().put("category", "content_error")
        .put("retryable", false).put("suggested_action", FailureCode.CONTENT_ERROR.suggestedAction()));
    assertThat(HealerFixtures.find(body.getJsonArray("failed_jobs_24h"), transient503)).isNull();
  }

  @Test
  @DisplayName("POST /api/maestro/retry-job/{id} re-queues a failed job, spends a retry and logs it; refuses others")
  void manualRetry() throws Exception {
    app = TestApp.start(QUIET);
    List<JsonObject> live = new CopyOnWriteArrayList<>();
    app.vertx.eventBus().<JsonObject>consumer(Addresses.activityUpdates("local"), m -> live.add(m.body()))
        .completion().await(5, TimeUnit.SECONDS);
    String jobId = insertFailed(app, FailureCode.CONFIG_ERROR.code(), "config_error", "DEAPI key not configured");
    trigger(app);
    assertThat(job(app, jobId).get("healing_state")).isEqualTo("permanent");

    var response = Http.post(app.http, "/api/maestro/retry-job/" + jobId, null);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("success", "job_id", "retry_number", "message");
    assertThat(body.getBoolean("success")).isTrue();
    assertThat(body.getString("job_id")).isEqualTo(jobId);
    assertThat(body.getInteger("retry_number")).isEqualTo(1);
    assertThat(job(app, jobId).get("status")).isEqualTo("pending");
    assertThat(job(app, jobId).get("retry_count")).isEqualTo(1);
    Eventually.await("the live activity entry", Duration.ofSeconds(10), () -> live,
        l -> l.stream().anyMatch(e -> "Manual retry".equals(e.getString("action"))));

    // now pending: not retryable again; unknown and malformed ids are 404; nothing is written
    var again = Http.post(app.http, "/api/maestro/retry-job/" + jobId, null);
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("conflict");
    assertThat(Http.post(app.http, "/api/maestro/retry-job/GEN-999999", null).statusCode()).isEqualTo(404);
    assertThat(Http.post(app.http, "/api/maestro/retry-job/nope", null).statusCode()).isEqualTo(404);
    assertThat(Http.call(app.http, HttpMethod.POST, "/api/maestro/retry-job/" + jobId, null, "{\"force\":true}")
        .statusCode()).isEqualTo(422);
    assertThat(job(app, jobId).get("retry_count")).isEqualTo(1);
  }

  @Test
  @DisplayName("GET /api/healing/report counts healing actions by category and outcome over the window")
  void report() throws Exception {
    app = TestApp.start(QUIET);
    insertFailed(app, FailureCode.API_ERROR.code(), "api_error", "upstream 503");
    insertFailed(app, FailureCode.API_ERROR.code(), "api_error", "upstream 502");
    insertFailed(app, FailureCode.API_AUTH.code(), "api_auth", "401 invalid key");
    trigger(app);
    JsonObject report = Http.get(app.http, "/api/healing/report?hours=24").bodyAsJsonObject();
    assertThat(report.getInteger("hours")).isEqualTo(24);
    assertThat(report.getLong("total")).isEqualTo(3);
    assertThat(report.getJsonObject("by_category")).isEqualTo(new JsonObject()
        .put("api_auth", new JsonObject().put("permanent", 1))
        .put("api_error", new JsonObject().put("retried", 2)));
    assertThat(report.getJsonObject("by_outcome")).isEqualTo(new JsonObject().put("permanent", 1).put("retried", 2));
    assertThat(Http.get(app.http, "/api/healing/report?hours=0").statusCode()).isEqualTo(422);
    assertThat(Http.get(app.http, "/api/healing/report?hours=abc").statusCode()).isEqualTo(422);
    assertThat(Http.get(app.http, "/api/healing/report").bodyAsJsonObject().getLong("total")).isEqualTo(3);
  }

  @Test
  @DisplayName("notifications and counters survive a restart on the same database")
  void survivesRestart() throws Exception {
    String dbUrl = TestPostgres.newDatabase();
    app = TestApp.start(dbUrl, QUIET);
    String permanent = insertFailed(app, FailureCode.FILE_NOT_FOUND.code(), "file_not_found", "missing /media/a.png");
    insertFailed(app, FailureCode.API_ERROR.code(), "api_error", "upstream 503");
    trigger(app);
    JsonObject before = Http.get(app.http, "/api/maestro/healing").bodyAsJsonObject().getJsonObject("healing");
    app.close();

    app = TestApp.start(dbUrl, QUIET);
    JsonObject after = Http.get(app.http, "/api/maestro/healing").bodyAsJsonObject().getJsonObject("healing");
    assertThat(after).isEqualTo(before);
    assertThat(after.getLong("total_healed")).isEqualTo(1);
    assertThat(after.getLong("total_healing_failures")).isEqualTo(1);
    assertThat(after.getJsonArray("recent_notifications").getJsonObject(0).getString("job_id")).isEqualTo(permanent);

    // and they keep counting from there
    insertFailed(app, FailureCode.API_AUTH.code(), "api_auth", "401");
    trigger(app);
    JsonObject later = Http.get(app.http, "/api/maestro/healing").bodyAsJsonObject().getJsonObject("healing");
    assertThat(later.getLong("total_healing_failures")).isEqualTo(2);
    assertThat(Set.of(later.getString("last_healing_at"))).doesNotContain(before.getString("last_healing_at"));
  }
}
