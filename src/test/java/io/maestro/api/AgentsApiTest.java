package io.maestro.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("/api/agents: the built-ins, CRUD, DELETE deactivates; bad input is a 4xx JSON error and writes nothing")
class AgentsApiTest {
  @RegisterExtension
  static final TestApp app = TestApp.forClass(new JsonObject().put("jobs.workerInstances", 0));

  private static JsonObject valid(String id) {
    return new JsonObject().put("agent_id", id).put("display_name", "Nova").put("personality", "Playful teacher")
        .put("temperature", 0.6).put("variant", "auto").put("strategy_names", new JsonArray().add("explore").add("refine"))
        .put("strategy_weights", new JsonObject().put("explore", 0.5).put("refine", 0.5)).put("risk_tolerance", "medium")
        .put("content_types", new JsonArray().add("reel"));
  }

  @Test
  @DisplayName("the built-ins Toby and Lexi are listed with the contract's fields and values")
  void builtIns() throws Exception {
    JsonObject body = Http.get(app.http, "/api/agents").bodyAsJsonObject();
    JsonArray agents = body.getJsonArray("agents");
    JsonObject toby = agents.stream().map(a -> (JsonObject) a).filter(a -> a.getString("agent_id").equals("toby"))
        .findFirst().orElseThrow();
    assertThat(toby.fieldNames()).contains("agent_id", "display_name", "personality", "temperature", "variant",
        "proposal_prefix", "strategy_names", "strategy_weights", "risk_tolerance", "proposals_per_brand", "content_types",
        "active", "is_builtin", "created_at");
    assertThat(toby.getDouble("temperature")).isEqualTo(0.9);
    assertThat(toby.getString("variant")).isEqualTo("dark");
    assertThat(toby.getJsonObject("strategy_weights").getDouble("double_down")).isEqualTo(0.3);
    assertThat(toby.getString("risk_tolerance")).isEqualTo("high");
    assertThat(toby.getBoolean("is_builtin")).isTrue();
    JsonObject lexi = Http.get(app.http, "/api/agents/lexi").bodyAsJsonObject();
    assertThat(lexi.getDouble("temperature")).isEqualTo(0.75);
    assertThat(lexi.getJsonObject("strategy_weights").getDouble("refine")).isEqualTo(0.4);
    assertThat(lexi.getString("risk_tolerance")).isEqualTo("low");
  }

  @Test
  @DisplayName("create, read, update, then DELETE deactivates (hidden from the list unless include_inactive=true)")
  void crud() throws Exception {
    var created = Http.post(app.http, "/api/agents", valid("nova"));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    assertThat(created.bodyAsJsonObject().getString("proposal_prefix")).isEqualTo("NOVA");
    assertThat(created.bodyAsJsonObject().getBoolean("is_builtin")).isFalse();
    assertThat(Http.post(app.http, "/api/agents", valid("nova")).statusCode()).isEqualTo(409);

    JsonObject updated = Http.call(app.http, HttpMethod.PUT, "/api/agents/nova", null,
        new JsonObject().put("temperature", 1.2).put("variant", "light").encode()).bodyAsJsonObject();
    assertThat(updated.getDouble("temperature")).isEqualTo(1.2);
    assertThat(updated.getString("variant")).isEqualTo("light");
    assertThat(updated.getString("personality")).isEqualTo("Playful teacher");

    // what GET returns can be sent back with PUT
    JsonObject roundTrip = Http.get(app.http, "/api/agents/nova").bodyAsJsonObject();
    assertThat(Http.call(app.http, HttpMethod.PUT, "/api/agents/nova", null, roundTrip.encode()).statusCode()).isEqualTo(200);

    var deleted = Http.call(app.http, HttpMethod.DELETE, "/api/agents/nova", null, null);
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(deleted.bodyAsJsonObject().getString("status")).isEqualTo("deactivated");
    assertThat(app.count("SELECT count(*) FROM agents WHERE agent_id = 'nova' AND NOT active")).isEqualTo(1);
    assertThat(Http.get(app.http, "/api/agents").bodyAsJsonObject().getJsonArray("agents").encode()).doesNotContain("nova");
    assertThat(Http.get(app.http, "/api/agents?include_inactive=true").bodyAsJsonObject().getJsonArray("agents").encode())
        .contains("nova");
    assertThat(Http.get(app.http, "/api/agents/nobody").statusCode()).isEqualTo(404);
    assertThat(Http.call(app.http, HttpMethod.DELETE, "/api/agents/nobody", null, null).statusCode()).isEqualTo(404);
  }

  static Stream<Arguments> badCreates() {
    return Stream.of(
        Arguments.of("malformed JSON", "{\"agent_id\":", 400, "not valid JSON"),
        Arguments.of("missing agent_id", valid("x").copy().put("agent_id", (String) null).encode(), 422, "agent_id: is required"),
        Arguments.of("bad agent_id", valid("Bad Id!").encode(), 422, "agent_id"),
        Arguments.of("missing display_name", valid("a1").copy().put("display_name", (String) null).encode(), 422,
            "display_name: is required"),
        Arguments.of("temperature out of range", valid("a2").copy().put("temperature", 3).encode(), 422, "temperature"),
        Arguments.of("temperature not a number", valid("a3").copy().put("temperature", "hot").encode(), 422, "temperature"),
        Arguments.of("unknown variant", valid("a4").copy().put("variant", "neon").encode(), 422, "variant"),
        Arguments.of("bad prefix", valid("a5").copy().put("proposal_prefix", "x-1").encode(), 422, "proposal_prefix"),
        Arguments.of("weight for unknown strategy", valid("a6").copy().put("strategy_weights",
            new JsonObject().put("explore", 1).put("yolo", 1)).encode(), 422, "yolo"),
        Arguments.of("all weights zero", valid("a7").copy().put("strategy_weights",
            new JsonObject().put("explore", 0).put("refine", 0)).encode(), 422, "above 0"),
        Arguments.of("unknown content type", valid("a8").copy().put("content_types", new JsonArray().add("story")).encode(),
            422, "content_types"),
        Arguments.of("unknown field", valid("a9").copy().put("mood", "happy").encode(), 422, "mood: unknown field"),
        Arguments.of("risk not allowed", valid("b1").copy().put("risk_tolerance", "extreme").encode(), 422, "risk_tolerance"));
  }

  @ParameterizedTest(name = "{0} → {2}")
  @MethodSource("badCreates")
  @DisplayName("POST /api/agents refuses bad input with a JSON error naming the problem, and writes nothing")
  void refusesBadInput(String name, String body, int status, String message) throws Exception {
    long before = app.count("SELECT count(*) FROM agents");
    var response = Http.call(app.http, HttpMethod.POST, "/api/agents", null, body);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("message")).contains(message);
    assertThat(app.count("SELECT count(*) FROM agents")).isEqualTo(before);
  }

  @Test
  @DisplayName("PUT refuses a changed agent_id and bad values, and leaves the agent as it was")
  void badUpdates() throws Exception {
    String before = Http.get(app.http, "/api/agents/toby").bodyAsString();
    for (String body : new String[] {"{\"agent_id\":\"other\"}", "{\"temperature\":-1}", "{\"strategy_weights\":{\"x\":1}}",
        "{\"display_name\":\"  \"}", "[]"}) {
      var response = Http.call(app.http, HttpMethod.PUT, "/api/agents/toby", null, body);
      assertThat(response.statusCode()).as(body + " → " + response.bodyAsString()).isBetween(400, 422);
    }
    assertThat(Http.get(app.http, "/api/agents/toby").bodyAsString()).isEqualTo(before);
  }
}
