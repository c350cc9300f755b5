package io.maestro.publish;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.maestro.bus.Addresses;
import io.maestro.fakes.FakeGraph;
import io.maestro.fakes.FakeYouTube;
import io.maestro.testing.Eventually;
import io.maestro.testing.Http;
import io.maestro.testing.Rows;
import io.maestro.testing.TestApp;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

@DisplayName("Live publishing against fake Graph and YouTube servers: every fault lands in the right category")
public class LivePublishingTest {
  public static final String IG_TOKEN = "IGQVJsecret-instagram-token-0001";
  public static final String PAGE_TOKEN = "EAAGsecret-page-token-0002";
  static final String NEW_PAGE_TOKEN = "EAAGsecret-page-token-renewed-0003";
  public static final String REFRESH = "1//0gsecret-refresh-token-0004";
  static final String KEY = Base64.getEncoder().encodeToString("publish-test-key-32-bytes-long!!".getBytes());
  private static final AtomicInteger SLOT = new AtomicInteger();
  private static Vertx fakes;
  private static FakeGraph graph;
  private static FakeYouTube youtube;
  private static TestApp app;
  private static Path media;
  private static final Logger ROOT = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();

  public static JsonObject liveConfig(FakeGraph graph, FakeYouTube youtube, Path media) {
    return new JsonObject().put("jobs.workerInstances", 0).put("healer.intervalMs", 86_400_000)
        .put("publish.mode", "live").put("publish.credentialsKey", KEY)
        .put("publish.graphBaseUrl", graph.baseUrl()).put("publish.youtubeBaseUrl", youtube.baseUrl())
        .put("publish.googleTokenUrl", youtube.tokenUrl()).put("publish.youtubeClientId", "client-1")
        .put("publish.youtubeClientSecret", "client-secret-1")
        .put("publish.requestTimeoutMs", 700).put("publish.containerPollMs", 20).put("publish.containerDeadlineMs", 600)
        .put("publish.backoffBaseMs", 50).put("healer.backoffMaxMs", 200).put("publish.maxRetries", 2)
        .put("storage.localDir", media.toString()).put("storage.publicBaseUrl", "https://cdn.maestro.example");
  }

  @BeforeAll
  static void start() throws Exception {
    LOGS.setContext(ROOT.getLoggerContext());
    LOGS.start();
    ROOT.addAppender(LOGS);
    ROOT.setLevel(Level.DEBUG);
    fakes = Vertx.vertx();
    graph = new FakeGraph(fakes, IG_TOKEN, PAGE_TOKEN);
    youtube = new FakeYouTube(fakes, REFRESH);
    media = Files.createTempDirectory("maestro-publish-media");
    app = TestApp.start(liveConfig(graph, youtube, media));
    connect(app, "healthycollege", PAGE_TOKEN);
  }

  static void connect(TestApp app, String brand, String pageToken) throws Exception {
    var saved = Http.call(app.http, HttpMethod.PUT, "/api/publishing/credentials/" + brand, null, new JsonObject()
        .put("instagram_user_id", "17841400001").put("instagram_access_token", IG_TOKEN)
        .put("facebook_page_id", "1020304050").put("facebook_access_token", pageToken)
        .put("youtube_refresh_token", REFRESH).encode());
    assertThat(saved.statusCode()).as(saved.bodyAsString()).isEqualTo(200);
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
    graph.close();
    youtube.close();
    fakes.close().await(10, TimeUnit.SECONDS);
    ROOT.detachAppender(LOGS);
    LOGS.stop();
    ROOT.setLevel(Level.INFO);
  }

  /** A due item of a completed job whose caption is {@code caption}; the publishers are woken. */
  static long due(TestApp app, String type, String platforms, String caption) throws Exception {
    String variant = "post".equals(type) ? "post" : "dark";
    String jobId = (String) Rows.of(app, "INSERT INTO jobs (user_id, status, title, variant, brands, caption)"
        + " VALUES ('local', 'completed', 'Title " + caption + "', '" + variant + "', '[\"healthycollege\"]', '"
        + caption + "') RETURNING job_id").get(0).get("job_id");
    String file = "healthycollege/" + jobId + ("post".equals(type) ? ".png" : ".mp4");
    Files.createDirectories(media.resolve("healthycollege"));
    Files.write(media.resolve(file), new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p'});
    long id = app.count("INSERT INTO schedule (user_id, brand, content_type, variant, slot_at, job_id, title, media_url,"
        + " platforms) VALUES ('local', 'healthycollege', '" + type + "', '" + variant + "', now() - interval '1 second'"
        + " * " + SLOT.incrementAndGet() + ", '" + jobId + "', 'Title " + caption + "', '/media/" + file + "', '"
        + platforms + "') RETURNING id");
    app.vertx.eventBus().publish(Addresses.SCHEDULE_CHANGED, new JsonObject());
    return id;
  }

  static JsonObject view(TestApp app, long id) throws Exception {
    return Http.get(app.http, "/api/publishing/items/" + id).bodyAsJsonObject();
  }

  static JsonObject await(TestApp app, long id, String what, Predicate<JsonObject> done) throws Exception {
    return Eventually.await("item " + id + " " + what, Duration.ofSeconds(20), () -> view(app, id), done);
  }

  static JsonObject finished(TestApp app, long id) throws Exception {
    return await(app, id, "finished", v -> List.of("published", "partially_published", "failed")
        .contains(v.getString("status")));
  }

  static JsonObject waiting(TestApp app, long id) throws Exception {
    return await(app, id, "waiting for a reset", v -> "scheduled".equals(v.getString("status"))
        && v.getJsonObject("error") != null);
  }

  private static String category(JsonObject item, String platform) {
    JsonObject error = item.getJsonObject("platforms").getJsonObject(platform).getJsonObject("error");
    return error == null ? null : error.getString("category");
  }

  @Test
  @DisplayName("a post to Instagram and Facebook and a reel to all three: containers IN_PROGRESS a while, then"
      + " published with the platforms' post ids and permalinks, each exactly once on the fake's side")
  void happyPaths() throws Exception {
    int polls = graph.containerPolls.get();
    JsonObject post = finished(app, due(app, "post", "[\"instagram\", \"facebook\"]", "happy-post"));
    assertThat(post.getString("status")).as(post.encodePrettily()).isEqualTo("published");
    assertThat(post.getBoolean("dry_run")).isFalse();
    JsonObject ig = post.getJsonObject("platforms").getJsonObject("instagram");
    assertThat(ig.getString("post_id")).startsWith("1790");
    assertThat(ig.getString("permalink")).startsWith("https://www.instagram.com/p/");
    assertThat(post.getJsonObject("platforms").getJsonObject("facebook").getString("permalink"))
        .startsWith("https://www.facebook.com/1020304050_");
    assertThat(graph.containerPolls.get() - polls).as("polled until FINISHED").isGreaterThanOrEqualTo(3);
    assertThat(graph.publishedWith("happy-post")).isEqualTo(2);
    assertThat(graph.published.stream().filter(p -> "happy-post".equals(p.getString("caption"))).map(p -> p
        .getString("media_url")).distinct().toList()).allMatch(u -> u.startsWith("https://cdn.maestro.example/media/"));

    JsonObject reel = finished(app, due(app, "reel", "[\"instagram\", \"facebook\", \"youtube\"]", "happy-reel"));
    assertThat(reel.getString("status")).as(reel.encodePrettily()).isEqualTo("published");
    assertThat(reel.getJsonObject("platforms").getJsonObject("youtube").getString("permalink"))
        .startsWith("https://www.youtube.com/shorts/yt");
    assertThat(reel.getJsonObject("platforms").getJsonObject("facebook").getString("permalink"))
        .startsWith("https://www.facebook.com/reel/");
    assertThat(graph.publishedWith("happy-reel")).isEqualTo(2);
    assertThat(youtube.uploaded.stream().filter(u -> u.getString("description").startsWith("happy-reel"))).hasSize(1);
  }

  @Test
  @DisplayName("containers ending in ERROR or EXPIRED fail as publish_rejected; Meta failing to fetch the media fails"
      + " as publish_media_fetch naming the URL; none is retried")
  void containerFailures() throws Exception {
    graph.containerScript.add("ERROR");
    JsonObject error = finished(app, due(app, "post", "[\"instagram\"]", "container-error"));
    assertThat(error.getString("status")).isEqualTo("failed");
    assertThat(category(error, "instagram")).isEqualTo("publish_rejected");
    graph.containerScript.add("EXPIRED");
    JsonObject expired = finished(app, due(app, "reel", "[\"instagram\"]", "container-expired"));
    assertThat(category(expired, "instagram")).isEqualTo("publish_rejected");
    assertThat(expired.getJsonObject("error").getString("message")).contains("EXPIRED");
    graph.script("ig.media", "graph:9004:2207052");
    JsonObject fetch = finished(app, due(app, "post", "[\"instagram\"]", "media-fetch"));
    assertThat(category(fetch, "instagram")).isEqualTo("publish_media_fetch");
    assertThat(fetch.getJsonObject("error").getString("message")).contains("https://cdn.maestro.example/media/");
    assertThat(fetch.getInteger("retry_count")).isZero();
    assertThat(graph.publishedWith("container-error") + graph.publishedWith("media-fetch")).isZero();
  }

  @Test
  @DisplayName("a 500 then 200, a hang (timeout) and a container stuck IN_PROGRESS are api_error, retried with"
      + " backoff; after the retries the item fails; each post that went out went out once")
  void transientFaults() throws Exception {
    graph.script("fb.photos", "500");
    JsonObject fiveHundred = finished(app, due(app, "post", "[\"facebook\"]", "five-hundred"));
    assertThat(fiveHundred.getString("status")).as(fiveHundred.encodePrettily()).isEqualTo("published");
    assertThat(fiveHundred.getInteger("retry_count")).isEqualTo(1);
    assertThat(graph.publishedWith("five-hundred")).isEqualTo(1);

    graph.script("ig.media", "hang");
    JsonObject hang = finished(app, due(app, "post", "[\"instagram\"]", "hang-once"));
    assertThat(hang.getString("status")).as(hang.encodePrettily()).isEqualTo("published");
    assertThat(hang.getInteger("retry_count")).isEqualTo(1);
    assertThat(graph.publishedWith("hang-once")).isEqualTo(1);

    graph.containerScript.addAll(List.of("stuck", "stuck", "stuck"));
    JsonObject stuck = finished(app, due(app, "post", "[\"instagram\"]", "stuck-container"));
    assertThat(stuck.getString("status")).isEqualTo("failed");
    assertThat(category(stuck, "instagram")).isEqualTo("api_error");
    assertThat(stuck.getInteger("retry_count")).isEqualTo(2);
    assertThat(stuck.getJsonObject("platforms").getJsonObject("instagram").getInteger("attempts")).isEqualTo(3);
    assertThat(graph.publishedWith("stuck-container")).isZero();
  }

  @Test
  @DisplayName("Graph rate limits 4, 17, 32, 613 and the IG publishing limit wait for the reset without spending a"
      + " retry; publish-now after the reset publishes")
  void rateLimits() throws Exception {
    for (int code : new int[] {4, 17, 32, 613}) {
      graph.script("ig.media", "graph:" + code);
      long id = due(app, "post", "[\"instagram\"]", "rate-" + code);
      JsonObject item = waiting(app, id);
      assertThat(category(item, "instagram")).as("code %s", code).isEqualTo("api_rate_limited");
      assertThat(item.getInteger("retry_count")).isZero();
      Instant due = Instant.parse(item.getString("due_at"));
      assertThat(due).as("X-Business-Use-Case-Usage says 7 minutes").isBetween(Instant.now().plusSeconds(6 * 60),
          Instant.now().plusSeconds(8 * 60));
      if (code == 613) {
        var now = Http.post(app.http, "/api/publishing/items/" + id + "/publish-now", null);
        assertThat(now.statusCode()).isEqualTo(202);
        assertThat(finished(app, id).getString("status")).isEqualTo("published");
        assertThat(graph.publishedWith("rate-613")).isEqualTo(1);
      }
    }
    graph.script("ig.limit", "limit-full");
    JsonObject quota = waiting(app, due(app, "post", "[\"instagram\"]", "ig-limit"));
    assertThat(category(quota, "instagram")).isEqualTo("api_quota_exhausted");
    assertThat(quota.getInteger("retry_count")).isZero();
  }

  @Test
  @DisplayName("an expired Page token (190): Instagram published, Facebook failed as publish_auth, not retried, a"
      + " notification names the brand to reconnect; after reconnecting, retry re-sends only Facebook")
  void partialFailureAndRetry() throws Exception {
    graph.script("fb.photos", "graph:190");
    long id = due(app, "post", "[\"instagram\", \"facebook\"]", "partial");
    JsonObject item = finished(app, id);
    assertThat(item.getString("status")).as(item.encodePrettily()).isEqualTo("partially_published");
    assertThat(category(item, "facebook")).isEqualTo("publish_auth");
    assertThat(item.getInteger("retry_count")).isZero();
    JsonObject healing = Http.get(app.http, "/api/maestro/healing").bodyAsJsonObject().getJsonObject("healing");
    assertThat(healing.getJsonArray("recent_notifications").stream().map(JsonObject.class::cast)
        .filter(n -> "publish_auth".equals(n.getString("category"))).findFirst().orElseThrow().getString("reason"))
        .contains("brand healthycollege must reconnect its facebook account");

    graph.validTokens.add(NEW_PAGE_TOKEN);
    var saved = Http.call(app.http, HttpMethod.PUT, "/api/publishing/credentials/healthycollege", null,
        new JsonObject().put("facebook_access_token", NEW_PAGE_TOKEN).encode());
    assertThat(saved.statusCode()).isEqualTo(200);
    assertThat(Http.post(app.http, "/api/publishing/items/" + id + "/retry", null).statusCode()).isEqualTo(202);
    JsonObject retried = await(app, id, "published", v -> "published".equals(v.getString("status")));
    assertThat(retried.getJsonObject("platforms").getJsonObject("instagram").getString("post_id"))
        .isEqualTo(item.getJsonObject("platforms").getJsonObject("instagram").getString("post_id"));
    assertThat(graph.published.stream().filter(p -> "partial".equals(p.getString("caption"))).map(p -> p
        .getString("platform")).toList()).containsExactlyInAnyOrder("instagram", "facebook");
  }

  @Test
  @DisplayName("YouTube: a revoked refresh token is publish_auth, quotaExceeded waits for midnight Pacific, a 500"
      + " is retried and then uploads once")
  void youtubeFaults() throws Exception {
    youtube.sessionScript.add("quota");
    JsonObject quota = waiting(app, due(app, "reel", "[\"youtube\"]", "yt-quota"));
    assertThat(category(quota, "youtube")).isEqualTo("api_quota_exhausted");
    youtube.sessionScript.add("500");
    JsonObject retried = finished(app, due(app, "reel", "[\"youtube\"]", "yt-500"));
    assertThat(retried.getString("status")).isEqualTo("published");
    assertThat(youtube.uploaded.stream().filter(u -> u.getString("description").startsWith("yt-500"))).hasSize(1);
    youtube.refreshTokens.remove(REFRESH);
    try {
      JsonObject revoked = finished(app, due(app, "reel", "[\"youtube\"]", "yt-revoked"));
      assertThat(category(revoked, "youtube")).isEqualTo("publish_auth");
      assertThat(revoked.getString("status")).isEqualTo("failed");
    } finally {
      youtube.refreshTokens.add(REFRESH);
    }
  }

  @Test
  @DisplayName("with local storage and no storage.publicBaseUrl, Instagram and Facebook fail fast as config_error"
      + " saying what to set — no request reaches Meta")
  void localMediaNeedsPublicUrl() throws Exception {
    try (TestApp local = TestApp.start(liveConfig(graph, youtube, media).put("storage.publicBaseUrl", ""))) {
      connect(local, "healthycollege", PAGE_TOKEN);
      int before = graph.requests.get();
      JsonObject item = finished(local, due(local, "post", "[\"instagram\", \"facebook\"]", "no-public-url"));
      assertThat(item.getString("status")).isEqualTo("failed");
      assertThat(category(item, "instagram")).isEqualTo("config_error");
      assertThat(category(item, "facebook")).isEqualTo("config_error");
      assertThat(item.getJsonObject("error").getString("message")).contains("storage.publicBaseUrl");
      assertThat(graph.requests.get()).isEqualTo(before);
    }
  }

  @Test
  @DisplayName("no token (Graph, Page, refresh or issued access token) appears in a log line, an API response or a"
      + " URL sent to the platforms")
  void tokensNeverLeak() throws Exception {
    graph.script("ig.media", "graph:190");
    finished(app, due(app, "post", "[\"instagram\"]", "leak-check"));
    List<String> secrets = new ArrayList<>(List.of(IG_TOKEN, PAGE_TOKEN, NEW_PAGE_TOKEN, REFRESH, "client-secret-1"));
    secrets.addAll(youtube.issued);
    StringBuilder logs = new StringBuilder();
    for (ILoggingEvent e : List.copyOf(LOGS.list)) {
      logs.append(e.getFormattedMessage()).append(e.getMDCPropertyMap()).append('\n');
      if (e.getThrowableProxy() != null) {
        logs.append(ThrowableProxyUtil.asString(e.getThrowableProxy()));
      }
    }
    StringBuilder api = new StringBuilder();
    for (String path : List.of("/api/publishing/items?limit=500", "/api/publishing/credentials",
        "/api/maestro/healing", "/api/maestro/activity", "/api/healing/report")) {
      api.append(Http.get(app.http, path).bodyAsString());
    }
    String db = Rows.of(app, "SELECT string_agg(coalesce(error_message, ''), ' ') AS m FROM publish_results").toString();
    assertThat(logs.length()).as("logs were captured").isGreaterThan(1000);
    assertThat(api.toString()).contains("leak-check");
    for (String secret : secrets) {
      assertThat(logs.toString()).as("logs").doesNotContain(secret);
      assertThat(api.toString()).as("API responses").doesNotContain(secret);
      assertThat(db).as("stored error messages").doesNotContain(secret);
      assertThat(String.join("\n", graph.urls)).as("URLs sent to Meta").doesNotContain(secret);
    }
  }
}
