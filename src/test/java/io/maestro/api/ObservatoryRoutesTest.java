package io.maestro.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("Observatory routes: the UI from the jar at /, who the caller is, and the persisted activity log")
class ObservatoryRoutesTest {
  @RegisterExtension
  static final TestApp app = TestApp.forClass(new JsonObject().put("jobs.workerInstances", 0));

  @Test
  @DisplayName("/ serves the UI and its vendored event-bus client from the jar; an unknown /api path is still a JSON 404")
  void servesTheUi() throws Exception {
    var index = Http.get(app.http, "/");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.getHeader("Content-Type")).startsWith("text/html");
    assertThat(index.bodyAsString()).contains("Maestro Observatory", "vendor/vertx-eventbus.js", "vendor/sockjs.min.js");
    for (String file : new String[] {"/app.js", "/app.css", "/vendor/vertx-eventbus.js", "/vendor/sockjs.min.js"}) {
      var response = Http.get(app.http, file);
      assertThat(response.statusCode()).as(file).isEqualTo(200);
      assertThat(response.bodyAsString()).as(file).isNotBlank();
    }
    assertThat(Http.get(app.http, "/vendor/vertx-eventbus.js").bodyAsString()).contains("enableReconnect");
    var missing = Http.get(app.http, "/api/no-such-thing");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("not_found");
  }

  @Test
  @DisplayName("GET /api/me names the caller and the live addresses it may register")
  void me() throws Exception {
    JsonObject me = Http.get(app.http, "/api/me").bodyAsJsonObject();
    assertThat(me.getString("user_id")).isEqualTo("local");
    assertThat(me.getString("auth")).isEqualTo("local");
    assertThat(me.getJsonObject("addresses").getString("jobs")).isEqualTo("maestro.updates.local.jobs");
    assertThat(me.getJsonObject("addresses").getString("activity")).isEqualTo("maestro.updates.local.activity");
  }

  @Test
  @DisplayName("GET /api/maestro/activity: the caller's entries newest first, limited; another user's never; a bad limit is a 422")
  void activity() throws Exception {
    app.execute("""
        INSERT INTO activity_log (user_id, time, agent, action, detail, emoji, level) VALUES
          ('local', now() - interval '3 minutes', 'healer', 'retried', 'first', '🔁', 'info'),
          ('local', now() - interval '2 minutes', 'healer', 'permanent', 'second', '🛑', 'error'),
          ('local', now() - interval '1 minute', 'toby', 'proposed', 'third', '💡', 'info'),
          ('someone-else', now(), 'toby', 'proposed', 'not yours', '', 'info')""");
    JsonObject all = Http.get(app.http, "/api/maestro/activity").bodyAsJsonObject();
    assertThat(all.getJsonArray("activity").stream().map(e -> ((JsonObject) e).getString("detail")))
        .containsSubsequence("third", "second", "first").doesNotContain("not yours");
    JsonObject two = Http.get(app.http, "/api/maestro/activity?limit=2").bodyAsJsonObject();
    assertThat(two.getInteger("count")).isEqualTo(2);
    assertThat(two.getJsonArray("activity").getJsonObject(0).getString("detail")).isEqualTo("third");
    assertThat(two.getJsonArray("activity").getJsonObject(1).getString("level")).isEqualTo("error");
    for (String bad : new String[] {"0", "501", "ten"}) {
      var response = Http.get(app.http, "/api/maestro/activity?limit=" + bad);
      assertThat(response.statusCode()).as(bad).isEqualTo(422);
      assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("invalid_field");
    }
  }
}
