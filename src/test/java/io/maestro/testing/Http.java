package io.maestro.testing;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.concurrent.TimeUnit;

/** Blocking HTTP calls for tests (real HTTP over loopback). */
public final class Http {
  private Http() {}

  public static HttpResponse<Buffer> call(WebClient client, HttpMethod method, String path, String token, String body)
      throws Exception {
    HttpRequest<Buffer> request = client.request(method, path);
    if (token != null && token.isEmpty()) {
      request.putHeader("Authorization", "Bearer "); // what a client with a lost token sends; WebClient refuses ""
    } else if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    if (body == null) {
      return request.send().await(30, TimeUnit.SECONDS);
    }
    request.putHeader("Content-Type", "application/json");
    return request.sendBuffer(Buffer.buffer(body)).await(30, TimeUnit.SECONDS);
  }

  public static HttpResponse<Buffer> get(WebClient client, String path) throws Exception {
    return call(client, HttpMethod.GET, path, null, null);
  }

  public static HttpResponse<Buffer> post(WebClient client, String path, JsonObject body) throws Exception {
    return call(client, HttpMethod.POST, path, null, body == null ? null : body.encode());
  }

  public static JsonObject json(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject();
  }
}
