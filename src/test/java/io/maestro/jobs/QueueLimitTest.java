package io.maestro.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.failure.FailureCode;
import io.maestro.testing.Http;
import io.maestro.testing.Rows;
import io.maestro.testing.TestApp;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * limits.maxQueuedJobs holds on every path that creates or re-queues a job, because every one goes through the job
 * service: past it the request is refused with queue_full and nothing is written.
 */
@DisplayName("Queue limit: every path that creates or re-queues a job is refused with queue_full past "
    + "limits.maxQueuedJobs, and writes nothing")
class QueueLimitTest {
  private static final int LIMIT = 2;
  // no workers (queued jobs stay pending), no healer timer: only what a test triggers happens
  @RegisterExtension
  static final TestApp app = TestApp.forClass(
      new JsonObject().put("jobs.workerInstances", 0).put("limits.maxQueuedJobs", LIMIT)
          .put("healer.intervalMs", 3_600_000).put("healer.jitterPercent", 0));

  @BeforeEach
  void empty() throws Exception {
    app.execute("DELETE FROM healing_events");
    app.execute("DELETE FROM jobs");
    app.execute("DELETE FROM proposals");
  }

  private static String create(String title) throws Exception {
    var response = Http.post(app.http, "/jobs/create", new JsonObject().put("title", title).put("variant", "post")
        .put("brands", new JsonArray().add("healthycollege")));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject().getString("job_id");
  }

  /** The user's queue at its limit: LIMIT pending jobs. */
  private static List<String> fillQueue() throws Exception {
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < LIMIT; i++) {
      ids.add(create("filler " + i));
    }
    return ids;
  }

  /** A failed job the healer would retry (api_error is retryable, no retry spent yet). */
  private static String failedJob() throws Exception {
    return (String) Rows.of(app, "INSERT INTO jobs (user_id, title, variant, brands, status, error_code, error_category,"
        + " error_message, attempt, completed_at) VALUES ('local', 'failed once', 'post', '[\"healthycollege\"]',"
        + " 'failed', " + FailureCode.API_ERROR.code() + ", 'api_error', 'upstream 503', 1, now()) RETURNING job_id")
        .get(0).get("job_id");
  }

  private static Map<String, Object> row(String table, String where) throws Exception {
    List<Map<String, Object>> rows = Rows.of(app, "SELECT * FROM " + table + " WHERE " + where);
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }

  private static void assertQueueFull(HttpResponse<Buffer> refused) {
    assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(429);
    assertThat(refused.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("queue_full");
  }

  @Test
  @DisplayName("POST /jobs/create past the limit: 429 queue_full with the count and the limit, no job inserted")
  void create() throws Exception {
    fillQueue();
    var refused = Http.post(app.http, "/jobs/create", new JsonObject().put("title", "one too many")
        .put("variant", "post").put("brands", new JsonArray().add("healthycollege")));
    assertQueueFull(refused);
    assertThat(refused.bodyAsJsonObject().getJsonObject("error").getJsonObject("details"))
        .isEqualTo(new JsonObject().put("queued", LIMIT).put("max", LIMIT));
    assertThat(app.count("SELECT count(*) FROM jobs")).isEqualTo(LIMIT);
  }

  @Test
  @DisplayName("accepting a proposal past the limit: 429 queue_full, no job inserted, the proposal still pending "
      + "and untouched; with room again it is accepted")
  void acceptedProposal() throws Exception {
    app.execute("INSERT INTO proposals (proposal_id, user_id, agent_name, content_type, brand, variant, title,"
        + " content_lines, status) VALUES ('LEXI-901', 'local', 'lexi', 'post', 'healthycollege', 'post',"
        + " 'Proposal past the limit', '[\"one\"]', 'pending')");
    Map<String, Object> before = row("proposals", "proposal_id = 'LEXI-901'");
    List<String> queued = fillQueue();

    assertQueueFull(Http.post(app.http, "/api/maestro/proposals/LEXI-901/accept", null));
    assertThat(app.count("SELECT count(*) FROM jobs")).isEqualTo(LIMIT);
    assertThat(app.count("SELECT count(*) FROM jobs WHERE proposal_id = 'LEXI-901'")).isZero();
    assertThat(row("proposals", "proposal_id = 'LEXI-901'")).isEqualTo(before);

    assertThat(Http.post(app.http, "/jobs/" + queued.get(0) + "/cancel", null).statusCode()).isEqualTo(200);
    var accepted = Http.post(app.http, "/api/maestro/proposals/LEXI-901/accept", null);
    assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(200);
    assertThat(app.count("SELECT count(*) FROM jobs WHERE proposal_id = 'LEXI-901'")).isEqualTo(1);
  }

  @Test
  @DisplayName("a manual retry, a bulk retry and a regenerate past the limit are refused with queue_full and leave "
      + "the failed job exactly as it was")
  void manualRetry() throws Exception {
    String failed = failedJob();
    fillQueue();
    Map<String, Object> before = row("jobs", "job_id = '" + failed + "'");

    assertQueueFull(Http.post(app.http, "/api/maestro/retry-job/" + failed, null));
    assertQueueFull(Http.post(app.http, "/jobs/" + failed + "/regenerate", null));
    var bulk = Http.call(app.http, HttpMethod.POST, "/api/observatory/jobs/bulk", null,
        new JsonObject().put("action", "retry").put("job_ids", new JsonArray().add(failed)).encode());
    assertThat(bulk.statusCode()).as(bulk.bodyAsString()).isEqualTo(200);
    JsonObject result = bulk.bodyAsJsonObject().getJsonArray("results").getJsonObject(0);
    assertThat(result.getBoolean("ok")).isFalse();
    assertThat(result.getString("error")).isEqualTo("queue_full");

    assertThat(row("jobs", "job_id = '" + failed + "'")).isEqualTo(before);
    assertThat(app.count("SELECT count(*) FROM healing_events")).isZero();
    assertThat(app.count("SELECT count(*) FROM jobs")).isEqualTo(LIMIT + 1);
  }

  @Test
  @DisplayName("the healer's retry past the limit is deferred: the job stays failed and untouched, and a later "
      + "cycle retries it once the user has room")
  void healerRetry() throws Exception {
    String failed = failedJob();
    List<String> queued = fillQueue();
    Map<String, Object> before = row("jobs", "job_id = '" + failed + "'");

    JsonObject report = trigger();
    assertThat(ids(report.getJsonArray("deferred"))).as(report.encodePrettily()).containsExactly(failed);
    assertThat(ids(report.getJsonArray("retried"))).doesNotContain(failed);
    assertThat(report.getJsonObject("counts").getInteger("deferred")).isEqualTo(1);
    assertThat(report.getBoolean("more")).isFalse();
    assertThat(row("jobs", "job_id = '" + failed + "'")).isEqualTo(before);
    assertThat(app.count("SELECT count(*) FROM healing_events")).isZero();

    assertThat(Http.post(app.http, "/jobs/" + queued.get(0) + "/cancel", null).statusCode()).isEqualTo(200);
    JsonObject later = trigger();
    assertThat(ids(later.getJsonArray("retried"))).as(later.encodePrettily()).containsExactly(failed);
    assertThat(ids(later.getJsonArray("deferred"))).isEmpty();
    Map<String, Object> after = row("jobs", "job_id = '" + failed + "'");
    assertThat(after.get("status")).isEqualTo("pending");
    assertThat(after.get("retry_count")).isEqualTo(1);
  }

  private static JsonObject trigger() throws Exception {
    var response = Http.post(app.http, "/api/maestro/trigger-healing", null);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private static List<String> ids(JsonArray entries) {
    return entries.stream().map(e -> ((JsonObject) e).getString("job_id")).toList();
  }
}
