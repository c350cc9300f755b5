package io.maestro.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.testing.DbChecksum;
import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("Authorisation sweep: every route refuses bad tokens and never shows or changes another user's rows")
class AuthorizationSweepTest {
  private static final String SECRET = "sweep-secret-that-is-long-enough-for-hs256";
  @RegisterExtension
  static final TestApp app = TestApp.forClass(
      new JsonObject().put("auth.jwtSecret", SECRET).put("jobs.workerInstances", 0)
          .put("publish.credentialsKey", java.util.Base64.getEncoder().encodeToString(new byte[32]))
          .put("healer.intervalMs", 86_400_000));
  private static JWTAuth issuer;
  private static String alice;
  private static String bob;
  private static String aliceJob;
  private static String aliceFailedJob;
  private static String aliceProposal = "LEXI-777";
  private static String aliceAgent = "alice-agent";
  private static long aliceSchedule;

  @BeforeAll
  static void start() throws Exception {
    issuer = JWTAuth.create(app.vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256")
        .setBuffer(SECRET)));
    alice = token("alice");
    bob = token("bob");
    aliceJob = create(alice, "alice's pending job");
    aliceFailedJob = create(alice, "alice's failed job");
    app.execute("UPDATE jobs SET status = 'failed', error_code = 1001, error_category = 'api_error', error_message ="
        + " 'upstream said no', completed_at = now(), healing_state = 'none' WHERE job_id = '" + aliceFailedJob + "'");
    var agent = Http.call(app.http, HttpMethod.POST, "/api/agents", alice, new JsonObject().put("agent_id", aliceAgent)
        .put("display_name", "Alice's agent").encode());
    assertThat(agent.statusCode()).as(agent.bodyAsString()).isIn(200, 201);
    app.execute("INSERT INTO proposals (proposal_id, user_id, agent_name, content_type, brand, variant, title,"
        + " content_lines, status) VALUES ('" + aliceProposal + "', 'alice', 'lexi', 'post', 'healthycollege', 'post',"
        + " 'alice proposal', '[\"one\"]', 'pending')");
    aliceSchedule = app.count("INSERT INTO schedule (user_id, brand, content_type, variant, slot_at, job_id, title)"
        + " VALUES ('alice', 'healthycollege', 'post', 'post', now() + interval '2 days', '" + aliceJob
        + "', 'alice slot') RETURNING id");
    var credentials = Http.call(app.http, HttpMethod.PUT, "/api/publishing/credentials/healthycollege", alice,
        new JsonObject().put("instagram_user_id", "alice-ig-id").put("instagram_access_token", SECRET_TOKEN).encode());
    assertThat(credentials.statusCode()).as(credentials.bodyAsString()).isEqualTo(200);
  }

  private static final String SECRET_TOKEN = "EAAGalicesecretpagetoken0123456789";

  private static String token(String user) {
    return issuer.generateToken(new JsonObject().put("sub", user), new JWTOptions().setExpiresInMinutes(10));
  }

  private static String create(String token, String title) throws Exception {
    var response = Http.call(app.http, HttpMethod.POST, "/jobs/create", token, new JsonObject().put("title", title)
        .put("variant", "post").put("brands", new JsonArray().add("healthycollege")).encode());
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject().getString("job_id");
  }

  /** The route with alice's ids in it. */
  private static String path(RouteTable.Route route) {
    String jobId = route.path().contains("retry-job") ? aliceFailedJob : aliceJob;
    return route.path().replace(":job_id", jobId).replace(":agent_id", aliceAgent).replace(":id", aliceProposal)
        .replace(":schedule_id", Long.toString(aliceSchedule)).replace(":brand", "healthycollege");
  }

  /** A body that passes validation, so that only ownership can stop the request. */
  private static String body(RouteTable.Route route) {
    if (route.method() == HttpMethod.GET || route.method() == HttpMethod.DELETE) {
      return null;
    }
    String p = route.path();
    if (p.equals("/jobs/create")) {
      return new JsonObject().put("title", "bob's job").put("variant", "post")
          .put("brands", new JsonArray().add("healthycollege")).encode();
    }
    if (p.equals("/api/agents")) {
      return new JsonObject().put("agent_id", "bob-agent").put("display_name", "Bob's agent").encode();
    }
    if (p.startsWith("/api/agents/")) {
      return new JsonObject().put("agent_id", aliceAgent).put("display_name", "Hijacked").encode();
    }
    if (p.endsWith("/reschedule")) {
      return new JsonObject().put("slot_at", Instant.now().plus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS)
          .toString()).encode();
    }
    if (p.startsWith("/api/publishing/credentials/")) {
      return new JsonObject().put("instagram_user_id", "17841400000000000").encode();
    }
    if (p.endsWith("/jobs/bulk")) {
      return new JsonObject().put("action", "delete").put("job_ids", new JsonArray().add(aliceJob).add(aliceFailedJob))
          .encode();
    }
    if (p.endsWith("/trigger-burst")) {
      return new JsonObject().put("posts", 1).encode();
    }
    return "{}";
  }

  @Test
  @DisplayName("the route table lists every route mounted in io.maestro.api (so the sweep cannot miss a new one)")
  void tableIsComplete() throws Exception {
    java.util.Set<String> declared = new java.util.TreeSet<>(RouteTable.declared());
    declared.removeAll(RouteTable.PUBLIC);
    assertThat(declared).containsExactlyInAnyOrderElementsOf(
        RouteTable.ALL.stream().map(RouteTable.Route::key).collect(Collectors.toSet()));
  }

  @Test
  @DisplayName("every route: no token, an empty \"Bearer \", a forged signature, an expired token, a token without sub → JSON 401, "
      + "nothing written")
  void badTokens() throws Exception {
    JWTAuth forger = JWTAuth.create(app.vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("HS256").setBuffer("a-different-secret-a-different-secret")));
    long past = System.currentTimeMillis() / 1000 - 3600;
    String expired = issuer.generateToken(new JsonObject().put("sub", "alice").put("exp", past).put("iat", past - 60),
        new JWTOptions().setNoTimestamp(true));
    String forged = forger.generateToken(new JsonObject().put("sub", "alice"), new JWTOptions());
    String noSub = issuer.generateToken(new JsonObject().put("role", "authenticated"), new JWTOptions());
    String unsigned = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhbGljZSJ9.";
    Map<String, String> before = DbChecksum.of(app.dbUrl, null);
    for (RouteTable.Route route : RouteTable.ALL) {
      for (String bad : new String[] {null, "", "garbage", forged, expired, noSub, unsigned}) {
        var response = Http.call(app.http, route.method(), path(route), bad, body(route));
        assertThat(response.statusCode()).as("%s with token %s", route.key(), bad).isEqualTo(401);
        assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("unauthorized");
      }
    }
    assertThat(DbChecksum.of(app.dbUrl, null)).isEqualTo(before);
  }

  @Test
  @DisplayName("user B on user A's jobs, proposals, agents, schedule items and retry-job gets 404; no route shows B "
      + "any of A's rows and none changes them")
  void otherUsersIds() throws Exception {
    Map<String, String> before = DbChecksum.of(app.dbUrl, "alice");
    List<String> aliceMarkers = List.of(aliceJob, aliceFailedJob, aliceProposal, aliceAgent, "alice slot",
        "alice's pending job", "upstream said no", "alice-ig-id");
    for (RouteTable.Route route : RouteTable.ALL) {
      if (route.path().equals("/api/maestro/trigger-healing")) {
        continue; // a node-wide maintenance cycle, checked separately below
      }
      var response = Http.call(app.http, route.method(), path(route), bob, body(route));
      String text = response.bodyAsString();
      // a brand id names the caller's own brand (every user has their own "healthycollege"), not someone's row
      if (route.path().contains(":") && !route.path().contains(":brand")) {
        assertThat(response.statusCode()).as("%s → %s", route.key(), text).isEqualTo(404);
        assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("not_found");
      } else {
        assertThat(response.statusCode()).as("%s → %s", route.key(), text).isBetween(200, 499);
      }
      String requested = path(route);
      for (String marker : aliceMarkers) {
        String sent = body(route);
        // a 404 (or a bulk result) may echo the id bob asked for; that is not a leak
        if (!requested.contains(marker) && (sent == null || !sent.contains(marker))) {
          assertThat(text).as("%s leaks %s", route.key(), marker).doesNotContain(marker);
        }
      }
    }
    assertThat(DbChecksum.of(app.dbUrl, "alice")).isEqualTo(before);
    var report = Http.call(app.http, HttpMethod.POST, "/api/maestro/trigger-healing", bob, null);
    assertThat(report.statusCode()).as(report.bodyAsString()).isEqualTo(200);
    for (String marker : aliceMarkers) {
      assertThat(report.bodyAsString()).as("healing cycle report leaks %s", marker).doesNotContain(marker);
    }
  }
}
