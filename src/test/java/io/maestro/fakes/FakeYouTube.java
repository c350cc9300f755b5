package io.maestro.fakes;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Google's OAuth2 token endpoint and the YouTube Data API's resumable videos.insert on 127.0.0.1: POST /token
 * (refresh_token grant → access token; unknown refresh token → 400 invalid_grant), POST
 * /upload/youtube/v3/videos?uploadType=resumable (Bearer access token; 200 + Location), PUT of the bytes → the
 * video resource. Faults for the session request in {@link #sessionScript}: "401", "quota", "rate", "500", "hang".
 */
public final class FakeYouTube implements AutoCloseable {
  public final Set<String> refreshTokens = ConcurrentHashMap.newKeySet();
  public final Set<String> issued = ConcurrentHashMap.newKeySet();
  public final Deque<String> sessionScript = new ConcurrentLinkedDeque<>();
  /** {title, description, bytes, id} of every video uploaded. */
  public final List<JsonObject> uploaded = new CopyOnWriteArrayList<>();
  public final AtomicInteger tokenRequests = new AtomicInteger();
  private final Map<String, JsonObject> sessions = new ConcurrentHashMap<>();
  private final List<HttpServerRequest> hanging = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  public FakeYouTube(Vertx vertx, String... refresh) throws Exception {
    refreshTokens.addAll(List.of(refresh));
    server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  public String tokenUrl() {
    return baseUrl() + "/token";
  }

  private void handle(HttpServerRequest request) {
    if (request.path().equals("/token")) {
      request.setExpectMultipart(true);
      request.end().onSuccess(v -> token(request));
    } else if (request.path().equals("/upload/youtube/v3/videos")) {
      String auth = request.getHeader("Authorization");
      if (auth == null || !issued.contains(auth.replaceFirst("^Bearer ", ""))) {
        request.body().onSuccess(b -> googleError(request, 401, "authError", "UNAUTHENTICATED",
            "Request had invalid authentication credentials. Expected OAuth 2 access token."));
      } else if (request.method().name().equals("POST")) {
        request.body().onSuccess(body -> session(request, body.toJsonObject()));
      } else {
        request.body().onSuccess(body -> upload(request, body.length()));
      }
    } else {
      request.response().setStatusCode(404).end();
    }
  }

  private void token(HttpServerRequest request) {
    tokenRequests.incrementAndGet();
    var form = request.formAttributes();
    if (!"refresh_token".equals(form.get("grant_type")) || !refreshTokens.contains(form.get("refresh_token"))) {
      json(request, 400, new JsonObject().put("error", "invalid_grant")
          .put("error_description", "Token has been expired or revoked."));
      return;
    }
    String access = "ya29." + UUID.randomUUID().toString().replace("-", "");
    issued.add(access);
    json(request, 200, new JsonObject().put("access_token", access).put("expires_in", 3599)
        .put("scope", "https://www.googleapis.com/auth/youtube.upload").put("token_type", "Bearer"));
  }

  private void session(HttpServerRequest request, JsonObject metadata) {
    String step = sessionScript.poll();
    switch (step == null ? "ok" : step) {
      case "401" -> googleError(request, 401, "authError", "UNAUTHENTICATED", "Request had invalid authentication credentials.");
      case "quota" -> googleError(request, 403, "quotaExceeded", "PERMISSION_DENIED", "The request cannot be "
          + "completed because you have exceeded your <a href=\"/youtube/v3/getting-started#quota\">quota</a>.");
      case "rate" -> googleError(request, 429, "rateLimitExceeded", "RESOURCE_EXHAUSTED", "Rate limit exceeded.");
      case "500" -> googleError(request, 500, "backendError", "INTERNAL", "Backend Error");
      case "hang" -> hanging.add(request);
      default -> {
        String id = UUID.randomUUID().toString().substring(0, 8);
        sessions.put(id, metadata.getJsonObject("snippet", new JsonObject()));
        request.response().putHeader("Location", baseUrl() + "/upload/youtube/v3/videos?uploadType=resumable&upload_id="
            + id).setStatusCode(200).end();
      }
    }
  }

  private void upload(HttpServerRequest request, int bytes) {
    JsonObject snippet = sessions.remove(String.valueOf(request.getParam("upload_id")));
    if (snippet == null) {
      googleError(request, 404, "notFound", "NOT_FOUND", "upload session not found");
      return;
    }
    String id = "yt" + UUID.randomUUID().toString().substring(0, 9);
    uploaded.add(new JsonObject().put("id", id).put("title", snippet.getString("title"))
        .put("description", snippet.getString("description")).put("bytes", bytes));
    json(request, 200, new JsonObject().put("kind", "youtube#video").put("id", id).put("snippet", snippet)
        .put("status", new JsonObject().put("uploadStatus", "uploaded")));
  }

  private static void googleError(HttpServerRequest request, int code, String reason, String status, String message) {
    json(request, code, new JsonObject().put("error", new JsonObject().put("code", code).put("message", message)
        .put("errors", new JsonArray().add(new JsonObject().put("message", message).put("domain", "youtube.quota")
            .put("reason", reason))).put("status", status)));
  }

  private static void json(HttpServerRequest request, int status, JsonObject body) {
    request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  @Override
  public void close() {
    hanging.forEach(r -> r.connection().close());
    server.close();
  }
}
