package io.maestro.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A SockJS client that speaks only the xhr transports, as sockjs-client does when WebSocket is blocked: frames
 * arrive on {@code POST …/xhr_streaming} (one long chunked response) or {@code POST …/xhr} (one long poll per frame),
 * and every frame the client sends goes by {@code POST …/xhr_send} with a JSON array of strings as a text/plain body.
 * The query of the base URL (the Observatory's {@code ?token=}) is kept on every URL, as sockjs-client keeps it.
 */
public final class SockJsXhrClient implements AutoCloseable {
  public enum Transport { XHR_STREAMING, XHR_POLLING }

  private final HttpClient http;
  /**
   * Every request starts on this one event-loop context. A chunk that arrives before the response's handler is set
   * is dropped (HttpEventHandler.handleChunk). A request started from the test thread may get its response head on
   * a context of its own, a hop away from the connection's thread, so the chunks can overtake it: once in CI the
   * xhr_streaming open frame never reached the client although the server streamed for 10 s. Started on this
   * context, head and chunks are handled on one thread in order, and the handler is set before the first chunk.
   */
  private final io.vertx.core.Context context;
  private final int port;
  private final String base;
  private final String query;
  private final Transport transport;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicInteger pollFailures = new AtomicInteger();
  /** Bridge frames received (the JSON inside SockJS "a" frames). */
  public final List<JsonObject> frames = new CopyOnWriteArrayList<>();
  /** The SockJS close frame ({@code c[code,"reason"]}) once the server closed the session. */
  public volatile JsonArray closeFrame;
  /** HTTP statuses of every xhr_send. */
  public final List<Integer> sendStatuses = new CopyOnWriteArrayList<>();
  public volatile boolean opened;
  private Runnable stopPinging = () -> { };

  private SockJsXhrClient(Vertx vertx, int port, String query, Transport transport) {
    // the server closes the connection after every xhr poll (XhrPollingListener.close): a pooled keep-alive
    // connection can be reused for the next poll just as it closes, and that poll is lost. Browsers retry such a
    // request on a new connection; without keep-alive every request here has a connection of its own.
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    this.context = vertx.getOrCreateContext();
    this.port = port;
    this.base = "/eventbus/" + (100 + (int) (Math.random() * 800)) + "/" + UUID.randomUUID().toString().replace("-", "");
    this.query = query == null ? "" : "?" + query;
    this.transport = transport;
  }

  public static SockJsXhrClient open(Vertx vertx, int port, String query, Transport transport) throws Exception {
    SockJsXhrClient client = new SockJsXhrClient(vertx, port, query, transport);
    // as vertx-eventbus.js does: the bridge closes a socket that has not pinged within its pingTimeout (10 s)
    long pinger = vertx.setPeriodic(5_000, id -> {
      if (client.opened && !client.closed.get()) {
        client.http.request(client.post("/xhr_send").putHeader("Content-Type", "text/plain;charset=UTF-8"))
            .compose(req -> req.send(new JsonArray().add(new JsonObject().put("type", "ping").encode()).encode()));
      }
    });
    client.stopPinging = () -> vertx.cancelTimer(pinger);
    if (transport == Transport.XHR_STREAMING) {
      client.stream();
    } else {
      client.poll();
    }
    Eventually.await("the SockJS open frame over " + transport, Duration.ofSeconds(20), () -> client.opened,
        o -> o);
    return client;
  }

  private RequestOptions post(String suffix) {
    return new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI(base + suffix + query);
  }

  private void stream() {
    StringBuilder pending = new StringBuilder();
    context.runOnContext(ignored -> http.request(post("/xhr_streaming")).compose(req -> req.send())
        .onSuccess(response -> response.handler(chunk -> {
          pending.append(chunk.toString());
          int newline;
          while ((newline = pending.indexOf("\n")) >= 0) {
            String line = pending.substring(0, newline);
            pending.delete(0, newline + 1);
            frame(line);
          }
        })));
  }

  private void poll() {
    if (closed.get() || closeFrame != null) {
      return;
    }
    context.runOnContext(ignored -> http.request(post("/xhr")).compose(req -> req.send())
        .compose(HttpClientResponse::body).onComplete(body -> {
          if (body.succeeded()) {
            body.result().toString().lines().forEach(this::frame);
            poll();
          } else if (pollFailures.incrementAndGet() <= 3) {
            poll(); // as a browser's XHR would, on a fresh connection; the session outlives one failed poll
          }
        }));
  }

  private void frame(String line) {
    if (line.isEmpty() || line.chars().allMatch(c -> c == 'h')) {
      return; // the 2 KiB streaming prelude and heartbeats
    }
    switch (line.charAt(0)) {
      case 'o' -> opened = true;
      case 'a' -> new JsonArray(line.substring(1)).forEach(s -> frames.add(new JsonObject((String) s)));
      case 'c' -> closeFrame = new JsonArray(line.substring(1));
      default -> { }
    }
  }

  /** Sends bridge frames as sockjs-client does: one xhr_send with a JSON array of strings, text/plain. */
  public int send(JsonObject... bridgeFrames) throws Exception {
    JsonArray payload = new JsonArray();
    for (JsonObject f : bridgeFrames) {
      payload.add(f.encode());
    }
    int status = http.request(post("/xhr_send").putHeader("Content-Type", "text/plain;charset=UTF-8"))
        .compose(req -> req.send(Buffer.buffer(payload.encode())))
        .map(HttpClientResponse::statusCode).await(20, TimeUnit.SECONDS);
    sendStatuses.add(status);
    return status;
  }

  public int register(String address, String token) throws Exception {
    JsonObject headers = token == null ? new JsonObject() : new JsonObject().put("token", token);
    return send(new JsonObject().put("type", "register").put("address", address).put("headers", headers));
  }

  public List<JsonObject> received(String address) {
    return frames.stream().filter(f -> "rec".equals(f.getString("type")) && address.equals(f.getString("address")))
        .toList();
  }

  public List<JsonObject> errors() {
    return frames.stream().filter(f -> "err".equals(f.getString("type"))).toList();
  }

  @Override
  public void close() throws Exception {
    closed.set(true);
    stopPinging.run();
    http.close().await(10, TimeUnit.SECONDS);
  }
}
