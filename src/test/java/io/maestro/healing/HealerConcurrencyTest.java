package io.maestro.healing;

import static io.maestro.healing.HealerFixtures.query;
import static io.maestro.healing.HealerFixtures.trigger;
import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.testing.Eventually;
import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.maestro.testing.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Healer concurrency: one cycle at a time across nodes, never a job retried twice")
class HealerConcurrencyTest {
  private static final int JOBS = 300;
  private final List<TestApp> apps = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (TestApp app : apps) {
      app.close();
    }
  }

  @Test
  @DisplayName("two apps on one database, healing every 10 ms and on demand at once, retry each failed job exactly once")
  void twoHealersNeverRetryTwice() throws Exception {
    // no workers: a retried job stays pending (due in an hour), so a second retry could only be a double retry
    JsonObject config = new JsonObject().put("jobs.workerInstances", 0).put("healer.intervalMs", 10)
        .put("healer.backoffBaseMs", 3_600_000);
    String dbUrl = TestPostgres.newDatabase();
    apps.add(TestApp.start(dbUrl, config.copy().put("node.id", "node-a")));
    apps.add(TestApp.start(dbUrl, config.copy().put("node.id", "node-b")));
    TestApp a = apps.get(0);
    a.execute("INSERT INTO jobs (user_id, title, variant, brands, status, error_code, error_category, error_message,"
        + " attempt, completed_at) SELECT 'local', 'failed ' || n, 'post', '[\"healthycollege\"]', 'failed', 1006,"
        + " 'api_error', 'upstream 503 #' || n, 1, now() FROM generate_series(1, " + JOBS + ") n");

    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<JsonObject>> triggers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      TestApp app = apps.get(i % 2);
      triggers.add(pool.submit((Callable<JsonObject>) () -> trigger(app)));
    }
    for (Future<JsonObject> t : triggers) {
      assertThat(t.get(60, TimeUnit.SECONDS).getString("status")).isIn("completed", "skipped");
    }
    pool.shutdown();

    Eventually.await("every job retried", Duration.ofSeconds(60),
        () -> a.count("SELECT count(*) FROM jobs WHERE healing_state = 'retry_scheduled'"), n -> n == JOBS);
    long cycles = a.count("SELECT (value->>'cycles')::bigint FROM settings WHERE user_id = '*'"
        + " AND key = 'healer.last_cycle'");
    Eventually.await("20 more cycles after that", Duration.ofSeconds(60), () -> a.count("SELECT (value->>'cycles')"
        + "::bigint FROM settings WHERE user_id = '*' AND key = 'healer.last_cycle'"), n -> n >= cycles + 20);

    assertThat(a.count("SELECT count(*) FROM jobs WHERE retry_count = 1 AND status = 'pending'")).isEqualTo(JOBS);
    assertThat(a.count("SELECT count(*) FROM healing_events WHERE outcome = 'retried'")).isEqualTo(JOBS);
    assertThat(query(a, "SELECT job_id FROM healing_events GROUP BY job_id HAVING count(*) > 1")).isEmpty();
    assertThat(a.count("SELECT count(*) FROM activity_log WHERE agent = 'healer' AND action = 'Retry scheduled'"))
        .isEqualTo(JOBS);
    assertThat(Http.get(a.http, "/api/maestro/healing").bodyAsJsonObject().getJsonObject("healing")
        .getLong("total_healed")).isEqualTo(JOBS);
  }

  @Test
  @DisplayName("while another session holds the cycle lock, a healer skips its cycle and changes nothing")
  void lockHeldElsewhereMeansSkip() throws Exception {
    TestApp app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0).put("healer.intervalMs", 3_600_000));
    apps.add(app);
    String jobId = HealerFixtures.insertFailed(app, 1006, "api_error", "upstream 503");
    try (Connection other = TestPostgres.connect(app.dbUrl);
        PreparedStatement lock = other.prepareStatement("SELECT pg_advisory_lock(?)")) {
      lock.setLong(1, HealingRepository.CYCLE_LOCK);
      lock.execute();
      JsonObject report = trigger(app);
      assertThat(report.getString("status")).isEqualTo("skipped");
      assertThat(report.getString("message")).contains("another healer");
      assertThat(HealerFixtures.job(app, jobId).get("healing_state")).isEqualTo("none");
      // release explicitly: closing a JDBC connection does not wait for the server to end the session (and its lock)
      try (PreparedStatement unlock = other.prepareStatement("SELECT pg_advisory_unlock(?)")) {
        unlock.setLong(1, HealingRepository.CYCLE_LOCK);
        try (ResultSet released = unlock.executeQuery()) {
          assertThat(released.next() && released.getBoolean(1)).as("lock released").isTrue();
        }
      }
    }
    Eventually.await("no session holds the cycle lock", Duration.ofSeconds(10),
        () -> app.count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            + " AND ((classid::bigint << 32) | objid::bigint) = " + HealingRepository.CYCLE_LOCK), n -> n == 0);
    JsonObject report = trigger(app);
    assertThat(report.getString("status")).isEqualTo("completed");
    assertThat(HealerFixtures.find(report.getJsonArray("retried"), jobId)).isNotNull();
  }
}
