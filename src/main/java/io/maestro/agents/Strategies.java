package io.maestro.agents;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Random;

/** Which writing strategy each proposal of a request follows. */
final class Strategies {
  private Strategies() {}

  /** Strategies drawn by the agent's weights; seeded so the offline flow is reproducible. */
  static JsonArray draw(long seed, JsonObject agent, JsonObject brand, String type, int n, int history, int round) {
    JsonObject weights = agent.getJsonObject("strategy_weights", new JsonObject());
    JsonArray names = agent.getJsonArray("strategy_names", new JsonArray());
    Random random = new Random(seed ^ (agent.getString("agent_id") + brand.getString("brand_id") + type + history + round)
        .hashCode());
    double total = weights.stream().mapToDouble(e -> ((Number) e.getValue()).doubleValue()).sum();
    JsonArray out = new JsonArray();
    for (int i = 0; i < n; i++) {
      if (total <= 0) {
        out.add(names.isEmpty() ? "standard" : names.getString(random.nextInt(names.size())));
        continue;
      }
      double pick = random.nextDouble() * total;
      String chosen = null;
      for (var e : weights) {
        chosen = e.getKey();
        pick -= ((Number) e.getValue()).doubleValue();
        if (pick < 0) {
          break;
        }
      }
      out.add(chosen);
    }
    return out;
  }
}
