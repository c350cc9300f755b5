package io.maestro.publish;

import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

/**
 * Graph API calls for one platform. The token travels in the Authorization header, never in a URL, so no access
 * log or proxy on the way sees it; any echo of it in an error text is cut out before the text is stored.
 */
final class GraphApi {
  private final WebClient client;
  private final String base;
  private final long timeoutMs;
  private final String platform;

  GraphApi(WebClient client, String base, long timeoutMs, String platform) {
    this.client = client;
    this.base = base.replaceAll("/+$", "");
    this.timeoutMs = timeoutMs;
    this.platform = platform;
  }

  Future<JsonObject> get(String path, String token, String fields, String mediaUrl) {
    HttpRequest<Buffer> request = client.getAbs(base + path).timeout(timeoutMs).bearerTokenAuthentication(token);
    if (fields != null) {
      request.addQueryParam("fields", fields);
    }
    return handle(request.send(), token, mediaUrl, path);
  }

  Future<JsonObject> post(String path, String token, MultiMap form, String mediaUrl) {
    return handle(client.postAbs(base + path).timeout(timeoutMs).bearerTokenAuthentication(token).sendForm(form),
        token, mediaUrl, path);
  }

  /** An absolute URL the platform handed out (e.g. Facebook's rupload URL), with Meta's "OAuth" header scheme. */
  Future<JsonObject> postAbsolute(String url, String token, MultiMap headers, String mediaUrl) {
    HttpRequest<Buffer> request = client.postAbs(url).timeout(timeoutMs).putHeader("Authorization", "OAuth " + token);
    request.putHeaders(headers);
    return handle(request.sendBuffer(io.vertx.core.buffer.Buffer.buffer()), token, mediaUrl, "upload");
  }

  private Future<JsonObject> handle(Future<HttpResponse<Buffer>> sent, String token, String mediaUrl, String what) {
    return sent.recover(e -> Future.failedFuture(new MaestroException(FailureCode.API_ERROR, platform + ": no answer"
            + " from the Graph API for " + redact(what, token) + " within " + timeoutMs + " ms ("
            + redact(String.valueOf(e.getMessage()), token) + ")")))
        .compose(response -> {
          JsonObject body = json(response);
          if (response.statusCode() / 100 == 2 && body != null && !body.containsKey("error")) {
            return Future.succeededFuture(body);
          }
          MaestroException failure = GraphErrors.classify(platform, response.statusCode(), body, response.headers(),
              mediaUrl);
          return Future.failedFuture(failure.getMessage().contains(token) ? copy(failure, token) : failure);
        });
  }

  private static JsonObject json(HttpResponse<Buffer> response) {
    try {
      return response.body() == null ? null : response.bodyAsJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static MaestroException copy(MaestroException failure, String token) {
    String text = redact(failure.getMessage(), token);
    return failure.resetAt() != null || failure.code().waitsForReset()
        ? MaestroException.rateLimited(failure.code(), text, failure.resetAt())
        : new MaestroException(failure.code(), text);
  }

  static String redact(String text, String token) {
    return token == null || token.isEmpty() || text == null ? text : text.replace(token, "[token]");
  }
}
