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

  /** One entry for {@link #recordAll}. */
  public record Entry(String userId, String agent, String action, String detail, String emoji, Level level) {}

  /**
   * Stores many entries in one statement (an actor that acts on hundreds of jobs at once, like the healer, would
   * otherwise pay one round trip each), then publishes each on its user's address.
   */
  public Future<JsonArray> recordAll(java.util.List<Entry> entries) {
    if (entries.isEmpty()) {
      return Future.succeededFuture(new JsonArray());
    }
    int n = entries.size();
    String[] users = new String[n];
    String[] agents = new String[n];
    String[] actions = new String[n];
    String[] details = new String[n];
    String[] emojis = new String[n];
    String[] levels = new String[n];
    for (int i = 0; i < n; i++) {
      Entry e = entries.get(i);
      users[i] = e.userId();
      agents[i] = e.agent();
      actions[i] = e.action();
      details[i] = e.detail() == null ? "" : e.detail();
      emojis[i] = e.emoji() == null ? "" : e.emoji();
      levels[i] = e.level().name().toLowerCase();
    }
    return pool.preparedQuery("""
            INSERT INTO activity_log (user_id, agent, action, detail, emoji, level)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
            RETURNING id, user_id, time, agent, action, detail, emoji, level""")
        .execute(Tuple.of(users, agents, actions, details, emojis, levels))
        .map(rows -> {
          JsonArray stored = new JsonArray();
          rows.forEach(row -> {
            JsonObject entry = toJson(row);
            vertx.eventBus().publish(Addresses.activityUpdates(row.getString("user_id")), entry);
            stored.add(entry);
          });
          return stored;
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
