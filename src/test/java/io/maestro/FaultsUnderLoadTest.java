package io.maestro;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.fakes.FakeDeApi;
import io.maestro.jobs.JobWorkerVerticle;
import io.maestro.testing.Eventually;
import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Faults under load: nothing lost, nothing stuck, nothing run twice, nothing unknown")
class FaultsUnderLoadTest {
  private static final int JOBS = 40;

  @Test
  @DisplayName("jobs created while deAPI fails and recovers, workers are undeployed and redeployed, and every database"
      + " connection is killed twice all end completed or permanently failed with a classified error")
  void faultsUnderLoad() throws Exception {
    Vertx fakes = Vertx.vertx();
    try (FakeDeApi deapi = new FakeDeApi(fakes, "deapi-key")) {
      JsonObject overrides = new JsonObject()
          .put("jobs.workerInstances", 0).put("jobs.deadlineMs", 20_000).put("jobs.leaseMs", 1_500)
          .put("deapi.apiKey", "deapi-key").put("deapi.baseUrl", deapi.baseUrl()).put("deapi.pollIntervalMs", 20)
          .put("deapi.perMinute", 10_000).put("deapi.perDay", 10_000)
          .put("healer.intervalMs", 250).put("healer.backoffBaseMs", 50).put("healer.backoffMaxMs", 200)
          .put("limits.requestBurst", 10_000).put("limits.requestsPerMinute", 100_000);
      try (TestApp app = TestApp.start(overrides)) {
        DeploymentOptions workers = new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER).setInstances(2);
        String workerDeployment = app.vertx.deployVerticle(() -> new JobWorkerVerticle(app.context()), workers).await(30, TimeUnit.SECONDS);

        int created = 0;
        int lastFault = -1;
        while (created < JOBS) {
          if (created != lastFault) { // each fault fires once, at its point in the load
            lastFault = created;
            if (created == 8) {
              for (int f = 0; f < 12; f++) {
                deapi.submitScript.add(f % 3 == 2 ? "hang-up" : "server-error"); // deAPI goes down...
              }
            } else if (created == 14) {
              app.vertx.undeploy(workerDeployment).await(60, TimeUnit.SECONDS); // ...the workers go away...
            } else if (created == 18 || created == 30) {
              app.count("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                  + " WHERE datname = current_database() AND pid <> pg_backend_pid()"); // ...the database drops us
            } else if (created == 22) {
              workerDeployment = app.vertx.deployVerticle(() -> new JobWorkerVerticle(app.context()), workers).await(30, TimeUnit.SECONDS);
            }
          }
          var response = Http.post(app.http, "/jobs/create", new JsonObject().put("title", "load " + created)
              .put("variant", "post").put("brands", new JsonArray().add("healthycollege")));
          if (response.statusCode() == 200) {
            created++;
          } else {
            // a request can meet a killed connection: a JSON 503 that says so, and nothing is written
            assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(503);
            assertThat(response.getHeader("Retry-After")).isNotNull();
            assertThat(response.bodyAsJsonObject().getJsonObject("error")).isNotNull();
          }
          Thread.sleep(100);
        }

        Eventually.await("every job completed or permanently failed", Duration.ofSeconds(150), () -> app.count(
            "SELECT count(*) FROM jobs WHERE status IN ('pending', 'generating')"
                + " OR (status = 'failed' AND healing_state <> 'permanent')"), n -> n == 0);

        assertThat(app.count("SELECT count(*) FROM jobs")).isEqualTo(JOBS);
        assertThat(app.count("SELECT count(*) FROM jobs WHERE status = 'completed'")
            + app.count("SELECT count(*) FROM jobs WHERE status = 'failed'")).isEqualTo(JOBS);
        assertThat(app.count("SELECT count(*) FROM jobs WHERE status = 'failed' AND (error_category IS NULL"
            + " OR error_category = 'unknown' OR btrim(error_message) = '')")).as("classified failures").isZero();
        assertThat(app.count("SELECT count(*) FROM job_attempts WHERE category = 'unknown'")).isZero();
        assertThat(app.count("SELECT count(*) FROM (SELECT job_pk FROM job_attempts WHERE outcome = 'completed'"
            + " GROUP BY job_pk HAVING count(*) > 1) twice")).as("no job completed twice").isZero();
        assertThat(app.count("SELECT count(*) FROM jobs j WHERE status = 'completed' AND NOT EXISTS"
            + " (SELECT 1 FROM job_attempts a WHERE a.job_pk = j.id AND a.outcome = 'completed')")).isZero();
        // the faults really happened and were healed, not avoided
        assertThat(app.count("SELECT count(*) FROM jobs WHERE retry_count > 0")).isPositive();
        assertThat(app.count("SELECT count(*) FROM jobs WHERE status = 'completed'")).isGreaterThan(JOBS / 2);
      }
    } finally {
      fakes.close().await(30, TimeUnit.SECONDS);
    }
  }
}
