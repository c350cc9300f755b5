package io.maestro.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.testing.Eventually;
import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Publishing API: publish now, retry only the failed platforms, healer rescue, write-only credentials")
class PublishApiTest {
  private static final String TOKEN = "EAAGsecretpagetoken-0123456789-ABCDEFwxyz";
  private static final String KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

  static long item(TestApp app, String status, String slot, String platforms) throws Exception {
    boolean failed = status.contains("_") || "failed".equals(status);
    return app.count("INSERT INTO schedule (user_id, brand, content_type, variant, slot_at, job_id, title, media_url,"
        + " status, platforms, lease_owner, lease_expires_at, error_code, error_category, error_message) VALUES"
        + " ('local', 'healthycollege', 'post', 'post', " + slot + ", 'GEN-' || (100000 + (random() * 899999)::int),"
        + " 'an item', '/media/x.png', '" + status + "', '" + platforms + "', "
        + ("publishing".equals(status) ? "'gone-node', now() - interval '1 minute'" : "NULL, NULL")
        + (failed ? ", 1006, 'api_error', 'facebook 503'" : ", NULL, NULL, NULL") + ") RETURNING id");
  }

  private static JsonObject view(TestApp app, long id) throws Exception {
    return Http.get(app.http, "/api/publishing/items/" + id).bodyAsJsonObject();
  }

  private static void awaitStatus(TestApp app, long id, String status) throws Exception {
    Eventually.await("item " + id + " " + status, Duration.ofSeconds(20),
        () -> view(app, id).getString("status"), status::equals);
  }

  @Test
  @DisplayName("publish-now makes a future item due at once (409 when it is not scheduled); retry re-sends only the"
      + " failed platform; an item stuck in publishing past its lease is rescued by the healer and finished")
  void itemLifecycle(@TempDir Path dir) throws Exception {
    Path outbox = dir.resolve("outbox.jsonl");
    try (TestApp app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0)
        .put("publish.outboxFile", outbox.toString()).put("healer.intervalMs", 86_400_000))) {
      long future = item(app, "scheduled", "now() + interval '3 days'", "[]");
      assertThat(view(app, future).getString("status")).isEqualTo("scheduled");
      var now = Http.post(app.http, "/api/publishing/items/" + future + "/publish-now", null);
      assertThat(now.statusCode()).as(now.bodyAsString()).isEqualTo(202);
      awaitStatus(app, future, "published");
      assertThat(view(app, future).getString("status_label")).isEqualTo("published (dry run)");
      assertThat(Http.post(app.http, "/api/publishing/items/" + future + "/publish-now", null).statusCode())
          .isEqualTo(409);
      assertThat(Http.post(app.http, "/api/publishing/items/" + future + "/retry", null).statusCode()).isEqualTo(409);
      assertThat(Http.post(app.http, "/api/publishing/items/999999/retry", null).statusCode()).isEqualTo(404);

      long partial = item(app, "partially_published", "now() - interval '1 hour'", "[\"instagram\", \"facebook\"]");
      app.execute("INSERT INTO publish_results (schedule_id, user_id, platform, status, post_id, permalink) VALUES ("
          + partial + ", 'local', 'instagram', 'published', 'ig-post-1', 'https://www.instagram.com/p/abc/')");
      app.execute("INSERT INTO publish_results (schedule_id, user_id, platform, status, error_code, error_category,"
          + " error_message) VALUES (" + partial + ", 'local', 'facebook', 'failed', 1006, 'api_error', 'facebook 503')");
      JsonObject before = view(app, partial);
      assertThat(before.getJsonObject("platforms").getJsonObject("facebook").getJsonObject("error")
          .getString("category")).isEqualTo("api_error");
      var retry = Http.post(app.http, "/api/publishing/items/" + partial + "/retry", null);
      assertThat(retry.statusCode()).as(retry.bodyAsString()).isEqualTo(202);
      awaitStatus(app, partial, "published");
      JsonObject after = view(app, partial).getJsonObject("platforms");
      assertThat(after.getJsonObject("instagram").getString("post_id")).as("not sent again").isEqualTo("ig-post-1");
      assertThat(after.getJsonObject("instagram").getInteger("attempts")).isEqualTo(1);
      assertThat(after.getJsonObject("facebook").getString("status")).isEqualTo("published");
      List<JsonObject> lines = Files.readAllLines(outbox).stream().map(JsonObject::new)
          .filter(l -> l.getLong("schedule_id") == partial).toList();
      assertThat(lines).hasSize(1);
      assertThat(lines.get(0).getJsonArray("platforms").getList()).containsExactly("facebook");

      long stuck = item(app, "publishing", "now() - interval '1 hour'", "[\"instagram\"]");
      JsonObject report = Http.post(app.http, "/api/maestro/trigger-healing", null).bodyAsJsonObject();
      assertThat(report.getInteger("publishing_rescued")).as(report.encodePrettily()).isEqualTo(1);
      awaitStatus(app, stuck, "published");
      assertThat(app.count("SELECT publish_attempts FROM schedule WHERE id = " + stuck)).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("credentials: refused (409 config_error) without publish.credentialsKey; with it sealed at rest, merged,"
      + " shown masked — the token is in no response and not in the database in clear")
  void credentials() throws Exception {
    try (TestApp app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0))) {
      var refused = Http.call(app.http, HttpMethod.PUT, "/api/publishing/credentials/healthycollege", null,
          new JsonObject().put("instagram_access_token", TOKEN).encode());
      assertThat(refused.statusCode()).isEqualTo(409);
      assertThat(refused.bodyAsJsonObject().getJsonObject("error").getString("message"))
          .contains("publish.credentialsKey").doesNotContain(TOKEN);
      assertThat(app.count("SELECT count(*) FROM publish_credentials")).isZero();
    }
    try (TestApp app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0)
        .put("publish.credentialsKey", KEY))) {
      var saved = Http.call(app.http, HttpMethod.PUT, "/api/publishing/credentials/healthycollege", null,
          new JsonObject().put("instagram_user_id", "17841400001").put("instagram_access_token", TOKEN).encode());
      assertThat(saved.statusCode()).as(saved.bodyAsString()).isEqualTo(200);
      var merged = Http.call(app.http, HttpMethod.PUT, "/api/publishing/credentials/healthycollege", null,
          new JsonObject().put("facebook_page_id", "1020304050").put("facebook_access_token", TOKEN + "-page").encode());
      JsonObject platforms = merged.bodyAsJsonObject().getJsonObject("credentials").getJsonObject("platforms");
      assertThat(platforms.getString("instagram_user_id")).isEqualTo("17841400001");
      assertThat(platforms.getString("instagram_access_token")).isEqualTo("set, ends in …wxyz");
      assertThat(platforms.getJsonArray("connected").getList()).containsExactly("instagram", "facebook");
      var list = Http.get(app.http, "/api/publishing/credentials");
      for (String body : List.of(saved.bodyAsString(), merged.bodyAsString(), list.bodyAsString())) {
        assertThat(body).doesNotContain(TOKEN).doesNotContain(TOKEN.substring(0, 20));
      }
      assertThat(app.count("SELECT count(*) FROM publish_credentials WHERE position(convert_to('" + TOKEN.substring(0, 20)
          + "', 'UTF8') IN sealed) > 0 OR summary::text LIKE '%" + TOKEN.substring(0, 20) + "%'")).isZero();
      assertThat(Http.call(app.http, HttpMethod.PUT, "/api/publishing/credentials/nosuchbrand", null,
          new JsonObject().put("facebook_page_id", "1").encode()).statusCode()).isEqualTo(404);
      assertThat(Http.call(app.http, HttpMethod.PUT, "/api/publishing/credentials/healthycollege", null, "{}")
          .statusCode()).isEqualTo(422);
      assertThat(Http.call(app.http, HttpMethod.DELETE, "/api/publishing/credentials/healthycollege", null, null)
          .statusCode()).isEqualTo(200);
      assertThat(app.count("SELECT count(*) FROM publish_credentials")).isZero();
    }
  }

  @Test
  @DisplayName("publish.mode live without publish.credentialsKey: the node refuses to start and says what to set")
  void liveNeedsKey() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestApp.start(new JsonObject()
            .put("jobs.workerInstances", 0).put("publish.mode", "live")).close())
        .hasMessageContaining("publish.credentialsKey").hasMessageContaining("MAESTRO_PUBLISH_CREDENTIALS_KEY");
  }
}
