package io.maestro.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.bus.Addresses;
import io.maestro.testing.Eventually;
import io.maestro.testing.Http;
import io.maestro.testing.Rows;
import io.maestro.testing.TestApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Dry-run publishing (the embedded default): a burst's posts and reels go out at their slots, offline")
class DryRunPublishingTest {

  @Test
  @DisplayName("each booked post and reel reaches 'published (dry run)' at its slot (a short slot plan), never before;"
      + " the outbox holds exactly one line per item with its media URL and caption; browsers are told")
  void burstReachesDryRunPublished(@TempDir Path dir) throws Exception {
    Path outbox = dir.resolve("outbox.jsonl");
    try (TestApp app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0)
        .put("publish.outboxFile", outbox.toString()))) {
      app.deployWorkers(PublishingRenderer::all, 2);
      List<JsonObject> updates = new CopyOnWriteArrayList<>();
      app.vertx.eventBus().<JsonObject>consumer(Addresses.publishingUpdates("local"), m -> updates.add(m.body()))
          .completion().await(10, TimeUnit.SECONDS);

      var burst = Http.post(app.http, "/api/maestro/trigger-burst", new JsonObject().put("posts", 2).put("reels", 2)
          .put("brands", new JsonArray().add("healthycollege").add("holisticcollege")));
      assertThat(burst.statusCode()).as(burst.bodyAsString()).isEqualTo(200);
      Eventually.await("the burst to finish", Duration.ofSeconds(90),
          () -> app.count("SELECT count(*) FROM settings WHERE key = 'burst_lock'"), n -> n == 0);
      Eventually.await("every job finished", Duration.ofSeconds(60),
          () -> app.count("SELECT count(*) FROM jobs WHERE status IN ('pending', 'generating')"), n -> n == 0);
      String outputs = "SELECT count(*) FROM jobs j, jsonb_each(j.brand_outputs) o WHERE o.value->>'status' = 'completed'";
      long expected = app.count(outputs);
      assertThat(expected).as("the burst produced posts and reels").isGreaterThanOrEqualTo(2);
      Eventually.await("every completed output booked", Duration.ofSeconds(30),
          () -> app.count("SELECT count(*) FROM schedule"), n -> n == expected);
      assertThat(app.count("SELECT count(DISTINCT content_type) FROM schedule")).as("posts and reels").isEqualTo(2);
      assertThat(app.count("SELECT count(*) FROM schedule WHERE status <> 'scheduled'"))
          .as("nothing goes out before its slot").isZero();

      // a short slot plan: the booked items' slots move to the next few seconds, 400 ms apart
      app.execute("UPDATE schedule s SET slot_at = date_trunc('second', now()) + interval '2 seconds'"
          + " + o.n * interval '400 milliseconds' FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM schedule)"
          + " o WHERE o.id = s.id");
      app.vertx.eventBus().publish(Addresses.SCHEDULE_CHANGED, new JsonObject());

      Eventually.await("every item published", Duration.ofSeconds(60),
          () -> app.count("SELECT count(*) FROM schedule WHERE status = 'published'"), n -> n == expected);
      assertThat(app.count("SELECT count(*) FROM schedule WHERE NOT dry_run OR published_at < slot_at"))
          .as("dry run, and never before the slot").isZero();

      List<String> lines = Files.readAllLines(outbox);
      assertThat(lines).hasSize((int) expected);
      Map<Long, JsonObject> byItem = new HashMap<>();
      for (String line : lines) {
        JsonObject entry = new JsonObject(line);
        assertThat(byItem.put(entry.getLong("schedule_id"), entry)).as("one line per item").isNull();
      }
      for (Map<String, Object> row : Rows.of(app, "SELECT s.id, s.media_url, s.content_type,"
          + " j.brand_outputs -> s.brand ->> 'caption' AS caption FROM schedule s JOIN jobs j USING (job_id)")) {
        JsonObject entry = byItem.get(((Number) row.get("id")).longValue());
        assertThat(entry).as("outbox line of item %s", row.get("id")).isNotNull();
        assertThat(entry.getString("media_url")).isEqualTo(row.get("media_url")).isNotBlank();
        assertThat(entry.getString("caption")).isEqualTo(row.get("caption")).startsWith("Caption of");
        assertThat(entry.getJsonArray("platforms").getList()).contains("instagram", "facebook");
      }

      JsonObject list = Http.get(app.http, "/api/publishing/items?status=published").bodyAsJsonObject();
      assertThat(list.getInteger("count")).isEqualTo((int) expected);
      for (Object o : list.getJsonArray("items")) {
        JsonObject item = (JsonObject) o;
        assertThat(item.getString("status_label")).isEqualTo("published (dry run)");
        assertThat(item.getBoolean("dry_run")).isTrue();
        JsonObject platforms = item.getJsonObject("platforms");
        assertThat(platforms.fieldNames()).contains("instagram", "facebook");
        assertThat(platforms.containsKey("youtube")).isEqualTo("reel".equals(item.getString("content_type")));
        platforms.forEach(p -> assertThat(((JsonObject) p.getValue()).getString("status")).isEqualTo("published"));
        assertThat(Instant.parse(item.getString("published_at"))).isAfterOrEqualTo(Instant.parse(item.getString("slot_at")));
      }
      Eventually.await("a live 'published' update per item", Duration.ofSeconds(10), () -> updates.stream()
          .filter(u -> "published".equals(u.getString("status"))).map(u -> u.getLong("id")).distinct().count(),
          n -> n == expected);

      // waking the publishers again sends nothing twice
      app.vertx.eventBus().publish(Addresses.SCHEDULE_CHANGED, new JsonObject());
      Thread.sleep(500);
      assertThat(Files.readAllLines(outbox)).hasSize((int) expected);
    }
  }
}
