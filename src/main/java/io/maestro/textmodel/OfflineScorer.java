package io.maestro.textmodel;

import static io.maestro.textmodel.ProposalFeatures.strings;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The offline examiner: three 0–10 scores from measured features of the proposal (see {@link ProposalFeatures}).
 * Red flags — a title that breaks its promise, research cited but not named, clickbait, medical claims, content
 * aimed at young adults, repeats of the brand's recent proposals — cost every score, so a flagged proposal cannot
 * pass on its other merits. Softer problems (length, reading level, filler, off-topic) cost the score they concern.
 * Every rule that fires is named in the reason, so a rejection says what to fix.
 */
final class OfflineScorer {
  /** What a red flag costs on each of the three scores, on top of its own dimension's cost. */
  private static final double RED_FLAG = 2.5;

  private OfflineScorer() {}

  static JsonObject score(JsonObject input) {
    JsonObject p = input.getJsonObject("proposal");
    JsonObject brand = input.getJsonObject("brand", new JsonObject());
    String title = p.getString("title", "").strip();
    JsonArray lines = p.getJsonArray("content_lines", new JsonArray());
    String all = ProposalFeatures.text(p);
    Scores s = new Scores();

    int promised = ProposalFeatures.promisedCount(title);
    if (promised > 0 && promised != lines.size()) {
      s.flag("title promises " + promised + ", delivers " + lines.size() + " line(s)", 0, 3, 2);
    }
    long named = ProposalFeatures.studyLines(lines);
    int studies = ProposalFeatures.studiesPromised(title);
    if (studies > named) {
      s.flag("clickbait without payoff: the title cites " + (studies > 1 ? studies + " studies" : "research")
          + ", " + named + " line(s) name one", 0, 3, 1);
    }
    ProposalFeatures.clickbait(title + "\n" + String.join("\n", strings(lines)))
        .forEach(c -> s.flag("clickbait: \"" + c + "\"", 0, 3, 0));
    ProposalFeatures.medicalClaims(all).forEach(c -> s.flag("medical claim: \"" + c + "\"", 4, 0, 1));
    List<String> young = ProposalFeatures.youngAudience(all);
    if (!young.isEmpty()) {
      s.flag("targets young adults (\"" + String.join("\", \"", young) + "\"), not women 45+", 5, 0, 0);
    }
    repetition(input, title, lines, s);
    audience(brand, all, s);
    form(p, title, lines, s);
    return s.json();
  }

  private static void repetition(JsonObject input, String title, JsonArray lines, Scores s) {
    double overlap = ProposalFeatures.titleRepetition(title, input.getJsonArray("recent_titles", new JsonArray()));
    if (overlap >= 0.75) {
      s.flag(String.format(Locale.ROOT, "repeats a recent title (%.0f%% the same words)", overlap * 100), 0, 1, 3);
    }
    long repeated = ProposalFeatures.repeatedLines(lines, input.getJsonArray("recent_lines", new JsonArray()));
    if (repeated * 2 >= Math.max(2, lines.size())) {
      s.flag(repeated + " of " + lines.size() + " lines repeat the brand's recent proposals", 0, 1, 3);
    } else if (repeated > 0) {
      s.note(repeated + " line(s) repeat recent proposals", 0, 0, 1);
    }
  }

  /** Fit: the brand's topics, and the audience it writes for (women 45+ in the US). */
  private static void audience(JsonObject brand, String all, Scores s) {
    String lower = all.toLowerCase(Locale.ROOT);
    JsonArray topics = brand.getJsonArray("topics", new JsonArray());
    if (!topics.isEmpty() && topics.stream().noneMatch(t -> ProposalFeatures.mentions(all, String.valueOf(t)))) {
      s.note("none of the brand's topics (" + String.join(", ", strings(topics)) + ") is mentioned", 2.5, 0, 0);
    }
    if (lower.matches("(?s).*\\b(45|50s?|40s|60s?|midlife|menopause|perimenopause|women|over 50|aging|older)\\b.*")) {
      s.bonus(1, 0, 0);
    }
  }

  /** Quality and engagement from the form: length, count, specificity, filler, frames, reading level, caption. */
  private static void form(JsonObject p, String title, JsonArray lines, Scores s) {
    int words = title.split("\\s+").length;
    if (words < 4 || title.length() > 110) {
      s.note("title of " + words + " words / " + title.length() + " characters (4+ words, at most 110)", 0, 1.5, 1);
    }
    if (lines.size() < 3) {
      s.note("only " + lines.size() + " line(s)", 0, 1, 3);
    }
    long bad = strings(lines).stream().filter(l -> l.strip().length() < 20 || l.length() > 180).count();
    if (bad > 0) {
      s.note(bad + " line(s) shorter than 20 or longer than 180 characters", 0, 0, Math.min(3, bad));
    }
    double specific = ProposalFeatures.specificShare(lines);
    if (specific < 0.34) {
      s.note(String.format(Locale.ROOT, "vague: %.0f%% of lines have a number, amount or time", specific * 100), 0, 2, 1);
    } else if (specific >= 0.5) {
      s.bonus(0, 1, 0);
    }
    long filler = ProposalFeatures.fillerLines(lines);
    if (filler * 2 >= Math.max(2, lines.size())) {
      s.flag("filler: " + filler + " of " + lines.size() + " lines are buzzwords or under 3 content words", 0, 1, 2);
    } else if (filler > 0) {
      s.note(filler + " filler line(s) (buzzwords or under 3 content words)", 0, 1, 1);
    }
    double formulaic = ProposalFeatures.formulaic(lines);
    if (formulaic >= 0.5) {
      s.flag("template filler: the lines repeat one opening frame", 0, 1, 2);
    } else if (formulaic >= 0.34) {
      s.note("formulaic lines (the same opening frame again and again)", 0, 1, 1);
    }
    double grade = ProposalFeatures.readingGrade(lines);
    if (grade > 12) {
      s.note(String.format(Locale.ROOT, "hard to read (grade %.1f; aim for 6–10)", grade), 0, 1, grade > 15 ? 3 : 1.5);
    }
    String caption = p.getString("caption");
    if (caption == null || caption.strip().length() < 40) {
      s.note("caption missing or under 40 characters", 0, 0.5, 1);
    }
    if (title.matches(".*\\d.*") || title.endsWith("?") || title.toLowerCase(Locale.ROOT).matches(".*\\b(you|your|how|why|what)\\b.*")) {
      s.bonus(0, 1, 0);
    }
  }

  /** The three scores and what moved them. */
  private static final class Scores {
    double fit = 8;
    double engagement = 7;
    double quality = 8.5;
    final List<String> notes = new ArrayList<>();
    final JsonArray flags = new JsonArray();

    void flag(String what, double fitCost, double engagementCost, double qualityCost) {
      flags.add(what);
      notes.add(what);
      cost(fitCost + RED_FLAG, engagementCost + RED_FLAG, qualityCost + RED_FLAG);
    }

    void note(String what, double fitCost, double engagementCost, double qualityCost) {
      notes.add(what);
      cost(fitCost, engagementCost, qualityCost);
    }

    void bonus(double f, double e, double q) {
      cost(-f, -e, -q);
    }

    private void cost(double f, double e, double q) {
      fit -= f;
      engagement -= e;
      quality -= q;
    }

    JsonObject json() {
      return new JsonObject().put("avatar_fit", clamp(fit)).put("engagement_potential", clamp(engagement))
          .put("content_quality", clamp(quality))
          .put("verdict", flags.isEmpty() && notes.size() < 3 ? "accept" : "reject")
          .put("reason", "offline rules: " + (notes.isEmpty() ? "keeps its promise, specific, on-topic, readable"
              : String.join("; ", notes)))
          .put("red_flags", flags);
    }

    private static double clamp(double v) {
      return Math.round(Math.max(0, Math.min(10, v)) * 10) / 10.0;
    }
  }
}
