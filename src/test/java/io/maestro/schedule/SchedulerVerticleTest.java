package io.maestro.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.bus.Addresses;
import io.maestro.jobs.JobJson;
import io.maestro.testing.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scheduler deployed on its own against a real PostgreSQL: finished jobs are stored as the dispatcher would have
 * recorded them and announced on {@code maestro.jobs.finished}; each booking it announces on
 * {@code maestro.schedule.changed} is checked against the schedule table and the job's outputs.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
@DisplayName("Scheduler on its own: every completed output of a finished job is booked into its brand's next slot")
class SchedulerVerticleTest {
  private TestNode node;

  /** One row of the schedule table. */
  record Booking(String jobId, String brand, String contentType, String variant, Instant slot, String mediaUrl,
      String status) {}

  @BeforeEach
  void deployScheduler(Vertx vertx, VertxTestContext test) throws Exception {
    node = TestNode.start(vertx, new JsonObject());
    vertx.deployVerticle(new SchedulerVerticle(node.context())).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a completed post is booked into its brand's next post slot, the slot is written back as the"
      + " output's scheduled_time (the rest of the output kept), and the publishers are told")
  void completedOutputBooked(Vertx vertx, VertxTestContext test) {
    Instant before = Instant.now();
    finishedJob("completed", new JsonObject().put("healthycollege", output("completed", "a.jpg")))
        .compose(job -> {
          Future<List<Booking>> booked = awaitSchedule(vertx, rows -> !rows.isEmpty());
          vertx.eventBus().publish(Addresses.JOB_FINISHED, job);
          return booked.compose(rows -> outputs(job.getString("job_id")).map(outputs -> {
            Instant after = Instant.now();
            test.verify(() -> {
              assertThat(rows).hasSize(1);
              Booking booking = rows.get(0);
              assertThat(booking.jobId()).isEqualTo(job.getString("job_id"));
              assertThat(booking.brand()).isEqualTo("healthycollege");
              assertThat(booking.contentType()).isEqualTo("post");
              assertThat(booking.variant()).isEqualTo("post");
              assertThat(booking.status()).isEqualTo("scheduled");
              assertThat(booking.mediaUrl()).isEqualTo("/media/local/a.jpg");
              // healthycollege's offset is 0; the next slot from whenever the scheduler looked
              assertThat(booking.slot()).isIn(SlotPlan.next("post", 0, before, 1).get(0),
                  SlotPlan.next("post", 0, after, 1).get(0));
              JsonObject output = outputs.getJsonObject("healthycollege");
              assertThat(Instant.parse(output.getString("scheduled_time"))).isEqualTo(booking.slot());
              assertThat(output.getString("image_url")).isEqualTo("/media/local/a.jpg");
            });
            return null;
          }));
        })
        .onComplete(test.succeedingThenComplete());
  }

  /**
   * Nothing-happens checks without a sleep: each wrong booking would be queued before a later right one of the same
   * brand, so once the later ones are in the schedule the wrong ones would be too.
   */
  @Test
  @DisplayName("a failed job and a failed brand output are not booked: once the completed outputs announced after"
      + " them are in the schedule, they are the only bookings")
  void onlyCompletedOutputsBooked(Vertx vertx, VertxTestContext test) {
    finishedJob("failed", new JsonObject().put("healthycollege", output("completed", "failed-job.jpg")))
        .compose(failedJob -> finishedJob("completed", new JsonObject()
                .put("healthycollege", output("completed", "b-healthy.jpg"))
                .put("vitalitycollege", output("failed", null)))
            .compose(mixed -> finishedJob("completed", new JsonObject()
                    .put("vitalitycollege", output("completed", "c-vitality.jpg")))
                .compose(later -> {
                  String mixedId = mixed.getString("job_id");
                  String laterId = later.getString("job_id");
                  Future<List<Booking>> booked = awaitSchedule(vertx, rows -> has(rows, mixedId, "healthycollege")
                      && has(rows, laterId, "vitalitycollege"));
                  List.of(failedJob, mixed, later).forEach(job -> vertx.eventBus().publish(Addresses.JOB_FINISHED,
                      job));
                  return booked.map(rows -> {
                    test.verify(() -> assertThat(rows).extracting(b -> b.jobId() + "/" + b.brand())
                        .containsExactlyInAnyOrder(mixedId + "/healthycollege", laterId + "/vitalitycollege"));
                    return null;
                  });
                })))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a re-delivered finished event books nothing twice: the output keeps its slot, and the brand's next"
      + " job takes the slot after it")
  void redeliveryBooksNothingTwice(Vertx vertx, VertxTestContext test) {
    JsonObject outputs = new JsonObject().put("longevitycollege", output("completed", "x.jpg"));
    finishedJob("completed", outputs).compose(first -> finishedJob("completed", outputs).compose(next -> {
      String firstId = first.getString("job_id");
      String nextId = next.getString("job_id");
      Future<List<Booking>> once = awaitSchedule(vertx, rows -> has(rows, firstId, "longevitycollege"));
      vertx.eventBus().publish(Addresses.JOB_FINISHED, first);
      return once.compose(booked -> {
        Future<List<Booking>> both = awaitSchedule(vertx, rows -> has(rows, nextId, "longevitycollege"));
        vertx.eventBus().publish(Addresses.JOB_FINISHED, first); // the same event again, then the next job
        vertx.eventBus().publish(Addresses.JOB_FINISHED, next);
        return both.map(rows -> {
          test.verify(() -> {
            assertThat(rows).hasSize(2);
            Instant firstSlot = slotOf(booked, firstId);
            assertThat(slotOf(rows, firstId)).isEqualTo(firstSlot);
            // longevitycollege's posts are offset by 2 h
            assertThat(slotOf(rows, nextId)).isEqualTo(SlotPlan.next("post", 2, firstSlot, 1).get(0));
          });
          return null;
        });
      });
    })).onComplete(test.succeedingThenComplete());
  }

  private static JsonObject output(String status, String file) {
    JsonObject output = new JsonObject().put("status", status).put("title", "Sleep well");
    return file == null ? output.put("error", "scripted") : output.put("image_url", "/media/local/" + file);
  }

  /** A post job stored as the dispatcher records it, in the shape the finished event carries (status overridden). */
  private Future<JsonObject> finishedJob(String status, JsonObject outputs) {
    JsonArray brands = new JsonArray(new ArrayList<>(outputs.fieldNames()));
    String error = "failed".equals(status) ? "scripted failure" : null;
    return node.context().pool().preparedQuery("INSERT INTO jobs (user_id, title, variant, brands, status,"
            + " brand_outputs, progress_percent, completed_at, error_code, error_category, error_message)"
            + " VALUES ('local', 'Sleep well', 'post', $1, $2, $3, 100, now(), $4, $5, $6) RETURNING *")
        .execute(Tuple.of(brands, status, outputs, error == null ? null : 1006, error == null ? null : "api_error",
            error))
        .map(rows -> JobJson.publicView(JobJson.from(rows.iterator().next())));
  }

  private Future<JsonObject> outputs(String jobId) {
    return node.context().pool().preparedQuery("SELECT brand_outputs FROM jobs WHERE job_id = $1")
        .execute(Tuple.of(jobId)).map(rows -> (JsonObject) rows.iterator().next().getValue("brand_outputs"));
  }

  /**
   * The schedule as soon as it satisfies {@code done}, looked at after each booking the scheduler announces.
   * Registered before the test publishes, so no announcement is missed.
   */
  private Future<List<Booking>> awaitSchedule(Vertx vertx, Predicate<List<Booking>> done) {
    Promise<List<Booking>> result = Promise.promise();
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.SCHEDULE_CHANGED);
    consumer.handler(changed -> schedule().onComplete(rows -> {
      if (rows.failed()) {
        result.tryFail(rows.cause());
      } else if (done.test(rows.result())) {
        result.tryComplete(rows.result());
      }
    }));
    return result.future().andThen(ignored -> consumer.unregister());
  }

  private Future<List<Booking>> schedule() {
    return node.context().pool().query("SELECT job_id, brand, content_type, variant, slot_at, media_url, status"
        + " FROM schedule ORDER BY id").execute().map(rows -> {
          List<Booking> all = new ArrayList<>();
          rows.forEach(r -> all.add(new Booking(r.getString("job_id"), r.getString("brand"),
              r.getString("content_type"), r.getString("variant"), r.getOffsetDateTime("slot_at").toInstant(),
              r.getString("media_url"), r.getString("status"))));
          return all;
        });
  }

  private static boolean has(List<Booking> rows, String jobId, String brand) {
    return rows.stream().anyMatch(b -> b.jobId().equals(jobId) && b.brand().equals(brand));
  }

  private static Instant slotOf(List<Booking> rows, String jobId) {
    return rows.stream().filter(b -> b.jobId().equals(jobId)).map(Booking::slot).findFirst().orElseThrow();
  }
}
