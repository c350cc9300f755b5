package io.maestro.burst;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.testing.Eventually;
import io.maestro.testing.Http;
import io.maestro.testing.Rows;
import io.maestro.testing.TestApp;
import io.maestro.testing.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Daily burst: fires once per local day across two nodes and restarts, and waits while paused")
class DailyBurstTest {

  private static JsonObject daily(String node) {
    // due all day long (00:00 UTC), small: one post per brand, no reels
    return new JsonObject().put("node.id", node).put("jobs.workerInstances", 0).put("burst.dailyEnabled", true)
        .put("burst.dailyTime", "00:00").put("burst.timeZone", "UTC").put("burst.reelsPerBrand", 0)
        .put("burst.postsPerBrand", 1).put("burst.checkIntervalMs", 100);
  }

  /** Many check intervals, so a timer that was going to fire has had every chance to. */
  private static void letTimersTick() throws InterruptedException {
    Thread.sleep(1_500);
  }

  @Test
  @DisplayName("paused: nothing fires; resumed: exactly one full burst (5 brands × 1 post) for the day, never a second")
  void oncePerDay() throws Exception {
    String db = TestPostgres.newDatabase();
    try (TestApp setup = TestApp.start(db, new JsonObject().put("jobs.workerInstances", 0))) {
      setup.execute("INSERT INTO settings (user_id, key, value) VALUES ('local', 'is_paused', 'true')");
    }
    TestApp node1 = TestApp.start(db, daily("node-1"));
    TestApp node2 = TestApp.start(db, daily("node-2"));
    try {
      letTimersTick();
      assertThat(node1.count("SELECT count(*) FROM proposals")).as("paused: no burst").isZero();
      assertThat(node1.count("SELECT count(*) FROM settings WHERE key = 'last_daily_run'")).isZero();

      JsonObject resumed = Http.post(node1.http, "/api/maestro/resume", null).bodyAsJsonObject();
      assertThat(resumed.getString("status")).isEqualTo("resumed");
      Eventually.await("the daily burst's 5 posts", Duration.ofSeconds(60),
          () -> node1.count("SELECT count(*) FROM proposals WHERE replaces_proposal IS NULL"), n -> n >= 5);
      SmartBurstTest.awaitBurstEnd(node1);
      letTimersTick();
      assertThat(node1.count("SELECT count(*) FROM proposals WHERE replaces_proposal IS NULL")).isEqualTo(5);
      assertThat(node1.count("SELECT count(DISTINCT brand) FROM proposals")).isEqualTo(5);
      assertThat(node1.count("SELECT count(DISTINCT burst_id) FROM proposals")).isEqualTo(1);
      var lastRun = Rows.of(node1, "SELECT value #>> '{}' AS day FROM settings WHERE key = 'last_daily_run'");
      assertThat(lastRun.get(0).get("day")).isEqualTo(LocalDate.now(ZoneOffset.UTC).toString());
      JsonObject status = Http.get(node2.http, "/api/maestro/status").bodyAsJsonObject();
      // the replaced UI's datetime (when the day was claimed), not the claimed date itself
      assertThat(java.time.OffsetDateTime.parse(status.getString("last_daily_run")).toLocalDate())
          .isEqualTo(LocalDate.now(ZoneOffset.UTC));
    } finally {
      node2.close();
      node1.close();
    }

    try (TestApp restarted = TestApp.start(db, daily("node-1"))) {
      letTimersTick();
      assertThat(restarted.count("SELECT count(*) FROM proposals WHERE replaces_proposal IS NULL"))
          .as("a restart does not fire the day's burst again").isEqualTo(5);
    }
  }

  @Test
  @DisplayName("posts_paused: the full burst skips posts; pause and resume answer in the contract's words")
  void postsPaused() throws Exception {
    try (TestApp app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0))) {
      assertThat(Http.post(app.http, "/api/maestro/pause", null).bodyAsJsonObject().getString("status")).isEqualTo("paused");
      assertThat(Http.post(app.http, "/api/maestro/pause", null).bodyAsJsonObject().getString("status"))
          .isEqualTo("already_paused");
      JsonObject refused = Http.post(app.http, "/api/maestro/trigger-burst", new JsonObject().put("posts", 1))
          .bodyAsJsonObject();
      assertThat(refused.getString("status")).isEqualTo("paused");
      assertThat(Http.post(app.http, "/api/maestro/resume", null).bodyAsJsonObject().getString("status"))
          .isEqualTo("resumed");
      assertThat(Http.post(app.http, "/api/maestro/resume", null).bodyAsJsonObject().getString("status"))
          .isEqualTo("already_running");
      assertThat(Http.post(app.http, "/api/maestro/pause?scope=posts", null).bodyAsJsonObject().getString("status"))
          .isEqualTo("paused");
      JsonObject status = Http.get(app.http, "/api/maestro/status").bodyAsJsonObject();
      assertThat(status.getBoolean("posts_paused")).isTrue();
      assertThat(status.getBoolean("is_paused")).isFalse();
      JsonObject full = Http.post(app.http, "/api/maestro/trigger-burst?force=true",
          new JsonObject().put("brands", new io.vertx.core.json.JsonArray().add("healthycollege"))).bodyAsJsonObject();
      assertThat(full.getString("status")).isEqualTo("triggered");
      assertThat(full.getInteger("posts")).isZero();
      assertThat(full.getInteger("reels")).isEqualTo(6);
      SmartBurstTest.awaitBurstEnd(app);
      assertThat(app.count("SELECT count(*) FROM proposals WHERE content_type = 'post'")).isZero();
      assertThat(app.count("SELECT count(*) FROM proposals WHERE content_type = 'reel' AND replaces_proposal IS NULL"))
          .isEqualTo(6);
    }
  }
}
