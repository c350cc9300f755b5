package io.maestro.burst;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.testing.Eventually;
import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("Smart burst with the offline model: the seed's test burst ends in one accepted post job; counts are exact")
class SmartBurstTest {
  @RegisterExtension
  static final TestApp app = TestApp.forClass(new JsonObject()); // default workers: jobs really run

  static JsonObject trigger(TestApp app, String query, String body) throws Exception {
    var response = Http.call(app.http, HttpMethod.POST, "/api/maestro/trigger-burst" + query, null, body);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  static void awaitBurstEnd(TestApp app) throws Exception {
    Eventually.await("the burst to finish (lock released)", Duration.ofSeconds(60),
        () -> app.count("SELECT count(*) FROM settings WHERE key = 'burst_lock'"), n -> n == 0);
  }

  static List<Map<String, Object>> rows(TestApp app, String sql) throws Exception {
    return io.maestro.testing.Rows.of(app, sql);
  }

  @Test
  @DisplayName("the seed's exact request: one proposal, examined, accepted, one post job completed with what was examined")
  void seedRequest() throws Exception {
    JsonObject reply = trigger(app, "?force=true",
        "{\"test_mode\":true,\"posts\":1,\"reels\":0,\"brands\":[\"healthycollege\"]}");
    assertThat(reply.getString("status")).isEqualTo("triggered");
    assertThat(reply.getBoolean("test_mode")).isTrue();
    assertThat(reply.getInteger("posts")).isEqualTo(1);
    assertThat(reply.getInteger("reels")).isZero();
    assertThat(reply.getJsonArray("brands")).containsExactly("healthycollege");
    String burstId = reply.getString("burst_id");

    Eventually.await("one completed job of the burst", Duration.ofSeconds(60), () -> app.count(
        "SELECT count(*) FROM jobs j JOIN proposals p ON p.accepted_job_id = j.job_id WHERE j.status = 'completed'"
            + " AND p.burst_id = '" + burstId + "'"), n -> n == 1);
    awaitBurstEnd(app);

    assertThat(app.count("SELECT count(*) FROM proposals WHERE replaces_proposal IS NULL AND burst_id = '" + burstId
        + "'")).isEqualTo(1);
    // the original, or (when the examiner rejected it) its one replacement
    var proposals = rows(app, "SELECT * FROM proposals WHERE status = 'accepted' AND burst_id = '" + burstId + "'");
    assertThat(proposals).hasSize(1);
    var p = proposals.get(0);
    assertThat(p.get("status")).isEqualTo("accepted");
    assertThat(p.get("content_type")).isEqualTo("post");
    assertThat(p.get("variant")).isEqualTo("post");
    assertThat(p.get("brand")).isEqualTo("healthycollege");
    assertThat(p.get("examiner_verdict")).isEqualTo("accept");
    assertThat(((java.math.BigDecimal) p.get("examiner_score")).doubleValue()).isGreaterThanOrEqualTo(6.0);
    assertThat((String) p.get("proposal_id")).matches("(TOBY|LEXI)-\\d{3}");

    JsonObject job = Http.get(app.http, "/jobs/" + p.get("accepted_job_id")).bodyAsJsonObject();
    assertThat(job.getString("status")).isEqualTo("completed");
    assertThat(job.getString("variant")).isEqualTo("post");
    assertThat(job.getJsonArray("brands")).containsExactly("healthycollege");
    assertThat(job.getString("proposal_id")).isEqualTo(p.get("proposal_id"));
    // what was examined is what gets rendered
    assertThat(job.getString("title")).isEqualTo(p.get("title"));
    assertThat(job.getString("caption")).isEqualTo(p.get("caption"));
    assertThat(job.getString("ai_prompt")).isEqualTo(p.get("image_prompt"));
    assertThat(job.getJsonArray("slide_texts").encode().replace(" ", ""))
        .isEqualTo(p.get("slide_texts").toString().replace(" ", ""));
    JsonObject output = job.getJsonObject("brand_outputs").getJsonObject("healthycollege");
    assertThat(output.getString("title")).isEqualTo(p.get("title"));
    assertThat(output.getString("caption")).isEqualTo(p.get("caption"));

    JsonObject proposal = Http.get(app.http, "/api/maestro/proposals/" + p.get("proposal_id")).bodyAsJsonObject();
    assertThat(proposal.fieldNames()).contains("id", "proposal_id", "status", "agent_name", "content_type", "brand",
        "variant", "strategy", "reasoning", "title", "content_lines", "slide_texts", "image_prompt", "caption",
        "topic_bucket", "quality_score", "reviewed_at", "reviewer_notes", "accepted_job_id", "created_at",
        "examiner_score", "examiner_verdict", "examiner_reason", "examiner_red_flags");

    var activity = rows(app, "SELECT action, detail FROM activity_log ORDER BY id");
    assertThat(activity).extracting(r -> r.get("action")).contains("Burst started", "Proposed", "Passed", "Accepted",
        "Burst finished");
  }

  static Stream<Arguments> combinations() {
    return Stream.of(
        Arguments.of(1, 0, List.of("healthycollege", "holisticcollege", "longevitycollege", "vitalitycollege",
            "wellbeingcollege")),
        Arguments.of(0, 3, List.of("healthycollege", "vitalitycollege")),
        Arguments.of(2, 3, List.of("holisticcollege", "longevitycollege", "wellbeingcollege")),
        Arguments.of(4, 4, List.of("healthycollege", "vitalitycollege")),
        Arguments.of(3, 0, List.of()));
  }

  @ParameterizedTest(name = "posts={0} reels={1} brands={2}")
  @MethodSource("combinations")
  @DisplayName("a test burst makes exactly the requested posts and reels, spread round-robin over brands and agents")
  void exactCounts(int posts, int reels, List<String> brands) throws Exception {
    JsonObject body = new JsonObject().put("test_mode", true).put("posts", posts).put("reels", reels)
        .put("brands", new JsonArray(brands));
    JsonObject reply = trigger(app, "?force=true", body.encode());
    assertThat(reply.getString("status")).isEqualTo("triggered");
    String burstId = reply.getString("burst_id");
    awaitBurstEnd(app);
    List<String> expectedBrands = brands.isEmpty() ? List.of("healthycollege") : brands;
    var made = rows(app, "SELECT content_type, brand, agent_name, variant FROM proposals WHERE burst_id = '" + burstId
        + "' AND replaces_proposal IS NULL");
    assertThat(made.stream().filter(r -> r.get("content_type").equals("post")).count()).isEqualTo(posts);
    assertThat(made.stream().filter(r -> r.get("content_type").equals("reel")).count()).isEqualTo(reels);
    for (String type : List.of("post", "reel")) {
      int n = type.equals("post") ? posts : reels;
      for (int i = 0; i < expectedBrands.size(); i++) {
        String brand = expectedBrands.get(i);
        long share = n / expectedBrands.size() + (i < n % expectedBrands.size() ? 1 : 0);
        assertThat(made.stream().filter(r -> r.get("content_type").equals(type) && r.get("brand").equals(brand)).count())
            .as(type + "s for " + brand).isEqualTo(share);
      }
    }
    assertThat(made).allMatch(r -> expectedBrands.contains((String) r.get("brand")));
    assertThat(made).allMatch(r -> r.get("content_type").equals("post") ? r.get("variant").equals("post")
        : List.of("light", "dark").contains((String) r.get("variant")));
    if (posts + reels >= 2) {
      assertThat(made.stream().map(r -> r.get("agent_name")).distinct().count()).as("spread over agents").isEqualTo(2);
    }
    long accepted = app.count("SELECT count(*) FROM proposals WHERE burst_id = '" + burstId + "' AND status = 'accepted'");
    assertThat(app.count("SELECT count(*) FROM jobs j JOIN proposals p ON p.accepted_job_id = j.job_id WHERE p.burst_id = '"
        + burstId + "'")).isEqualTo(accepted).isPositive();
    // the examiner judges: every original is accepted, or rejected with exactly one replacement
    assertThat(app.count("SELECT count(*) FROM proposals o WHERE o.burst_id = '" + burstId + "' AND o.replaces_proposal"
        + " IS NULL AND (o.status = 'accepted' OR (SELECT count(*) FROM proposals r WHERE r.replaces_proposal ="
        + " o.proposal_id) = 1)")).isEqualTo(posts + reels);
  }

  @Test
  @DisplayName("status answers in the contract's shape and counts what the bursts did")
  void status() throws Exception {
    trigger(app, "?force=true", "{\"posts\":1,\"reels\":1,\"brands\":[\"wellbeingcollege\"]}");
    awaitBurstEnd(app);
    JsonObject status = Http.get(app.http, "/api/maestro/status").bodyAsJsonObject();
    assertThat(status.fieldNames()).contains("is_running", "is_paused", "posts_paused", "started_at", "uptime_seconds",
        "uptime_human", "current_agent", "current_phase", "last_daily_run", "last_daily_run_human", "total_cycles",
        "total_proposals_generated", "total_jobs_dispatched", "errors", "agents", "recent_activity", "proposal_stats",
        "daily_config");
    assertThat(status.getBoolean("is_running")).as("the replaced UI's meaning: not paused").isTrue();
    assertThat(status.getBoolean("burst_running")).isFalse();
    assertThat(status.getLong("total_cycles")).isGreaterThanOrEqualTo(1);
    long proposals = app.count("SELECT count(*) FROM proposals");
    assertThat(status.getJsonObject("proposal_stats").getLong("total")).isEqualTo(proposals);
    assertThat(status.getJsonObject("proposal_stats").getLong("accepted"))
        .isEqualTo(app.count("SELECT count(*) FROM proposals WHERE status = 'accepted'"));
    assertThat(status.getJsonObject("agents").getJsonObject("toby").fieldNames()).contains("name", "proposals_today",
        "total_proposals", "last_thought", "last_thought_at", "errors");
    for (String agent : List.of("toby", "lexi")) {
      assertThat(status.getJsonObject("proposal_stats").getJsonObject("agents").getJsonObject(agent).fieldNames())
          .as(agent).contains("total", "pending", "accepted", "rejected", "today", "acceptance_rate");
      assertThat(status.getJsonObject("agents").getJsonObject(agent).getInteger("proposals_today")).as(agent).isPositive();
    }
    assertThat(status.getJsonArray("recent_activity").size()).isBetween(1, 30);
    JsonObject daily = status.getJsonObject("daily_config");
    assertThat(daily.getInteger("reels_per_brand")).isEqualTo(6);
    assertThat(daily.getInteger("posts_per_brand")).isEqualTo(2);
    assertThat(daily.getInteger("total_brands")).isEqualTo(5);
    assertThat(daily.getInteger("total_reels")).isEqualTo(30);
    assertThat(daily.getInteger("total_agents")).isEqualTo(2);
  }

  @Test
  @DisplayName("bad trigger input is a 4xx JSON error and starts nothing")
  void badTrigger() throws Exception {
    long before = app.count("SELECT count(*) FROM proposals");
    for (String body : List.of("{\"posts\":-1}", "{\"posts\":\"two\"}", "{\"brands\":[\"nosuchbrand\"],\"posts\":1}",
        "{\"bogus\":1}", "{\"posts\": ")) {
      var response = Http.call(app.http, HttpMethod.POST, "/api/maestro/trigger-burst?force=true", null, body);
      assertThat(response.statusCode()).as(body + " → " + response.bodyAsString()).isBetween(400, 422);
      assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("message")).isNotBlank();
    }
    assertThat(Http.call(app.http, HttpMethod.POST, "/api/maestro/trigger-burst?force=maybe", null, "{}").statusCode())
        .isEqualTo(422);
    assertThat(app.count("SELECT count(*) FROM proposals")).isEqualTo(before);
    assertThat(app.count("SELECT count(*) FROM settings WHERE key = 'burst_lock'")).isZero();
  }
}
