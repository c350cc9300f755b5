package io.maestro.publish;

import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Set;

/**
 * The Graph API error envelope {@code {"error":{"message","type","code","error_subcode","fbtrace_id"}}} mapped into
 * the taxonomy: expired or invalid token → publish_auth (not retried; the brand must reconnect); throttling (codes
 * 4, 17, 32, 613, 80001–80014) → api_rate_limited, reset from X-Business-Use-Case-Usage when Meta says; the
 * Instagram publishing limit → api_quota_exhausted; Meta failing to fetch the media by URL → publish_media_fetch
 * naming the URL; 5xx and transient errors → api_error (retried with backoff); anything else → publish_rejected.
 */
public final class GraphErrors {
  private static final Set<Integer> AUTH = Set.of(190, 102, 10, 200);
  private static final Set<Integer> THROTTLED = Set.of(4, 17, 32, 613);
  /** Subcodes and codes Meta uses when it could not download the media it was given by URL. */
  private static final Set<Integer> MEDIA_FETCH = Set.of(2207052, 2207003, 2207020, 2207004, 1363040, 1363041);
  private static final Set<Integer> MEDIA_FETCH_CODES = Set.of(324, 389, 9004);
  private static final int IG_PUBLISH_LIMIT_SUBCODE = 2207042;

  private GraphErrors() {}

  public static MaestroException classify(String platform, int status, JsonObject body, MultiMap headers,
      String mediaUrl) {
    JsonObject error = body == null ? null : body.getJsonObject("error");
    if (error == null) {
      FailureCode code = status >= 500 || status == 429 ? FailureCode.API_ERROR : FailureCode.PUBLISH_REJECTED;
      return new MaestroException(code, platform + ": Graph API answered HTTP " + status + " without an error body");
    }
    int code = error.getInteger("code", 0);
    int subcode = error.getInteger("error_subcode", 0);
    String text = platform + " (Graph API HTTP " + status + ", code " + code + (subcode == 0 ? "" : "/" + subcode)
        + (error.getString("fbtrace_id") == null ? "" : ", fbtrace_id " + error.getString("fbtrace_id")) + "): "
        + error.getString("message", "no message");
    if (AUTH.contains(code) || status == 401) {
      return new MaestroException(FailureCode.PUBLISH_AUTH, text);
    }
    if (THROTTLED.contains(code) || code >= 80001 && code <= 80014) {
      return MaestroException.rateLimited(FailureCode.API_RATE_LIMITED, text, resetAt(headers));
    }
    if (subcode == IG_PUBLISH_LIMIT_SUBCODE) {
      return MaestroException.rateLimited(FailureCode.API_QUOTA_EXHAUSTED, text, Instant.now().plusSeconds(3600));
    }
    if (MEDIA_FETCH.contains(subcode) || MEDIA_FETCH_CODES.contains(code)) {
      return mediaFetch(platform, mediaUrl, text);
    }
    if (status >= 500 || code == 1 || code == 2 || error.getBoolean("is_transient", false)) {
      return new MaestroException(FailureCode.API_ERROR, text);
    }
    return new MaestroException(FailureCode.PUBLISH_REJECTED, text);
  }

  static MaestroException mediaFetch(String platform, String mediaUrl, String detail) {
    return new MaestroException(FailureCode.PUBLISH_MEDIA_FETCH, platform + " could not fetch the media at "
        + mediaUrl + " — it must be publicly reachable: " + detail);
  }

  /**
   * X-Business-Use-Case-Usage: {"<id>":[{"type":…,"estimated_time_to_regain_access":<minutes>}]} — the latest
   * regain time of any entry; null when Meta did not say (the policy then waits one backoff step).
   */
  static Instant resetAt(MultiMap headers) {
    String usage = headers == null ? null : headers.get("X-Business-Use-Case-Usage");
    if (usage == null) {
      return null;
    }
    try {
      JsonObject json = new JsonObject(usage);
      int minutes = 0;
      for (String id : json.fieldNames()) {
        for (Object entry : json.getJsonArray(id, new JsonArray())) {
          if (entry instanceof JsonObject e) {
            minutes = Math.max(minutes, e.getInteger("estimated_time_to_regain_access", 0));
          }
        }
      }
      return minutes <= 0 ? null : Instant.now().plusSeconds(60L * minutes);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
