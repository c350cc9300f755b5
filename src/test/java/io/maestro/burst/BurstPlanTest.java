package io.maestro.burst;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Burst plan: exact totals, even spread over brands, every brand sees every agent")
class BurstPlanTest {
  private static final List<String> FIVE = List.of("a", "b", "c", "d", "e");
  private static final List<JsonObject> AGENTS = List.of(agent("lexi", "post", "reel"), agent("toby", "post", "reel"));

  private static JsonObject agent(String id, String... types) {
    return new JsonObject().put("agent_id", id).put("content_types", new JsonArray(List.of(types)));
  }

  @ParameterizedTest(name = "posts={0} reels={1} over {2} brand(s)")
  @CsvSource({"1,0,5", "0,1,5", "2,3,3", "10,30,5", "7,0,2", "0,12,2", "3,3,1", "0,0,5"})
  @DisplayName("totals are exactly the request; per brand they differ by at most one")
  void exact(int posts, int reels, int brandCount) {
    List<String> brands = FIVE.subList(0, brandCount);
    List<BurstPlan.Task> tasks = BurstPlan.plan(brands, AGENTS, posts, reels);
    for (String type : List.of("post", "reel")) {
      int n = type.equals("post") ? posts : reels;
      assertThat(tasks.stream().filter(t -> t.contentType().equals(type)).mapToInt(BurstPlan.Task::count).sum())
          .isEqualTo(n);
      Map<String, Integer> perBrand = tasks.stream().filter(t -> t.contentType().equals(type))
          .collect(Collectors.groupingBy(BurstPlan.Task::brand, Collectors.summingInt(BurstPlan.Task::count)));
      for (String brand : brands) {
        assertThat(perBrand.getOrDefault(brand, 0)).isBetween(n / brands.size(), (n + brands.size() - 1) / brands.size());
      }
    }
  }

  @Test
  @DisplayName("a full burst (6 reels, 2 posts per brand) gives every brand reels from both agents")
  void fullBurstSpread() {
    List<BurstPlan.Task> tasks = BurstPlan.plan(FIVE, AGENTS, 10, 30);
    for (String brand : FIVE) {
      assertThat(tasks.stream().filter(t -> t.brand().equals(brand) && t.contentType().equals("reel"))
          .map(BurstPlan.Task::agentId).distinct()).containsExactlyInAnyOrder("lexi", "toby");
    }
    assertThat(BurstPlan.plan(List.of("a", "b"), AGENTS, 0, 4).stream().filter(t -> t.brand().equals("a"))
        .map(BurstPlan.Task::agentId).distinct().count()).as("brands % agents == 0 still rotates").isEqualTo(2);
  }

  @Test
  @DisplayName("only agents that make a content type get it; none at all is refused")
  void contentTypes() {
    List<JsonObject> agents = List.of(agent("poster", "post"), agent("reeler", "reel"));
    List<BurstPlan.Task> tasks = BurstPlan.plan(FIVE, agents, 3, 3);
    assertThat(tasks).allMatch(t -> t.contentType().equals("post") == t.agentId().equals("poster"));
    assertThatThrownBy(() -> BurstPlan.plan(FIVE, List.of(agent("poster", "post")), 0, 1))
        .hasMessageContaining("no active agent makes reels");
  }
}
