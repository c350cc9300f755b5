package io.maestro.media;

import io.maestro.failure.FailureCode;
import io.maestro.metrics.Metrics;
import io.maestro.failure.MaestroException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.TimeoutException;

/**
 * deAPI txt2img: submit, poll request-status until done or error within a bounded deadline, download result_url.
 * Blocking by design — it runs on a job worker thread and waits on Vert.x futures there, never on an event loop.
 *
 * <p>What each answer becomes: 429 with {@code X-RateLimit-Type: minute} is waited out (Retry-After) and tried
 * again, bounded, without failing the job; 429 daily or {@code X-RateLimit-Daily-Remaining: 0} is
 * api_quota_exhausted with the reset time; 422 with {@code errors.balance} is api_quota_exhausted; 401/403 is
 * api_auth; a request that ends in status error is image_generation_error with deAPI's message, and so is the poll
 * deadline; an unreachable server or an unexpected answer is api_error.
 */
public final class DeApiClient {
  private static final String SERVICE = "deapi";
  private static final int MAX_RATE_LIMIT_WAITS = 5;
  private static final long DEFAULT_RETRY_AFTER_MS = 60_000;

  private final WebClient client;
  private final String baseUrl;
  private final String apiKey;
  private final String model;
  private final long pollIntervalMs;
  private final long deadlineMs;
  private final DeApiBudget budget;
  private final Blocking blocking;
  private final Vertx vertx;

  public DeApiClient(Vertx vertx, String baseUrl, String apiKey, String model, long pollIntervalMs, long deadlineMs,
      DeApiBudget budget) {
    this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(10_000)
        .setUserAgent("maestro-media").setFollowRedirects(true));
    this.baseUrl = baseUrl.replaceAll("/+$", "");
    this.apiKey = apiKey;
    this.model = model;
    this.pollIntervalMs = pollIntervalMs;
    this.deadlineMs = deadlineMs;
    this.budget = budget;
    this.blocking = new Blocking(vertx);
    this.vertx = vertx;
  }

  /** Generates one image and returns its bytes (as downloaded from result_url). */
  public byte[] generate(String prompt, int width, int height, long remainingMillis) throws InterruptedException {
    long end = System.currentTimeMillis() + Math.min(remainingMillis, deadlineMs);
    String requestId = submit(prompt, width, height, remainingMillis);
    String resultUrl = poll(requestId, end);
    return download(requestId, resultUrl, Math.max(1_000, remainingMillis));
  }

  private String submit(String prompt, int width, int height, long remainingMillis) throws InterruptedException {
    long giveUpAt = System.currentTimeMillis() + remainingMillis;
    JsonObject body = new JsonObject().put("prompt", prompt).put("model", model).put("width", width)
        .put("height", height).put("steps", 4).put("seed", Math.abs(prompt.hashCode()))
        .put("negative_prompt", "text, letters, watermark, logo");
    for (int waits = 0; ; waits++) {
      budget.acquire(Math.max(0, giveUpAt - System.currentTimeMillis()));
      HttpResponse<Buffer> response = call("submitting a txt2img request", () -> client
          .postAbs(baseUrl + "/api/v1/client/txt2img").putHeader("Authorization", "Bearer " + apiKey)
          .putHeader("Accept", "application/json").timeout(timeout(giveUpAt)).sendJsonObject(body), giveUpAt);
      if (response.statusCode() == 429) {
        long wait = rateLimited(response, "txt2img submit");
        if (waits >= MAX_RATE_LIMIT_WAITS || System.currentTimeMillis() + wait > giveUpAt) {
          Instant reset = Instant.now().plusMillis(wait);
          throw MaestroException.rateLimited(FailureCode.API_RATE_LIMITED, "deAPI kept answering 429 (per-minute "
              + "limit) after " + (waits + 1) + " tries; next try allowed at " + reset, reset);
        }
        Thread.sleep(wait);
        continue;
      }
      if ("0".equals(response.getHeader("X-RateLimit-Daily-Remaining"))) {
        // this one got through; the next would not, until deAPI's reset
        budget.blockUntil(dailyReset(response), "X-RateLimit-Daily-Remaining: 0 on a txt2img submit");
      }
      JsonObject json = expectOk(response, "txt2img submit");
      String id = json.getJsonObject("data", new JsonObject()).getString("request_id");
      if (id == null || id.isBlank()) {
        throw new MaestroException(FailureCode.API_ERROR, "deAPI accepted the txt2img request but returned no "
            + "data.request_id: " + snippet(response.bodyAsString()));
      }
      return id;
    }
  }

  private String poll(String requestId, long end) throws InterruptedException {
    String lastStatus = "not polled yet";
    Object lastProgress = null;
    while (true) {
      if (System.currentTimeMillis() >= end) {
        throw new MaestroException(FailureCode.IMAGE_GENERATION_ERROR, "deAPI request " + requestId
            + " timed out: no result within " + deadlineMs + " ms (last status: " + lastStatus
            + (lastProgress == null ? "" : ", progress " + lastProgress) + ")");
      }
      HttpResponse<Buffer> response = call("polling request " + requestId, () -> client
          .getAbs(baseUrl + "/api/v1/client/request-status/" + requestId)
          .putHeader("Authorization", "Bearer " + apiKey).putHeader("Accept", "application/json")
          .timeout(timeout(end)).send(), end);
      if (response.statusCode() == 429) {
        long wait = rateLimited(response, "request-status poll");
        Thread.sleep(Math.max(0, Math.min(wait, end - System.currentTimeMillis())));
        continue;
      }
      JsonObject data = expectOk(response, "request-status of " + requestId).getJsonObject("data", new JsonObject());
      String status = data.getString("status", "");
      lastStatus = status.isBlank() ? "(none)" : status;
      lastProgress = data.getValue("progress");
      switch (status) {
        case "done" -> {
          String url = data.getString("result_url");
          if (url == null || url.isBlank()) {
            throw new MaestroException(FailureCode.IMAGE_GENERATION_ERROR, "deAPI request " + requestId
                + " is done but has no result_url");
          }
          return url;
        }
        case "error", "failed" -> {
          String reason = firstNonBlank(data.getString("error"), data.getString("message"),
              data.getString("error_message"));
          throw new MaestroException(FailureCode.IMAGE_GENERATION_ERROR, "deAPI request " + requestId
              + " ended in status " + status + ": " + (reason == null ? "deAPI gave no reason" : reason));
        }
        default -> Thread.sleep(Math.max(0, Math.min(pollIntervalMs, end - System.currentTimeMillis())));
      }
    }
  }

  private byte[] download(String requestId, String url, long timeoutMs) {
    long end = System.currentTimeMillis() + timeoutMs;
    HttpResponse<Buffer> response = call("downloading the result of " + requestId,
        () -> client.getAbs(url).timeout(timeoutMs).send(), end);
    if (response.statusCode() / 100 != 2) {
      throw new MaestroException(FailureCode.API_ERROR, "downloading the deAPI result of " + requestId + " from "
          + url + " failed with HTTP " + response.statusCode());
    }
    Buffer body = response.body();
    if (body == null || body.length() == 0) {
      throw new MaestroException(FailureCode.IMAGE_GENERATION_ERROR, "the deAPI result of " + requestId
          + " at " + url + " is empty");
    }
    return body.getBytes();
  }

  /** Waits for the response; a transport failure or no answer in time is api_error naming the step. */
  private HttpResponse<Buffer> call(String what, java.util.function.Supplier<Future<HttpResponse<Buffer>>> request,
      long end) {
    HttpResponse<Buffer> response;
    try {
      response = blocking.await(request, Math.max(1, end - System.currentTimeMillis()) + 1_000);
    } catch (TimeoutException e) {
      Metrics.apiCall(vertx, SERVICE, "transport_error");
      throw new MaestroException(FailureCode.API_ERROR, "deAPI did not answer in time while " + what, e);
    } catch (MaestroException e) {
      Metrics.apiCall(vertx, SERVICE, "transport_error");
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the job deadline: the runner reports job_timeout
      throw new MaestroException(io.maestro.failure.FailureCode.JOB_TIMEOUT, "interrupted by the job deadline while "
          + what, e);
    } catch (Exception e) { // the transport's own exception (connection refused, reset, …)
      Metrics.apiCall(vertx, SERVICE, "transport_error");
      throw new MaestroException(FailureCode.API_ERROR, "deAPI at " + baseUrl + " could not be reached while "
          + what + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    }
    Metrics.apiCall(vertx, SERVICE, Metrics.outcome(response.statusCode()));
    return response;
  }

  /** A 429: daily limits fail as quota exhausted; a minute limit returns how long to wait. */
  private long rateLimited(HttpResponse<Buffer> response, String what) {
    String type = String.valueOf(response.getHeader("X-RateLimit-Type")).toLowerCase();
    long retryAfterMs = retryAfterMs(response.getHeader("Retry-After"));
    if (type.contains("day") || type.contains("daily") || "0".equals(response.getHeader("X-RateLimit-Daily-Remaining"))) {
      Instant reset = dailyReset(response);
      budget.blockUntil(reset, "HTTP 429 daily during " + what);
      throw MaestroException.rateLimited(FailureCode.API_QUOTA_EXHAUSTED, "deAPI daily request limit reached during "
          + what + " (HTTP 429, X-RateLimit-Type: " + response.getHeader("X-RateLimit-Type")
          + ", X-RateLimit-Daily-Remaining: " + response.getHeader("X-RateLimit-Daily-Remaining") + "); resets at "
          + reset, reset);
    }
    return retryAfterMs > 0 ? retryAfterMs : DEFAULT_RETRY_AFTER_MS;
  }

  /** deAPI's word on when the day's limit resets: Retry-After when it gave one, else the next UTC midnight. */
  private static Instant dailyReset(HttpResponse<Buffer> response) {
    long retryAfterMs = retryAfterMs(response.getHeader("Retry-After"));
    return retryAfterMs > 0 ? Instant.now().plusMillis(retryAfterMs).truncatedTo(java.time.temporal.ChronoUnit.MILLIS)
        : LocalDate.now(ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  private static long retryAfterMs(String header) {
    if (header == null || header.isBlank()) {
      return -1;
    }
    try {
      return (long) (Double.parseDouble(header.trim()) * 1000);
    } catch (NumberFormatException e) {
      try {
        return Math.max(0, java.time.ZonedDateTime.parse(header.trim(),
            java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli() - System.currentTimeMillis());
      } catch (RuntimeException unparseable) {
        return -1;
      }
    }
  }

  /** A 2xx with a JSON object body, or the failure its status means. */
  private JsonObject expectOk(HttpResponse<Buffer> response, String what) {
    int status = response.statusCode();
    String raw = response.bodyAsString();
    JsonObject json = null;
    try {
      json = raw == null || raw.isBlank() ? null : new JsonObject(raw);
    } catch (RuntimeException malformed) {
      // reported below with the raw body
    }
    if (status / 100 == 2) {
      if (json == null) {
        throw new MaestroException(FailureCode.API_ERROR, "deAPI " + what + " answered HTTP " + status + " with "
            + (raw == null || raw.isBlank() ? "an empty body" : "a body that is not a JSON object: " + snippet(raw)));
      }
      return json;
    }
    String message = json == null ? snippet(raw) : firstNonBlank(json.getString("message"), json.getString("error"),
        snippet(raw));
    if (status == 401 || status == 403) {
      throw new MaestroException(FailureCode.API_AUTH, "deAPI rejected the API key during " + what + " (HTTP "
          + status + "): " + message + " — check deapi.apiKey (DEAPI_API_KEY)");
    }
    if (status == 422 && json != null && json.getValue("errors") instanceof JsonObject errors
        && errors.containsKey("balance")) {
      throw MaestroException.rateLimited(FailureCode.API_QUOTA_EXHAUSTED, "deAPI account has no credit left ("
          + "HTTP 422 during " + what + "): " + firstNonBlank(String.valueOf(errors.getValue("balance")), message)
          + " — top up the deAPI balance", null);
    }
    if (status == 422) {
      throw new MaestroException(FailureCode.CONTENT_ERROR, "deAPI refused the request during " + what
          + " (HTTP 422): " + message);
    }
    throw new MaestroException(FailureCode.API_ERROR, "deAPI " + what + " failed with HTTP " + status + ": "
        + message);
  }

  private long timeout(long end) {
    return Math.max(1_000, end - System.currentTimeMillis());
  }

  private static String firstNonBlank(String... values) {
    for (String value : values) {
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return null;
  }

  private static String snippet(String body) {
    if (body == null || body.isBlank()) {
      return "(empty body)";
    }
    String flat = body.replaceAll("\\s+", " ").strip();
    return flat.length() > 200 ? flat.substring(0, 200) + "…" : flat;
  }
}
