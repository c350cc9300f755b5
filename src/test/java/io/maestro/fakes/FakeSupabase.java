package io.maestro.fakes;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Supabase Storage on 127.0.0.1 as it really answers: uploads at POST /storage/v1/object/{bucket}/{path}, public
 * reads at /storage/v1/object/public/{bucket}/{path}, and errors as HTTP 400 with the real status as a string in
 * statusCode (403 bad key, 404 bucket not found, 409 duplicate without x-upsert, 413 too large, 500 internal),
 * plus a proxy's HTML 502 and a blank 400 when told to.
 */
public final class FakeSupabase implements AutoCloseable {
  public record StoredObject(String contentType, Buffer data, String upsert) {}

  public final Map<String, StoredObject> objects = new ConcurrentHashMap<>();
  public final AtomicInteger uploads = new AtomicInteger();
  /** null (normal), internal, html502, blank, rls. */
  public volatile String fault;
  public volatile long maxBytes = 50L * 1024 * 1024;
  private final Set<String> buckets;
  private final String serviceKey;
  private final HttpServer server;

  public FakeSupabase(Vertx vertx, String serviceKey, String... buckets) throws Exception {
    this.serviceKey = serviceKey;
    this.buckets = Set.of(buckets);
    this.server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  private void handle(HttpServerRequest request) {
    String path = request.path();
    String publicPrefix = "/storage/v1/object/public/";
    if (request.method().name().equals("GET") && path.startsWith(publicPrefix)) {
      StoredObject object = objects.get(path.substring(publicPrefix.length()));
      if (object == null) {
        error(request, "404", "not_found", "Object not found");
      } else {
        request.response().putHeader("Content-Type", object.contentType()).end(object.data());
      }
      return;
    }
    String uploadPrefix = "/storage/v1/object/";
    if (!request.method().name().equals("POST") || !path.startsWith(uploadPrefix)) {
      error(request, "404", "not_found", "Route not found");
      return;
    }
    request.body().onSuccess(body -> upload(request, path.substring(uploadPrefix.length()), body));
  }

  private void upload(HttpServerRequest request, String key, Buffer body) {
    uploads.incrementAndGet();
    if ("html502".equals(fault)) {
      request.response().setStatusCode(502).putHeader("Content-Type", "text/html")
          .end("<html><body><h1>502 Bad Gateway</h1></body></html>");
      return;
    }
    if ("blank".equals(fault)) {
      request.response().setStatusCode(400).end();
      return;
    }
    if (!("Bearer " + serviceKey).equals(request.getHeader("Authorization"))) {
      error(request, "403", "Unauthorized", "invalid signature");
      return;
    }
    if ("rls".equals(fault)) {
      error(request, "403", "Unauthorized", "new row violates row-level security policy");
      return;
    }
    String bucket = key.contains("/") ? key.substring(0, key.indexOf('/')) : key;
    if (!buckets.contains(bucket)) {
      error(request, "404", "Bucket not found", "Bucket not found");
      return;
    }
    if ("internal".equals(fault)) {
      error(request, "500", "internal", "Internal Server Error");
      return;
    }
    if (body.length() > maxBytes) {
      error(request, "413", "Payload too large", "The object exceeded the maximum allowed size");
      return;
    }
    String upsert = request.getHeader("x-upsert");
    if (objects.containsKey(key) && !"true".equals(upsert)) {
      error(request, "409", "Duplicate", "The resource already exists");
      return;
    }
    objects.put(key, new StoredObject(request.getHeader("Content-Type"), body, upsert));
    request.response().putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("Key", key).put("Id", java.util.UUID.randomUUID().toString()).encode());
  }

  private static void error(HttpServerRequest request, String statusCode, String error, String message) {
    request.response().setStatusCode(400).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("statusCode", statusCode).put("error", error).put("message", message).encode());
  }

  @Override
  public void close() {
    server.close();
  }
}
