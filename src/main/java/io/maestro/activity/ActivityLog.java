package io.maestro.activity;

import io.maestro.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * The persisted activity log (what the old system kept only in memory): every entry is stored, then published live
 * on the user's activity address. All SQL about activity lives here.
 */
public final class ActivityLog {
  public enum Level { DEBUG, INFO, WARNING, ERROR }

  private final Vertx vertx;
  private final Pool pool;

  public ActivityLog(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  /** Stores one entry and publishes it; the future fails only if the database refused it. */
  public Future<JsonObject> record(String userId, String agent, String action, String detail, String emoji,
      Level level) {
    return pool.preparedQuery("""
            INSERT INTO activity_log (user_id, agent, action, detail, emoji, level) VALUES ($1, $2, $3, $4, $5, $6)
            RETURNING id, time, agent, action, detail, emoji, level""")
        .execute(Tuple.of(userId, agent, action, detail == null ? "" : detail, emoji == null ? "" : emoji,
            level.name().toLowerCase()))
        .map(rows -> {
          JsonObject entry = toJson(rows.iterator().next());
          vertx.eventBus().publish(Addresses.activityUpdates(userId), entry);
          return entry;
        });
  }

  /** Newest first. */
  public Future<JsonArray> recent(String userId, int limit) {
    return pool.preparedQuery("""
            SELECT id, time, agent, action, detail, emoji, level FROM activity_log
             WHERE user_id = $1 ORDER BY time DESC, id DESC LIMIT $2""")
        .execute(Tuple.of(userId, limit))
        .map(rows -> {
          JsonArray entries = new JsonArray();
          rows.forEach(row -> entries.add(toJson(row)));
          return entries;
        });
  }

  private static JsonObject toJson(Row row) {
    return new JsonObject()
        .put("id", row.getLong("id"))
        .put("time", row.getOffsetDateTime("time").toInstant().toString())
        .put("agent", row.getString("agent"))
        .put("action", row.getString("action"))
        .put("detail", row.getString("detail"))
        .put("emoji", row.getString("emoji"))
        .put("level", row.getString("level"));
  }
}
