package io.maestro.healing;

import static io.maestro.healing.HealerFixtures.create;
import static io.maestro.healing.HealerFixtures.find;
import static io.maestro.healing.HealerFixtures.insertFailed;
import static io.maestro.healing.HealerFixtures.job;
import static io.maestro.healing.HealerFixtures.query;
import static io.maestro.healing.HealerFixtures.queryOne;
import static io.maestro.healing.HealerFixtures.trigger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maestro.bus.Addresses;
import io.maestro.failure.FailureCode;
import io.maestro.testing.Eventually;
import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.maestro.testing.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Healer cycle: rescue, stuck jobs, diagnosis from stored codes, rate-limit waits")
class HealerCycleTest {
  private TestApp app;

  @AfterEach
  void stop() throws Exception {
    if (app != null) {
      app.close();
    }
  }

  /** No workers, no dispatcher polls during the test, no timer cycles: only what the test triggers happens. */
  private TestApp quietApp(JsonObject extra) {
    app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0).put("jobs.pollIntervalMs", 3_600_000)
        .put("healer.intervalMs", 3_600_000).put("healer.jitterPercent", 0).mergeIn(extra));
    return app;
  }

  private String generatingWithExpiredLease(String title, int attempt) throws Exception {
    String jobId = create(app, title);
    app.execute("UPDATE jobs SET status = 'generating', attempt = " + attempt + ", lease_owner = 'dead-node',"
        + " claimed_at = now(), lease_expires_at = now() - interval '1 second' WHERE job_id = '" + jobId + "'");
    return jobId;
  }

  @Test
  @DisplayName("step 1: a running job whose lease expired is rescued (worker_lost attempt) and re-queued")
  void expiredLeaseRescued() throws Exception {
    quietApp(new JsonObject());
    String jobId = generatingWithExpiredLease("orphaned", 1);
    JsonObject report = trigger(app);
    JsonObject rescued = find(report.getJsonArray("rescued"), jobId);
    assertThat(rescued).as(report.encodePrettily()).isNotNull();
    assertThat(rescued.getString("status")).isEqualTo("pending");
    Map<String, Object> attempt = queryOne(app, "SELECT a.* FROM job_attempts a JOIN jobs j ON j.id = a.job_pk"
        + " WHERE j.job_id = ?", jobId);
    assertThat(attempt.get("outcome")).isEqualTo("lost");
    assertThat(attempt.get("category")).isEqualTo("worker_lost");
    assertThat(job(app, jobId).get("status")).isEqualTo("pending");
    assertThat(query(app, "SELECT * FROM activity_log WHERE agent = 'healer' AND action = 'Lease rescued'"
        + " AND detail LIKE ?", jobId + "%")).hasSize(1);
  }

  @Test
  @DisplayName("a job lost at the attempt cap fails as worker_lost and is made permanent in the same cycle")
  void lostAtTheCapIsPermanent() throws Exception {
    quietApp(new JsonObject().put("jobs.maxAttempts", 2));
    String jobId = generatingWithExpiredLease("lost twice", 2);
    JsonObject report = trigger(app);
    assertThat(find(report.getJsonArray("rescued"), jobId).getString("status")).isEqualTo("failed");
    JsonObject note = find(report.getJsonArray("permanent"), jobId);
    assertThat(note.getString("category")).isEqualTo("worker_lost");
    assertThat(note.getString("reason")).isEqualTo("worker_lost (attempt cap of 2 reached after 0 retries)");
    assertThat(job(app, jobId).get("healing_state")).isEqualTo("permanent");
  }

  @Test
  @DisplayName("a job that completes while the rescue runs is left completed")
  void completionDuringRescueWins() throws Exception {
    quietApp(new JsonObject());
    String jobId = generatingWithExpiredLease("finishing just now", 1);
    // the completion is in flight (the node was slow, not dead): its transaction holds the row while the healer runs
    try (Connection completing = TestPostgres.connect(app.dbUrl)) {
      completing.setAutoCommit(false);
      try (Statement s = completing.createStatement()) {
        assertThat(s.executeUpdate("UPDATE jobs SET status = 'completed', progress_percent = 100,"
            + " completed_at = now(), lease_owner = NULL, lease_expires_at = NULL WHERE job_id = '" + jobId + "'"
            + " AND attempt = 1 AND lease_owner = 'dead-node' AND status = 'generating'")).isEqualTo(1);
        s.executeUpdate("INSERT INTO job_attempts (job_pk, attempt, node, started_at, finished_at, outcome)"
            + " SELECT id, 1, 'dead-node', claimed_at, now(), 'completed' FROM jobs WHERE job_id = '" + jobId + "'");
      }
      JsonObject report = trigger(app);
      assertThat(find(report.getJsonArray("rescued"), jobId)).as(report.encodePrettily()).isNull();
      completing.commit();
    }
    // and a later cycle finds nothing to rescue: the re-check of status keeps the completed job as it is
    assertThat(find(trigger(app).getJsonArray("rescued"), jobId)).isNull();
    Map<String, Object> row = job(app, jobId);
    assertThat(row.get("status")).isEqualTo("completed");
    assertThat(row.get("attempt")).isEqualTo(1);
    assertThat(row.get("error_code")).isNull();
    assertThat(queryOne(app, "SELECT outcome FROM job_attempts a JOIN jobs j ON j.id = a.job_pk WHERE j.job_id = ?",
        jobId).get("outcome")).isEqualTo("completed");
  }

  @Test
  @DisplayName("step 2: a job pending past its start budget is reported once, readiness is DOWN until it is taken")
  void queuedTooLong() throws Exception {
    app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0).put("jobs.startBudgetMs", 300)
        .put("healer.intervalMs", 100));
    List<JsonObject> live = new CopyOnWriteArrayList<>();
    app.vertx.eventBus().<JsonObject>consumer(Addresses.activityUpdates("local"), m -> live.add(m.body()))
        .completion().await(5, TimeUnit.SECONDS);
    assertThat(Http.get(app.http, "/ready").statusCode()).isEqualTo(200);
    String jobId = create(app, "nobody takes me");

    var ready = Eventually.await("/ready to turn DOWN", Duration.ofSeconds(30), () -> Http.get(app.http, "/ready"),
        r -> r.statusCode() == 503);
    assertThat(ready.bodyAsString()).contains("queue").contains("no worker is taking work");
    Eventually.await("the live activity entry", Duration.ofSeconds(10), () -> live,
        l -> l.stream().anyMatch(e -> "Queued too long".equals(e.getString("action"))));
    JsonObject entry = live.stream().filter(e -> "Queued too long".equals(e.getString("action"))).findFirst()
        .orElseThrow();
    assertThat(entry.getString("detail")).startsWith(jobId).contains("no worker is taking work");
    assertThat(entry.getString("level")).isEqualTo("warning");

    // more cycles run (every 100 ms); the job is still reported only once, and it is not failed
    long before = cyclesCompleted();
    Eventually.await("five more cycles", Duration.ofSeconds(30), this::cyclesCompleted, n -> n >= before + 5);
    List<Map<String, Object>> notes = query(app, "SELECT * FROM healing_notifications WHERE job_id = ?", jobId);
    assertThat(notes).hasSize(1);
    assertThat(notes.get(0).get("category")).isEqualTo("queued_too_long");
    assertThat(notes.get(0).get("action")).isEqualTo(FailureCode.QUEUED_TOO_LONG.suggestedAction());
    assertThat((String) notes.get(0).get("reason")).contains("past the start budget");
    assertThat(job(app, jobId).get("status")).isEqualTo("pending");

    app.deployWorkers(FailingRenderer::all, 1);
    Eventually.await(jobId + " to complete", Duration.ofSeconds(30), () -> job(app, jobId),
        j -> "completed".equals(j.get("status")));
    Eventually.await("/ready to turn UP again", Duration.ofSeconds(30), () -> Http.get(app.http, "/ready").statusCode(),
        s -> s == 200);
  }

  private long cyclesCompleted() throws Exception {
    return ((Number) queryOne(app, "SELECT coalesce((SELECT (value->>'cycles')::bigint FROM settings"
        + " WHERE user_id = '*' AND key = 'healer.last_cycle'), 0) AS n").get("n")).longValue();
  }

  @Test
  @DisplayName("a failed job with an empty message cannot exist: the database refuses it (failed_job_has_error)")
  void emptyMessageRefused() throws Exception {
    quietApp(new JsonObject());
    assertThatThrownBy(() -> insertFailed(app, 1006, "api_error", ""))
        .isInstanceOf(SQLException.class).hasMessageContaining("failed_job_has_error");
    assertThatThrownBy(() -> insertFailed(app, 1006, "api_error", "   "))
        .isInstanceOf(SQLException.class).hasMessageContaining("failed_job_has_error");
    String jobId = create(app, "will not fail silently");
    assertThatThrownBy(() -> app.execute("UPDATE jobs SET status = 'failed', error_code = NULL,"
        + " error_category = 'unknown', error_message = NULL WHERE job_id = '" + jobId + "'"))
        .isInstanceOf(SQLException.class).hasMessageContaining("failed_job_has_error");
    JsonObject report = trigger(app);
    assertThat(report.getJsonObject("counts").getInteger("diagnosed")).isZero();
    assertThat(query(app, "SELECT * FROM healing_notifications WHERE category = 'unknown'")).isEmpty();
  }

  @Test
  @DisplayName("the stored code decides; the keyword table is only the fallback for a code we do not know")
  void storedCodeFirstKeywordsForTextOnly() throws Exception {
    quietApp(new JsonObject());
    // a known code wins over misleading words in the message
    String coded = insertFailed(app, FailureCode.FILE_NOT_FOUND.code(), "file_not_found", "timeout reading /tmp/x.png");
    // text-only rows (a code outside our taxonomy): the seed's keyword table classifies the message
    String transientText = insertFailed(app, 9999, "legacy", "Connection reset by peer while calling upstream");
    String contentText = insertFailed(app, 9999, "legacy", "content_lines is empty for brand healthycollege");
    String gibberish = insertFailed(app, 9999, "legacy", "zxqv");
    JsonObject report = trigger(app);

    JsonObject codedNote = find(report.getJsonArray("permanent"), coded);
    assertThat(codedNote.getString("reason")).isEqualTo("file_not_found (not retryable)");
    assertThat(codedNote.getString("action")).isEqualTo(FailureCode.FILE_NOT_FOUND.suggestedAction());
    assertThat(find(report.getJsonArray("retried"), transientText).getString("category")).isEqualTo("api_error");
    JsonObject contentNote = find(report.getJsonArray("permanent"), contentText);
    assertThat(contentNote.getString("reason")).isEqualTo("content_error (not retryable)");
    assertThat(contentNote.getString("action")).isEqualTo(FailureCode.CONTENT_ERROR.suggestedAction());
    // only text nobody can read is unknown; it gets its retries like any transient failure
    assertThat(find(report.getJsonArray("retried"), gibberish).getString("category")).isEqualTo("unknown");
  }

  @Test
  @DisplayName("retry counts come from the retry_count column, never from the error text")
  void retryCounterIsAColumn() throws Exception {
    quietApp(new JsonObject());
    String jobId = insertFailed(app, 1006, "api_error", "upstream 503 (max 2 retries exhausted)");
    JsonObject report = trigger(app);
    assertThat(find(report.getJsonArray("retried"), jobId).getInteger("retry_count")).isEqualTo(1);
    app.execute("UPDATE jobs SET status = 'failed', healing_state = 'none', retry_count = 2, updated_at = now()"
        + " WHERE job_id = '" + jobId + "'");
    assertThat(find(trigger(app).getJsonArray("permanent"), jobId).getString("reason"))
        .isEqualTo("api_error (max 2 retries exhausted)");
  }

  @Test
  @DisplayName("a rate-limited failure waits until the limit resets, then runs, without spending a retry")
  void rateLimitWaitsForReset() throws Exception {
    app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0).put("jobs.pollIntervalMs", 50)
        .put("healer.intervalMs", 3_600_000));
    app.deployWorkers(FailingRenderer::all, 1);
    for (String kind : List.of("ratelimit-once", "quota-once")) {
      String jobId = create(app, kind + ":1500 limited");
      Map<String, Object> failed = Eventually.await(jobId + " to fail", Duration.ofSeconds(30), () -> job(app, jobId),
          j -> "failed".equals(j.get("status")));
      Instant resetAt = instant(failed.get("error_reset_at"));
      assertThat(resetAt).as("the reset time travels from the worker to the job row").isNotNull();
      JsonObject report = trigger(app);
      JsonObject waiting = find(report.getJsonArray("waiting_reset"), jobId);
      assertThat(waiting).as(report.encodePrettily()).isNotNull();
      assertThat(waiting.getInteger("retry_count")).isZero();
      assertThat(waiting.getString("reason")).contains("waiting until").contains("(no retry spent)");
      Map<String, Object> parked = job(app, jobId);
      assertThat(parked.get("healing_state")).isIn("waiting_reset", "none"); // 'none' once claimed again
      assertThat(instant(parked.get("run_at"))).isEqualTo(resetAt);

      Map<String, Object> done = Eventually.await(jobId + " to complete after the reset", Duration.ofSeconds(30),
          () -> job(app, jobId), j -> "completed".equals(j.get("status")));
      assertThat(done.get("retry_count")).isEqualTo(0);
      assertThat(done.get("attempt")).isEqualTo(2);
      Instant secondStart = instant(queryOne(app, "SELECT a.started_at FROM job_attempts a"
          + " JOIN jobs j ON j.id = a.job_pk WHERE j.job_id = ? AND a.attempt = 2", jobId).get("started_at"));
      assertThat(secondStart).isAfterOrEqualTo(resetAt);
    }
  }

  private static Instant instant(Object jdbcTime) {
    return jdbcTime == null ? null : ((Timestamp) jdbcTime).toInstant();
  }
}
