package io.maestro.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("Auth: Supabase-style HS256 bearer tokens; every row scoped to the token's user")
class AuthTest {
  private static final String SECRET = "test-secret-that-is-long-enough-for-hs256";
  @RegisterExtension
  static final TestApp app = TestApp.forClass(
      new JsonObject().put("auth.jwtSecret", SECRET).put("jobs.workerInstances", 0));
  private static JWTAuth issuer;
  private static JWTAuth forger;

  @BeforeAll
  static void start() {
    issuer = JWTAuth.create(app.vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
    forger = JWTAuth.create(app.vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256")
        .setBuffer("some-other-secret-some-other-secret")));
  }

  private static String token(String user) {
    return issuer.generateToken(new JsonObject().put("sub", user).put("role", "authenticated").put("aud", "authenticated"),
        new JWTOptions().setExpiresInMinutes(10));
  }

  private static JsonObject job(String title) {
    return new JsonObject().put("title", title).put("variant", "post").put("brands", new JsonArray().add("healthycollege"));
  }

  @Test
  @DisplayName("no token, a forged signature, an expired token and a token without sub all get a JSON 401")
  void rejectsBadTokens() throws Exception {
    long expiredAt = System.currentTimeMillis() / 1000 - 3600;
    String expired = issuer.generateToken(new JsonObject().put("sub", "alice").put("exp", expiredAt).put("iat", expiredAt - 60),
        new JWTOptions().setNoTimestamp(true));
    String noSub = issuer.generateToken(new JsonObject().put("role", "authenticated"), new JWTOptions());
    String forged = forger.generateToken(new JsonObject().put("sub", "alice"), new JWTOptions());
    for (String token : new String[] {null, "not-a-jwt", forged, expired, noSub}) {
      var response = Http.call(app.http, HttpMethod.GET, "/jobs/", token, null);
      assertThat(response.statusCode()).as("token %s", token).isEqualTo(401);
      assertThat(response.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("unauthorized");
    }
    var create = Http.call(app.http, HttpMethod.POST, "/jobs/create", null, job("anon").encode());
    assertThat(create.statusCode()).isEqualTo(401);
    assertThat(app.count("SELECT count(*) FROM jobs")).isZero();
  }

  @Test
  @DisplayName("health and readiness need no token")
  void probesArePublic() throws Exception {
    assertThat(Http.get(app.http, "/health").statusCode()).isEqualTo(200);
    assertThat(Http.get(app.http, "/ready").statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("a token for user A never sees, cancels or deletes user B's jobs; new users get their own brands")
  void scopesRowsToUser() throws Exception {
    String alice = token("alice");
    String bob = token("bob");
    var created = Http.call(app.http, HttpMethod.POST, "/jobs/create", alice, job("alice's post").encode());
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
    String jobId = created.bodyAsJsonObject().getString("job_id");
    assertThat(created.bodyAsJsonObject().getJsonObject("job").getString("user_id")).isEqualTo("alice");

    assertThat(Http.call(app.http, HttpMethod.GET, "/jobs/" + jobId, bob, null).statusCode()).isEqualTo(404);
    assertThat(Http.call(app.http, HttpMethod.GET, "/jobs/" + jobId + "/attempts", bob, null).statusCode()).isEqualTo(404);
    assertThat(Http.call(app.http, HttpMethod.POST, "/jobs/" + jobId + "/cancel", bob, null).statusCode()).isEqualTo(404);
    assertThat(Http.call(app.http, HttpMethod.DELETE, "/jobs/" + jobId, bob, null).statusCode()).isEqualTo(404);
    assertThat(Http.call(app.http, HttpMethod.GET, "/jobs/", bob, null).bodyAsJsonObject().getJsonArray("jobs")).isEmpty();
    assertThat(Http.call(app.http, HttpMethod.GET, "/jobs/" + jobId, alice, null).statusCode()).isEqualTo(200);
    assertThat(Http.call(app.http, HttpMethod.GET, "/jobs/", alice, null).bodyAsJsonObject().getJsonArray("jobs")).hasSize(1);
    assertThat(app.count("SELECT count(*) FROM brands WHERE user_id = 'bob'")).isEqualTo(5);
  }
}
