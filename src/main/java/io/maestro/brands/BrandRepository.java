package io.maestro.brands;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** All SQL about brands. */
public final class BrandRepository {
  private final Pool pool;

  public BrandRepository(Pool pool) {
    this.pool = pool;
  }

  /** Ids of the user's active brands. */
  public Future<Set<String>> activeIds(String userId) {
    return pool.preparedQuery("SELECT brand_id FROM brands WHERE user_id = $1 AND active ORDER BY brand_id")
        .execute(Tuple.of(userId))
        .map(rows -> {
          Set<String> ids = new LinkedHashSet<>();
          rows.forEach(row -> ids.add(row.getString(0)));
          return ids;
        });
  }

  /** One brand of the user (colours, name, schedule offset), or empty. */
  public Future<java.util.Optional<JsonObject>> find(String userId, String brandId) {
    return pool.preparedQuery("""
            SELECT brand_id, display_name, schedule_offset, primary_color, accent_color
              FROM brands WHERE user_id = $1 AND brand_id = $2""")
        .execute(Tuple.of(userId, brandId))
        .map(rows -> rows.size() == 0 ? java.util.Optional.<JsonObject>empty() : java.util.Optional.of(new JsonObject()
            .put("brand_id", rows.iterator().next().getString("brand_id"))
            .put("display_name", rows.iterator().next().getString("display_name"))
            .put("schedule_offset", rows.iterator().next().getInteger("schedule_offset"))
            .put("primary_color", rows.iterator().next().getString("primary_color"))
            .put("accent_color", rows.iterator().next().getString("accent_color"))));
  }

  /**
   * The schedule offset of each (user, brand) pair, in order; 0 for a brand that does not exist (any more). One
   * statement for a whole batch of completed outputs.
   */
  public Future<List<Integer>> scheduleOffsets(List<String> userIds, List<String> brandIds) {
    return pool.preparedQuery("""
            SELECT coalesce(b.schedule_offset, 0) AS schedule_offset
              FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS q(user_id, brand_id, n)
              LEFT JOIN brands b ON b.user_id = q.user_id AND b.brand_id = q.brand_id
             ORDER BY q.n""")
        .execute(Tuple.from(new Object[] {userIds.toArray(String[]::new), brandIds.toArray(String[]::new)}))
        .map(rows -> {
          List<Integer> offsets = new ArrayList<>();
          rows.forEach(row -> offsets.add(row.getInteger(0)));
          return offsets;
        });
  }

  public Future<JsonArray> list(String userId) {
    return pool.preparedQuery("""
            SELECT brand_id, display_name, schedule_offset, primary_color, accent_color, topics, active, created_at
              FROM brands WHERE user_id = $1 ORDER BY brand_id""")
        .execute(Tuple.of(userId))
        .map(rows -> {
          JsonArray brands = new JsonArray();
          rows.forEach(row -> brands.add(new JsonObject()
              .put("brand_id", row.getString("brand_id"))
              .put("display_name", row.getString("display_name"))
              .put("schedule_offset", row.getInteger("schedule_offset"))
              .put("primary_color", row.getString("primary_color"))
              .put("accent_color", row.getString("accent_color"))
              .put("topics", row.getValue("topics"))
              .put("active", row.getBoolean("active"))
              .put("created_at", row.getOffsetDateTime("created_at").toInstant().toString())));
          return brands;
        });
  }

  /** One active brand with its topics ({brand_id, display_name, topics[], schedule_offset}), or empty. */
  public Future<java.util.Optional<JsonObject>> findActive(String userId, String brandId) {
    return pool.preparedQuery("""
            SELECT brand_id, display_name, schedule_offset, topics FROM brands
             WHERE user_id = $1 AND brand_id = $2 AND active""")
        .execute(Tuple.of(userId, brandId))
        .map(rows -> rows.size() == 0 ? java.util.Optional.<JsonObject>empty() : java.util.Optional.of(new JsonObject()
            .put("brand_id", rows.iterator().next().getString("brand_id"))
            .put("display_name", rows.iterator().next().getString("display_name"))
            .put("schedule_offset", rows.iterator().next().getInteger("schedule_offset"))
            .put("topics", rows.iterator().next().getValue("topics"))));
  }
}
