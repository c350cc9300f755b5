package io.maestro.storage;

import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * Supabase Storage: {@code POST /storage/v1/object/{bucket}/{key}} with {@code x-upsert: true}; the object is then
 * public at {@code /storage/v1/object/public/{bucket}/{key}}. Supabase reports almost every error as HTTP 400 with
 * the real status as a string in {@code statusCode}; {@link #classify} reads that, not the HTTP status.
 */
public final class SupabaseMediaStore implements MediaStore {
  private final WebClient client;
  private final String baseUrl;
  private final String serviceKey;
  private final String bucket;
  private final long timeoutMs;

  public SupabaseMediaStore(Vertx vertx, String baseUrl, String serviceKey, String bucket, long timeoutMs) {
    this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(10_000)
        .setUserAgent("maestro-media"));
    this.baseUrl = baseUrl.replaceAll("/+$", "");
    this.serviceKey = serviceKey;
    this.bucket = bucket;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public String name() {
    return "supabase";
  }

  @Override
  public Future<String> put(String key, Buffer data, String contentType) {
    if (!MediaKeys.valid(key)) {
      return Future.failedFuture(new MaestroException(FailureCode.STORAGE_ERROR,
          "refused to upload media under the unsafe key '" + key + "'"));
    }
    String path = bucket + "/" + key;
    return client.postAbs(baseUrl + "/storage/v1/object/" + path)
        .putHeader("Authorization", "Bearer " + serviceKey)
        .putHeader("apikey", serviceKey)
        .putHeader("x-upsert", "true")
        .putHeader("Content-Type", contentType)
        .putHeader("Cache-Control", "max-age=3600")
        .timeout(timeoutMs)
        .sendBuffer(data)
        .recover(e -> Future.failedFuture(new MaestroException(FailureCode.STORAGE_ERROR,
            "Supabase Storage at " + baseUrl + " could not be reached while uploading " + path + ": "
                + describe(e), e)))
        .compose(response -> response.statusCode() / 100 == 2
            ? Future.succeededFuture(baseUrl + "/storage/v1/object/public/" + path)
            : Future.failedFuture(classify(response, path)));
  }

  private static String describe(Throwable e) {
    return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** Maps an error response (the HTTP status, or the string statusCode inside a 400) to the taxonomy. */
  static MaestroException classify(HttpResponse<Buffer> response, String path) {
    return classify(response.statusCode(), response.bodyAsString(), path);
  }

  static MaestroException classify(int httpStatus, String body, String path) {
    JsonObject json = null;
    try {
      json = body == null || body.isBlank() ? null : new JsonObject(body);
    } catch (RuntimeException malformed) {
      // a proxy's HTML page or a truncated body: classified by the HTTP status alone below
    }
    int status = httpStatus;
    String error = "";
    String message = "";
    if (json != null) {
      Object code = json.getValue("statusCode");
      if (code != null) {
        try {
          status = Integer.parseInt(code.toString().trim());
        } catch (NumberFormatException ignored) {
          // keep the HTTP status
        }
      }
      error = text(json.getValue("error"));
      message = text(json.getValue("message"));
    }
    String detail = (error + (message.isEmpty() || message.equals(error) ? "" : ": " + message)).strip();
    if (detail.isEmpty()) {
      detail = body == null || body.isBlank() ? "empty response body" : "unexpected response body: " + snippet(body);
    }
    String what = "Supabase Storage refused the upload of " + path + " (HTTP " + httpStatus
        + (status != httpStatus ? ", statusCode " + status : "") + "): " + detail;
    String lower = (error + " " + message).toLowerCase();
    if (status == 401 || status == 403 || lower.contains("invalid signature") || lower.contains("jwt")) {
      return new MaestroException(FailureCode.API_AUTH, what + " — check supabase.serviceKey (SUPABASE_SERVICE_KEY)");
    }
    if (status == 404 || lower.contains("bucket not found")) {
      return new MaestroException(FailureCode.CONFIG_ERROR, what + " — create the bucket or fix supabase.bucket "
          + "(SUPABASE_BUCKET)");
    }
    return new MaestroException(FailureCode.STORAGE_ERROR, what);
  }

  private static String text(Object value) {
    return value == null ? "" : value.toString().strip();
  }

  private static String snippet(String body) {
    String flat = body.replaceAll("\\s+", " ").strip();
    return flat.length() > 200 ? flat.substring(0, 200) + "…" : flat;
  }
}
