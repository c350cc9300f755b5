package io.maestro.burst;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A trigger without counts makes what is left of today's quota per brand, or says the day is complete")
class BurstDayTest {

  private static JsonObject trigger(TestApp app, String query, JsonObject body) throws Exception {
    var response = Http.post(app.http, "/api/maestro/trigger-burst" + query, body);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private static long originals(TestApp app, String where) throws Exception {
    return app.count("SELECT count(*) FROM proposals WHERE replaces_proposal IS NULL" + where);
  }

  @Test
  @DisplayName("{} fills only the gaps per brand; {} again is \"complete\" and creates nothing; ?force=true runs it all")
  void whatIsLeft() throws Exception {
    try (TestApp app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0).put("burst.reelsPerBrand", 2)
        .put("burst.postsPerBrand", 1))) {
      // earlier today: a test burst gave healthycollege its 2 reels and vitalitycollege 1 of its 2
      trigger(app, "", new JsonObject().put("reels", 2).put("brands", new JsonArray().add("healthycollege")));
      SmartBurstTest.awaitBurstEnd(app);
      trigger(app, "", new JsonObject().put("reels", 1).put("brands", new JsonArray().add("vitalitycollege")));
      SmartBurstTest.awaitBurstEnd(app);

      JsonObject smart = trigger(app, "", new JsonObject());
      assertThat(smart.getString("status")).isEqualTo("triggered");
      assertThat(smart.getBoolean("test_mode")).isFalse();
      assertThat(smart.getInteger("remaining_reels")).isEqualTo(10 - 3);
      assertThat(smart.getInteger("remaining_posts")).isEqualTo(5);
      assertThat(smart.getInteger("today_reels")).isEqualTo(3);
      assertThat(smart.getValue("ready_scheduled")).isEqualTo(0);
      SmartBurstTest.awaitBurstEnd(app);
      for (String brand : java.util.List.of("healthycollege", "holisticcollege", "longevitycollege", "vitalitycollege",
          "wellbeingcollege")) {
        assertThat(originals(app, " AND content_type = 'reel' AND brand = '" + brand + "'")).as(brand + " reels")
            .isEqualTo(2);
        assertThat(originals(app, " AND content_type = 'post' AND brand = '" + brand + "'")).as(brand + " posts")
            .isEqualTo(1);
      }

      long before = app.count("SELECT count(*) FROM proposals");
      JsonObject complete = trigger(app, "", new JsonObject());
      assertThat(complete.getString("status")).isEqualTo("complete");
      assertThat(complete.getString("message")).contains("complete");
      assertThat(complete.getInteger("today_reels")).isEqualTo(complete.getInteger("target_reels")).isEqualTo(10);
      assertThat(complete.getInteger("today_posts")).isEqualTo(complete.getInteger("target_posts")).isEqualTo(5);
      assertThat(app.count("SELECT count(*) FROM proposals")).as("nothing created").isEqualTo(before);
      assertThat(app.count("SELECT count(*) FROM settings WHERE key = 'burst_lock'")).isZero();
      assertThat(app.count("SELECT count(*) FROM settings WHERE key = 'last_daily_run'"))
          .as("only a full burst claims the day").isZero();

      JsonObject full = trigger(app, "?force=true", new JsonObject());
      assertThat(full.getString("status")).isEqualTo("triggered");
      assertThat(full.getInteger("reels")).isEqualTo(10);
      assertThat(full.getInteger("posts")).isEqualTo(5);
      SmartBurstTest.awaitBurstEnd(app);
      assertThat(originals(app, "")).isEqualTo(15 + 15);
      assertThat(app.count("SELECT count(*) FROM settings WHERE key = 'last_daily_run'")).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("{} with brands fills only those brands' gaps; posts_paused leaves posts out of the day")
  void brandsAndPausedPosts() throws Exception {
    try (TestApp app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0).put("burst.reelsPerBrand", 1)
        .put("burst.postsPerBrand", 2))) {
      assertThat(Http.post(app.http, "/api/maestro/pause?scope=posts", null).statusCode()).isEqualTo(200);
      JsonObject reply = trigger(app, "", new JsonObject().put("brands", new JsonArray().add("longevitycollege")));
      assertThat(reply.getString("status")).isEqualTo("triggered");
      assertThat(reply.getInteger("reels")).isEqualTo(1);
      assertThat(reply.getInteger("posts")).isZero();
      SmartBurstTest.awaitBurstEnd(app);
      assertThat(originals(app, "")).isEqualTo(1);
      assertThat(trigger(app, "", new JsonObject().put("brands", new JsonArray().add("longevitycollege")))
          .getString("status")).isEqualTo("complete");
    }
  }
}
