package io.maestro.textmodel;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Offline text model: deterministic for a seed, on-topic, varied; scores by explicit rules")
class OfflineTextModelTest {
  private static final JsonObject BRAND = new JsonObject().put("brand_id", "healthycollege")
      .put("display_name", "Healthy College").put("topics", new JsonArray().add("sleep").add("hydration").add("meal prep"));

  private static JsonObject input(int count, JsonArray recent) {
    return new JsonObject()
        .put("agent", new JsonObject().put("agent_id", "toby").put("display_name", "Toby").put("personality", "bold")
            .put("risk_tolerance", "high").put("temperature", 0.9))
        .put("brand", BRAND).put("content_type", "post").put("count", count)
        .put("strategies", new JsonArray().add("explore").add("analyze").add("refine").add("trending"))
        .put("recent_titles", recent).put("round", 0);
  }

  private static JsonObject run(OfflineTextModel model, TextTask task) throws Exception {
    return model.complete(task).await(5, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("the same seed and input give the same proposals; another seed gives others")
  void deterministic() throws Exception {
    TextTask task = Prompts.proposals(input(4, new JsonArray()));
    assertThat(run(new OfflineTextModel(42), task)).isEqualTo(run(new OfflineTextModel(42), task));
    assertThat(run(new OfflineTextModel(43), task)).isNotEqualTo(run(new OfflineTextModel(42), task));
  }

  @Test
  @DisplayName("proposals are complete, on one of the brand's topics, distinct, and avoid the recent titles")
  void onTopicAndVaried() throws Exception {
    OfflineTextModel model = new OfflineTextModel(7);
    JsonArray first = run(model, Prompts.proposals(input(4, new JsonArray()))).getJsonArray("proposals");
    assertThat(first).hasSize(4);
    JsonArray titles = new JsonArray();
    for (Object o : first) {
      JsonObject p = (JsonObject) o;
      assertThat(p.getString("title")).containsAnyOf("sleep", "hydration", "meal prep");
      assertThat(p.getJsonArray("content_lines").size()).isBetween(3, 6);
      assertThat(p.getString("caption")).contains(p.getString("title"));
      assertThat(p.getString("image_prompt")).isNotBlank();
      titles.add(p.getString("title"));
    }
    assertThat(titles.stream().distinct().count()).isEqualTo(4);
    JsonArray next = run(model, Prompts.proposals(input(4, titles))).getJsonArray("proposals");
    next.forEach(p -> assertThat(titles.contains(((JsonObject) p).getString("title"))).isFalse());
  }

  @Test
  @DisplayName("its own proposals pass the rules; a thin, off-topic or duplicate one does not")
  void scoringRules() throws Exception {
    OfflineTextModel model = new OfflineTextModel(1);
    JsonObject good = run(model, Prompts.proposals(input(1, new JsonArray()))).getJsonArray("proposals").getJsonObject(0);
    JsonObject goodScores = score(model, good.put("content_type", "post"), new JsonArray());
    assertThat(composite(goodScores)).isGreaterThanOrEqualTo(6.0);

    JsonObject thin = new JsonObject().put("title", "Tips").put("content_lines", new JsonArray()).put("content_type", "post");
    JsonObject thinScores = score(model, thin, new JsonArray());
    assertThat(composite(thinScores)).isLessThan(4.5);
    assertThat(thinScores.getString("reason")).contains("content line").contains("fewer than 4 words");

    JsonObject dupScores = score(model, good, new JsonArray().add(good.getString("title").toUpperCase()));
    assertThat(dupScores.getJsonArray("red_flags").encode()).contains("duplicate");
    assertThat(composite(dupScores)).isLessThan(composite(goodScores));

    JsonObject hype = good.copy().put("title", "This miracle tea will cure your sleep in 3 days");
    assertThat(score(model, hype, new JsonArray()).getJsonArray("red_flags").encode()).contains("miracle").contains("cure");
  }

  private static JsonObject score(OfflineTextModel model, JsonObject proposal, JsonArray recent) throws Exception {
    return run(model, Prompts.examination(new JsonObject().put("proposal", proposal).put("brand", BRAND)
        .put("recent_titles", recent)));
  }

  private static double composite(JsonObject s) {
    return io.maestro.examiner.Verdict.composite(s.getDouble("avatar_fit"), s.getDouble("engagement_potential"),
        s.getDouble("content_quality"));
  }
}
