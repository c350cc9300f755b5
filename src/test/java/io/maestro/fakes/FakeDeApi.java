package io.maestro.fakes;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;

/**
 * A deAPI server on 127.0.0.1 speaking the real protocol: POST /api/v1/client/txt2img → {data:{request_id}},
 * GET /api/v1/client/request-status/{id} → {data:{status, progress, result_url}}, the result as a PNG, bearer-key
 * checks (401), and scripted faults: 429 minute/daily with Retry-After and X-RateLimit-* headers, 422 balance,
 * malformed and blank bodies, requests that end in error or never finish.
 */
public final class FakeDeApi implements AutoCloseable {
  /** What the next submissions answer, in order; when empty, "ok". */
  public final Deque<String> submitScript = new ConcurrentLinkedDeque<>();
  /** done (pending, processing, done), error, stuck. */
  public volatile String statusMode = "done";
  public final AtomicInteger submissions = new AtomicInteger();
  public final AtomicInteger accepted = new AtomicInteger();
  public final AtomicInteger polls = new AtomicInteger();
  public final List<JsonObject> bodies = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> pollsPerRequest = new ConcurrentHashMap<>();
  private final String apiKey;
  private final Vertx vertx;
  private final HttpServer server;
  private final byte[] result;

  public FakeDeApi(Vertx vertx, String apiKey) throws Exception {
    this.vertx = vertx;
    this.apiKey = apiKey;
    this.result = image();
    this.server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  private void handle(HttpServerRequest request) {
    String path = request.path();
    if (path.startsWith("/results/")) {
      request.response().putHeader("Content-Type", "image/png").end(Buffer.buffer(result));
      return;
    }
    if (!("Bearer " + apiKey).equals(request.getHeader("Authorization"))) {
      json(request, 401, new JsonObject().put("message", "Unauthenticated."));
      return;
    }
    if (request.method().name().equals("POST") && path.equals("/api/v1/client/txt2img")) {
      request.body().onSuccess(body -> submit(request, body));
    } else if (request.method().name().equals("GET") && path.startsWith("/api/v1/client/request-status/")) {
      status(request, path.substring(path.lastIndexOf('/') + 1));
    } else {
      json(request, 404, new JsonObject().put("message", "Not Found"));
    }
  }

  private void submit(HttpServerRequest request, Buffer body) {
    submissions.incrementAndGet();
    bodies.add(body.toJsonObject());
    String step = submitScript.poll();
    switch (step == null ? "ok" : step) {
      case "rate-minute" -> request.response().setStatusCode(429).putHeader("Retry-After", "1")
          .putHeader("X-RateLimit-Type", "minute").putHeader("X-RateLimit-Limit", "3")
          .putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("message", "Too Many Attempts.").encode());
      case "rate-daily" -> request.response().setStatusCode(429).putHeader("Retry-After", "7200")
          .putHeader("X-RateLimit-Type", "daily").putHeader("X-RateLimit-Daily-Remaining", "0")
          .putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("message", "Daily limit exceeded.").encode());
      case "rate-daily-short" -> request.response().setStatusCode(429).putHeader("Retry-After", "2")
          .putHeader("X-RateLimit-Type", "daily").putHeader("X-RateLimit-Daily-Remaining", "0")
          .putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("message", "Daily limit exceeded.").encode());
      case "daily-remaining-zero" -> request.response().setStatusCode(429)
          .putHeader("X-RateLimit-Daily-Remaining", "0").putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("message", "Too Many Attempts.").encode());
      case "balance" -> json(request, 422, new JsonObject().put("message", "Insufficient balance.")
          .put("errors", new JsonObject().put("balance", new io.vertx.core.json.JsonArray()
              .add("Your account balance is too low for this request."))));
      case "malformed" -> request.response().putHeader("Content-Type", "text/html").end("<html>Bad Gateway</html>");
      case "blank" -> request.response().putHeader("Content-Type", "application/json").end("");
      case "server-error" -> json(request, 500, new JsonObject().put("message", "Server Error"));
      case "hang-up" -> request.connection().close();
      default -> {
        String id = "req-" + accepted.incrementAndGet();
        json(request, 200, new JsonObject().put("data", new JsonObject().put("request_id", id)));
      }
    }
  }

  private void status(HttpServerRequest request, String id) {
    polls.incrementAndGet();
    int n = pollsPerRequest.merge(id, 1, Integer::sum);
    JsonObject data = new JsonObject();
    switch (statusMode) {
      case "error" -> data.put("status", n < 2 ? "processing" : "error")
          .put("error", n < 2 ? null : "Prompt rejected by the safety filter");
      case "stuck" -> data.put("status", "processing").put("progress", 40);
      default -> {
        if (n == 1) {
          data.put("status", "pending").put("progress", 0);
        } else if (n == 2) {
          data.put("status", "processing").put("progress", 50);
        } else {
          data.put("status", "done").put("progress", 100).put("result_url", baseUrl() + "/results/" + id + ".png");
        }
      }
    }
    json(request, 200, new JsonObject().put("data", data));
  }

  private static void json(HttpServerRequest request, int status, JsonObject body) {
    request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  /** A real, non-trivial PNG (a two-colour gradient) that stands in for a generated picture. */
  private static byte[] image() throws Exception {
    BufferedImage image = new BufferedImage(512, 640, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(new GradientPaint(0, 0, new Color(0x203a43), 512, 640, new Color(0xe0c3fc)));
    g.fillRect(0, 0, 512, 640);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  @Override
  public void close() {
    server.close();
  }
}
