package io.maestro.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("API limits: per-user rate limit, largest burst, most queued jobs — JSON refusals that write nothing")
class LimitsApiTest {
  private TestApp app;

  @AfterEach
  void stop() throws Exception {
    if (app != null) {
      app.close();
    }
  }

  private static JsonObject job(String title) {
    return new JsonObject().put("title", title).put("variant", "post").put("brands", new JsonArray().add("healthycollege"));
  }

  @Test
  @DisplayName("past the bucket size, creating a job gets 429 with Retry-After and a JSON error, and no job is written")
  void rateLimitsCreate() throws Exception {
    app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0).put("limits.requestBurst", 3)
        .put("limits.requestsPerMinute", 1));
    for (int i = 0; i < 3; i++) {
      assertThat(Http.post(app.http, "/jobs/create", job("ok " + i)).statusCode()).isEqualTo(200);
    }
    var refused = Http.post(app.http, "/jobs/create", job("one too many"));
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(Long.parseLong(refused.getHeader("Retry-After"))).isBetween(1L, 60L);
    assertThat(refused.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("rate_limited");
    assertThat(app.count("SELECT count(*) FROM jobs")).isEqualTo(3);
    assertThat(Http.get(app.http, "/jobs/").statusCode()).as("reads are not rate limited").isEqualTo(200);
  }

  @Test
  @DisplayName("trigger-burst has its own bucket: past it, 429 with Retry-After")
  void rateLimitsTrigger() throws Exception {
    app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0).put("limits.requestBurst", 2)
        .put("limits.requestsPerMinute", 1));
    assertThat(Http.post(app.http, "/api/maestro/pause", null).statusCode()).isEqualTo(200);
    for (int i = 0; i < 2; i++) {
      var paused = Http.post(app.http, "/api/maestro/trigger-burst", new JsonObject());
      assertThat(paused.statusCode()).as(paused.bodyAsString()).isEqualTo(200);
    }
    var refused = Http.post(app.http, "/api/maestro/trigger-burst", new JsonObject());
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.getHeader("Retry-After")).isNotBlank();
    assertThat(refused.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("rate_limited");
    assertThat(Http.post(app.http, "/jobs/create", job("create has its own bucket")).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("a burst asking for more than limits.maxBurstSize posts + reels gets 422 and starts nothing")
  void burstSize() throws Exception {
    app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0).put("limits.maxBurstSize", 5));
    var refused = Http.post(app.http, "/api/maestro/trigger-burst", new JsonObject().put("posts", 3).put("reels", 3));
    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(refused.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("burst_too_large");
    assertThat(app.count("SELECT count(*) FROM proposals")).isZero();
    assertThat(app.count("SELECT count(*) FROM activity_log WHERE action = 'Burst started'")).isZero();
  }

  @Test
  @DisplayName("with limits.maxQueuedJobs pending jobs, creating one more gets 429 queue_full and writes nothing; "
      + "a finished job frees a place")
  void queueLimit() throws Exception {
    app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0).put("limits.maxQueuedJobs", 2));
    String first = Http.post(app.http, "/jobs/create", job("a")).bodyAsJsonObject().getString("job_id");
    assertThat(Http.post(app.http, "/jobs/create", job("b")).statusCode()).isEqualTo(200);
    var refused = Http.post(app.http, "/jobs/create", job("c"));
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("queue_full");
    assertThat(app.count("SELECT count(*) FROM jobs")).isEqualTo(2);
    assertThat(Http.call(app.http, HttpMethod.POST, "/jobs/" + first + "/cancel", null, null).statusCode()).isEqualTo(200);
    assertThat(Http.post(app.http, "/jobs/create", job("d")).statusCode()).isEqualTo(200);
  }
}
