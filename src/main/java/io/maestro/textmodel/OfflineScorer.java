package io.maestro.textmodel;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The offline examiner: three 0–10 scores from explicit, explainable rules. Every rule that fires is named in the
 * reason, so a rejection says exactly what to fix.
 */
final class OfflineScorer {
  private static final List<String> HOOK_WORDS = List.of("why", "how", "stop", "mistake", "truth", "secret", "myth",
      "never", "nobody", "actually", "without", "fix", "simple", "plan", "rules");
  private static final List<String> WELLNESS = List.of("habit", "health", "sleep", "energy", "stress", "routine",
      "wellness", "body", "mind", "focus", "recovery", "nutrition", "balance", "calm");
  private static final List<String> RED_FLAG_WORDS = List.of("cure", "miracle", "guaranteed", "lose 10 pounds",
      "detox tea", "get rich", "crypto", "100% proven", "doctors hate");
  private static final Pattern DIGIT = Pattern.compile("\\d");
  private static final Pattern SPECIFIC = Pattern.compile("\\d|minute|hour|day|week|gram|step", Pattern.CASE_INSENSITIVE);

  private OfflineScorer() {}

  static JsonObject score(JsonObject input) {
    JsonObject p = input.getJsonObject("proposal");
    JsonObject brand = input.getJsonObject("brand");
    String title = p.getString("title", "").strip();
    JsonArray lines = p.getJsonArray("content_lines", new JsonArray());
    String caption = p.getString("caption", "") == null ? "" : p.getString("caption", "");
    String all = (title + " " + join(lines) + " " + caption).toLowerCase(Locale.ROOT);
    String lowerTitle = title.toLowerCase(Locale.ROOT);
    List<String> notes = new ArrayList<>();
    JsonArray redFlags = new JsonArray();

    double quality = 5.0;
    if (title.length() >= 25 && title.length() <= 100) {
      quality += 1.5;
    } else if (title.length() < 15 || title.length() > 140) {
      quality -= 2;
      notes.add("title length " + title.length() + " is outside 15–140");
    }
    if (lines.size() >= 3 && lines.size() <= 8) {
      quality += 1.5;
    } else if (lines.size() < 2) {
      quality -= 2;
      notes.add("only " + lines.size() + " content line(s)");
    }
    double avg = lines.isEmpty() ? 0 : lines.stream().mapToInt(l -> String.valueOf(l).strip().length()).average().orElse(0);
    if (avg >= 20 && avg <= 140) {
      quality += 1;
    }
    long blank = lines.stream().filter(l -> String.valueOf(l).isBlank()).count();
    if (blank > 0) {
      quality -= blank;
      notes.add(blank + " blank line(s)");
    }
    if (caption.length() >= 60) {
      quality += 1;
    }
    boolean duplicate = input.getJsonArray("recent_titles", new JsonArray()).stream()
        .anyMatch(t -> OfflineWriter.normal(String.valueOf(t)).equals(OfflineWriter.normal(title)));
    if (duplicate) {
      quality -= 4;
      redFlags.add("duplicate of a recent title");
    }

    double engagement = 4.5;
    if (DIGIT.matcher(title).find()) {
      engagement += 1.5;
    }
    if (HOOK_WORDS.stream().anyMatch(w -> lowerTitle.matches(".*\\b" + w + "\\b.*"))) {
      engagement += 1.5;
    } else {
      notes.add("no hook word in the title");
    }
    if (title.contains("?") || lowerTitle.matches(".*\\byou(r)?\\b.*") || lowerTitle.contains("student")) {
      engagement += 1;
    }
    if (lines.stream().anyMatch(l -> SPECIFIC.matcher(String.valueOf(l)).find())) {
      engagement += 1;
    } else {
      notes.add("nothing specific (numbers, durations) in the lines");
    }
    if (title.split("\\s+").length < 4) {
      engagement -= 2;
      notes.add("title of fewer than 4 words");
    }

    double fit = 5.0;
    JsonArray topics = brand.getJsonArray("topics", new JsonArray());
    if (topics.stream().anyMatch(t -> all.contains(String.valueOf(t).toLowerCase(Locale.ROOT)))) {
      fit += 2.5;
    } else {
      notes.add("none of the brand's topics is mentioned");
    }
    if (WELLNESS.stream().anyMatch(all::contains)) {
      fit += 1;
    }
    for (String word : RED_FLAG_WORDS) {
      if (all.contains(word)) {
        fit -= 4;
        redFlags.add("hype or medical claim: \"" + word + "\"");
      }
    }

    JsonObject scores = new JsonObject()
        .put("avatar_fit", clamp(fit))
        .put("engagement_potential", clamp(engagement))
        .put("content_quality", clamp(quality));
    String reason = notes.isEmpty() && redFlags.isEmpty() ? "on-topic, specific, hooked title, complete"
        : String.join("; ", notes) + (redFlags.isEmpty() ? "" : (notes.isEmpty() ? "" : "; ") + join(redFlags));
    return scores.put("verdict", redFlags.isEmpty() && notes.size() < 2 ? "accept" : "reject")
        .put("reason", "offline rules: " + reason).put("red_flags", redFlags);
  }

  private static double clamp(double v) {
    return Math.round(Math.max(0, Math.min(10, v)) * 10) / 10.0;
  }

  private static String join(JsonArray values) {
    StringBuilder out = new StringBuilder();
    values.forEach(v -> out.append(out.length() == 0 ? "" : "; ").append(v));
    return out.toString();
  }
}
