package io.maestro.burst;

import io.maestro.variant.ContentType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one burst is to make. A test burst and a full burst spread their totals round-robin over the brands; a
 * burst of "what is left of today" carries exact counts per brand, because each brand's day is filled on its own.
 *
 * @param perBrand brand → {reels, posts}; null = spread {@code reels}/{@code posts} over {@code brands}
 */
public record BurstOrder(boolean test, int reels, int posts, List<String> brands, Map<String, int[]> perBrand) {

  /** Test or full burst: totals spread over the brands. */
  public static BurstOrder spread(boolean test, int reels, int posts, List<String> brands) {
    return new BurstOrder(test, reels, posts, List.copyOf(brands), null);
  }

  /**
   * The day's quota minus what each brand already got today. Only original proposals count: a rejection's
   * replacement fills the same slot, so it never makes a day look fuller than it is.
   *
   * @param today today's proposals (agents' proposalsSince rows: brand, content_type, replaces_proposal)
   */
  public static BurstOrder remaining(List<String> brands, int reelsPerBrand, int postsPerBrand, JsonArray today) {
    Map<String, int[]> left = new LinkedHashMap<>();
    int reels = 0;
    int posts = 0;
    for (String brand : brands) {
      int r = Math.max(0, reelsPerBrand - made(today, brand, ContentType.REEL));
      int p = Math.max(0, postsPerBrand - made(today, brand, ContentType.POST));
      if (r + p > 0) {
        left.put(brand, new int[] {r, p});
        reels += r;
        posts += p;
      }
    }
    return new BurstOrder(false, reels, posts, List.copyOf(left.keySet()), left);
  }

  /** Original (not replacement) proposals of {@code type} made today, for one brand or (brand null) all. */
  public static int made(JsonArray today, String brand, ContentType type) {
    int n = 0;
    for (Object o : today) {
      JsonObject p = (JsonObject) o;
      if (p.getString("replaces_proposal") == null && type.id().equals(p.getString("content_type"))
          && (brand == null || brand.equals(p.getString("brand")))) {
        n++;
      }
    }
    return n;
  }

  /** Start of the burst day: local midnight in the burst time zone (the day the daily burst belongs to). */
  public static ZonedDateTime dayStart(String timeZone) {
    ZoneId zone = ZoneId.of(timeZone);
    return ZonedDateTime.now(zone).toLocalDate().atStartOfDay(zone);
  }

  public boolean isEmpty() {
    return reels + posts == 0;
  }

  /** The agent requests of this burst. */
  public List<BurstPlan.Task> tasks(List<JsonObject> agents) {
    if (perBrand == null) {
      return BurstPlan.plan(brands, agents, posts, reels);
    }
    List<BurstPlan.Task> tasks = new ArrayList<>();
    perBrand.forEach((brand, counts) -> tasks.addAll(BurstPlan.plan(List.of(brand), agents, counts[1], counts[0])));
    return tasks;
  }

  /** Per brand {reels, posts} as JSON, for the trigger's answer and the lock row. */
  public JsonObject perBrandJson() {
    JsonObject out = new JsonObject();
    if (perBrand != null) {
      perBrand.forEach((brand, c) -> out.put(brand, new JsonObject().put("reels", c[0]).put("posts", c[1])));
    }
    return out;
  }
}
