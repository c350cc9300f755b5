package io.maestro.textmodel;

import io.maestro.config.MaestroConfig;
import io.maestro.failure.FailureCode;
import io.maestro.metrics.Metrics;
import io.maestro.failure.MaestroException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Instant;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OpenAI-compatible chat-completions endpoint in JSON mode ({@code POST {baseUrl}/chat/completions}): DeepSeek
 * (the named default), OpenAI, or a local server with the same API (Ollama, llama.cpp server, vLLM). Every outcome is
 * classified where it happens: 401/403 api_auth; 402 and a balance 422 api_quota_exhausted; 429 waits (Retry-After,
 * bounded) and retries, then api_rate_limited; 5xx, refused connections and timeouts api_error; blank or
 * unparseable content gets one retry, then content_error; {@code finish_reason: length} is content_error.
 */
public final class ChatCompletionsTextModel implements TextModel {
  /** Longest single wait for a rate limit, whatever Retry-After says. */
  static final long MAX_WAIT_MS = 60_000;
  private static final Logger LOG = LoggerFactory.getLogger(ChatCompletionsTextModel.class);

  /**
   * Where and how to call. {@code name} is the provider as configured ("deepseek", "openai"), also the metrics label;
   * {@code label} how messages name it; {@code keyHint} which setting holds the key.
   */
  public record Endpoint(String name, String label, String baseUrl, String apiKey, String model, long timeoutMs,
      int rateLimitWaits, String keyHint) {

    public static Endpoint deepSeek(MaestroConfig config) {
      return new Endpoint("deepseek", "DeepSeek", config.string(MaestroConfig.DEEPSEEK_BASE_URL),
          config.string(MaestroConfig.DEEPSEEK_API_KEY), config.string(MaestroConfig.DEEPSEEK_MODEL),
          config.longValue(MaestroConfig.DEEPSEEK_TIMEOUT), config.integer(MaestroConfig.DEEPSEEK_RATE_LIMIT_WAITS),
          "deepseek.apiKey (DEEPSEEK_API_KEY)");
    }

    public static Endpoint openAi(MaestroConfig config) {
      return new Endpoint("openai", "OpenAI-compatible endpoint", config.string(MaestroConfig.OPENAI_BASE_URL),
          config.string(MaestroConfig.OPENAI_API_KEY), config.string(MaestroConfig.OPENAI_MODEL),
          config.longValue(MaestroConfig.OPENAI_TIMEOUT), config.integer(MaestroConfig.OPENAI_RATE_LIMIT_WAITS),
          "openai.apiKey (OPENAI_API_KEY)");
    }
  }

  private final Vertx vertx;
  private final WebClient client;
  private final Endpoint endpoint;
  private final String url;
  private final String baseUrl;
  private final long timeoutMs;
  private final int maxRateLimitWaits;

  public ChatCompletionsTextModel(Vertx vertx, Endpoint endpoint) {
    this.vertx = vertx;
    this.endpoint = endpoint;
    this.baseUrl = endpoint.baseUrl().replaceAll("/+$", "");
    this.url = baseUrl + "/chat/completions";
    this.timeoutMs = endpoint.timeoutMs();
    this.maxRateLimitWaits = endpoint.rateLimitWaits();
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setConnectTimeout((int) Math.min(timeoutMs, 10_000))
        .setUserAgent("maestro"));
  }

  @Override
  public String describe() {
    return endpoint.name() + " (" + endpoint.model() + " at " + baseUrl + ")";
  }

  @Override
  public Future<JsonObject> complete(TextTask task) {
    return attempt(task, 1, maxRateLimitWaits);
  }

  private Future<JsonObject> attempt(TextTask task, int contentRetries, int waitsLeft) {
    return call(task).recover(failure -> {
      if (failure instanceof ContentProblem problem && contentRetries > 0) {
        LOG.warn("{} gave unusable content ({}); asking once more", endpoint.label(), problem.getMessage());
        return attempt(task, contentRetries - 1, waitsLeft);
      }
      if (failure instanceof RateLimited limited && waitsLeft > 0) {
        long waitMs = limited.waitMs(maxRateLimitWaits - waitsLeft);
        LOG.warn("{} rate limit; waiting {} ms before trying again ({} wait(s) left)", endpoint.label(), waitMs,
            waitsLeft - 1);
        return delay(waitMs).compose(ignored -> attempt(task, contentRetries, waitsLeft - 1));
      }
      if (failure instanceof ContentProblem problem) {
        return Future.failedFuture(new MaestroException(FailureCode.CONTENT_ERROR,
            problem.getMessage() + " (also after one retry)"));
      }
      if (failure instanceof RateLimited limited) {
        return Future.failedFuture(MaestroException.rateLimited(FailureCode.API_RATE_LIMITED,
            limited.getMessage() + " (still limited after " + maxRateLimitWaits + " wait(s))",
            Instant.now().plusMillis(limited.waitMs(0))));
      }
      return Future.failedFuture(failure);
    });
  }

  private Future<Void> delay(long ms) {
    Promise<Void> promise = Promise.promise();
    vertx.setTimer(Math.max(1, ms), id -> promise.complete());
    return promise.future();
  }

  private Future<JsonObject> call(TextTask task) {
    JsonObject body = new JsonObject()
        .put("model", endpoint.model())
        .put("messages", new JsonArray()
            .add(new JsonObject().put("role", "system").put("content", task.system()))
            .add(new JsonObject().put("role", "user").put("content", task.user())))
        .put("temperature", task.temperature())
        .put("max_tokens", 4096)
        .put("stream", false)
        .put("response_format", new JsonObject().put("type", "json_object"));
    Promise<JsonObject> result = Promise.promise();
    // The idle timeout alone would never fire while DeepSeek keeps the connection busy with blank lines.
    long timer = vertx.setTimer(timeoutMs, id -> {
      if (result.tryFail(new MaestroException(FailureCode.API_ERROR,
          endpoint.label() + " did not answer within " + timeoutMs + " ms (POST " + url + ")"))) {
        Metrics.apiCall(vertx, endpoint.name(), "transport_error");
      }
    });
    var request = client.postAbs(url).putHeader("Accept", "application/json");
    if (!endpoint.apiKey().isBlank()) { // a local server (Ollama, llama.cpp) needs none
      request.putHeader("Authorization", "Bearer " + endpoint.apiKey());
    }
    request
        .timeout(timeoutMs)
        .sendJsonObject(body)
        .andThen(sent -> {
          if (!result.future().isComplete()) {
            Metrics.apiCall(vertx, endpoint.name(), sent.succeeded() ? Metrics.outcome(sent.result().statusCode())
                : "transport_error");
          }
        })
        .map(this::interpret)
        .onComplete(done -> {
          vertx.cancelTimer(timer);
          if (done.succeeded()) {
            result.tryComplete(done.result());
          } else {
            result.tryFail(transportFailure(done.cause()));
          }
        });
    return result.future();
  }

  private Throwable transportFailure(Throwable t) {
    if (t instanceof MaestroException) {
      return t;
    }
    String what = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return new MaestroException(FailureCode.API_ERROR, endpoint.label() + " unreachable (POST " + url + "): " + what, t);
  }

  private JsonObject interpret(HttpResponse<Buffer> response) {
    int status = response.statusCode();
    String raw = response.bodyAsString() == null ? "" : response.bodyAsString().strip();
    if (status == 200) {
      return content(raw);
    }
    String detail = endpoint.label() + " " + status + errorDetail(raw);
    switch (status) {
      case 401, 403 -> throw new MaestroException(FailureCode.API_AUTH, detail + " — check " + endpoint.keyHint());
      case 402 -> throw MaestroException.rateLimited(FailureCode.API_QUOTA_EXHAUSTED, detail
          + " — top up the " + endpoint.label() + " balance", null);
      case 429 -> throw new RateLimited(detail, retryAfterMs(response.getHeader("Retry-After")));
      case 422 -> {
        if (raw.toLowerCase(Locale.ROOT).contains("balance")) {
          throw MaestroException.rateLimited(FailureCode.API_QUOTA_EXHAUSTED, detail + " — top up the "
              + endpoint.label() + " balance", null);
        }
        throw new MaestroException(FailureCode.CONFIG_ERROR, detail + " — check " + endpoint.name()
            + ".model and the request parameters");
      }
      case 400 -> throw new MaestroException(FailureCode.CONFIG_ERROR, detail + " — " + endpoint.label()
          + " refused the request format");
      default -> throw new MaestroException(FailureCode.API_ERROR, detail);
    }
  }

  private JsonObject content(String raw) {
    JsonObject envelope;
    try {
      envelope = raw.isEmpty() ? null : new JsonObject(raw);
    } catch (DecodeException | ClassCastException e) {
      throw new ContentProblem(endpoint.label() + "'s response body is not JSON: " + snippet(raw));
    }
    if (envelope == null) {
      throw new ContentProblem(endpoint.label() + " answered 200 with an empty body");
    }
    JsonArray choices = envelope.getJsonArray("choices");
    JsonObject choice = choices == null || choices.isEmpty() ? null : choices.getJsonObject(0);
    if (choice == null) {
      throw new ContentProblem(endpoint.label() + "'s response has no choices: " + snippet(raw));
    }
    if ("length".equals(choice.getString("finish_reason"))) {
      throw new MaestroException(FailureCode.CONTENT_ERROR,
          endpoint.label() + " stopped at the token limit (finish_reason: length); the JSON answer is incomplete");
    }
    JsonObject message = choice.getJsonObject("message", new JsonObject());
    String text = message.getString("content");
    if (text == null || text.isBlank()) {
      throw new ContentProblem(endpoint.label() + " returned blank content (finish_reason: " + choice.getString("finish_reason") + ")");
    }
    String json = unfence(text.strip());
    try {
      return new JsonObject(json);
    } catch (DecodeException | ClassCastException e) {
      throw new ContentProblem(endpoint.label() + "'s content is not a JSON object: " + snippet(json));
    }
  }

  /** JSON mode still sometimes wraps the object in a ```json fence. */
  static String unfence(String text) {
    if (!text.startsWith("```")) {
      return text;
    }
    String inner = text.substring(3);
    int newline = inner.indexOf('\n');
    inner = newline >= 0 ? inner.substring(newline + 1) : inner;
    int end = inner.lastIndexOf("```");
    return (end >= 0 ? inner.substring(0, end) : inner).strip();
  }

  private static String errorDetail(String raw) {
    try {
      JsonObject error = new JsonObject(raw).getJsonObject("error");
      if (error != null && error.getString("message") != null) {
        String type = error.getString("type");
        return (type == null ? "" : " (" + type + ")") + ": " + error.getString("message");
      }
    } catch (RuntimeException ignored) {
      // not the documented error shape; show what came back instead
    }
    return raw.isEmpty() ? " with an empty body" : ": " + snippet(raw);
  }

  private static long retryAfterMs(String header) {
    if (header == null) {
      return -1;
    }
    try {
      return Math.min(MAX_WAIT_MS, Math.max(0, (long) (Double.parseDouble(header.trim()) * 1000)));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String snippet(String text) {
    String flat = text.replaceAll("\\s+", " ");
    return flat.length() > 200 ? flat.substring(0, 200) + "…" : flat;
  }

  @Override
  public Future<Void> close() {
    client.close();
    return Future.succeededFuture();
  }

  /** Blank or unparseable content: worth exactly one more try. */
  private static final class ContentProblem extends MaestroException {
    ContentProblem(String message) {
      super(FailureCode.CONTENT_ERROR, message);
    }
  }

  /** A 429: waited out up to {deepseek,openai}.maxRateLimitWaits times. */
  private static final class RateLimited extends MaestroException {
    private final long retryAfterMs;

    RateLimited(String message, long retryAfterMs) {
      super(FailureCode.API_RATE_LIMITED, message);
      this.retryAfterMs = retryAfterMs;
    }

    /** Retry-After when given, else 1 s, 2 s, 4 s… */
    long waitMs(int waitsDone) {
      return retryAfterMs >= 0 ? retryAfterMs : Math.min(MAX_WAIT_MS, 1000L << Math.min(waitsDone, 6));
    }
  }
}
