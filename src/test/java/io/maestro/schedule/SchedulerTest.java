package io.maestro.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.bus.Addresses;
import io.maestro.testing.Eventually;
import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Auto-scheduling: completed outputs land in their brand's next free slots, never two in one")
public class SchedulerTest {
  private TestApp app;

  @BeforeEach
  void start() {
    app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0));
  }

  @AfterEach
  void stop() throws Exception {
    app.close();
  }

  /** A job that completed for the brands (as the dispatcher would record it), in the shape JOB_FINISHED carries. */
  public static JsonObject completedJob(TestApp app, String variant, String... brands) throws Exception {
    JsonArray brandArray = new JsonArray(List.of((Object[]) brands));
    String jobId = Http.post(app.http, "/jobs/create", new JsonObject().put("title", "Sleep " + variant)
        .put("variant", variant).put("brands", brandArray)).bodyAsJsonObject().getString("job_id");
    JsonObject outputs = new JsonObject();
    for (String brand : brands) {
      outputs.put(brand, new JsonObject().put("status", "completed").put("title", "Sleep " + variant)
          .put("image_url", "/media/local/" + jobId + "/" + brand + "/a1-post.jpg"));
    }
    app.execute("UPDATE jobs SET status = 'completed', brand_outputs = '" + outputs.encode() + "' WHERE job_id = '"
        + jobId + "'");
    return Http.get(app.http, "/jobs/" + jobId).bodyAsJsonObject();
  }

  private Map<String, Instant> slots(String brand) throws Exception {
    Map<String, Instant> slots = new HashMap<>();
    try (Connection c = io.maestro.testing.TestPostgres.connect(app.dbUrl); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT job_id, slot_at FROM schedule WHERE brand = '" + brand + "'")) {
      while (r.next()) {
        slots.put(r.getString(1), r.getTimestamp(2).toInstant());
      }
    }
    return slots;
  }

  @Test
  @DisplayName("ten concurrent completions for one brand land in ten distinct, consecutive post slots (offset 2 h), "
      + "each recorded as the output's scheduled_time; a re-delivered event books nothing twice")
  void tenConcurrentCompletions() throws Exception {
    List<JsonObject> jobs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      jobs.add(completedJob(app, "post", "longevitycollege"));
    }
    jobs.forEach(job -> app.vertx.eventBus().publish(Addresses.JOB_FINISHED, job)); // all at once
    Map<String, Instant> slots = Eventually.await("ten bookings", Duration.ofSeconds(60),
        () -> slots("longevitycollege"), s -> s.size() == 10);
    assertThat(slots.values()).doesNotHaveDuplicates();
    Instant first = slots.values().stream().min(Instant::compareTo).orElseThrow();
    assertThat(slots.values()).containsExactlyInAnyOrderElementsOf(
        SlotPlan.next("post", 2, first.minusSeconds(1), 10));
    assertThat(slots.values()).allSatisfy(slot -> assertThat(SlotPlan.isSlot("post", 2, slot)).isTrue());
    assertThat(first).isAfter(Instant.now().minusSeconds(60));

    for (JsonObject job : jobs) {
      String jobId = job.getString("job_id");
      JsonObject output = Eventually.await(jobId + " scheduled_time", Duration.ofSeconds(30),
          () -> Http.get(app.http, "/jobs/" + jobId).bodyAsJsonObject().getJsonObject("brand_outputs")
              .getJsonObject("longevitycollege"), o -> o.getString("scheduled_time") != null);
      assertThat(Instant.parse(output.getString("scheduled_time"))).isEqualTo(slots.get(jobId));
      assertThat(output.getString("image_url")).isNotNull(); // the rest of the output is kept
    }

    // a marker job of the same brand after the re-deliveries: its booking queues behind any they would make
    JsonObject marker = completedJob(app, "post", "longevitycollege");
    jobs.forEach(job -> app.vertx.eventBus().publish(Addresses.JOB_FINISHED, job));
    app.vertx.eventBus().publish(Addresses.JOB_FINISHED, marker);
    Eventually.await("the marker's booking", Duration.ofSeconds(30), () -> slots("longevitycollege"),
        s -> s.containsKey(marker.getString("job_id")));
    assertThat(app.count("SELECT count(*) FROM schedule WHERE job_id <> '" + marker.getString("job_id") + "'"))
        .isEqualTo(10);
  }

  @Test
  @DisplayName("reels share the brand's calendar: light and dark alternate, a post never takes a reel's booked hour")
  void reelsAndPostsShareSlots() throws Exception {
    JsonObject light = completedJob(app, "light", "healthycollege");
    JsonObject dark = completedJob(app, "dark", "healthycollege");
    app.vertx.eventBus().publish(Addresses.JOB_FINISHED, light);
    app.vertx.eventBus().publish(Addresses.JOB_FINISHED, dark);
    Map<String, Instant> slots = Eventually.await("two bookings", Duration.ofSeconds(30),
        () -> slots("healthycollege"), s -> s.size() == 2);
    assertThat(SlotPlan.isSlot("light", 0, slots.get(light.getString("job_id")))).isTrue();
    assertThat(SlotPlan.isSlot("dark", 0, slots.get(dark.getString("job_id")))).isTrue();
  }

  @Test
  @DisplayName("failed jobs and failed brand outputs are not scheduled")
  void onlyCompletedOutputs() throws Exception {
    JsonObject job = completedJob(app, "post", "healthycollege", "vitalitycollege");
    job.getJsonObject("brand_outputs").getJsonObject("vitalitycollege").put("status", "failed");
    app.vertx.eventBus().publish(Addresses.JOB_FINISHED, job.copy().put("status", "failed"));
    app.vertx.eventBus().publish(Addresses.JOB_FINISHED, job);
    Eventually.await("one booking", Duration.ofSeconds(30), () -> slots("healthycollege"), s -> s.size() == 1);
    // a marker job of both brands after them: its bookings queue behind any the failed ones would make
    JsonObject marker = completedJob(app, "post", "healthycollege", "vitalitycollege");
    app.vertx.eventBus().publish(Addresses.JOB_FINISHED, marker);
    Eventually.await("the marker's two bookings", Duration.ofSeconds(30), () -> app.count(
        "SELECT count(*) FROM schedule WHERE job_id = '" + marker.getString("job_id") + "'"), n -> n == 2);
    assertThat(app.count("SELECT count(*) FROM schedule WHERE job_id <> '" + marker.getString("job_id") + "'"))
        .isEqualTo(1);
  }

  @Test
  @DisplayName("with schedule.autoBook=false a node books nothing")
  void autoBookOff() throws Exception {
    try (var off = io.maestro.testing.TestApp.start(new JsonObject().put("jobs.workerInstances", 0)
        .put("schedule.autoBook", false))) {
      off.vertx.eventBus().publish(Addresses.JOB_FINISHED, completedJob(off, "post", "healthycollege"));
      Thread.sleep(1_500); // a booking takes milliseconds; give a wrong implementation the time to show it
      assertThat(off.count("SELECT count(*) FROM schedule")).isZero();
    }
  }
}
