package io.maestro.burst;

import io.maestro.variant.ContentType;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Smart-burst planning: exactly {@code posts} posts and {@code reels} reels in total, spread round-robin over the
 * brands and, brand by brand, rotated over the agents that make that content type. One post over five brands is
 * one post (for the first brand), never five.
 */
public final class BurstPlan {
  /** One agent request: {@code count} proposals of {@code contentType} for {@code brand}. */
  public record Task(String agentId, String brand, String contentType, int count) {}

  private BurstPlan() {}

  /**
   * @param agents active agents in order, each with agent_id and content_types
   * @throws IllegalArgumentException when items of a type are requested but no agent makes that type
   */
  public static List<Task> plan(List<String> brands, List<JsonObject> agents, int posts, int reels) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    assign(counts, brands, agents, ContentType.REEL.id(), reels, 0);
    // posts continue the agent rotation where reels left off, so a small mixed burst still uses every agent
    assign(counts, brands, agents, ContentType.POST.id(), posts, reels);
    List<Task> tasks = new ArrayList<>();
    counts.forEach((key, count) -> {
      String[] parts = key.split("\u0000");
      tasks.add(new Task(parts[0], parts[1], parts[2], count));
    });
    return tasks;
  }

  private static void assign(Map<String, Integer> counts, List<String> brands, List<JsonObject> agents, String type,
      int n, int offset) {
    if (n == 0) {
      return;
    }
    if (brands.isEmpty()) {
      throw new IllegalArgumentException("no brands to make " + type + "s for");
    }
    List<String> makers = agents.stream().filter(a -> a.getJsonArray("content_types").contains(type))
        .map(a -> a.getString("agent_id")).toList();
    if (makers.isEmpty()) {
      throw new IllegalArgumentException("no active agent makes " + type + "s");
    }
    for (int i = 0; i < n; i++) {
      int brand = i % brands.size();
      int round = i / brands.size();
      // rotating by round as well as by brand gives every brand every agent, even when brands % agents == 0
      String agent = makers.get((brand + round + offset) % makers.size());
      counts.merge(agent + "\u0000" + brands.get(brand) + "\u0000" + type, 1, Integer::sum);
    }
  }
}
