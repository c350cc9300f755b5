package io.maestro.textmodel;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the offline examiner measures in a proposal: each method is one explainable feature (the promise in the
 * title, cited research, red-flag phrases, repetition against the brand's recent proposals, reading level…).
 */
final class ProposalFeatures {
  private static final NumberWords WORDS = new NumberWords();
  /** "after 45", "over 50", "in your 40s", "10-minute", "7 hours", "30%": numbers that are not a count of lines. */
  private static final Pattern NOT_A_COUNT = Pattern.compile("(?i)(?:\\b(?:after|over|past|under|at|in your|by|age[sd]?"
      + "|turning|before|until|from|and)\\s+\\d+s?\\b)|(?:\\b\\d+s\\b)|(?:\\b\\d+\\s*(?:-|\\s)?\\s*(?:minutes?|mins?|hours?"
      + "|days?|weeks?|months?|years?|seconds?|steps|%|percent|am|pm|a\\.m\\.|p\\.m\\.|calories|g|grams?|mg|ounces?"
      + "|cups?|pounds?|lbs?)\\b)|(?:\\d+%)");
  private static final Pattern NUMBER = Pattern.compile("(?i)\\b(\\d{1,2}|two|three|four|five|six|seven|eight|nine|ten"
      + "|eleven|twelve)\\b");
  private static final Pattern CITES_RESEARCH = Pattern.compile("(?i)\\b(studies|study|research|science|scientists"
      + "|evidence|proven|researchers)\\b");
  private static final Pattern NAMES_STUDY = Pattern.compile("(?i)\\b(study|trial|researchers|analysis|review|survey"
      + "|project|studies)\\b");
  /** A year, or a capitalised name after the first word (Harvard, Whitehall II, Nurses' Health, Pennebaker's…). */
  private static final Pattern STUDY_SOURCE = Pattern.compile("\\b(19|20)\\d\\d\\b|(?<=\\S\\s)[A-Z][A-Za-z'-]+");
  private static final Pattern YOUNG = Pattern.compile("(?i)(\\bstudents?\\b|\\bcollege kids\\b|\\bdorm\\b|\\bcampus\\b"
      + "|\\bfinals week\\b|\\bgen ?z\\b|\\bteens?\\b|\\bteenagers?\\b|\\byour (?:20s|twenties)\\b|#studentlife"
      + "|\\bspring break\\b|\\broommates?\\b|\\bfreshman\\b|\\bsorority\\b|\\bfrat\\b|\\bmidterms\\b)");
  private static final Pattern MEDICAL = Pattern.compile("(?i)(\\bcures?\\b|\\bcured\\b|\\bheals? (?:your|the|any)\\b"
      + "|\\btreats? (?:your )?(?:anxiety|depression|diabetes|insomnia|arthritis|cancer|disease|menopause|symptoms|"
      + "hypertension)\\b|\\b(?:prevents?|reverses?|reversed|eliminates?) (?:cancer|diabetes|disease|alzheimer'?s"
      + "|dementia|heart disease|osteoporosis|aging|menopause)\\b|(?<!digital )\\bdetox\\b|\\bflush(?:es)? (?:out )?toxins\\b"
      + "|\\bboosts? your immune\\b|\\bmelts? (?:away )?(?:belly )?fat\\b|\\blose \\d+ (?:pounds|lbs)\\b"
      + "|\\binstead of (?:your )?(?:medication|meds|doctor)\\b|\\bstop taking\\b|\\bno need for (?:medication|meds"
      + "|a doctor)\\b|\\bbalances? your hormones\\b|\\bmiracle\\b|\\bguaranteed\\b|\\bclinically proven\\b)");
  private static final Pattern CLICKBAIT = Pattern.compile("(?i)(you won'?t believe|shocking|doctors hate|this one"
      + " (?:trick|weird)|one weird trick|what happens next|blow your mind|the secret (?:to|that|they)|they don'?t want"
      + " you to know|insane|mind-blowing|#\\d+ will|nobody talks about)");
  private static final Pattern FILLER = Pattern.compile("(?i)\\b(game[- ]changer|level up|unlock|journey|vibes|"
      + "best self|stuff|things? like that|amazing|awesome|literally|crush it|glow up|hack your)\\b");
  private static final Pattern SPECIFIC = Pattern.compile("(?i)\\d|\\b(minutes?|hours?|cups?|grams?|steps|days?|weeks?"
      + "|a\\.m\\.|p\\.m\\.|morning|evening|before bed|after dinner|lunch|breakfast|tablespoon|teaspoon|handful)\\b");
  private static final Set<String> STOP = Set.of("the", "a", "an", "and", "or", "of", "to", "in", "on", "for", "with",
      "your", "you", "is", "are", "that", "this", "it", "at", "by", "from", "about", "what", "how", "why", "be", "can",
      "after", "over", "worth", "things", "tips", "ways");

  private ProposalFeatures() {}

  /** The count the title promises (first number that is not an age, duration or amount), or -1. */
  static int promisedCount(String title) {
    Matcher m = NUMBER.matcher(NOT_A_COUNT.matcher(title).replaceAll(" "));
    return m.find() ? WORDS.value(m.group(1)) : -1;
  }

  static boolean citesResearch(String title) {
    return CITES_RESEARCH.matcher(title).find();
  }

  /** Lines that name a study: a study word plus a year or an institution. */
  static long studyLines(JsonArray lines) {
    return strings(lines).stream().filter(l -> NAMES_STUDY.matcher(l).find() && STUDY_SOURCE.matcher(l).find()).count();
  }

  /** "N studies" in the title: N, else 1 when it cites research at all, else 0. */
  static int studiesPromised(String title) {
    Matcher m = Pattern.compile("(?i)\\b(\\d{1,2}|two|three|four|five|six|seven|eight|nine|ten) (?:new |recent |big )?"
        + "(?:studies|trials|papers)\\b").matcher(title);
    return m.find() ? WORDS.value(m.group(1)) : citesResearch(title) ? 1 : 0;
  }

  static List<String> matches(Pattern pattern, String text) {
    List<String> found = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      found.add(m.group().toLowerCase(Locale.ROOT));
    }
    return found;
  }

  static List<String> youngAudience(String text) {
    return matches(YOUNG, text);
  }

  static List<String> medicalClaims(String text) {
    return matches(MEDICAL, text);
  }

  static List<String> clickbait(String text) {
    return matches(CLICKBAIT, text);
  }

  static long fillerLines(JsonArray lines) {
    return strings(lines).stream().filter(l -> FILLER.matcher(l).find() || contentWords(l).size() < 3).count();
  }

  /** Whether the text mentions the topic: any of its words, matched on a 5-letter stem (breathwork ~ breathing). */
  static boolean mentions(String text, String topic) {
    String lower = text.toLowerCase(Locale.ROOT);
    for (String word : topic.toLowerCase(Locale.ROOT).split("\\s+")) {
      String stem = word.length() > 5 ? word.substring(0, 5) : word;
      if (Pattern.compile("\\b" + Pattern.quote(stem)).matcher(lower).find()) {
        return true;
      }
    }
    return false;
  }

  static double specificShare(JsonArray lines) {
    List<String> all = strings(lines);
    return all.isEmpty() ? 0 : all.stream().filter(l -> SPECIFIC.matcher(l).find()).count() / (double) all.size();
  }

  static Set<String> contentWords(String text) {
    Set<String> out = new HashSet<>();
    for (String w : text.toLowerCase(Locale.ROOT).split("[^a-z']+")) {
      if (w.length() > 2 && !STOP.contains(w)) {
        out.add(w.endsWith("s") && w.length() > 4 ? w.substring(0, w.length() - 1) : w);
      }
    }
    return out;
  }

  static double jaccard(Set<String> a, Set<String> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return 0;
    }
    Set<String> both = new HashSet<>(a);
    both.retainAll(b);
    return both.size() / (double) (a.size() + b.size() - both.size());
  }

  /** Highest word overlap of the title with any recent title (numbers and filler words ignored). */
  static double titleRepetition(String title, JsonArray recentTitles) {
    Set<String> mine = contentWords(title);
    return strings(recentTitles).stream().mapToDouble(t -> jaccard(mine, contentWords(t))).max().orElse(0);
  }

  /** Lines that (nearly) repeat a line of the brand's recent proposals, or an earlier line of this one. */
  static long repeatedLines(JsonArray lines, JsonArray recentLines) {
    List<Set<String>> seen = new ArrayList<>();
    strings(recentLines).forEach(l -> seen.add(contentWords(l)));
    long repeated = 0;
    for (String line : strings(lines)) {
      Set<String> words = contentWords(line);
      if (seen.stream().anyMatch(s -> jaccard(words, s) >= 0.8)) {
        repeated++;
      }
      seen.add(words);
    }
    return repeated;
  }

  /** Lines built on one frame ("Put your X cue…", "Track X for…"): the share of line pairs sharing a 3-word start. */
  static double formulaic(JsonArray lines) {
    List<String> starts = strings(lines).stream().map(l -> String.join(" ", List.of(l.toLowerCase(Locale.ROOT)
        .split("\\s+")).subList(0, Math.min(3, l.split("\\s+").length)))).toList();
    return starts.isEmpty() ? 0 : 1 - new HashSet<>(starts).size() / (double) starts.size();
  }

  /** Flesch–Kincaid grade of the lines (syllables estimated from vowel groups). */
  static double readingGrade(JsonArray lines) {
    String text = String.join(". ", strings(lines));
    String[] words = text.split("[^A-Za-z']+");
    long wordCount = java.util.Arrays.stream(words).filter(w -> !w.isBlank()).count();
    if (wordCount == 0) {
      return 0;
    }
    long sentences = Math.max(1, strings(lines).size() + text.chars().filter(c -> c == ';' || c == '?').count());
    long syllables = java.util.Arrays.stream(words).filter(w -> !w.isBlank()).mapToLong(ProposalFeatures::syllables)
        .sum();
    return 0.39 * wordCount / sentences + 11.8 * syllables / (double) wordCount - 15.59;
  }

  private static long syllables(String word) {
    String w = word.toLowerCase(Locale.ROOT).replaceAll("(?:[^laeiouy]es|ed|[^laeiouy]e)$", "").replaceAll("^y", "");
    long groups = Pattern.compile("[aeiouy]+").matcher(w).results().count();
    return Math.max(1, groups);
  }

  static List<String> strings(JsonArray values) {
    List<String> out = new ArrayList<>();
    if (values != null) {
      values.forEach(v -> out.add(v == null ? "" : String.valueOf(v)));
    }
    return out;
  }

  static String text(JsonObject p) {
    return p.getString("title", "") + "\n" + String.join("\n", strings(p.getJsonArray("content_lines")))
        + "\n" + (p.getString("caption") == null ? "" : p.getString("caption"));
  }

  /** Number words to values. */
  private static final class NumberWords {
    private final List<String> names = List.of("zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
        "nine", "ten", "eleven", "twelve");

    int value(String token) {
      String t = token.toLowerCase(Locale.ROOT);
      int i = names.indexOf(t);
      return i >= 0 ? i : Integer.parseInt(t);
    }
  }
}
