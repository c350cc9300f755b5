package io.maestro.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.testing.DbChecksum;
import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A generated sweep of hostile requests over every JSON route: each case must get a 4xx with a JSON error body,
 * never a 5xx, and leave the database exactly as it was.
 */
@DisplayName("Hostile input: every JSON route × every kind of bad input → 4xx JSON error, database unchanged")
class HostileInputTest {
  private static final String HUGE = "x".repeat(100_000);
  // A Java string cannot carry half a surrogate pair through UTF-8, so the JSON escape is spliced in after encoding.
  private static final String LONE_HIGH = "@@HIGH@@";
  private static final String LONE_LOW = "@@LOW@@";
  @RegisterExtension
  static final TestApp app = TestApp.forClass(
      new JsonObject().put("jobs.workerInstances", 0).put("healer.intervalMs", 86_400_000)
          .put("limits.requestBurst", 100_000).put("limits.requestsPerMinute", 100_000));
  private static String failedJob;
  private static long scheduleId;

  enum Kind { STRING, ONE_OF, STRINGS, INT, BOOL, DECIMAL }

  record Field(String name, Kind kind, boolean required) {}

  record JsonRoute(HttpMethod method, String path, JsonObject valid, List<Field> fields) {
    String label() {
      return method + " " + path;
    }
  }

  record Case(String label, HttpMethod method, String path, String body) {
    Case {
      body = body == null ? null : body.replace(LONE_HIGH, "\\ud800").replace(LONE_LOW, "\\udfff");
    }
  }

  @BeforeAll
  static void start() throws Exception {
    var created = Http.post(app.http, "/jobs/create", new JsonObject().put("title", "fixture").put("variant", "post")
        .put("brands", new JsonArray().add("healthycollege")));
    failedJob = created.bodyAsJsonObject().getString("job_id");
    app.execute("UPDATE jobs SET status = 'failed', error_code = 1001, error_category = 'api_error',"
        + " error_message = 'fixture failure', completed_at = now() WHERE job_id = '" + failedJob + "'");
    app.execute("INSERT INTO proposals (proposal_id, user_id, agent_name, content_type, brand, variant, title,"
        + " content_lines, status) VALUES ('LEXI-501', 'local', 'lexi', 'post', 'healthycollege', 'post', 'p',"
        + " '[\"one\"]', 'pending')");
    scheduleId = app.count("INSERT INTO schedule (user_id, brand, content_type, variant, slot_at, job_id, title)"
        + " VALUES ('local', 'healthycollege', 'post', 'post', now() + interval '2 days', '" + failedJob
        + "', 'slot') RETURNING id");
  }

  private static List<JsonRoute> routes() {
    JsonObject job = new JsonObject().put("title", "t").put("variant", "post")
        .put("brands", new JsonArray().add("healthycollege")).put("content_lines", new JsonArray().add("l"))
        .put("ai_prompt", "p").put("cta_type", "c").put("platforms", new JsonArray().add("instagram"))
        .put("fixed_title", false).put("caption", "c").put("slide_texts", new JsonArray().add("s"));
    List<Field> jobFields = List.of(new Field("title", Kind.STRING, true), new Field("variant", Kind.ONE_OF, true),
        new Field("brands", Kind.STRINGS, true), new Field("content_lines", Kind.STRINGS, false),
        new Field("ai_prompt", Kind.STRING, false), new Field("cta_type", Kind.STRING, false),
        new Field("platforms", Kind.STRINGS, false), new Field("fixed_title", Kind.BOOL, false),
        new Field("caption", Kind.STRING, false), new Field("slide_texts", Kind.STRINGS, false));
    JsonObject burst = new JsonObject().put("test_mode", true).put("posts", 1).put("reels", 0)
        .put("brands", new JsonArray().add("healthycollege"));
    List<Field> burstFields = List.of(new Field("test_mode", Kind.BOOL, false), new Field("posts", Kind.INT, false),
        new Field("reels", Kind.INT, false), new Field("brands", Kind.STRINGS, false));
    JsonObject agent = new JsonObject().put("agent_id", "sweep").put("display_name", "Sweep").put("personality", "p")
        .put("temperature", 0.7).put("variant", "dark").put("proposal_prefix", "SWP").put("risk_tolerance", "low")
        .put("proposals_per_brand", 1).put("content_types", new JsonArray().add("post")).put("active", true);
    List<Field> agentFields = List.of(new Field("agent_id", Kind.STRING, true),
        new Field("display_name", Kind.STRING, true), new Field("personality", Kind.STRING, false),
        new Field("temperature", Kind.DECIMAL, false), new Field("variant", Kind.ONE_OF, false),
        new Field("proposal_prefix", Kind.STRING, false), new Field("risk_tolerance", Kind.ONE_OF, false),
        new Field("proposals_per_brand", Kind.INT, false), new Field("content_types", Kind.STRINGS, false),
        new Field("active", Kind.BOOL, false));
    JsonObject agentUpdate = agent.copy().put("agent_id", "toby");
    List<Field> updateFields = agentFields.stream().map(f -> new Field(f.name(), f.kind(), false)).toList();
    List<Field> notes = List.of(new Field("notes", Kind.STRING, false));
    JsonObject credentials = new JsonObject().put("facebook_page_id", "1").put("facebook_access_token", "t")
        .put("instagram_user_id", "2").put("instagram_access_token", "t").put("youtube_refresh_token", "r");
    List<Field> credentialFields = credentials.fieldNames().stream().map(f -> new Field(f, Kind.STRING, false))
        .toList();
    return List.of(
        new JsonRoute(HttpMethod.POST, "/jobs/create", job, jobFields),
        new JsonRoute(HttpMethod.POST, "/api/maestro/trigger-burst", burst, burstFields),
        new JsonRoute(HttpMethod.POST, "/api/agents", agent, agentFields),
        new JsonRoute(HttpMethod.PUT, "/api/agents/toby", agentUpdate, updateFields),
        new JsonRoute(HttpMethod.POST, "/api/maestro/proposals/LEXI-501/accept", new JsonObject().put("notes", "n"), notes),
        new JsonRoute(HttpMethod.POST, "/api/maestro/proposals/LEXI-501/reject", new JsonObject().put("notes", "n"), notes),
        new JsonRoute(HttpMethod.POST, "/api/maestro/retry-job/" + failedJob, new JsonObject(), List.of()),
        new JsonRoute(HttpMethod.POST, "/api/schedule/" + scheduleId + "/reschedule",
            new JsonObject().put("slot_at", "2099-01-01T12:00:00Z"), List.of(new Field("slot_at", Kind.STRING, true))),
        new JsonRoute(HttpMethod.POST, "/api/maestro/pause", new JsonObject(), List.of()),
        new JsonRoute(HttpMethod.POST, "/api/maestro/resume", new JsonObject(), List.of()),
        new JsonRoute(HttpMethod.POST, "/api/maestro/trigger-healing", new JsonObject(), List.of()),
        new JsonRoute(HttpMethod.POST, "/api/publishing/items/" + scheduleId + "/publish-now", new JsonObject(), List.of()),
        new JsonRoute(HttpMethod.POST, "/api/publishing/items/" + scheduleId + "/retry", new JsonObject(), List.of()),
        new JsonRoute(HttpMethod.PUT, "/api/publishing/credentials/healthycollege", credentials, credentialFields));
  }

  private static List<Object> wrongTypes(Kind kind) {
    return switch (kind) {
      case STRING, ONE_OF -> List.of(12345, true, new JsonArray().add("x"), new JsonObject().put("a", 1));
      case STRINGS -> List.of("x", 1, new JsonArray().add(1), new JsonArray().add(new JsonObject()), new JsonObject());
      case INT -> List.of("1", true, new JsonArray(), new JsonObject(), 1.5, -1, 2_147_483_648L, 1e12, -1e12);
      case BOOL -> List.of("true", 1, new JsonArray(), new JsonObject());
      case DECIMAL -> List.of("0.5", true, new JsonArray(), new JsonObject(), -1, 1e9);
    };
  }

  private static List<Object> hostileValues(Kind kind) {
    return switch (kind) {
      case STRING, ONE_OF -> List.of(HUGE, "a\u0000b", "a\u001bb", "a\u007fb", LONE_HIGH + " lone surrogate",
          "../../etc/passwd\u0000");
      case STRINGS -> List.of(new JsonArray(Collections.nCopies(10_000, "x")), new JsonArray().add(HUGE),
          new JsonArray().add("a\u0000b"), new JsonArray().add(LONE_LOW));
      default -> List.of();
    };
  }

  private static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    for (JsonRoute route : routes()) {
      String l = route.label();
      for (String malformed : List.of("{", "{\"title\":", "[1,2]", "\"text\"", "null", "42", "{}}",
          "{\"a\":1,}", "\u0000", "[".repeat(100_000), "{\"a\":".repeat(50_000))) {
        cases.add(new Case(l + " malformed " + shorten(malformed), route.method(), route.path(), malformed));
      }
      cases.add(new Case(l + " extra field", route.method(), route.path(), route.valid().copy().put("zz_extra", 1).encode()));
      cases.add(new Case(l + " oversized body", route.method(), route.path(),
          route.valid().copy().put("zz_pad", "y".repeat(1_100_000)).encode()));
      for (Field f : route.fields()) {
        if (f.required()) {
          JsonObject missing = route.valid().copy();
          missing.remove(f.name());
          cases.add(new Case(l + " missing " + f.name(), route.method(), route.path(), missing.encode()));
        }
        for (Object wrong : wrongTypes(f.kind())) {
          cases.add(new Case(l + " " + f.name() + "=" + shorten(String.valueOf(wrong)), route.method(), route.path(),
              route.valid().copy().put(f.name(), wrong).encode()));
        }
        for (Object hostile : hostileValues(f.kind())) {
          cases.add(new Case(l + " " + f.name() + "=" + shorten(String.valueOf(hostile)), route.method(), route.path(),
              route.valid().copy().put(f.name(), hostile).encode()));
        }
      }
    }
    String longId = "G".repeat(2_000);
    for (RouteTable.Route route : RouteTable.ALL) {
      if (!route.path().contains(":")) {
        continue;
      }
      for (String id : List.of("..", "../GEN-100001", "%2e%2e", "%2e%2e%2fGEN-100001", "..%2F..%2Fetc%2Fpasswd",
          "GEN-100001%00", "GEN-100001%0d%0aX-Evil:%201", "%E2%80%AEtoby", "%F0%9F%92%A9", "%ff%fe", longId,
          "-1", "99999999999999999999999", "1e3")) {
        String path = route.path().replaceAll(":[a-z_]+", id);
        cases.add(new Case(route.key() + " id=" + shorten(id), route.method(), path, route.method() == HttpMethod.GET
            || route.method() == HttpMethod.DELETE ? null : "{}"));
      }
    }
    for (String media : List.of("/media/../pom.xml", "/media/%2e%2e/pom.xml", "/media/..%2fpom.xml",
        "/media/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/media/x/%2e%2e/%2e%2e/pom.xml", "/media/%00", "/media/.hidden")) {
      cases.add(new Case("GET " + media, HttpMethod.GET, media, null));
    }
    return cases;
  }

  private static boolean normalisesToRoot(String path) {
    try {
      return "/".equals(java.net.URI.create(path.replace("%2e", ".")).normalize().getPath());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String shorten(String s) {
    String clean = s.replaceAll("[\\p{Cntrl}\\p{Cs}]", "?");
    return clean.length() > 24 ? clean.substring(0, 24) + "…(" + s.length() + ")" : clean;
  }

  @TestFactory
  @DisplayName("each hostile request")
  Stream<DynamicTest> sweep() {
    return cases().stream().map(c -> DynamicTest.dynamicTest(c.label(), () -> {
      Map<String, String> before = DbChecksum.of(app.dbUrl, null);
      var response = Http.call(app.http, c.method(), c.path(), null, c.body());
      if (normalisesToRoot(c.path()) && c.method() == HttpMethod.GET) {
        // "/jobs/.." is "/" after dot-segment removal (RFC 3986): the server answers with the UI page, not a job
        assertThat(response.getHeader("Content-Type")).as(c.label()).startsWith("text/html");
        assertThat(response.bodyAsString()).as(c.label()).doesNotContain("GEN-");
        assertThat(DbChecksum.of(app.dbUrl, null)).as("%s wrote to the database", c.label()).isEqualTo(before);
        return;
      }
      assertThat(response.statusCode()).as("%s → %s", c.label(), response.bodyAsString()).isBetween(400, 499);
      assertThat(response.getHeader("Content-Type")).as(c.label()).startsWith("application/json");
      JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
      assertThat(error.getString("code")).as(c.label()).isNotBlank();
      assertThat(error.getString("message")).as(c.label()).isNotBlank();
      assertThat(DbChecksum.of(app.dbUrl, null)).as("%s wrote to the database", c.label()).isEqualTo(before);
    }));
  }
}
