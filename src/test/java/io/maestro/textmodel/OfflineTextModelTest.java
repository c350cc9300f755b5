package io.maestro.textmodel;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Offline writer: deterministic for a seed, real tips for women 45+, titles that keep their promise")
class OfflineTextModelTest {
  private static final JsonObject BRAND = new JsonObject().put("brand_id", "healthycollege")
      .put("display_name", "Healthy College").put("topics", new JsonArray().add("sleep").add("hydration").add("meal prep"));
  /** The five brands every user starts with (V2__provision_user.sql). */
  static final List<JsonObject> BRANDS = List.of(
      brand("healthycollege", "nutrition", "sleep", "hydration", "gut health", "meal prep", "movement"),
      brand("holisticcollege", "mindfulness", "breathwork", "herbal remedies", "stress", "balance", "rituals"),
      brand("longevitycollege", "healthspan", "strength training", "metabolic health", "blood sugar", "recovery",
          "aging well"),
      brand("vitalitycollege", "energy", "morning routines", "sunlight", "protein", "walking", "focus"),
      brand("wellbeingcollege", "mental health", "social connection", "journaling", "nature", "digital detox",
          "gratitude"));

  static JsonObject brand(String id, String... topics) {
    return new JsonObject().put("brand_id", id).put("display_name", id).put("topics", new JsonArray(List.of(topics)));
  }

  static JsonObject input(JsonObject brand, String type, int count, JsonArray strategies, JsonArray recent) {
    return new JsonObject()
        .put("agent", new JsonObject().put("agent_id", "toby").put("display_name", "Toby").put("personality", "bold")
            .put("risk_tolerance", "high").put("temperature", 0.9))
        .put("brand", brand).put("content_type", type).put("count", count)
        .put("strategies", strategies).put("recent_titles", recent).put("round", 0);
  }

  private static JsonObject input(int count, JsonArray recent) {
    return input(BRAND, "post", count, new JsonArray().add("explore").add("analyze").add("refine").add("trending"),
        recent);
  }

  static JsonObject run(OfflineTextModel model, TextTask task) throws Exception {
    return model.complete(task).await(5, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("the same seed and input give the same proposals; another seed gives others")
  void deterministic() throws Exception {
    TextTask task = Prompts.proposals(input(4, new JsonArray()));
    assertThat(run(new OfflineTextModel(42), task)).isEqualTo(run(new OfflineTextModel(42), task));
    assertThat(run(new OfflineTextModel(43), task)).isNotEqualTo(run(new OfflineTextModel(42), task));
  }

  /** Whether a draft keeps its title's promise: line count, named studies, no hook without payoff. */
  static boolean keepsPromise(JsonObject p) {
    String title = p.getString("title");
    JsonArray lines = p.getJsonArray("content_lines");
    int promised = ProposalFeatures.promisedCount(title);
    return (promised == -1 || promised == lines.size())
        && ProposalFeatures.studyLines(lines) >= ProposalFeatures.studiesPromised(title)
        && ProposalFeatures.clickbait(title).isEmpty();
  }

  private static double examine(OfflineTextModel model, JsonObject p, JsonObject brand, String type) throws Exception {
    JsonObject s = run(model, Prompts.examination(new JsonObject().put("proposal", p.copy().put("content_type", type))
        .put("brand", brand).put("recent_titles", new JsonArray())));
    return io.maestro.examiner.Verdict.composite(s.getDouble("avatar_fit"), s.getDouble("engagement_potential"),
        s.getDouble("content_quality"));
  }

  @Test
  @DisplayName("every brand, type and strategy: titles keep their promise, except a bold agent's overreach, which the "
      + "examiner rejects")
  void promisesKept() throws Exception {
    JsonArray strategies = new JsonArray().add("explore").add("iterate").add("double_down").add("trending")
        .add("analyze").add("refine").add("systematic").add("compound");
    int checked = 0;
    int overreached = 0;
    for (long seed = 1; seed <= 5; seed++) {
      OfflineTextModel model = new OfflineTextModel(seed);
      for (JsonObject brand : BRANDS) {
        for (String type : List.of("post", "reel")) {
          JsonArray made = run(model, Prompts.proposals(input(brand, type, 8, strategies, new JsonArray())))
              .getJsonArray("proposals");
          for (Object o : made) {
            JsonObject p = (JsonObject) o;
            JsonArray lines = p.getJsonArray("content_lines");
            String title = p.getString("title");
            assertThat(lines.size()).isBetween(type.equals("reel") ? 4 : 3, type.equals("reel") ? 6 : 5);
            assertThat(lines.stream().distinct().count()).as("no line twice in " + title).isEqualTo(lines.size());
            assertThat(ProposalFeatures.youngAudience(ProposalFeatures.text(p))).as(title).isEmpty();
            assertThat(ProposalFeatures.medicalClaims(ProposalFeatures.text(p))).as(title).isEmpty();
            assertThat(p.getString("caption")).doesNotContain("#studentlife").contains(title);
            if (!keepsPromise(p)) {
              overreached++;
              assertThat(examine(model, p, brand, type)).as("overreach rejected: " + title).isLessThan(6.0);
            }
            checked++;
          }
        }
      }
    }
    assertThat(checked).isEqualTo(5 * 5 * 2 * 8);
    System.out.printf("high-risk drafts that overreach: %d of %d%n", overreached, checked);
    assertThat(overreached).as("about 15 %% of a high-risk agent's drafts").isBetween(checked / 20, checked * 3 / 10);
  }

  @Test
  @DisplayName("a low-risk agent rarely overreaches")
  void lowRisk() throws Exception {
    int overreached = 0;
    OfflineTextModel model = new OfflineTextModel(3);
    for (JsonObject brand : BRANDS) {
      JsonObject in = input(brand, "reel", 20, new JsonArray().add("refine").add("analyze"), new JsonArray());
      in.getJsonObject("agent").put("risk_tolerance", "low");
      for (Object o : run(model, Prompts.proposals(in)).getJsonArray("proposals")) {
        overreached += keepsPromise((JsonObject) o) ? 0 : 1;
      }
    }
    assertThat(overreached).isLessThanOrEqualTo(10);
  }

  @Test
  @DisplayName("the corpus: every brand topic has dozens of tips, none repeated, none a medical claim")
  void corpus() {
    for (JsonObject brand : BRANDS) {
      brand.getJsonArray("topics").forEach(t -> {
        Corpus.Topic topic = Corpus.topics().get((String) t);
        assertThat(topic).as((String) t).isNotNull();
        assertThat(topic.tips()).as((String) t).hasSizeGreaterThanOrEqualTo(24).doesNotHaveDuplicates();
        topic.tips().forEach(tip -> assertThat(ProposalFeatures.medicalClaims(tip)).as(tip).isEmpty());
        topic.studies().forEach(s -> assertThat(ProposalFeatures.studyLines(new JsonArray().add(s))).as(s).isOne());
      });
    }
  }

  @Test
  @DisplayName("proposals are on the brand's topics, distinct, avoid recent titles and move on to other tips")
  void onTopicAndVaried() throws Exception {
    OfflineTextModel model = new OfflineTextModel(7);
    JsonArray first = run(model, Prompts.proposals(input(4, new JsonArray()))).getJsonArray("proposals");
    assertThat(first).hasSize(4);
    JsonArray titles = new JsonArray();
    JsonArray lines = new JsonArray();
    for (Object o : first) {
      JsonObject p = (JsonObject) o;
      assertThat(p.getString("title").toLowerCase()).containsAnyOf("sleep", "hydration", "meal prep");
      assertThat(p.getString("image_prompt")).isNotBlank();
      titles.add(p.getString("title"));
      lines.addAll(p.getJsonArray("content_lines"));
    }
    assertThat(titles.stream().distinct().count()).isEqualTo(4);
    JsonArray next = run(model, Prompts.proposals(input(4, titles))).getJsonArray("proposals");
    for (Object o : next) {
      JsonObject p = (JsonObject) o;
      assertThat(titles.contains(p.getString("title"))).isFalse();
      assertThat(ProposalFeatures.repeatedLines(p.getJsonArray("content_lines"), lines)).as(p.getString("title"))
          .isLessThanOrEqualTo(1);
    }
  }

  @Test
  @DisplayName("ten proposals side by side (printed for the closing note): kept promises pass, overreach does not")
  void tenSideBySide() throws Exception {
    OfflineTextModel model = new OfflineTextModel(42);
    JsonArray strategies = new JsonArray().add("explore").add("analyze").add("refine").add("systematic");
    for (int i = 0; i < 10; i++) {
      JsonObject brand = BRANDS.get(i % BRANDS.size());
      String type = i % 3 == 0 ? "post" : "reel";
      JsonObject p = run(model, Prompts.proposals(input(brand, type, 1, new JsonArray().add(strategies.getString(i % 4)),
          new JsonArray()))).getJsonArray("proposals").getJsonObject(0);
      JsonObject verdict = run(model, Prompts.examination(new JsonObject().put("proposal", p.copy()
          .put("content_type", type)).put("brand", brand).put("recent_titles", new JsonArray())));
      double composite = io.maestro.examiner.Verdict.composite(verdict.getDouble("avatar_fit"),
          verdict.getDouble("engagement_potential"), verdict.getDouble("content_quality"));
      System.out.println("[" + brand.getString("brand_id") + " " + type + " " + strategies.getString(i % 4) + "] "
          + p.getString("title") + "  => " + composite + " (" + verdict.getDouble("avatar_fit") + "/"
          + verdict.getDouble("engagement_potential") + "/" + verdict.getDouble("content_quality") + ") "
          + verdict.getString("reason"));
      p.getJsonArray("content_lines").forEach(l -> System.out.println("   - " + l));
      assertThat(composite >= 6.0).as(p.getString("title")).isEqualTo(keepsPromise(p));
    }
  }
}
