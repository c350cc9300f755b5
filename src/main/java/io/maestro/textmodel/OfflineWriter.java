package io.maestro.textmodel;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Offline proposals. The random source is seeded from the model seed and the whole request (agent, brand, type,
 * recent titles, round), so a burst is reproducible yet each new burst — with new recent titles — reads differently.
 */
final class OfflineWriter {
  private static final List<String> BOLD = List.of(
      "The %s mistake %d out of 10 students make every day",
      "Why your %s routine is not working (and the %d-minute fix)",
      "Stop doing these %d things if you care about %s",
      "%d %s myths that science quietly debunked",
      "The truth about %s nobody told you in your first %d weeks");
  private static final List<String> STEADY = List.of(
      "%d simple %s habits that actually stick",
      "How to improve your %s in %d days without willpower",
      "The %d-step %s checklist for busy students",
      "%d small %s upgrades you can start tonight");
  private static final List<String> ANALYTIC = List.of(
      "What %d studies say about %s",
      "A %d-week plan for better %s, step by step",
      "%s: the %d numbers worth tracking",
      "%d evidence-backed %s rules, ranked by effort");
  private static final List<String> LINES = List.of(
      "Pick one %s change and keep it for 7 days before adding another",
      "Put your %s cue where you cannot miss it: the fridge door, your lock screen",
      "Track %s for 3 days first; you cannot improve what you never noticed",
      "Pair %s with something you already do every day, like brushing your teeth",
      "Aim for 80%% consistency with %s, not perfection",
      "Ask a friend to join you: shared %s goals are kept twice as often",
      "Prepare for your worst day: a 2-minute version of your %s habit still counts",
      "Review on Sunday: which %s step felt easy, and which needs to shrink?");
  private static final List<String> HOOKS = List.of("Save this", "Share this with a friend who needs it",
      "Follow for more", "Try it this week");

  private final long seed;

  OfflineWriter(long seed) {
    this.seed = seed;
  }

  JsonObject write(JsonObject input) {
    JsonObject brand = input.getJsonObject("brand");
    String type = input.getString("content_type");
    int count = input.getInteger("count");
    JsonArray strategies = input.getJsonArray("strategies");
    JsonArray topics = brand.getJsonArray("topics", new JsonArray());
    Random random = new Random(seed * 31 + input.encode().hashCode());
    Set<String> taken = new HashSet<>();
    input.getJsonArray("recent_titles", new JsonArray()).forEach(t -> taken.add(normal(t.toString())));
    JsonArray proposals = new JsonArray();
    for (int i = 0; i < count; i++) {
      String strategy = strategies.getString(i % strategies.size());
      String topic = topics.isEmpty() ? "wellbeing" : topics.getString(random.nextInt(topics.size()));
      String title = null;
      for (int tries = 0; tries < 40 && (title == null || taken.contains(normal(title))); tries++) {
        topic = topics.isEmpty() ? "wellbeing" : topics.getString(random.nextInt(topics.size()));
        title = title(templates(strategy), topic, 3 + random.nextInt(7), random);
      }
      taken.add(normal(title));
      proposals.add(proposal(type, strategy, topic, title, brand, random));
    }
    return new JsonObject().put("proposals", proposals);
  }

  private JsonObject proposal(String type, String strategy, String topic, String title, JsonObject brand,
      Random random) {
    int lineCount = type.equals("reel") ? 4 + random.nextInt(3) : 3 + random.nextInt(3);
    JsonArray lines = new JsonArray();
    List<String> pool = new java.util.ArrayList<>(LINES);
    java.util.Collections.shuffle(pool, random);
    for (int i = 0; i < lineCount; i++) {
      lines.add(String.format(Locale.ROOT, pool.get(i), topic));
    }
    JsonArray slides = type.equals("post") ? lines.copy() : new JsonArray();
    StringBuilder caption = new StringBuilder(title).append("\n\n");
    lines.forEach(line -> caption.append("• ").append(line).append('\n'));
    caption.append('\n').append(HOOKS.get(random.nextInt(HOOKS.size()))).append(" — @").append(brand.getString("brand_id"))
        .append("\n#").append(topic.replace(" ", "")).append(" #wellness #studentlife");
    return new JsonObject()
        .put("title", title)
        .put("content_lines", lines)
        .put("slide_texts", slides)
        .put("caption", caption.toString())
        .put("image_prompt", "Soft natural-light photograph evoking " + topic + " for " + brand.getString("display_name")
            + ", calm editorial style, generous empty space for text, no words or logos")
        .put("strategy", strategy)
        .put("reasoning", "Strategy " + strategy + ": " + reason(strategy) + " Topic " + topic + " is one of "
            + brand.getString("display_name") + "'s pillars.")
        .put("topic_bucket", topic);
  }

  private static List<String> templates(String strategy) {
    return switch (strategy) {
      case "explore", "trending", "double_down" -> BOLD;
      case "analyze", "systematic" -> ANALYTIC;
      default -> STEADY;
    };
  }

  private static String reason(String strategy) {
    return switch (strategy) {
      case "explore" -> "test a curiosity-gap hook the brand has not used.";
      case "trending" -> "ride a myth-busting angle that is circulating now.";
      case "double_down" -> "push the bold format that earns saves.";
      case "analyze" -> "lead with evidence, which this audience trusts.";
      case "systematic" -> "a plan format is easy to save and follow.";
      case "refine", "iterate" -> "a proven list format, tightened.";
      case "compound" -> "small habits that build on each other.";
      default -> "a clear, useful list.";
    };
  }

  private static String title(List<String> templates, String topic, int number, Random random) {
    String template = templates.get(random.nextInt(templates.size()));
    // templates put the number and the topic in either order; fill by type
    String title = template.indexOf("%d") < template.indexOf("%s")
        ? String.format(Locale.ROOT, template, number, topic) : String.format(Locale.ROOT, template, topic, number);
    return Character.toUpperCase(title.charAt(0)) + title.substring(1);
  }

  static String normal(String title) {
    return title.toLowerCase(Locale.ROOT).strip().replaceAll("\\s+", " ");
  }
}
