package io.maestro.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.bus.Addresses;
import io.maestro.config.MaestroConfig;
import io.maestro.db.Database;
import io.maestro.db.Migrations;
import io.maestro.jobs.JobJson;
import io.maestro.metrics.Metrics;
import io.maestro.node.NodeContext;
import io.maestro.node.NodeRuntime;
import io.maestro.render.RendererFactory;
import io.maestro.testing.CountingPool;
import io.maestro.testing.Eventually;
import io.maestro.testing.TestApp;
import io.maestro.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Scheduler under a backlog: completions that arrive together are booked, written back and logged in"
    + " batches")
class SchedulerGroupCommitTest {
  private static final int JOBS = 150;
  private Vertx vertx;

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("150 jobs with two brands each finishing at once: every output booked in its own slot and written back"
      + " (both outputs of a job), one activity entry each, in a few statements per batch instead of four per output")
  void backlogIsBookedInBatches() throws Exception {
    vertx = Vertx.vertx();
    String url = TestPostgres.newDatabase();
    Migrations.migrate(url, 10_000);
    MaestroConfig config = MaestroConfig.from(TestApp.config(url, new JsonObject()));
    CountingPool counted = CountingPool.wrap(Database.pool(vertx, url, config));
    counted.pool().preparedQuery("SELECT maestro_provision_user($1)")
        .execute(Tuple.of(config.string(MaestroConfig.LOCAL_USER))).await(30, TimeUnit.SECONDS);
    TestPostgres.execute(url, """
        INSERT INTO jobs (user_id, title, variant, brands, status, progress_percent, completed_at, brand_outputs)
        SELECT 'local', 'Backlog ' || n, 'post', '["healthycollege", "longevitycollege"]', 'completed', 100, now(),
               jsonb_build_object(
                 'healthycollege', jsonb_build_object('status', 'completed', 'image_url', '/media/h' || n || '.jpg'),
                 'longevitycollege', jsonb_build_object('status', 'completed', 'image_url', '/media/l' || n || '.jpg'))
          FROM generate_series(1, %d) n""".formatted(JOBS));
    List<JsonObject> finished = new ArrayList<>();
    for (Row row : counted.pool().query("SELECT * FROM jobs ORDER BY id").execute().await(30, TimeUnit.SECONDS)) {
      finished.add(JobJson.publicView(JobJson.from(row)));
    }
    NodeContext node = new NodeContext(config, counted.pool(), Database.claimPool(vertx, url), "scheduler-node",
        Metrics.registry(vertx), RendererFactory.of(c -> Map.of()), new NodeRuntime());
    vertx.deployVerticle(new SchedulerVerticle(node)).await(30, TimeUnit.SECONDS);
    long before = counted.statements();

    vertx.runOnContext(v -> finished.forEach(job -> vertx.eventBus().publish(Addresses.JOB_FINISHED, job)));

    int outputs = 2 * JOBS;
    Eventually.await("every output logged as scheduled", Duration.ofSeconds(60), () -> TestPostgres.count(url,
        "SELECT count(*) FROM activity_log WHERE agent = 'scheduler' AND action = 'scheduled'"), n -> n == outputs);
    long statements = counted.statements() - before;
    System.out.printf("%d statements for %d outputs%n", statements, outputs);

    assertThat(TestPostgres.count(url, "SELECT count(*) FROM schedule")).isEqualTo(outputs);
    assertThat(TestPostgres.count(url, "SELECT count(DISTINCT (brand, slot_at)) FROM schedule")).isEqualTo(outputs);
    assertThat(TestPostgres.count(url, "SELECT count(*) FROM jobs j, jsonb_each(j.brand_outputs) o"
        + " JOIN schedule s ON s.brand = o.key WHERE s.job_id = j.job_id"
        + " AND (o.value ->> 'scheduled_time')::timestamptz = s.slot_at"))
        .as("both outputs of every job carry their own slot").isEqualTo(outputs);
    assertThat(TestPostgres.count(url, "SELECT count(*) FROM activity_log WHERE agent = 'scheduler'"))
        .as("nothing failed").isEqualTo(outputs);
    // one output at a time was a brand lookup, a refresh and a booking, a write-back and an activity insert each
    assertThat(statements).as("statements for %d outputs", outputs).isLessThan(outputs / 4);
  }
}
