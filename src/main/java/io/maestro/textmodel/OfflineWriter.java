package io.maestro.textmodel;

import io.maestro.variant.ContentType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Offline proposals from the shipped {@link Corpus}: real tips for women 45+ in the US, composed so the title keeps
 * its promise (the number in it is the number of lines; "research"/"studies" only over lines that name a study).
 * The random source is seeded from the model seed and the whole request, so the same seed and input give the same
 * text. Successive proposals on one topic walk through its tips (the offset grows with the brand's recent titles on
 * that topic), so a brand does not hear the same tip twice in a row.
 *
 * <p>Like a language model at a high temperature, a bold agent sometimes overreaches: a title that promises more
 * lines than it gives, "science says" over tips that name no study, a "secret nobody talks about". How often
 * follows the agent's risk tolerance (high 15 %, medium 8 %, low 3 % of drafts). These are the error modes the
 * examiner exists to catch, so without a network the quality gate is exercised the way it is with one.
 */
final class OfflineWriter {
  /** A title template: {n} lines about {topic}; {@code studies} = how many leading lines must name a study. */
  private record Template(String text, int studies) {}

  private static final List<Template> BOLD = List.of(
      new Template("{n} {topic} tips most women over 45 never hear", 0),
      new Template("{n} {topic} changes worth making after 45", 0),
      new Template("Stop guessing about {topic}: {n} things that actually help", 0),
      new Template("{n} {topic} habits worth starting in your 40s and 50s", 0),
      new Template("The midlife {topic} reset: {n} small moves", 0));
  private static final List<Template> STEADY = List.of(
      new Template("{n} simple {topic} habits that stick", 0),
      new Template("{n} easy ways to make {topic} part of your week", 0),
      new Template("Your {topic} checklist: {n} small steps", 0),
      new Template("{n} small {topic} upgrades to start this week", 0));
  private static final List<Template> ANALYTIC = List.of(
      new Template("{n} {topic} tips worth knowing after 45", 0),
      new Template("{topic} after 45: {n} things to know", 0),
      new Template("What the research says about {topic}: {n} takeaways", 1),
      new Template("What {n} studies say about {topic}", -1));
  private static final List<String> CALLS = List.of("Save this for later", "Share it with a friend who would like it",
      "Which one will you try first?", "Pick one and try it this week");
  private static final List<Template> OVERREACH = List.of(
      new Template("What science says about {topic}: {n} takeaways", 0),
      new Template("The {topic} secret nobody talks about after 45", 0));
  /** Tips a proposal moves on by per recent proposal on the same topic: about one proposal's worth. */
  private static final int STRIDE = 5;

  private final long seed;

  OfflineWriter(long seed) {
    this.seed = seed;
  }

  JsonObject write(JsonObject input) {
    JsonObject brand = input.getJsonObject("brand");
    String type = input.getString("content_type");
    int count = input.getInteger("count");
    JsonArray strategies = input.getJsonArray("strategies");
    List<String> recent = input.getJsonArray("recent_titles", new JsonArray()).stream().map(String::valueOf).toList();
    Random random = new Random(seed * 31 + input.encode().hashCode());
    double overreach = switch (input.getJsonObject("agent", new JsonObject()).getString("risk_tolerance", "low")) {
      case "high" -> 0.15;
      case "medium" -> 0.08;
      default -> 0.03;
    };
    Set<String> taken = new HashSet<>();
    recent.forEach(t -> taken.add(shape(t)));
    List<String> written = new ArrayList<>(recent);
    JsonArray proposals = new JsonArray();
    for (int i = 0; i < count; i++) {
      String strategy = strategies.getString(i % strategies.size());
      JsonObject p = null;
      for (int tries = 0; tries < 40 && (p == null || taken.contains(shape(p.getString("title")))); tries++) {
        p = compose(type, strategy, topic(brand, written, random), brand, written, random,
            random.nextDouble() < overreach);
      }
      taken.add(shape(p.getString("title")));
      written.add(0, p.getString("title"));
      proposals.add(p);
    }
    return new JsonObject().put("proposals", proposals);
  }

  /** The brand topic its recent titles mention least; ties broken by the seeded random. */
  private static String topic(JsonObject brand, List<String> recent, Random random) {
    List<String> topics = brand.getJsonArray("topics", new JsonArray()).stream().map(String::valueOf).toList();
    if (topics.isEmpty()) {
      topics = List.of("healthspan");
    }
    long least = Long.MAX_VALUE;
    List<String> candidates = new ArrayList<>();
    for (String t : topics) {
      long n = mentions(recent, t);
      if (n < least) {
        least = n;
        candidates.clear();
      }
      if (n == least) {
        candidates.add(t);
      }
    }
    return candidates.get(random.nextInt(candidates.size()));
  }

  private static long mentions(List<String> titles, String topic) {
    String t = topic.toLowerCase(Locale.ROOT);
    return titles.stream().filter(title -> title.toLowerCase(Locale.ROOT).contains(t)).count();
  }

  private JsonObject compose(String type, String strategy, String topicName, JsonObject brand, List<String> recent,
      Random random, boolean overreaching) {
    Corpus.Topic topic = Corpus.topic(topicName);
    int n = type.equals(ContentType.REEL.id()) ? 4 + random.nextInt(3) : 3 + random.nextInt(3);
    int overreach = overreaching ? random.nextInt(3) : -1; // 0, 1: an OVERREACH title; 2: a title promising 2 more
    Template template = overreach >= 0 && overreach < 2 ? OVERREACH.get(overreach) : template(strategy, topic, n, random);
    long seen = mentions(recent, topicName);
    List<String> lines = new ArrayList<>();
    int studyLines = template.studies() < 0 ? n : template.studies();
    for (int i = 0; i < studyLines; i++) {
      lines.add(topic.studies().get((int) ((seen + i) % topic.studies().size())));
    }
    List<String> tips = new ArrayList<>(topic.tips());
    // a stable order per brand and topic, walked on by STRIDE per recent proposal on the topic
    Collections.shuffle(tips, new Random(seed ^ (brand.getString("brand_id") + "/" + topicName).hashCode()));
    for (int i = 0; lines.size() < n; i++) {
      lines.add(tips.get((int) ((seen * STRIDE + i) % tips.size())));
    }
    String title = template.text().replace("{n}", Integer.toString(overreach == 2 ? n + 2 : n))
        .replace("{topic}", topicName);
    title = Character.toUpperCase(title.charAt(0)) + title.substring(1);
    JsonArray content = new JsonArray(lines);
    return new JsonObject()
        .put("title", title)
        .put("content_lines", content)
        .put("slide_texts", type.equals(ContentType.POST.id()) ? content.copy() : new JsonArray())
        .put("caption", caption(title, lines, topicName, brand, random))
        .put("image_prompt", "Soft natural-light photograph about " + topicName + " for "
            + brand.getString("display_name") + ": a woman in her fifties in an everyday setting, calm editorial"
            + " style, generous empty space for text, no words or logos")
        .put("strategy", strategy)
        .put("reasoning", "Strategy " + strategy + ": " + reason(strategy) + " Topic " + topicName + " is one of "
            + brand.getString("display_name") + "'s pillars; every line is a concrete step or a named finding for "
            + "women 45+.")
        .put("topic_bucket", topicName);
  }

  /** A template of the strategy's family that this topic can fill: research titles need enough study lines. */
  private static Template template(String strategy, Corpus.Topic topic, int n, Random random) {
    List<Template> fitting = family(strategy).stream().filter(t -> t.studies() >= 0 ? t.studies() <= topic.studies()
        .size() : topic.studies().size() >= n).toList();
    return fitting.get(random.nextInt(fitting.size()));
  }

  private static List<Template> family(String strategy) {
    return switch (strategy) {
      case "explore", "trending", "double_down" -> BOLD;
      case "analyze", "systematic" -> ANALYTIC;
      default -> STEADY;
    };
  }

  private static String caption(String title, List<String> lines, String topic, JsonObject brand, Random random) {
    StringBuilder caption = new StringBuilder(title).append("\n\n");
    lines.forEach(line -> caption.append("• ").append(line).append('\n'));
    return caption.append('\n').append(CALLS.get(random.nextInt(CALLS.size()))).append(" — @")
        .append(brand.getString("brand_id")).append("\n#").append(topic.replace(" ", ""))
        .append(" #healthyaging #over45 #womenswellness").toString();
  }

  private static String reason(String strategy) {
    return switch (strategy) {
      case "explore" -> "test a fresh angle the brand has not used.";
      case "trending" -> "a timely, practical take on a topic people are talking about.";
      case "double_down" -> "push the list format that earns saves.";
      case "analyze" -> "lead with evidence, which this audience trusts.";
      case "systematic" -> "a checklist is easy to save and follow.";
      case "refine", "iterate" -> "a proven list format, tightened.";
      case "compound" -> "small habits that build on each other.";
      default -> "a clear, useful list.";
    };
  }

  static String normal(String title) {
    return title.toLowerCase(Locale.ROOT).strip().replaceAll("\\s+", " ");
  }

  /** A title without its number: "4 sleep habits…" and "5 sleep habits…" are the same title to a reader. */
  static String shape(String title) {
    return normal(title).replaceAll("\\d+", "#");
  }
}
