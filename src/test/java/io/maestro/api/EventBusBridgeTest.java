package io.maestro.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.bus.Addresses;
import io.maestro.testing.BridgeSocket;
import io.maestro.testing.Eventually;
import io.maestro.testing.SockJsXhrClient;
import io.maestro.testing.TestApp;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("Event-bus bridge: a browser hears only its own user's maestro.updates.<user>.* and nothing without a token")
class EventBusBridgeTest {
  private static final String SECRET = "bridge-test-secret-long-enough-for-hs256";
  @RegisterExtension
  static final TestApp app = TestApp.forClass(
      new JsonObject().put("auth.jwtSecret", SECRET).put("jobs.workerInstances", 0)
          .put("bridge.authTimeoutMs", 1_500));
  private static JWTAuth issuer;
  private static final AtomicInteger seq = new AtomicInteger();

  @BeforeAll
  static void start() {
    issuer = JWTAuth.create(app.vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
  }

  private static String token(String user) {
    return issuer.generateToken(new JsonObject().put("sub", user), new JWTOptions().setExpiresInMinutes(10));
  }

  /** Registration has no acknowledgement, so keep publishing until the socket hears one of them. */
  private static JsonObject publishUntilHeard(BridgeSocket socket, String address) throws Exception {
    return Eventually.await("a message on " + address, Duration.ofSeconds(20), () -> {
      app.vertx.eventBus().publish(address, new JsonObject().put("n", seq.incrementAndGet()));
      Thread.sleep(50);
      return socket.received(address).isEmpty() ? null : socket.received(address).get(0);
    }, f -> f != null);
  }

  @Test
  @DisplayName("a socket registering its own jobs and activity addresses with its token in the headers receives them")
  void ownUpdatesArrive() throws Exception {
    try (BridgeSocket alice = BridgeSocket.open(app.vertx, app.port, null)) {
      alice.register(Addresses.jobUpdates("alice"), token("alice"));
      alice.register(Addresses.activityUpdates("alice"), token("alice"));
      assertThat(publishUntilHeard(alice, Addresses.jobUpdates("alice")).getJsonObject("body").getInteger("n"))
          .isPositive();
      assertThat(publishUntilHeard(alice, Addresses.activityUpdates("alice")).getJsonObject("body").getInteger("n"))
          .isPositive();
      assertThat(alice.errors()).isEmpty();
    }
  }

  @Test
  @DisplayName("the token may instead come as ?token= on the SockJS URL")
  void tokenInQuery() throws Exception {
    try (BridgeSocket alice = BridgeSocket.open(app.vertx, app.port, "token=" + token("alice"))) {
      alice.register(Addresses.jobUpdates("alice"), null);
      publishUntilHeard(alice, Addresses.jobUpdates("alice"));
      assertThat(alice.errors()).isEmpty();
    }
  }

  @Test
  @DisplayName("a second user's register of the first user's address is refused and that socket never receives it")
  void otherUsersAddressIsRefused() throws Exception {
    try (BridgeSocket alice = BridgeSocket.open(app.vertx, app.port, null);
        BridgeSocket bob = BridgeSocket.open(app.vertx, app.port, null)) {
      alice.register(Addresses.jobUpdates("alice"), token("alice"));
      bob.register(Addresses.jobUpdates("alice"), token("bob"));
      JsonObject refusal = bob.awaitFrame("bob's refusal", f -> "err".equals(f.getString("type")));
      assertThat(refusal.getString("body")).isEqualTo("rejected");
      // a dotted suffix would name another user ("alice.x"), so even bob's own prefix with two segments is refused
      bob.register(Addresses.BROWSER_PREFIX + "bob.x.jobs", token("bob"));
      Eventually.await("bob's second refusal", Duration.ofSeconds(20), () -> bob.errors().size(), n -> n >= 2);
      publishUntilHeard(alice, Addresses.jobUpdates("alice"));
      // bob's own address is a marker: once it arrives, alice's earlier messages would have arrived too
      bob.register(Addresses.jobUpdates("bob"), token("bob"));
      publishUntilHeard(bob, Addresses.jobUpdates("bob"));
      publishUntilHeard(alice, Addresses.jobUpdates("alice"));
      Thread.sleep(200);
      assertThat(bob.received(Addresses.jobUpdates("alice"))).isEmpty();
      assertThat(bob.received(Addresses.BROWSER_PREFIX + "bob.x.jobs")).isEmpty();
    }
  }

  @Test
  @DisplayName("a socket without a token, or with a forged one, is refused every register and receives nothing")
  void unauthenticatedReceivesNothing() throws Exception {
    String forged = JWTAuth.create(app.vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("HS256").setBuffer("another-secret-another-secret-another")))
        .generateToken(new JsonObject().put("sub", "alice"), new JWTOptions());
    try (BridgeSocket alice = BridgeSocket.open(app.vertx, app.port, null);
        BridgeSocket anonymous = BridgeSocket.open(app.vertx, app.port, null);
        BridgeSocket forger = BridgeSocket.open(app.vertx, app.port, "token=" + forged)) {
      anonymous.register(Addresses.jobUpdates("alice"), null);
      forger.register(Addresses.jobUpdates("alice"), forged);
      Eventually.await("refusals", Duration.ofSeconds(20),
          () -> anonymous.errors().size() + forger.errors().size(), n -> n >= 2);
      alice.register(Addresses.jobUpdates("alice"), token("alice"));
      publishUntilHeard(alice, Addresses.jobUpdates("alice"));
      publishUntilHeard(alice, Addresses.jobUpdates("alice"));
      Thread.sleep(300);
      assertThat(anonymous.frames).allMatch(f -> "err".equals(f.getString("type")));
      assertThat(forger.frames).allMatch(f -> "err".equals(f.getString("type")));
      assertThat(anonymous.received(Addresses.jobUpdates("alice"))).isEmpty();
    }
  }

  @Test
  @DisplayName("nothing is accepted inbound: a send or publish from a browser is refused")
  void nothingInbound() throws Exception {
    AtomicInteger delivered = new AtomicInteger();
    var consumer = app.vertx.eventBus().consumer(Addresses.jobUpdates("alice"), m -> delivered.incrementAndGet());
    consumer.completion().await();
    try (BridgeSocket alice = BridgeSocket.open(app.vertx, app.port, "token=" + token("alice"))) {
      alice.write(new JsonObject().put("type", "publish").put("address", Addresses.jobUpdates("alice"))
          .put("body", new JsonObject()));
      alice.write(new JsonObject().put("type", "send").put("address", Addresses.HEALER_RUN)
          .put("body", new JsonObject()).put("replyAddress", "r1"));
      Eventually.await("two refusals", Duration.ofSeconds(20), () -> alice.errors().size(), n -> n >= 2);
      assertThat(alice.errors()).allMatch(f -> "rejected".equals(f.getString("body")));
      assertThat(delivered).hasValue(0);
    } finally {
      consumer.unregister().await();
    }
  }

  /** A token of {@code user} that expires at {@code expSeconds} (epoch seconds, as JWT exp is). */
  private static String tokenUntil(String user, long expSeconds) {
    return issuer.generateToken(new JsonObject().put("sub", user).put("exp", expSeconds)
        .put("iat", expSeconds - 60), new JWTOptions().setNoTimestamp(true));
  }

  /** Publishes {sent_at} on the address every 20 ms until stopped. */
  private static AutoCloseable ticker(String address) {
    long timer = app.vertx.setPeriodic(20, id -> app.vertx.eventBus().publish(address,
        new JsonObject().put("sent_at", System.currentTimeMillis())));
    return () -> app.vertx.cancelTimer(timer);
  }

  @Test
  @DisplayName("at its token's exp a socket stops receiving (nothing published after exp arrives) and is closed with "
      + "\"session expired, sign in again\"")
  void expiredTokenStopsTheSocket() throws Exception {
    long exp = System.currentTimeMillis() / 1000 + 10; // long enough to connect and register on a loaded machine
    long expMs = exp * 1000;
    try (BridgeSocket alice = BridgeSocket.open(app.vertx, app.port, "token=" + tokenUntil("alice", exp));
        AutoCloseable ticks = ticker(Addresses.jobUpdates("alice"))) {
      alice.register(Addresses.jobUpdates("alice"), null);
      Eventually.await("messages before exp", Duration.ofSeconds(20), () -> alice.received(Addresses.jobUpdates("alice"))
          .size(), n -> n > 0);
      Eventually.await("the socket to be closed", Duration.ofSeconds(20), () -> alice.closedAtMs, t -> t > 0);
      assertThat(alice.closeReason).isEqualTo(EventBusBridge.EXPIRED_REASON);
      assertThat(alice.closeStatus).isEqualTo((short) EventBusBridge.EXPIRED_CODE);
      assertThat(alice.received(Addresses.jobUpdates("alice")))
          .as("no message published at or after exp reaches the socket")
          .allMatch(f -> f.getJsonObject("body").getLong("sent_at") < expMs);
      System.out.printf("socket closed %d ms after exp%n", alice.closedAtMs - expMs);
    }
  }

  @Test
  @DisplayName("over SockJS (here xhr-streaming), whose close frame cannot carry a reason, the expiry arrives as an err "
      + "frame 4401 \"session expired, sign in again\", nothing published after exp arrives, and the session closes")
  void expiryReachesSockJsClients() throws Exception {
    long exp = System.currentTimeMillis() / 1000 + 10; // long enough to connect and register on a loaded machine
    long expMs = exp * 1000;
    try (SockJsXhrClient alice = SockJsXhrClient.open(app.vertx, app.port, "token=" + tokenUntil("alice", exp),
        SockJsXhrClient.Transport.XHR_STREAMING);
        AutoCloseable ticks = ticker(Addresses.jobUpdates("alice"))) {
      alice.register(Addresses.jobUpdates("alice"), null);
      Eventually.await("messages before exp", Duration.ofSeconds(20), () -> alice.received(Addresses.jobUpdates("alice"))
          .size(), n -> n > 0);
      JsonObject expired = Eventually.await("the expiry frame", Duration.ofSeconds(20), () -> alice.errors().stream()
          .filter(f -> f.getInteger("failureCode", 0) == EventBusBridge.EXPIRED_CODE).findFirst().orElse(null),
          f -> f != null);
      assertThat(expired.getString("message")).isEqualTo(EventBusBridge.EXPIRED_REASON);
      Eventually.await("the session closed", Duration.ofSeconds(20), () -> alice.closeFrame, f -> f != null);
      assertThat(alice.received(Addresses.jobUpdates("alice")))
          .as("no message published at or after exp reaches the socket")
          .allMatch(f -> f.getJsonObject("body").getLong("sent_at") < expMs);
    }
  }

  @Test
  @DisplayName("a client renews with a fresh token of the same user (send to maestro.bridge.renew) and keeps receiving; "
      + "another user's token does not renew")
  void renewalKeepsTheSocket() throws Exception {
    long exp = System.currentTimeMillis() / 1000 + 10; // long enough to connect and register on a loaded machine
    try (BridgeSocket alice = BridgeSocket.open(app.vertx, app.port, "token=" + tokenUntil("alice", exp))) {
      alice.register(Addresses.jobUpdates("alice"), null);
      publishUntilHeard(alice, Addresses.jobUpdates("alice"));
      alice.write(new JsonObject().put("type", "send").put("address", Addresses.BRIDGE_RENEW)
          .put("body", new JsonObject()).put("replyAddress", "renew-bob").put("headers", new JsonObject()
              .put("token", token("bob"))));
      alice.awaitFrame("bob's token refused", f -> "err".equals(f.getString("type")));
      alice.write(new JsonObject().put("type", "send").put("address", Addresses.BRIDGE_RENEW)
          .put("body", new JsonObject()).put("replyAddress", "renew-1").put("headers", new JsonObject()
              .put("token", token("alice"))));
      JsonObject reply = alice.awaitFrame("the renewal reply", f -> "renew-1".equals(f.getString("address")));
      assertThat(reply.getJsonObject("body").getBoolean("renewed")).isTrue();
      long waitUntil = exp * 1000 + 1_500;
      while (System.currentTimeMillis() < waitUntil) {
        Thread.sleep(100);
      }
      int before = alice.received(Addresses.jobUpdates("alice")).size();
      Eventually.await("a message after the first token's exp", Duration.ofSeconds(20), () -> {
        app.vertx.eventBus().publish(Addresses.jobUpdates("alice"), new JsonObject().put("n", seq.incrementAndGet()));
        Thread.sleep(50);
        return alice.received(Addresses.jobUpdates("alice")).size();
      }, n -> n > before);
      assertThat(alice.closedAtMs).isZero();
    }
  }

  @Test
  @DisplayName("a socket that does not authenticate within bridge.authTimeoutMs is closed")
  void unauthenticatedSocketIsClosed() throws Exception {
    try (BridgeSocket idle = BridgeSocket.open(app.vertx, app.port, null);
        BridgeSocket refused = BridgeSocket.open(app.vertx, app.port, null)) {
      long opened = System.currentTimeMillis();
      refused.register(Addresses.jobUpdates("alice"), "not-a-token");
      Eventually.await("both sockets closed", Duration.ofSeconds(20), () -> idle.closedAtMs > 0
          && refused.closedAtMs > 0, b -> b);
      assertThat(idle.closeStatus).isEqualTo((short) EventBusBridge.UNAUTHENTICATED_CODE);
      assertThat(idle.closedAtMs - opened).isGreaterThanOrEqualTo(1_000);
      assertThat(refused.received(Addresses.jobUpdates("alice"))).isEmpty();
    }
  }
}
