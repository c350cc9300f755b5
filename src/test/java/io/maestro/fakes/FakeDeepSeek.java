package io.maestro.fakes;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenAI-compatible chat-completions server on 127.0.0.1 (port 0) — DeepSeek's API, which OpenAI, Ollama,
 * llama.cpp and vLLM share — speaking the real protocol on whatever path prefix the base URL has: completions,
 * {@code {"error":{message,type,param,code}}} error bodies, Retry-After on 429, blank keep-alive lines before a
 * slow body, and calls that never answer. Scripted replies are served in order; when the script is empty the
 * default responder answers (by default: valid proposals and passing scores, read from the prompt).
 */
public final class FakeDeepSeek implements AutoCloseable {
  private static final Pattern COUNT = Pattern.compile("with exactly (\\d+) proposal");

  /** One scripted answer. */
  public record Reply(int status, Map<String, String> headers, String body, int blankLines, boolean hang,
      Promise<Void> gate) {
    public Reply withGate(Promise<Void> gate) {
      return new Reply(status, headers, body, blankLines, hang, gate);
    }
  }

  private final Vertx vertx;
  private final HttpServer server;
  private final Queue<Reply> script = new ConcurrentLinkedQueue<>();
  private final List<JsonObject> requests = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final List<String> paths = new CopyOnWriteArrayList<>();
  private final AtomicInteger titles = new AtomicInteger();
  private volatile Function<JsonObject, Reply> fallback = this::sensible;

  private FakeDeepSeek(Vertx vertx) throws Exception {
    this.vertx = vertx;
    this.server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
  }

  public static FakeDeepSeek start(Vertx vertx) throws Exception {
    return new FakeDeepSeek(vertx);
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  public FakeDeepSeek then(Reply... replies) {
    script.addAll(List.of(replies));
    return this;
  }

  public FakeDeepSeek otherwise(Function<JsonObject, Reply> responder) {
    this.fallback = responder;
    return this;
  }

  public List<JsonObject> requests() {
    return requests;
  }

  public List<String> authorizations() {
    return authorizations;
  }

  /** Request paths, e.g. /chat/completions, or /v1/chat/completions behind an OpenAI-style base URL. */
  public List<String> paths() {
    return paths;
  }

  // ---- replies

  public static Reply completion(String content, String finishReason) {
    JsonObject body = new JsonObject().put("id", "chatcmpl-fake").put("object", "chat.completion")
        .put("created", System.currentTimeMillis() / 1000).put("model", "deepseek-chat")
        .put("choices", new JsonArray().add(new JsonObject().put("index", 0)
            .put("message", new JsonObject().put("role", "assistant").put("content", content))
            .put("finish_reason", finishReason)))
        .put("usage", new JsonObject().put("prompt_tokens", 100).put("completion_tokens", 50).put("total_tokens", 150));
    return new Reply(200, Map.of("Content-Type", "application/json"), body.encode(), 0, false, null);
  }

  public static Reply ok(JsonObject content) {
    return completion(content.encode(), "stop");
  }

  public static Reply error(int status, String type, String message) {
    JsonObject body = new JsonObject().put("error", new JsonObject().put("message", message).put("type", type)
        .putNull("param").put("code", type));
    return new Reply(status, Map.of("Content-Type", "application/json"), body.encode(), 0, false, null);
  }

  public static Reply rateLimited(String retryAfterSeconds) {
    Reply r = error(429, "rate_limit_reached_error", "Rate Limit Reached");
    return new Reply(429, Map.of("Content-Type", "application/json", "Retry-After", retryAfterSeconds), r.body(), 0,
        false, null);
  }

  /** The body after blank keep-alive lines, as DeepSeek sends while the request waits for capacity. */
  public static Reply afterBlankLines(Reply reply, int lines) {
    return new Reply(reply.status(), reply.headers(), reply.body(), lines, false, null);
  }

  public static Reply hang() {
    return new Reply(0, Map.of(), "", 0, true, null);
  }

  public static JsonObject proposals(int count, String titlePrefix) {
    JsonArray list = new JsonArray();
    for (int i = 1; i <= count; i++) {
      list.add(new JsonObject().put("title", titlePrefix + " " + i + ": how 7 minutes of morning light fixes your sleep")
          .put("content_lines", new JsonArray().add("Step outside within 30 minutes of waking")
              .add("Aim for 7 minutes without sunglasses").add("Pair it with a 5-minute walk")
              .add("Keep the same wake time 7 days a week"))
          .put("slide_texts", new JsonArray().add("Morning light sets your clock").add("7 minutes is enough")
              .add("Same time every day"))
          .put("caption", "Morning light is the cheapest sleep upgrade there is. Save this for tomorrow morning.")
          .put("image_prompt", "Sunrise over a campus lawn, soft light, no text")
          .put("strategy", "explore").put("reasoning", "Curiosity gap on a sleep topic").put("topic_bucket", "sleep"));
    }
    return new JsonObject().put("proposals", list);
  }

  public static JsonObject scores(double fit, double engagement, double quality, String verdict) {
    return new JsonObject().put("avatar_fit", fit).put("engagement_potential", engagement).put("content_quality", quality)
        .put("verdict", verdict).put("reason", "fake examiner").put("red_flags", new JsonArray());
  }

  /** Proposals for a proposal prompt (as many as it asks for, unique titles), passing scores for an examination. */
  private Reply sensible(JsonObject request) {
    String user = userPrompt(request);
    Matcher m = COUNT.matcher(user);
    if (m.find()) {
      return ok(proposals(Integer.parseInt(m.group(1)), "Fake idea " + titles.incrementAndGet()));
    }
    return ok(scores(8, 7.5, 8, "accept"));
  }

  public static String userPrompt(JsonObject request) {
    JsonArray messages = request.getJsonArray("messages", new JsonArray());
    return messages.isEmpty() ? "" : messages.getJsonObject(messages.size() - 1).getString("content", "");
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(buffer -> {
      JsonObject body;
      try {
        body = buffer.toJsonObject();
      } catch (RuntimeException e) {
        request.response().setStatusCode(400).putHeader("Content-Type", "application/json")
            .end(error(400, "invalid_request_error", "Invalid request body").body());
        return;
      }
      requests.add(body);
      authorizations.add(String.valueOf(request.getHeader("Authorization")));
      paths.add(request.path());
      Reply reply = script.poll();
      if (reply == null) {
        reply = fallback.apply(body);
      }
      Reply chosen = reply;
      if (chosen.gate() != null) {
        chosen.gate().future().onComplete(ignored -> send(request, chosen));
      } else {
        send(request, chosen);
      }
    });
  }

  private void send(HttpServerRequest request, Reply reply) {
    if (reply.hang()) {
      return; // never answers; the connection closes with the server
    }
    var response = request.response().setStatusCode(reply.status());
    reply.headers().forEach(response::putHeader);
    if (reply.blankLines() == 0) {
      response.end(reply.body());
      return;
    }
    response.setChunked(true);
    response.write("\n".repeat(reply.blankLines()));
    vertx.setTimer(50, id -> response.write("\n").compose(v -> response.end(reply.body())));
  }

  @Override
  public void close() throws Exception {
    server.close().await(10, TimeUnit.SECONDS);
  }
}
