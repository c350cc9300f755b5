package io.maestro.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.config.MaestroConfig;
import io.maestro.db.Database;
import io.maestro.db.Migrations;
import io.maestro.testing.CountingPool;
import io.maestro.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Slot booking: one statement per booking, flat however long the brand's schedule is")
class ScheduleRepositoryTest {
  private static final Instant AFTER = Instant.parse("2030-01-01T10:00:00Z");

  private Vertx vertx;
  private String url;
  private CountingPool counted;
  private ScheduleRepository schedule;

  @BeforeEach
  void start() {
    url = TestPostgres.newDatabase();
    Migrations.migrate(url, 5_000);
    vertx = Vertx.vertx();
    counted = CountingPool.wrap(Database.pool(vertx, url, MaestroConfig.from(new JsonObject())));
    schedule = new ScheduleRepository(counted.pool());
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private Instant book(String variant, int offset, String jobId) throws Exception {
    JsonObject item = schedule.book(new ScheduleRepository.Booking("local", "healthycollege", variant, offset, jobId,
        "t " + jobId, null), AFTER).await(30, TimeUnit.SECONDS);
    return Instant.parse(item.getString("slot_at"));
  }

  @Test
  @DisplayName("2,000 posts for one brand take the 2,000 consecutive post slots, each booking in at most 2 statements")
  void twoThousandBookingsInFixedStatements() throws Exception {
    List<Instant> booked = new ArrayList<>();
    long maxStatements = 0;
    for (int i = 0; i < 2_000; i++) {
      long before = counted.statements();
      booked.add(book("post", 2, "job-" + i));
      maxStatements = Math.max(maxStatements, counted.statements() - before);
    }
    assertThat(booked).containsExactlyElementsOf(SlotPlan.next("post", 2, AFTER, 2_000));
    // one to find an earlier booking of the same output, one to find and insert the slot
    assertThat(maxStatements).isLessThanOrEqualTo(2);
  }

  @Test
  @DisplayName("a slot freed by unschedule or reschedule is the next one booked; the run after it is not searched again")
  void freedSlotIsReused() throws Exception {
    List<Instant> booked = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      booked.add(book("light", 0, "job-" + i));
    }
    TestPostgres.execute(url, "DELETE FROM schedule WHERE slot_at = '" + booked.get(5) + "'");
    TestPostgres.execute(url, "UPDATE schedule SET slot_at = slot_at + interval '400 days' WHERE slot_at = '"
        + booked.get(30) + "'");
    assertThat(book("light", 0, "refill-1")).isEqualTo(booked.get(5));
    assertThat(book("light", 0, "refill-2")).isEqualTo(booked.get(30));
    assertThat(book("light", 0, "next")).isEqualTo(SlotPlan.next("light", 0, booked.get(39), 1).get(0));
  }

  @Test
  @DisplayName("a run of taken slots longer than one search window (booked by other writers) is skipped over")
  void longRunOfForeignBookings() throws Exception {
    List<Instant> taken = SlotPlan.next("post", 0, AFTER, ScheduleRepository.WINDOW_DAYS * 2 * 3);
    for (Instant slot : taken) {
      TestPostgres.execute(url, "INSERT INTO schedule (user_id, brand, content_type, variant, slot_at, job_id)"
          + " VALUES ('local', 'healthycollege', 'post', 'post', '" + slot + "', 'other-" + slot + "')");
    }
    assertThat(book("post", 0, "mine")).isEqualTo(SlotPlan.next("post", 0, taken.get(taken.size() - 1), 1).get(0));
  }

  @Test
  @DisplayName("booking the same output again keeps its slot and updates its title")
  void sameOutputKeepsSlot() throws Exception {
    Instant first = book("dark", -3, "job-x");
    book("dark", -3, "job-y");
    assertThat(schedule.book(new ScheduleRepository.Booking("local", "healthycollege", "dark", -3, "job-x",
        "renamed", null), AFTER).await(30, TimeUnit.SECONDS).getString("title")).isEqualTo("renamed");
    assertThat(TestPostgres.count(url, "SELECT count(*) FROM schedule")).isEqualTo(2);
    assertThat(SlotPlan.isSlot("dark", -3, first)).isTrue();
    assertThat(first).isEqualTo(SlotPlan.next("dark", -3, AFTER, 1).get(0));
  }

  @Test
  @DisplayName("a batch of 300 outputs takes the next 300 free slots in two statements; one booked before keeps its"
      + " slot, and the next single booking continues after the batch")
  void batchBooking() throws Exception {
    Instant early = book("post", 1, "job-0");
    List<ScheduleRepository.Booking> batch = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      batch.add(new ScheduleRepository.Booking("local", "healthycollege", "post", 1, "job-" + i, "t" + i, null));
    }
    long before = counted.statements();
    var booked = schedule.bookBatch(batch, AFTER).await(30, TimeUnit.SECONDS);
    assertThat(counted.statements() - before).isEqualTo(2);
    assertThat(booked).hasSize(300);
    List<Instant> expected = SlotPlan.next("post", 1, AFTER, 300);
    assertThat(expected.get(0)).isEqualTo(early);
    for (int i = 0; i < 300; i++) {
      assertThat(Instant.parse(booked.get("job-" + i).getString("slot_at"))).isEqualTo(expected.get(i));
      assertThat(booked.get("job-" + i).getString("title")).isEqualTo("t" + i);
    }
    assertThat(book("post", 1, "after-batch")).isEqualTo(SlotPlan.next("post", 1, expected.get(299), 1).get(0));
  }
}
