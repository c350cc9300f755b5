package io.maestro.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.bus.Addresses;
import io.maestro.fakes.FakeGraph;
import io.maestro.fakes.FakeYouTube;
import io.maestro.publish.LivePublishingTest;
import io.maestro.testing.Eventually;
import io.maestro.testing.Http;
import io.maestro.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Publishing on a cluster: two nodes' publishers race for the same due items, each goes out once")
class PublishClusterTest {

  @Test
  @DisplayName("50 due posts, two clustered nodes publishing to Instagram and Facebook: every item published, and the"
      + " fake Graph API saw each caption exactly once per platform")
  void eachItemPublishedOnce() throws Exception {
    String db = TestPostgres.newDatabase();
    Vertx fakes = Vertx.vertx();
    Path media = Files.createTempDirectory("maestro-cluster-media");
    try (FakeGraph graph = new FakeGraph(fakes, LivePublishingTest.IG_TOKEN, LivePublishingTest.PAGE_TOKEN);
        FakeYouTube youtube = new FakeYouTube(fakes, LivePublishingTest.REFRESH)) {
      graph.containerScript.clear();
      JsonObject config = LivePublishingTest.liveConfig(graph, youtube, media).put("publish.batchSize", 5)
          .put("publish.pollIntervalMs", 200);
      ClusterNodes cluster = new ClusterNodes(2);
      try (ClusterNodes.Node a = cluster.start(0, db, config.copy());
          ClusterNodes.Node b = cluster.start(1, db, config.copy())) {
        var saved = Http.call(a.http, HttpMethod.PUT, "/api/publishing/credentials/healthycollege", null,
            new JsonObject().put("instagram_user_id", "17841400001")
                .put("instagram_access_token", LivePublishingTest.IG_TOKEN).put("facebook_page_id", "1020304050")
                .put("facebook_access_token", LivePublishingTest.PAGE_TOKEN).encode());
        assertThat(saved.statusCode()).as(saved.bodyAsString()).isEqualTo(200);
        try (var c = TestPostgres.connect(db); var s = c.createStatement()) {
          s.executeUpdate("INSERT INTO jobs (user_id, status, title, variant, brands, caption)"
              + " SELECT 'local', 'completed', 'cluster ' || n, 'post', '[\"healthycollege\"]', 'cluster-caption-' || n"
              + " FROM generate_series(1, 50) n");
          s.executeUpdate("INSERT INTO schedule (user_id, brand, content_type, variant, slot_at, job_id, title,"
              + " media_url, platforms) SELECT 'local', 'healthycollege', 'post', 'post', now() - n * interval '1 minute',"
              + " job_id, title, '/media/healthycollege/' || job_id || '.png', '[\"instagram\", \"facebook\"]'"
              + " FROM (SELECT job_id, title, row_number() OVER (ORDER BY id) AS n FROM jobs) j");
        }
        a.vertx.eventBus().publish(Addresses.SCHEDULE_CHANGED, new JsonObject());
        Eventually.await("50 items published", Duration.ofSeconds(90),
            () -> TestPostgres.count(db, "SELECT count(*) FROM schedule WHERE status = 'published'"), n -> n == 50);

        Map<String, Long> perCaption = graph.published.stream().collect(Collectors.groupingBy(
            p -> p.getString("platform") + " " + p.getString("caption"), Collectors.counting()));
        assertThat(perCaption).hasSize(100);
        assertThat(perCaption.values()).allMatch(n -> n == 1);
        assertThat(TestPostgres.count(db, "SELECT count(*) FROM publish_results WHERE status = 'published'"
            + " AND attempts = 1")).isEqualTo(100);
      }
    } finally {
      fakes.close().await(10, TimeUnit.SECONDS);
    }
  }
}
