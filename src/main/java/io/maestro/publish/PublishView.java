package io.maestro.publish;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * The JSON an item is shown as (REST list and live updates): the item's state and, per platform, that platform's
 * state. A platform without a result yet is "pending". Never carries user ids, leases or credentials.
 */
public final class PublishView {
  private PublishView() {}

  public static JsonObject item(JsonObject row) {
    JsonObject results = row.getJsonObject("results", new JsonObject());
    JsonArray platforms = row.getJsonArray("platforms", new JsonArray());
    JsonObject perPlatform = new JsonObject();
    for (Object p : platforms) {
      perPlatform.put((String) p, platform(results.getJsonObject((String) p)));
    }
    for (String p : results.fieldNames()) {
      if (!perPlatform.containsKey(p)) {
        perPlatform.put(p, platform(results.getJsonObject(p)));
      }
    }
    String status = row.getString("status");
    boolean dryRun = row.getBoolean("dry_run", false);
    return new JsonObject()
        .put("id", row.getLong("id"))
        .put("brand", row.getString("brand"))
        .put("content_type", row.getString("content_type"))
        .put("variant", row.getString("variant"))
        .put("job_id", row.getString("job_id"))
        .put("title", row.getString("title"))
        .put("media_url", row.getString("media_url"))
        .put("slot_at", time(row.getValue("slot_at")))
        .put("due_at", time(row.getValue("release_at") != null ? row.getValue("release_at") : row.getValue("slot_at")))
        .put("status", status)
        .put("dry_run", dryRun)
        .put("status_label", label(status, dryRun))
        .put("published_at", time(row.getValue("published_at")))
        .put("publish_attempts", row.getInteger("publish_attempts", 0))
        .put("retry_count", row.getInteger("retry_count", 0))
        .put("error", error(row))
        .put("platforms", perPlatform)
        .put("updated_at", time(row.getValue("updated_at")));
  }

  static JsonObject platform(JsonObject result) {
    if (result == null) {
      return new JsonObject().put("status", "pending").put("dry_run", false).put("post_id", null)
          .put("permalink", null).put("error", null).put("attempts", 0).put("updated_at", null);
    }
    return new JsonObject()
        .put("status", result.getString("status"))
        .put("dry_run", result.getBoolean("dry_run", false))
        .put("post_id", result.getString("post_id"))
        .put("permalink", result.getString("permalink"))
        .put("published_at", time(result.getValue("published_at")))
        .put("error", error(result))
        .put("reset_at", time(result.getValue("reset_at")))
        .put("attempts", result.getInteger("attempts", 0))
        .put("updated_at", time(result.getValue("updated_at")));
  }

  /** What a person reads: "published (dry run)", "partially published", "publishing"… */
  static String label(String status, boolean dryRun) {
    String text = status.replace('_', ' ');
    return dryRun && "published".equals(status) ? text + " (dry run)" : text;
  }

  private static JsonObject error(JsonObject row) {
    if (row.getValue("error_code") == null) {
      return null;
    }
    return new JsonObject().put("code", row.getInteger("error_code")).put("category", row.getString("error_category"))
        .put("message", row.getString("error_message"));
  }

  private static String time(Object value) {
    Instant instant = OutcomePolicy.instant(value);
    return instant == null ? null : instant.toString();
  }
}
