package io.maestro.textmodel;

import io.maestro.variant.ContentType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The two questions Maestro asks a text model. DeepSeek's JSON mode requires the word "json" in the prompt and an
 * example of the wanted shape, so both prompts spell the answer's keys out.
 */
public final class Prompts {
  /** Whom the brands write for: the replaced system's audience. */
  public static final String AUDIENCE = "women aged 45 and over in the United States who want practical, "
      + "trustworthy wellness advice for midlife and beyond";
  /** The replaced system's examiner red flags, and the promise rules the offline examiner enforces too. */
  public static final String RED_FLAGS = "targets young adults or students instead of women 45+; medical claims "
      + "(cures, treats, prevents or reverses a disease, detox, replaces medication); clickbait without payoff "
      + "(a hook the lines do not deliver); a number in the title that differs from the number of content_lines; "
      + "\"studies\" or \"research\" in the title when no line names a study; hype (miracle, guaranteed); "
      + "a repeat or close paraphrase of a recent title; vague filler lines";

  private Prompts() {}

  /**
   * @param input {agent:{agent_id, display_name, personality, risk_tolerance, temperature}, brand:{brand_id,
   *     display_name, topics[]}, content_type, count, strategies[count], recent_titles[], round}
   */
  public static TextTask proposals(JsonObject input) {
    JsonObject agent = input.getJsonObject("agent");
    JsonObject brand = input.getJsonObject("brand");
    String type = input.getString("content_type");
    int count = input.getInteger("count");
    String system = "You are " + agent.getString("display_name") + ", a content strategist for wellness brands on "
        + "Instagram whose audience is " + AUDIENCE + ". Personality: " + agent.getString("personality")
        + " Risk tolerance: " + agent.getString("risk_tolerance") + ". You answer with a single json object and "
        + "nothing else.";
    StringBuilder user = new StringBuilder()
        .append("Propose ").append(count).append(' ').append(type).append(count == 1 ? "" : "s")
        .append(" for the brand ").append(brand.getString("display_name")).append(" (").append(brand.getString("brand_id"))
        .append("). Brand topics: ").append(join(brand.getJsonArray("topics"))).append(".\n")
        .append("Use these strategies, one per proposal in order: ").append(join(input.getJsonArray("strategies")))
        .append(".\n");
    JsonArray recent = input.getJsonArray("recent_titles", new JsonArray());
    if (!recent.isEmpty()) {
      user.append("Do not repeat or closely paraphrase these recent titles:\n");
      recent.forEach(t -> user.append("- ").append(t).append('\n'));
    }
    user.append("Write for ").append(AUDIENCE).append(": concrete, accurate tips (amounts, times, named studies), "
            + "plain words, no medical claims. If the title has a number, give exactly that many content_lines; say "
            + "\"studies\" or \"research\" only when a line names the study. Avoid: ").append(RED_FLAGS).append(".\n")
        .append(type.equals(ContentType.REEL.id())
            ? "A reel has a hook title and 4-6 short content_lines shown one per screen.\n"
            : "A post is a carousel: a title, 3-5 slide_texts, content_lines summarising them, and a caption.\n")
        .append("Answer in json exactly like: {\"proposals\":[{\"title\":\"...\",\"content_lines\":[\"...\"],")
        .append("\"slide_texts\":[\"...\"],\"caption\":\"...\",\"image_prompt\":\"...\",\"strategy\":\"...\",")
        .append("\"reasoning\":\"...\",\"topic_bucket\":\"...\"}]} with exactly ").append(count).append(" proposal")
        .append(count == 1 ? "" : "s").append('.');
    return new TextTask(TextTask.Kind.PROPOSALS, system, user.toString(), agent.getDouble("temperature", 0.8), input);
  }

  /**
   * @param input {proposal:{title, content_lines[], slide_texts[], caption, image_prompt, content_type},
   *     brand:{brand_id, display_name, topics[]}, recent_titles[]}
   */
  public static TextTask examination(JsonObject input) {
    JsonObject p = input.getJsonObject("proposal");
    JsonObject brand = input.getJsonObject("brand");
    String system = "You are a strict editor who examines social-media content proposals for wellness brands "
        + "before they are produced. You answer with a single json object and nothing else.";
    String user = "Brand: " + brand.getString("display_name") + " (topics: " + join(brand.getJsonArray("topics"))
        + "). Audience: " + AUDIENCE + ".\n"
        + "Proposal (" + p.getString("content_type") + "):\n" + p.encodePrettily() + "\n"
        + "Recent titles of this brand: " + join(input.getJsonArray("recent_titles", new JsonArray())) + "\n"
        + "Score 0-10: avatar_fit (fits the brand and its audience), engagement_potential (hook, specificity, "
        + "would people save or share it, does the title keep its promise), content_quality (clear, correct, "
        + "complete, not a repeat). List red_flags; any of these is one: " + RED_FLAGS + ". A proposal with a red "
        + "flag scores below 5 on the dimension it hurts. Answer in json exactly like: "
        + "{\"avatar_fit\":7.5,\"engagement_potential\":6.0,\"content_quality\":8.0,\"verdict\":\"accept\","
        + "\"reason\":\"...\",\"red_flags\":[]}";
    return new TextTask(TextTask.Kind.EXAMINATION, system, user, 0.2, input);
  }

  private static String join(JsonArray values) {
    if (values == null || values.isEmpty()) {
      return "(none)";
    }
    StringBuilder out = new StringBuilder();
    values.forEach(v -> out.append(out.length() == 0 ? "" : ", ").append(v));
    return out.toString();
  }
}
