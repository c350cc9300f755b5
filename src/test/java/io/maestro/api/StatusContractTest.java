package io.maestro.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.testing.Eventually;
import io.maestro.testing.ContractTypes;
import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The replaced Observatory reads /api/maestro/status, the examiner routes and trigger-burst through the types in
 * src/test/resources/contract/replaced-ui.json (taken from its types.ts at b41e434 and the JSON its routes returned).
 * Every answer here is checked against those types, and each field with a meaning of its own is checked for it.
 */
@DisplayName("Status contract: the replaced UI's required fields, with the replaced UI's meanings")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatusContractTest {
  private static final ContractTypes TYPES = ContractTypes.load("contract/replaced-ui.json");
  // no workers: accepted jobs stay queued, so "processing" and active_jobs can be observed
  @RegisterExtension
  static final TestApp app = TestApp.forClass(
      new JsonObject().put("jobs.workerInstances", 0).put("burst.reelsPerBrand", 1)
          .put("burst.postsPerBrand", 1));

  private static JsonObject status() throws Exception {
    JsonObject status = Http.get(app.http, "/api/maestro/status").bodyAsJsonObject();
    assertThat(TYPES.violations(status, TYPES.typeOf("GET /api/maestro/status"))).as("status vs MaestroStatus")
        .isEmpty();
    return status;
  }

  @Test
  @Order(1)
  @DisplayName("the fixture holds the replaced UI's required status fields")
  void fixture() {
    assertThat(TYPES.required("MaestroStatus")).contains("is_running", "is_paused", "current_phase", "active_jobs",
        "burst_started_at", "last_daily_run", "total_metrics_collected", "total_trends_found", "recent_activity",
        "proposal_stats");
    assertThat(TYPES.required("ExaminerStats")).contains("period_days", "total_accepted", "avg_scores_accepted",
        "avg_scores_rejected", "avg_scores_all", "recent_rejections");
  }

  @Test
  @Order(2)
  @DisplayName("idle: is_running means not paused, current_phase is null, nothing active, no daily run yet")
  void idle() throws Exception {
    JsonObject status = status();
    assertThat(status.getBoolean("is_running")).isTrue();
    assertThat(status.getValue("current_phase")).isNull();
    assertThat(status.getInteger("active_jobs")).isZero();
    assertThat(status.getValue("burst_started_at")).isNull();
    assertThat(status.getValue("last_daily_run")).isNull();
    assertThat(status.getInteger("total_metrics_collected")).isZero();

    assertThat(Http.post(app.http, "/api/maestro/pause", null).statusCode()).isEqualTo(200);
    JsonObject paused = status();
    assertThat(paused.getBoolean("is_running")).as("the old UI shows OFFLINE only when paused").isFalse();
    assertThat(paused.getBoolean("is_paused")).isTrue();
    assertThat(Http.post(app.http, "/api/maestro/resume", null).statusCode()).isEqualTo(200);
    assertThat(status().getBoolean("is_running")).isTrue();
  }

  @Test
  @Order(3)
  @DisplayName("a running burst is current_phase \"generating\" with its start time and agent")
  void generating() throws Exception {
    String started = Instant.now().minusSeconds(3).toString();
    app.execute("INSERT INTO settings (user_id, key, value) VALUES ('local', 'burst_lock', jsonb_build_object("
        + "'burst_id', 'burst-contract', 'current_phase', 'examining', 'current_agent', 'lexi', 'started_at', '"
        + started + "', 'expires_at', now() + interval '1 minute'))");
    try {
      JsonObject status = status();
      assertThat(status.getString("current_phase")).isEqualTo("generating");
      assertThat(status.getString("burst_started_at")).isEqualTo(started);
      assertThat(status.getString("current_agent")).isEqualTo("lexi");
      assertThat(status.getBoolean("is_running")).isTrue();
    } finally {
      app.execute("DELETE FROM settings WHERE key = 'burst_lock'");
    }
  }

  @Test
  @Order(4)
  @DisplayName("after a burst: \"processing\" while its jobs are queued, levels the old UI knows, rates never null")
  void afterBurst() throws Exception {
    JsonObject reply = Http.post(app.http, "/api/maestro/trigger-burst?force=true", new JsonObject())
        .bodyAsJsonObject();
    assertThat(TYPES.violations(reply, "TriggerBurstResponse")).isEmpty();
    assertThat(reply.getString("status")).isEqualTo("triggered");
    assertThat(reply.getValue("ready_scheduled")).isEqualTo(0);
    Eventually.await("the burst to finish (lock released)", java.time.Duration.ofSeconds(60),
        () -> app.count("SELECT count(*) FROM settings WHERE key = 'burst_lock'"), n -> n == 0);

    JsonObject status = status();
    long queued = app.count("SELECT count(*) FROM jobs WHERE status IN ('pending', 'generating')");
    assertThat(queued).isPositive();
    assertThat(status.getLong("active_jobs")).isEqualTo(queued);
    assertThat(status.getString("current_phase")).isEqualTo("processing");
    assertThat(OffsetDateTime.parse(status.getString("burst_started_at"))).isBefore(OffsetDateTime.now());
    // a datetime, not a date: the old UI computes "x ago" from it
    assertThat(OffsetDateTime.parse(status.getString("last_daily_run")).toInstant())
        .isBetween(Instant.now().minusSeconds(120), Instant.now());
    assertThat(status.getJsonArray("recent_activity").stream().map(a -> ((JsonObject) a).getString("level")))
        .isNotEmpty().allMatch(level -> List.of("action", "detail", "api", "data").contains(level));
    JsonObject daily = status.getJsonObject("daily_config");
    assertThat(daily.getInteger("today_reels")).isEqualTo(daily.getInteger("total_reels")).isEqualTo(5);
    assertThat(daily.getInteger("today_posts")).isEqualTo(daily.getInteger("total_posts")).isEqualTo(5);
    status.getJsonObject("proposal_stats").getJsonObject("agents").forEach(e ->
        assertThat(((JsonObject) e.getValue()).getValue("acceptance_rate")).as(e.getKey()).isInstanceOf(Number.class));

    app.execute("UPDATE jobs SET status = 'cancelled' WHERE status IN ('pending', 'generating')");
    JsonObject done = status();
    assertThat(done.getValue("current_phase")).as("idle again once no job is left").isNull();
    assertThat(done.getString("burst_started_at")).as("kept after the burst, for the recap").isNotNull();
  }

  @Test
  @Order(5)
  @DisplayName("examiner stats and rejected, and the proposal list, answer in the replaced system's shape")
  void examinerRoutes() throws Exception {
    JsonObject stats = Http.get(app.http, "/api/maestro/examiner/stats?days=7").bodyAsJsonObject();
    assertThat(TYPES.violations(stats, TYPES.typeOf("GET /api/maestro/examiner/stats"))).isEmpty();
    long examined = app.count("SELECT count(*) FROM proposals WHERE examiner_verdict IS NOT NULL");
    long accepted = app.count("SELECT count(*) FROM proposals WHERE examiner_verdict = 'accept'");
    assertThat(stats.getLong("total_examined")).isEqualTo(examined).isPositive();
    assertThat(stats.getLong("total_accepted")).isEqualTo(accepted);
    assertThat(stats.getDouble("acceptance_rate")).isEqualTo(Math.round(accepted * 1000.0 / examined) / 10.0);

    JsonObject rejected = Http.get(app.http, "/api/maestro/examiner/rejected").bodyAsJsonObject();
    assertThat(TYPES.violations(rejected, TYPES.typeOf("GET /api/maestro/examiner/rejected"))).isEmpty();
    assertThat(rejected.getLong("count"))
        .isEqualTo(app.count("SELECT count(*) FROM proposals WHERE examiner_verdict IN ('reject', 'hard_reject')"));
    JsonObject list = Http.get(app.http, "/api/maestro/proposals?limit=200").bodyAsJsonObject();
    assertThat(TYPES.violations(list, TYPES.typeOf("GET /api/maestro/proposals"))).isEmpty();

    app.execute("DELETE FROM proposals WHERE accepted_job_id IS NULL");
    app.execute("UPDATE proposals SET created_at = now() - interval '30 days'");
    JsonObject empty = Http.get(app.http, "/api/maestro/examiner/stats?days=7").bodyAsJsonObject();
    assertThat(TYPES.violations(empty, "ExaminerStats")).isEmpty();
    assertThat(empty.getDouble("acceptance_rate")).as("0, never null, when nothing was examined").isZero();
  }
}
