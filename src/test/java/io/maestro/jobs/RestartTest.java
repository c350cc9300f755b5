package io.maestro.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.testing.Eventually;
import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.maestro.testing.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Restarting Maestro mid-run loses no job")
class RestartTest {

  @Test
  @DisplayName("jobs running when the app stops go back to the queue at once and complete after the restart")
  void restartMidRun() throws Exception {
    ScriptedRenderer.reset();
    String db = TestPostgres.newDatabase();
    // a lease far longer than the test may wait: completion after restart cannot come from lease expiry
    JsonObject config = new JsonObject().put("jobs.workerInstances", 0).put("jobs.leaseMs", 600_000);
    try (TestApp first = TestApp.start(db, config)) {
      for (int i = 0; i < 6; i++) {
        var created = Http.post(first.http, "/jobs/create", new JsonObject().put("title", "slow:1500 restart " + i)
            .put("variant", "post").put("brands", new JsonArray().add("healthycollege")));
        assertThat(created.statusCode()).isEqualTo(200);
      }
      first.deployWorkers(ScriptedRenderer::all, 2);
      Eventually.await("two jobs running", Duration.ofSeconds(30), ScriptedRenderer.RUNNING::get, n -> n == 2);
      Eventually.await("two more claimed and prefetched", Duration.ofSeconds(30),
          () -> first.count("SELECT count(*) FROM jobs WHERE status = 'generating'"), n -> n == 4);
    } // stop while two jobs are mid-run, two wait prefetched and two are queued

    assertThat(TestPostgres.count(db, "SELECT count(*) FROM jobs WHERE status = 'generating'"))
        .as("nothing is left generating by a stopped node").isZero();

    try (TestApp second = TestApp.start(db, config)) {
      second.deployWorkers(ScriptedRenderer::all, 2);
      Eventually.await("all six completed", Duration.ofSeconds(60),
          () -> second.count("SELECT count(*) FROM jobs WHERE status = 'completed'"), n -> n == 6);
      assertThat(second.count("SELECT count(*) FROM job_attempts WHERE outcome = 'completed'")).isEqualTo(6);
      long released = second.count("SELECT count(*) FROM job_attempts WHERE outcome = 'released'");
      assertThat(released).as("only jobs that were running can have spent an attempt on the first start")
          .isLessThanOrEqualTo(2);
      assertThat(second.count("SELECT count(*) FROM job_attempts")).as("no attempt row for a prefetched job")
          .isEqualTo(6 + released);
    }
  }

}
