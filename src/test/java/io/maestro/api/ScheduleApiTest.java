package io.maestro.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.bus.Addresses;
import io.maestro.schedule.SchedulerTest;
import io.maestro.testing.Eventually;
import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("/api/schedule: the calendar, reschedule and unschedule")
class ScheduleApiTest {
  private TestApp app;

  @BeforeEach
  void start() {
    app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0));
  }

  @AfterEach
  void stop() throws Exception {
    app.close();
  }

  /**
   * A booked item, once the scheduler has finished with it: the booking and the slot written back into the job's
   * output are two statements, and a test that reads the output between them would see no scheduled_time.
   */
  private JsonObject scheduled(String brand) throws Exception {
    JsonObject job = SchedulerTest.completedJob(app, "post", brand);
    app.vertx.eventBus().publish(Addresses.JOB_FINISHED, job);
    JsonObject item = Eventually.await("a booking for " + job.getString("job_id"), Duration.ofSeconds(30),
        () -> Http.get(app.http, "/api/schedule?brand=" + brand).bodyAsJsonObject().getJsonArray("items").stream()
            .map(JsonObject.class::cast).filter(i -> i.getString("job_id").equals(job.getString("job_id")))
            .findFirst().orElse(null), i -> i != null);
    Eventually.await("the slot of " + job.getString("job_id") + " written back", Duration.ofSeconds(30),
        () -> output(item).getString("scheduled_time"), t -> t != null);
    return item;
  }

  private JsonObject output(JsonObject item) throws Exception {
    return Http.get(app.http, "/jobs/" + item.getString("job_id")).bodyAsJsonObject().getJsonObject("brand_outputs")
        .getJsonObject(item.getString("brand"));
  }

  @Test
  @DisplayName("GET lists the user's items in slot order with their fields, filtered by brand")
  void list() throws Exception {
    JsonObject first = scheduled("healthycollege");
    JsonObject second = scheduled("healthycollege");
    scheduled("vitalitycollege");
    JsonObject page = Http.get(app.http, "/api/schedule?brand=healthycollege").bodyAsJsonObject();
    assertThat(page.getInteger("count")).isEqualTo(2);
    assertThat(page.getJsonArray("items").getJsonObject(0).getString("job_id")).isEqualTo(first.getString("job_id"));
    assertThat(Instant.parse(second.getString("slot_at"))).isAfter(Instant.parse(first.getString("slot_at")));
    assertThat(first.fieldNames()).contains("id", "brand", "content_type", "variant", "slot_at", "job_id", "title",
        "media_url", "status");
    assertThat(first.getString("status")).isEqualTo("scheduled");
    assertThat(Http.get(app.http, "/api/schedule").bodyAsJsonObject().getInteger("count")).isEqualTo(3);
    assertThat(Http.get(app.http, "/api/schedule?status=bogus").statusCode()).isEqualTo(422);
    assertThat(Http.get(app.http, "/api/schedule?from=yesterday").statusCode()).isEqualTo(422);
  }

  @Test
  @DisplayName("reschedule moves the item and the output's scheduled_time; a taken slot is 409, a past or bad one 422")
  void reschedule() throws Exception {
    JsonObject first = scheduled("healthycollege");
    JsonObject second = scheduled("healthycollege");
    String target = Instant.parse(second.getString("slot_at")).plus(Duration.ofDays(30)).toString();
    var moved = Http.post(app.http, "/api/schedule/" + first.getLong("id") + "/reschedule",
        new JsonObject().put("slot_at", target));
    assertThat(moved.statusCode()).as(moved.bodyAsString()).isEqualTo(200);
    assertThat(moved.bodyAsJsonObject().getJsonObject("item").getString("slot_at")).isEqualTo(target);
    assertThat(output(first).getString("scheduled_time")).isEqualTo(target);

    var taken = Http.post(app.http, "/api/schedule/" + second.getLong("id") + "/reschedule",
        new JsonObject().put("slot_at", target));
    assertThat(taken.statusCode()).isEqualTo(409);
    assertThat(taken.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("already");
    assertThat(Http.post(app.http, "/api/schedule/" + second.getLong("id") + "/reschedule",
        new JsonObject().put("slot_at", "2001-01-01T08:00:00Z")).statusCode()).isEqualTo(422);
    assertThat(Http.post(app.http, "/api/schedule/" + second.getLong("id") + "/reschedule",
        new JsonObject().put("slot_at", "tomorrow")).statusCode()).isEqualTo(422);
    assertThat(Http.post(app.http, "/api/schedule/" + second.getLong("id") + "/reschedule",
        new JsonObject().put("slot_at", target).put("extra", 1)).statusCode()).isEqualTo(422);
    assertThat(Http.call(app.http, HttpMethod.POST, "/api/schedule/" + second.getLong("id") + "/reschedule", null,
        "{not json").statusCode()).isEqualTo(400);
    assertThat(Http.post(app.http, "/api/schedule/999999/reschedule", new JsonObject().put("slot_at", target))
        .statusCode()).isEqualTo(404);
    // nothing was written by the refused requests
    assertThat(output(second).getString("scheduled_time")).isEqualTo(second.getString("slot_at"));
  }

  @Test
  @DisplayName("an item rescheduled to a few seconds from now goes out then, not at the publisher's next backstop poll"
      + " (a minute away)")
  void rescheduledEarlierGoesOutAtItsNewTime() throws Exception {
    JsonObject item = scheduled("healthycollege");
    // the booking woke the publisher, which armed its timer for this item's slot, hours away (capped at the poll)
    Instant soon = Instant.now().plusSeconds(3).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    var moved = Http.post(app.http, "/api/schedule/" + item.getLong("id") + "/reschedule",
        new JsonObject().put("slot_at", soon.toString()));
    assertThat(moved.statusCode()).as(moved.bodyAsString()).isEqualTo(200);
    Eventually.await("the item published (dry run)", Duration.ofSeconds(20),
        () -> Http.get(app.http, "/api/schedule/" + item.getLong("id")).bodyAsJsonObject(),
        i -> "published".equals(i.getString("status")));
    assertThat(app.count("SELECT count(*) FROM schedule WHERE id = " + item.getLong("id")
        + " AND slot_at = '" + soon + "' AND published_at >= slot_at")).as("at its new slot, not before").isEqualTo(1);
  }

  @Test
  @DisplayName("unschedule removes the item, clears scheduled_time and frees the slot for the next completion")
  void unschedule() throws Exception {
    JsonObject item = scheduled("healthycollege");
    var removed = Http.post(app.http, "/api/schedule/" + item.getLong("id") + "/unschedule", null);
    assertThat(removed.statusCode()).as(removed.bodyAsString()).isEqualTo(200);
    assertThat(removed.bodyAsJsonObject().getString("status")).isEqualTo("unscheduled");
    assertThat(output(item).containsKey("scheduled_time")).isFalse();
    assertThat(Http.get(app.http, "/api/schedule").bodyAsJsonObject().getInteger("count")).isZero();
    assertThat(Http.call(app.http, HttpMethod.DELETE, "/api/schedule/" + item.getLong("id"), null, null).statusCode())
        .isEqualTo(404);
    JsonObject next = scheduled("healthycollege");
    assertThat(next.getString("slot_at")).isEqualTo(item.getString("slot_at"));
  }

  @Test
  @DisplayName("a slot written back after its item was unscheduled is not recorded (booking and write-back race)")
  void lateWriteBackAfterUnschedule() throws Exception {
    JsonObject item = scheduled("healthycollege");
    assertThat(output(item).getString("scheduled_time")).isEqualTo(item.getString("slot_at"));
    assertThat(Http.post(app.http, "/api/schedule/" + item.getLong("id") + "/unschedule", null).statusCode())
        .isEqualTo(200);
    // the scheduler's write-back arriving only now, as it does when the unschedule lands between its two statements
    var jobs = new io.maestro.jobs.JobRepository(app.context().pool());
    String userId = Http.get(app.http, "/jobs/" + item.getString("job_id")).bodyAsJsonObject().getString("user_id");
    assertThat(userId).isNotBlank();
    boolean written = jobs.setScheduledTime(userId, item.getString("job_id"),
        item.getString("brand"), item.getString("slot_at")).await(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(written).isFalse();
    assertThat(output(item).containsKey("scheduled_time")).isFalse();
  }
}
