package io.maestro.publish;

import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.maestro.variant.ContentType;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * YouTube Shorts: the brand's OAuth2 refresh token is exchanged for an access token, then the reel is uploaded with
 * a resumable {@code videos.insert} (session POST with the snippet → Location, then PUT of the bytes). Google's
 * error JSON maps to the taxonomy: 401 / invalid_grant → publish_auth; quotaExceeded → api_quota_exhausted until
 * midnight Pacific (when the YouTube quota resets); rateLimitExceeded/429 → api_rate_limited; 5xx → api_error.
 */
final class YouTubePlatform implements Platform {
  private final WebClient client;
  private final MediaSource media;
  private final String base;
  private final String tokenUrl;
  private final String clientId;
  private final String clientSecret;
  private final long timeoutMs;

  YouTubePlatform(WebClient client, MediaSource media, String base, String tokenUrl, String clientId,
      String clientSecret, long timeoutMs) {
    this.client = client;
    this.media = media;
    this.base = base.replaceAll("/+$", "");
    this.tokenUrl = tokenUrl;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public String name() {
    return YOUTUBE;
  }

  @Override
  public boolean supports(String contentType) {
    return ContentType.REEL.id().equals(contentType);
  }

  @Override
  public Future<PostRef> publish(PublishRequest request, BrandCredentials credentials) {
    String refresh = credentials.get(BrandCredentials.YOUTUBE_REFRESH_TOKEN);
    if (refresh == null) {
      return Future.failedFuture(new MaestroException(FailureCode.CONFIG_ERROR, "brand " + credentials.brand()
          + " has no youtube_refresh_token: set it (PUT /api/publishing/credentials/" + credentials.brand() + ")"));
    }
    return accessToken(refresh).compose(access -> media.bytes(request.mediaUrl())
        .compose(video -> startSession(access, request, video.length())
            .compose(location -> upload(location, access, video))));
  }

  private Future<String> accessToken(String refresh) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "refresh_token").add("refresh_token", refresh)
        .add("client_id", clientId).add("client_secret", clientSecret);
    return call(client.postAbs(tokenUrl).timeout(timeoutMs).sendForm(form), "token refresh", refresh)
        .compose(r -> {
          JsonObject body = json(r);
          if (r.statusCode() == 200 && body != null && body.getString("access_token") != null) {
            return Future.succeededFuture(body.getString("access_token"));
          }
          if (body != null && ("invalid_grant".equals(body.getString("error"))
              || "invalid_client".equals(body.getString("error")) || r.statusCode() == 401)) {
            return Future.failedFuture(new MaestroException(FailureCode.PUBLISH_AUTH, "youtube: the refresh token "
                + "was refused (" + body.getString("error") + ": " + body.getString("error_description", "") + ")"));
          }
          return Future.failedFuture(failure(r, "token refresh", refresh));
        });
  }

  private Future<String> startSession(String access, PublishRequest request, int length) {
    String title = request.title() == null || request.title().isBlank() ? "Short" : request.title();
    JsonObject metadata = new JsonObject()
        .put("snippet", new JsonObject().put("title", title.length() > 100 ? title.substring(0, 100) : title)
            .put("description", InstagramPlatform.caption(request) + "\n\n#Shorts").put("categoryId", "22"))
        .put("status", new JsonObject().put("privacyStatus", "public").put("selfDeclaredMadeForKids", false));
    return call(client.postAbs(base + "/upload/youtube/v3/videos").addQueryParam("uploadType", "resumable")
            .addQueryParam("part", "snippet,status").timeout(timeoutMs).bearerTokenAuthentication(access)
            .putHeader("X-Upload-Content-Type", "video/mp4").putHeader("X-Upload-Content-Length", String.valueOf(length))
            .sendJsonObject(metadata), "upload session", access)
        .compose(r -> r.statusCode() == 200 && r.getHeader("Location") != null
            ? Future.succeededFuture(r.getHeader("Location")) : Future.failedFuture(failure(r, "upload session", access)));
  }

  private Future<PostRef> upload(String location, String access, Buffer video) {
    return call(client.putAbs(location).timeout(timeoutMs).bearerTokenAuthentication(access)
            .putHeader("Content-Type", "video/mp4").sendBuffer(video), "upload", access)
        .compose(r -> {
          JsonObject body = json(r);
          if ((r.statusCode() == 200 || r.statusCode() == 201) && body != null && body.getString("id") != null) {
            String id = body.getString("id");
            return Future.succeededFuture(new PostRef(id, "https://www.youtube.com/shorts/" + id));
          }
          return Future.failedFuture(failure(r, "upload", access));
        });
  }

  private Future<HttpResponse<Buffer>> call(Future<HttpResponse<Buffer>> sent, String what, String secret) {
    return sent.recover(e -> Future.failedFuture(new MaestroException(FailureCode.API_ERROR, "youtube: no answer to "
        + what + " within " + timeoutMs + " ms (" + GraphApi.redact(String.valueOf(e.getMessage()), secret) + ")")));
  }

  /** Google's {"error":{"code","message","errors":[{"reason"}],"status"}} in the taxonomy. */
  static MaestroException failure(HttpResponse<Buffer> r, String what, String secret) {
    JsonObject body = json(r);
    JsonObject error = body == null ? null : body.getValue("error") instanceof JsonObject e ? e : null;
    String reason = "";
    if (error != null) {
      JsonArray errors = error.getJsonArray("errors", new JsonArray());
      reason = errors.isEmpty() ? error.getString("status", "") : errors.getJsonObject(0).getString("reason", "");
    }
    String text = GraphApi.redact("youtube " + what + " (HTTP " + r.statusCode() + (reason.isEmpty() ? "" : ", "
        + reason) + "): " + (error == null ? "no error body" : error.getString("message", "")), secret);
    int status = r.statusCode();
    if (status == 401) {
      return new MaestroException(FailureCode.PUBLISH_AUTH, text);
    }
    if (reason.equals("quotaExceeded") || reason.equals("dailyLimitExceeded") || reason.equals("uploadLimitExceeded")) {
      ZoneId pacific = ZoneId.of("America/Los_Angeles");
      Instant midnight = LocalDate.now(pacific).plusDays(1).atStartOfDay(pacific).toInstant();
      return MaestroException.rateLimited(FailureCode.API_QUOTA_EXHAUSTED, text, midnight);
    }
    if (status == 429 || reason.equals("rateLimitExceeded") || reason.equals("userRateLimitExceeded")) {
      String retryAfter = r.getHeader("Retry-After");
      Instant reset = retryAfter != null && retryAfter.matches("\\d{1,6}")
          ? Instant.now().plusSeconds(Long.parseLong(retryAfter)) : null;
      return MaestroException.rateLimited(FailureCode.API_RATE_LIMITED, text, reset);
    }
    if (status >= 500) {
      return new MaestroException(FailureCode.API_ERROR, text);
    }
    return new MaestroException(status == 403 ? FailureCode.PUBLISH_AUTH : FailureCode.PUBLISH_REJECTED, text);
  }

  private static JsonObject json(HttpResponse<Buffer> r) {
    try {
      return r.body() == null ? null : r.bodyAsJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
  }
}
