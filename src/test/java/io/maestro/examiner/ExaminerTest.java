package io.maestro.examiner;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.bus.Addresses;
import io.maestro.fakes.FakeDeepSeek;
import io.maestro.testing.Rows;
import io.maestro.testing.TestApp;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Examiner actor: the composite decides, a rejection gets one replacement, a scoring failure follows the policy")
class ExaminerTest {

  static void insertPending(TestApp app, String id, String agent, String title, String lines) throws Exception {
    app.execute("INSERT INTO proposals (proposal_id, user_id, agent_name, content_type, brand, variant, title,"
        + " content_lines, caption) VALUES ('" + id + "', 'local', '" + agent + "', 'post', 'healthycollege', 'post', '"
        + title + "', '" + lines + "', 'caption')");
  }

  static JsonArray examine(TestApp app, String id) throws Exception {
    return app.vertx.eventBus().<JsonObject>request(Addresses.EXAMINER_EXAMINE, new JsonObject()
            .put("user_id", "local").put("proposal_id", id), new DeliveryOptions().setSendTimeout(60_000))
        .await(60, TimeUnit.SECONDS).body().getJsonArray("results");
  }

  @Test
  @DisplayName("repetition is judged against the brand's earlier proposals that were not rejected: of two near-identical"
      + " proposals written side by side the earlier one is not a repeat and the later one is, whatever order they are"
      + " examined in; a rejected proposal's lines are not a repeat")
  void repetitionCountsOnlyEarlierUnrejectedProposals() throws Exception {
    String lines = "[\"Drink 2 glasses of water with breakfast\", \"Add 1 pinch of salt after a 30-minute walk\","
        + " \"Keep a 500 ml bottle on your desk\", \"Swap 1 evening soda for sparkling water\"]";
    try (TestApp app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0))) {
      insertPending(app, "LEXI-901", "lexi", "4 hydration habits worth starting after 45", lines);
      insertPending(app, "TOBY-902", "toby", "4 hydration habits worth keeping after 45", lines);
      insertPending(app, "TOBY-903", "toby", "4 hydration habits for your week after 45", lines);
      app.execute("UPDATE proposals SET status = 'rejected' WHERE proposal_id = 'TOBY-902'");
      examine(app, "TOBY-903"); // the later one first: LEXI-901 is earlier and pending, TOBY-902 is rejected
      examine(app, "LEXI-901");
      var reasons = Rows.of(app, "SELECT proposal_id, examiner_reason FROM proposals"
          + " WHERE proposal_id IN ('LEXI-901', 'TOBY-903') ORDER BY proposal_id");
      assertThat((String) reasons.get(0).get("examiner_reason")).as("LEXI-901, the earlier")
          .doesNotContain("repeat");
      assertThat((String) reasons.get(1).get("examiner_reason")).as("TOBY-903, the later")
          .contains("4 of 4 lines repeat the brand's recent proposals");
    }
  }

  @Test
  @DisplayName("offline: a weak proposal is hard-rejected with reasons, and exactly one replacement from the same agent "
      + "and brand is examined and accepted into a job")
  void rejectionGetsOneReplacement() throws Exception {
    try (TestApp app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0))) {
      insertPending(app, "TOBY-900", "toby", "Tips", "[]");
      JsonArray results = examine(app, "TOBY-900");
      assertThat(results).hasSize(2);
      JsonObject first = results.getJsonObject(0);
      assertThat(first.getString("verdict")).isEqualTo("hard_reject");
      assertThat(first.getDouble("score")).isLessThan(4.5);
      String replacement = first.getString("replaced_by");
      assertThat(replacement).startsWith("TOBY-");
      // the replacement is judged like any proposal (a bold agent's draft can overreach); an accepted one is a job
      JsonObject second = results.getJsonObject(1);
      boolean replacementAccepted = "accept".equals(second.getString("verdict"));
      if (replacementAccepted) {
        assertThat(second.getString("job_id")).startsWith("GEN-");
      } else {
        assertThat(second.getValue("replaced_by")).as("no second replacement").isNull();
      }

      var original = Rows.of(app, "SELECT * FROM proposals WHERE proposal_id = 'TOBY-900'").get(0);
      assertThat(original.get("status")).isEqualTo("rejected");
      assertThat((String) original.get("examiner_reason")).contains("offline rules").contains("only 0 line(s)");
      var made = Rows.of(app, "SELECT * FROM proposals WHERE replaces_proposal = 'TOBY-900'");
      assertThat(made).hasSize(1);
      assertThat(made.get(0).get("agent_name")).isEqualTo("toby");
      assertThat(made.get(0).get("brand")).isEqualTo("healthycollege");
      assertThat(made.get(0).get("status")).isEqualTo(replacementAccepted ? "accepted" : "rejected");
      assertThat(made.get(0).get("proposal_id")).isEqualTo(replacement);
    }
  }

  @Test
  @DisplayName("the composite overrides the model's verdict, a rejected replacement gets no further replacement, "
      + "and a scoring failure is rejected (default policy) with the reason on the proposal")
  void modelVerdictOverriddenAndScoringFailureRejected() throws Exception {
    Vertx fakeVertx = Vertx.vertx();
    try (FakeDeepSeek fake = FakeDeepSeek.start(fakeVertx);
        TestApp app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0)
            .put("textModel.provider", "deepseek").put("deepseek.apiKey", "sk").put("deepseek.baseUrl", fake.baseUrl())
            .put("deepseek.timeoutMs", 5000))) {
      insertPending(app, "LEXI-900", "lexi", "Five ways to sleep better tonight", "[\"a\",\"b\",\"c\"]");
      // model says accept, but 5 / 5 / 5 is a composite of 5.0: reject; the replacement scores 3: hard reject
      fake.then(FakeDeepSeek.ok(FakeDeepSeek.scores(5, 5, 5, "accept")),
          FakeDeepSeek.ok(FakeDeepSeek.proposals(1, "Replacement")),
          FakeDeepSeek.ok(FakeDeepSeek.scores(3, 3, 3, "accept")));
      JsonArray results = examine(app, "LEXI-900");
      assertThat(results).hasSize(2);
      assertThat(results.getJsonObject(0).getString("verdict")).isEqualTo("reject");
      assertThat(results.getJsonObject(0).getDouble("score")).isEqualTo(5.0);
      assertThat(results.getJsonObject(1).getString("verdict")).isEqualTo("hard_reject");
      assertThat(results.getJsonObject(1).containsKey("replaced_by")).isFalse();
      assertThat((String) Rows.of(app, "SELECT examiner_reason FROM proposals WHERE proposal_id = 'LEXI-900'").get(0)
          .get("examiner_reason")).contains("the composite 5.0 decides");
      assertThat(app.count("SELECT count(*) FROM proposals")).isEqualTo(2);

      insertPending(app, "LEXI-901", "lexi", "Seven ways to sleep better tonight", "[\"a\",\"b\",\"c\"]");
      fake.then(FakeDeepSeek.error(500, "server_error", "Server Error"));
      JsonArray failed = examine(app, "LEXI-901");
      assertThat(failed).hasSize(1);
      assertThat(failed.getJsonObject(0).getBoolean("scoring_failed")).isTrue();
      assertThat(failed.getJsonObject(0).getJsonObject("error").getString("category")).isEqualTo("api_error");
      var row = Rows.of(app, "SELECT * FROM proposals WHERE proposal_id = 'LEXI-901'").get(0);
      assertThat(row.get("status")).isEqualTo("rejected");
      assertThat(row.get("examiner_verdict")).isEqualTo("reject");
      assertThat(row.get("examiner_score")).isNull();
      assertThat((String) row.get("examiner_reason")).contains("scoring failed (api_error)").contains("Server Error")
          .contains("examiner.onScoringFailure=reject");
      assertThat(row.get("examiner_red_flags").toString()).contains("scoring_failed");
    } finally {
      fakeVertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("with examiner.onScoringFailure=accept a scoring failure is accepted unscored, and says so")
  void scoringFailureAcceptPolicy() throws Exception {
    Vertx fakeVertx = Vertx.vertx();
    try (FakeDeepSeek fake = FakeDeepSeek.start(fakeVertx);
        TestApp app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0)
            .put("textModel.provider", "deepseek").put("deepseek.apiKey", "sk").put("deepseek.baseUrl", fake.baseUrl())
            .put("examiner.onScoringFailure", "accept"))) {
      insertPending(app, "LEXI-902", "lexi", "Five ways to sleep better tonight", "[\"a\",\"b\",\"c\"]");
      fake.then(FakeDeepSeek.completion("", "stop"), FakeDeepSeek.completion("", "stop"));
      JsonArray results = examine(app, "LEXI-902");
      assertThat(results.getJsonObject(0).getString("job_id")).startsWith("GEN-");
      var row = Rows.of(app, "SELECT * FROM proposals WHERE proposal_id = 'LEXI-902'").get(0);
      assertThat(row.get("status")).isEqualTo("accepted");
      assertThat(row.get("examiner_score")).isNull();
      assertThat((String) row.get("examiner_reason")).contains("scoring failed (content_error)")
          .contains("accepted unscored");
    } finally {
      fakeVertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
