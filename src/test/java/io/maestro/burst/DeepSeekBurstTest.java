package io.maestro.burst;

import static io.maestro.burst.SmartBurstTest.awaitBurstEnd;
import static io.maestro.burst.SmartBurstTest.rows;
import static io.maestro.burst.SmartBurstTest.trigger;
import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.fakes.FakeDeepSeek;
import io.maestro.testing.Eventually;
import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.maestro.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Bursts through the real DeepSeek client against a fake on loopback; one burst per user across two nodes")
class DeepSeekBurstTest {
  private static final String SEED_BODY = "{\"test_mode\":true,\"posts\":1,\"reels\":0,\"brands\":[\"healthycollege\"]}";
  private static Vertx fakeVertx;
  private static FakeDeepSeek fake;
  private static TestApp node1;
  private static TestApp node2;

  @BeforeAll
  static void start() throws Exception {
    fakeVertx = Vertx.vertx();
    fake = FakeDeepSeek.start(fakeVertx);
    String db = TestPostgres.newDatabase();
    JsonObject deepseek = new JsonObject().put("textModel.provider", "deepseek").put("deepseek.apiKey", "sk-fake")
        .put("deepseek.baseUrl", fake.baseUrl()).put("deepseek.timeoutMs", 20_000);
    node1 = TestApp.start(db, deepseek.copy().put("node.id", "node-1"));
    node2 = TestApp.start(db, deepseek.copy().put("node.id", "node-2").put("jobs.workerInstances", 0));
  }

  @AfterAll
  static void stop() throws Exception {
    node2.close();
    node1.close();
    fake.close();
    fakeVertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("the seed's request works end to end through the DeepSeek client: one proposal, examined, accepted, job completed")
  void seedRequestThroughDeepSeek() throws Exception {
    int before = fake.requests().size();
    JsonObject reply = trigger(node1, "?force=true", SEED_BODY);
    assertThat(reply.getString("status")).isEqualTo("triggered");
    String burstId = reply.getString("burst_id");
    Eventually.await("the post job to complete", Duration.ofSeconds(60), () -> node1.count(
        "SELECT count(*) FROM jobs j JOIN proposals p ON p.accepted_job_id = j.job_id WHERE j.status = 'completed'"
            + " AND p.burst_id = '" + burstId + "'"), n -> n == 1);
    awaitBurstEnd(node1);
    var proposals = rows(node1, "SELECT * FROM proposals WHERE burst_id = '" + burstId + "'");
    assertThat(proposals).hasSize(1);
    assertThat(proposals.get(0).get("status")).isEqualTo("accepted");
    assertThat(proposals.get(0).get("examiner_verdict")).isEqualTo("accept");
    assertThat((String) proposals.get(0).get("title")).startsWith("Fake idea");
    // one proposal call, one examination call
    assertThat(fake.requests().subList(before, fake.requests().size())).hasSize(2);
    var ready = Http.get(node1.http, "/ready").bodyAsJsonObject();
    assertThat(ready.encode()).contains("deepseek (deepseek-chat at " + fake.baseUrl() + ")");
  }

  @Test
  @DisplayName("while a burst runs, every further trigger on either node answers busy; after it, counts are exact")
  void busyWhileRunning() throws Exception {
    Promise<Void> gate = Promise.promise();
    fake.then(FakeDeepSeek.ok(FakeDeepSeek.proposals(2, "Held idea")).withGate(gate));
    JsonObject first = trigger(node1, "?force=true", "{\"posts\":2,\"brands\":[\"vitalitycollege\"]}");
    assertThat(first.getString("status")).isEqualTo("triggered");
    Eventually.await("the held proposal call", Duration.ofSeconds(30), () -> fake.requests().stream()
        .anyMatch(r -> FakeDeepSeek.userPrompt(r).contains("vitalitycollege")), found -> found);

    List<String> statuses = concurrentTriggers(8, "{\"posts\":1,\"brands\":[\"vitalitycollege\"]}");
    assertThat(statuses).containsOnly("busy");

    fakeVertx.runOnContext(v -> gate.complete());
    awaitBurstEnd(node1);
    assertThat(node1.count("SELECT count(*) FROM proposals WHERE brand = 'vitalitycollege' AND replaces_proposal IS NULL"))
        .isEqualTo(2);
    assertThat(node1.count("SELECT count(DISTINCT burst_id) FROM proposals WHERE brand = 'vitalitycollege'")).isEqualTo(1);
  }

  @Test
  @DisplayName("concurrent triggers racing on two nodes start exactly one burst")
  void raceStartsOne() throws Exception {
    Promise<Void> gate = Promise.promise();
    fake.then(FakeDeepSeek.ok(FakeDeepSeek.proposals(1, "Race idea")).withGate(gate));
    List<String> statuses = concurrentTriggers(10, "{\"posts\":1,\"brands\":[\"longevitycollege\"]}");
    assertThat(statuses.stream().filter("triggered"::equals).count()).as(statuses.toString()).isEqualTo(1);
    assertThat(statuses.stream().filter("busy"::equals).count()).isEqualTo(9);
    fakeVertx.runOnContext(v -> gate.complete());
    awaitBurstEnd(node1);
    assertThat(node1.count("SELECT count(*) FROM proposals WHERE brand = 'longevitycollege'")).isEqualTo(1);
  }

  @Test
  @DisplayName("a lock left by a crashed node expires and the next trigger takes it over")
  void staleLockTakenOver() throws Exception {
    node1.execute("INSERT INTO settings (user_id, key, value) VALUES ('local', 'burst_lock', jsonb_build_object("
        + "'burst_id', 'burst-dead', 'node', 'gone', 'expires_at', now() - interval '1 minute'))");
    JsonObject reply = trigger(node2, "?force=true", "{\"posts\":1,\"brands\":[\"holisticcollege\"]}");
    assertThat(reply.getString("status")).isEqualTo("triggered");
    awaitBurstEnd(node1);
    assertThat(node1.count("SELECT count(*) FROM proposals WHERE brand = 'holisticcollege'")).isEqualTo(1);
  }

  @Test
  @DisplayName("an invalid API key stops the burst with an api_auth error in the activity log, nothing written as accepted")
  void authFailureIsClassified() throws Exception {
    fake.then(FakeDeepSeek.error(401, "authentication_error", "Authentication Fails, Your api key: ****fake is invalid"));
    JsonObject reply = trigger(node1, "?force=true", "{\"posts\":1,\"brands\":[\"wellbeingcollege\"]}");
    awaitBurstEnd(node1);
    assertThat(node1.count("SELECT count(*) FROM proposals WHERE burst_id = '" + reply.getString("burst_id") + "'"))
        .isZero();
    var errors = rows(node1, "SELECT detail FROM activity_log WHERE action = 'Proposal failed' AND level = 'error'");
    assertThat(errors).extracting(r -> (String) r.get("detail"))
        .anyMatch(d -> d.contains("api_auth") && d.contains("Authentication Fails"));
    JsonObject status = Http.get(node1.http, "/api/maestro/status").bodyAsJsonObject();
    assertThat(status.getLong("errors")).isPositive();
  }

  private static List<String> concurrentTriggers(int n, String body) throws Exception {
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      TestApp app = i % 2 == 0 ? node1 : node2;
      calls.add(app.http.post("/api/maestro/trigger-burst?force=true").putHeader("Content-Type", "application/json")
          .sendBuffer(Buffer.buffer(body)));
    }
    List<String> statuses = new ArrayList<>();
    for (Future<HttpResponse<Buffer>> call : calls) {
      HttpResponse<Buffer> response = call.await(30, TimeUnit.SECONDS);
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      statuses.add(response.bodyAsJsonObject().getString("status"));
    }
    return statuses;
  }
}
