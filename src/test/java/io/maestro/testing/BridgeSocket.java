package io.maestro.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A browser's view of the event-bus bridge without a browser: the SockJS raw WebSocket endpoint
 * ({@code /eventbus/websocket}) speaking the frames of vertx-eventbus.js ({@code register}, {@code send}, {@code ping}).
 */
public final class BridgeSocket implements AutoCloseable {
  private static final long PING_MS = 5_000;
  private static final String PING = new JsonObject().put("type", "ping").encode();
  private final Vertx vertx;
  private final WebSocketClient client;
  private final WebSocket socket;
  private final long pinger;
  public final List<JsonObject> frames = new CopyOnWriteArrayList<>();

  private BridgeSocket(Vertx vertx, WebSocketClient client, WebSocket socket) {
    this.vertx = vertx;
    this.client = client;
    this.socket = socket;
    // as vertx-eventbus.js does: the bridge closes a socket that has not pinged within its pingTimeout (10 s)
    this.pinger = vertx.setPeriodic(PING_MS, id -> socket.writeTextMessage(PING));
    // the raw endpoint sends the bridge's frames as binary WebSocket messages, so read data frames of either kind
    socket.handler(data -> frames.add(new JsonObject(data)));
    socket.closeHandler(v -> {
      closeStatus = socket.closeStatusCode();
      closeReason = socket.closeReason();
      closedAtMs = System.currentTimeMillis();
    });
  }

  /** Set when the server closed the socket: its close code and reason, and when (epoch ms). */
  public volatile Short closeStatus;
  public volatile String closeReason;
  public volatile long closedAtMs;

  public static BridgeSocket open(Vertx vertx, int port, String query) throws Exception {
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocket socket = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/eventbus/websocket" + (query == null ? "" : "?" + query))).await(30, TimeUnit.SECONDS);
    return new BridgeSocket(vertx, client, socket);
  }

  public void register(String address, String token) throws Exception {
    JsonObject headers = token == null ? new JsonObject() : new JsonObject().put("token", token);
    write(new JsonObject().put("type", "register").put("address", address).put("headers", headers));
  }

  public void write(JsonObject frame) throws Exception {
    socket.writeTextMessage(frame.encode()).await(10, TimeUnit.SECONDS);
  }

  /** Frames of type {@code rec} (messages delivered to a registered handler) for one address. */
  public List<JsonObject> received(String address) {
    return frames.stream().filter(f -> "rec".equals(f.getString("type")) && address.equals(f.getString("address")))
        .toList();
  }

  public List<JsonObject> errors() {
    return frames.stream().filter(f -> "err".equals(f.getString("type"))).toList();
  }

  public JsonObject awaitFrame(String what, java.util.function.Predicate<JsonObject> match) throws Exception {
    return Eventually.await(what, Duration.ofSeconds(20),
        () -> frames.stream().filter(match).findFirst().orElse(null), f -> f != null);
  }

  @Override
  public void close() throws Exception {
    vertx.cancelTimer(pinger);
    if (closedAtMs == 0) {
      socket.close().await(10, TimeUnit.SECONDS);
    }
    client.close().await(10, TimeUnit.SECONDS);
  }
}
