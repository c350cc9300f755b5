package io.maestro.textmodel;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.examiner.Verdict;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The offline examiner judged against hand-written proposals (src/test/resources/examiner): good ones a careful
 * editor would publish for women 45+, bad ones she would refuse (broken promises, unnamed research, clickbait,
 * medical claims, young-adult targeting, repeats, filler, unreadable text). The verdict is the composite's, as in
 * the examiner actor.
 */
@DisplayName("Offline examiner: accepts the good hand-written proposals and rejects the bad ones")
class OfflineScorerTest {

  private static JsonArray fixture(String name) throws Exception {
    try (InputStream in = OfflineScorerTest.class.getClassLoader().getResourceAsStream("examiner/" + name)) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getJsonArray("proposals");
    }
  }

  private static Verdict judge(JsonObject item) {
    JsonObject input = new JsonObject().put("proposal", item.getJsonObject("proposal"))
        .put("brand", item.getJsonObject("brand"))
        .put("recent_titles", item.getJsonArray("recent_titles", new JsonArray()))
        .put("recent_lines", item.getJsonArray("recent_lines", new JsonArray()));
    return Verdict.of(OfflineScorer.score(input));
  }

  /** Items of the fixture whose verdict is not the expected one, with the scorer's reason. */
  private static List<String> misjudged(JsonArray items, boolean expectAccept) {
    List<String> wrong = new ArrayList<>();
    for (Object o : items) {
      JsonObject item = (JsonObject) o;
      Verdict v = judge(item);
      if (v.accepted() != expectAccept) {
        wrong.add(item.getJsonObject("proposal").getString("title") + " → " + v.composite() + " " + v.reason());
      }
    }
    return wrong;
  }

  @Test
  @DisplayName("at least 20 of each; accuracy on both sets is reported and at least 90 %")
  void accuracy() throws Exception {
    JsonArray good = fixture("good.json");
    JsonArray bad = fixture("bad.json");
    assertThat(good.size()).isGreaterThanOrEqualTo(20);
    assertThat(bad.size()).isGreaterThanOrEqualTo(20);
    List<String> falseRejects = misjudged(good, true);
    List<String> falseAccepts = misjudged(bad, false);
    System.out.printf("offline examiner: good %d/%d accepted, bad %d/%d rejected, accuracy %.1f %%%n",
        good.size() - falseRejects.size(), good.size(), bad.size() - falseAccepts.size(), bad.size(),
        100.0 * (good.size() + bad.size() - falseRejects.size() - falseAccepts.size()) / (good.size() + bad.size()));
    falseRejects.forEach(w -> System.out.println("  good but rejected: " + w));
    falseAccepts.forEach(w -> System.out.println("  bad but accepted: " + w));
    assertThat(falseRejects.size()).as("good rejected: %s", falseRejects).isLessThanOrEqualTo(good.size() / 10);
    assertThat(falseAccepts.size()).as("bad accepted: %s", falseAccepts).isLessThanOrEqualTo(bad.size() / 10);
  }

  @Test
  @DisplayName("every bad proposal's reason names what is wrong; red flags cost the composite below 6")
  void reasons() throws Exception {
    JsonObject promise = fixture("bad.json").getJsonObject(0);
    Verdict v = judge(promise);
    assertThat(v.reason()).contains("title promises 7, delivers 4");
    assertThat(v.redFlags().encode()).contains("promises 7");
    assertThat(v.composite()).isLessThan(Verdict.ACCEPT_AT);

    Verdict studies = judge(fixture("bad.json").getJsonObject(1));
    assertThat(studies.reason()).contains("clickbait without payoff").contains("4 studies");
    Verdict students = judge(fixture("bad.json").getJsonObject(3));
    assertThat(students.reason()).contains("targets young adults");
    Verdict medical = judge(fixture("bad.json").getJsonObject(4));
    assertThat(medical.reason()).contains("medical claim");
  }

  @Test
  @DisplayName("the same proposal is accepted fresh and rejected as a repeat of the brand's recent proposals")
  void repetition() throws Exception {
    JsonObject item = fixture("good.json").getJsonObject(0).copy();
    assertThat(judge(item).accepted()).isTrue();
    JsonObject p = item.getJsonObject("proposal");
    item.put("recent_titles", new JsonArray().add(p.getString("title").replace("4", "5")))
        .put("recent_lines", p.getJsonArray("content_lines").copy());
    Verdict again = judge(item);
    assertThat(again.accepted()).isFalse();
    assertThat(again.reason()).contains("repeat");
  }
}
