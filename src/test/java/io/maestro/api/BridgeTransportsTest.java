package io.maestro.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.bus.Addresses;
import io.maestro.jobs.ScriptedRenderer;
import io.maestro.testing.Eventually;
import io.maestro.testing.Http;
import io.maestro.testing.SockJsXhrClient;
import io.maestro.testing.SockJsXhrClient.Transport;
import io.maestro.testing.TestApp;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@DisplayName("Event-bus bridge without WebSocket: xhr-streaming and xhr-polling clients get their own job live to its end")
class BridgeTransportsTest {
  private static final String SECRET = "transports-test-secret-long-enough-hs256";
  private static TestApp app;
  private static JWTAuth issuer;
  private static final AtomicInteger seq = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    ScriptedRenderer.reset();
    app = TestApp.start(new JsonObject().put("auth.jwtSecret", SECRET).put("jobs.workerInstances", 0));
    app.deployWorkers(ScriptedRenderer::all, 1);
    issuer = JWTAuth.create(app.vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
  }

  private static String token(String user) {
    return issuer.generateToken(new JsonObject().put("sub", user), new JWTOptions().setExpiresInMinutes(10));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Transport.class)
  @DisplayName("a client on one xhr transport receives its job's updates up to completed; other users and inbound "
      + "sends stay refused")
  void jobGoesLiveToCompleted(Transport transport) throws Exception {
    String alice = "alice-" + transport.name().toLowerCase();
    try (SockJsXhrClient own = SockJsXhrClient.open(app.vertx, app.port, "token=" + token(alice), transport);
        SockJsXhrClient other = SockJsXhrClient.open(app.vertx, app.port, null, transport)) {
      assertThat(own.register(Addresses.jobUpdates(alice), null)).as("xhr_send of a register").isBetween(200, 204);
      // registration has no acknowledgement: wait until a marker on the address arrives, then start the job
      Eventually.await("the registration to take effect", Duration.ofSeconds(20), () -> {
        app.vertx.eventBus().publish(Addresses.jobUpdates(alice), new JsonObject().put("marker", seq.incrementAndGet()));
        Thread.sleep(50);
        return own.received(Addresses.jobUpdates(alice)).size();
      }, n -> n > 0);
      var created = Http.call(app.http, HttpMethod.POST, "/jobs/create", token(alice), new JsonObject()
          .put("title", "slow:300 over " + transport).put("variant", "post")
          .put("brands", new JsonArray().add("healthycollege")).encode());
      assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
      String jobId = created.bodyAsJsonObject().getString("job_id");

      JsonObject completed = Eventually.await(jobId + " completed, live over " + transport, Duration.ofSeconds(30),
          () -> own.received(Addresses.jobUpdates(alice)).stream().map(f -> f.getJsonObject("body"))
              .filter(b -> jobId.equals(b.getString("job_id")) && "completed".equals(b.getString("status")))
              .findFirst().orElse(null), b -> b != null);
      assertThat(completed.getInteger("progress_percent")).isEqualTo(100);
      assertThat(own.received(Addresses.jobUpdates(alice)).stream().map(f -> f.getJsonObject("body"))
          .filter(b -> jobId.equals(b.getString("job_id"))).map(b -> b.getString("status")))
          .as("the job's updates in order").contains("generating").last().isEqualTo("completed");

      // another user on the same transport: alice's address and any inbound send are refused
      other.register(Addresses.jobUpdates(alice), token("mallory"));
      other.send(new JsonObject().put("type", "send").put("address", Addresses.HEALER_RUN)
          .put("body", new JsonObject()).put("replyAddress", "r1").put("headers", new JsonObject()
              .put("token", token("mallory"))));
      Eventually.await("two refusals", Duration.ofSeconds(20), () -> other.errors().size(), n -> n >= 2);
      assertThat(other.errors()).allMatch(f -> "rejected".equals(f.getString("body")));
      app.vertx.eventBus().publish(Addresses.jobUpdates(alice), new JsonObject().put("after", true));
      Eventually.await("alice's last marker", Duration.ofSeconds(20), () -> own.received(Addresses.jobUpdates(alice))
          .stream().anyMatch(f -> f.getJsonObject("body").containsKey("after")), b -> b);
      assertThat(other.received(Addresses.jobUpdates(alice))).isEmpty();
      assertThat(own.sendStatuses).allMatch(s -> s == 204 || s == 200);
    }
  }
}
