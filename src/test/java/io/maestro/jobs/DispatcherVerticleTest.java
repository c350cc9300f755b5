package io.maestro.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.bus.Addresses;
import io.maestro.failure.FailureCode;
import io.maestro.testing.TestNode;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dispatcher deployed on its own against a real PostgreSQL: only it, and the worker it strictly needs. Jobs go
 * in as rows, the dispatcher is woken through the bus, and what it recorded is read back from the database.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
@DisplayName("Dispatcher on its own: claims due jobs for idle workers, hands each over the bus, records the reply")
class DispatcherVerticleTest {
  private TestNode node;

  @BeforeEach
  void deployDispatcher(Vertx vertx, VertxTestContext test) throws Exception {
    // an hour's poll: in these tests only the bus (a queued event, a worker announcing itself) makes it claim
    node = TestNode.start(vertx, new JsonObject().put("jobs.pollIntervalMs", 3_600_000), ScriptedRenderer::all);
    vertx.deployVerticle(new DispatcherVerticle(node.context())).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a queued job is claimed for the idle worker, run, and recorded completed with every brand's output;"
      + " its attempt is closed as completed on this node and the finished event carries the stored row")
  void claimDispatchRecordCompleted(Vertx vertx, VertxTestContext test) {
    Promise<JsonObject> finished = Promise.promise();
    vertx.eventBus().<JsonObject>consumer(Addresses.JOB_FINISHED, m -> finished.tryComplete(m.body())).completion()
        .compose(ignored -> deployWorker(vertx))
        .compose(ignored -> queue("Sleep well", "healthycollege", "vitalitycollege"))
        .compose(jobId -> {
          vertx.eventBus().publish(Addresses.JOBS_QUEUED, new JsonObject());
          return finished.future().compose(event -> job(jobId).compose(row -> attempt(jobId).compose(attempt ->
              stored(jobId).map(stored -> {
            test.verify(() -> {
              assertThat(event.getString("job_id")).isEqualTo(jobId);
              assertThat(event.getString("status")).isEqualTo("completed");
              // what the scheduler is handed is the whole stored job, as the API shows it
              assertThat(event).isEqualTo(JobJson.publicView(stored));
              assertThat(event.getJsonObject("brand_outputs").fieldNames())
                  .containsExactlyInAnyOrder("healthycollege", "vitalitycollege");
              assertThat(row.getString("status")).isEqualTo("completed");
              assertThat(row.getInteger("attempt")).isEqualTo(1);
              assertThat(row.getInteger("progress_percent")).isEqualTo(100);
              assertThat(row.getString("lease_owner")).isNull();
              assertThat(row.getInteger("error_code")).isNull();
              JsonObject outputs = row.getJsonObject("brand_outputs");
              for (String brand : List.of("healthycollege", "vitalitycollege")) {
                assertThat(outputs.getJsonObject(brand).getString("status")).as(brand).isEqualTo("completed");
                assertThat(outputs.getJsonObject(brand).getString("title")).as(brand).isEqualTo("Sleep well");
              }
              assertThat(attempt.getString("outcome")).isEqualTo("completed");
              assertThat(attempt.getString("node")).isEqualTo("test-node");
              assertThat(attempt.getBoolean("finished")).isTrue();
            });
            return null;
          }))));
        })
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a job none of whose brands succeeds comes back as a failed reply and is recorded failed with the"
      + " brand's taxonomy code and message, on the job and on its attempt")
  void failedReplyRecordedFailed(Vertx vertx, VertxTestContext test) {
    Promise<JsonObject> finished = Promise.promise();
    vertx.eventBus().<JsonObject>consumer(Addresses.JOB_FINISHED, m -> finished.tryComplete(m.body())).completion()
        .compose(ignored -> deployWorker(vertx))
        .compose(ignored -> queue("fail-all upstream down", "healthycollege"))
        .compose(jobId -> {
          vertx.eventBus().publish(Addresses.JOBS_QUEUED, new JsonObject());
          return finished.future().compose(event -> job(jobId).compose(row -> attempt(jobId).map(attempt -> {
            test.verify(() -> {
              assertThat(event.getString("status")).isEqualTo("failed");
              assertThat(row.getString("status")).isEqualTo("failed");
              assertThat(row.getInteger("error_code")).isEqualTo(FailureCode.API_ERROR.code());
              assertThat(row.getString("error_category")).isEqualTo(FailureCode.API_ERROR.category());
              assertThat(row.getString("error_message")).contains("upstream 503 for healthycollege");
              assertThat(row.getJsonObject("brand_outputs").getJsonObject("healthycollege").getString("status"))
                  .isEqualTo("failed");
              assertThat(row.getString("lease_owner")).isNull();
              assertThat(attempt.getString("outcome")).isEqualTo("failed");
              assertThat(attempt.getInteger("code")).isEqualTo(FailureCode.API_ERROR.code());
              assertThat(attempt.getString("message")).contains("upstream 503 for healthycollege");
            });
            return null;
          })));
        })
        .onComplete(test.succeedingThenComplete());
  }

  /**
   * Here the test itself answers on a worker address (as JobWorkerVerticle does, with the same records), so that it
   * decides when the worker is free: a real worker would finish the first job before the test could look.
   */
  @Test
  @DisplayName("with one idle worker and three due jobs it holds two (one running, one prefetched, jobs.prefetch on by"
      + " default); the third stays pending until the first's reply frees the worker, and all three go to that"
      + " worker in queue order")
  void claimsForIdleWorkersPlusOnePrefetched(Vertx vertx, VertxTestContext test) {
    String worker = Addresses.WORKER_PREFIX + "test-" + java.util.UUID.randomUUID();
    List<Promise<Message<ClaimedJob>>> requests = List.of(Promise.promise(), Promise.promise(), Promise.promise());
    java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
    Promise<Void> allFinished = Promise.promise();
    List<String> finishedIds = new java.util.concurrent.CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.JOB_FINISHED, m -> {
      finishedIds.add(m.body().getString("job_id"));
      if (finishedIds.size() == 3) {
        allFinished.tryComplete();
      }
    });
    vertx.eventBus().<ClaimedJob>localConsumer(worker, m -> {
      int n = received.getAndIncrement();
      if (n < 3) {
        requests.get(n).complete(m);
      } else {
        test.failNow("a fourth request for three jobs: " + m.body().jobId());
      }
    }).completion()
        .compose(ignored -> queue("first", "healthycollege"))
        .compose(a -> queue("second", "healthycollege").map(b -> List.of(a, b)))
        .compose(ab -> queue("third", "healthycollege").map(c -> List.of(ab.get(0), ab.get(1), c)))
        .compose(ids -> {
          vertx.eventBus().send(Addresses.WORKER_READY, new WorkerAddress(worker), WorkerProtocol.LOCAL);
          return requests.get(0).future()
              // the claim that produced this request has returned: anything more it claimed is generating now
              .compose(request -> Future.all(status(ids.get(1)), status(ids.get(2))).map(statuses -> {
                test.verify(() -> {
                  assertThat(request.body().jobId()).isEqualTo(ids.get(0));
                  assertThat((String) statuses.resultAt(0)).as("the second job, prefetched").isEqualTo("generating");
                  assertThat((String) statuses.resultAt(1)).as("the third job while the only worker is busy and"
                      + " one job waits for it").isEqualTo("pending");
                });
                request.reply(completed(request.body()), WorkerProtocol.LOCAL);
                return null;
              }))
              .compose(ignored -> requests.get(1).future())
              .compose(request -> {
                ClaimedJob job = request.body();
                test.verify(() -> assertThat(job.jobId()).isEqualTo(ids.get(1)));
                request.reply(completed(job), WorkerProtocol.LOCAL);
                return requests.get(2).future();
              })
              .map(request -> {
                ClaimedJob job = request.body();
                test.verify(() -> assertThat(job.jobId()).isEqualTo(ids.get(2)));
                request.reply(completed(job), WorkerProtocol.LOCAL);
                return ids;
              });
        })
        .compose(ids -> allFinished.future().compose(ignored -> Future.all(job(ids.get(0)), job(ids.get(1)),
            job(ids.get(2)))))
        .onComplete(test.succeeding(rows -> test.verify(() -> {
          for (int i = 0; i < 3; i++) {
            JsonObject row = rows.resultAt(i);
            assertThat(row.getString("status")).isEqualTo("completed");
            assertThat(row.getInteger("attempt")).as("claimed once, never handed back").isEqualTo(1);
          }
          test.completeNow();
        })));
  }

  private static JobOutcome completed(ClaimedJob job) {
    return new JobOutcome("done", List.of(new BrandOutput("healthycollege",
        Map.of("status", BrandOutput.COMPLETED, "title", job.job().getString("title")), null)));
  }

  private Future<String> deployWorker(Vertx vertx) {
    return vertx.deployVerticle(() -> new JobWorkerVerticle(node.context()),
        new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER));
  }

  private Future<String> queue(String title, String... brands) {
    return node.context().pool()
        .preparedQuery("INSERT INTO jobs (user_id, title, variant, brands) VALUES ('local', $1, 'post', $2)"
            + " RETURNING job_id")
        .execute(Tuple.of(title, new JsonArray(List.of((Object[]) brands))))
        .map(rows -> rows.iterator().next().getString("job_id"));
  }

  private Future<JsonObject> job(String jobId) {
    return one("SELECT status, attempt, progress_percent, lease_owner, brand_outputs, error_code, error_category,"
        + " error_message FROM jobs WHERE job_id = $1", jobId);
  }

  /** The job's whole row, as JobJson reads it. */
  private Future<JsonObject> stored(String jobId) {
    return node.context().pool().preparedQuery("SELECT * FROM jobs WHERE job_id = $1").execute(Tuple.of(jobId))
        .map(rows -> JobJson.from(rows.iterator().next()));
  }

  private Future<String> status(String jobId) {
    return job(jobId).map(row -> row.getString("status"));
  }

  private Future<JsonObject> attempt(String jobId) {
    return one("SELECT a.outcome, a.node, a.code, a.message, a.finished_at IS NOT NULL AS finished"
        + " FROM job_attempts a JOIN jobs j ON j.id = a.job_pk WHERE j.job_id = $1", jobId);
  }

  private Future<JsonObject> one(String sql, String jobId) {
    return node.context().pool().preparedQuery(sql).execute(Tuple.of(jobId)).map(rows -> {
      assertThat(rows.size()).as(sql).isEqualTo(1);
      Row row = rows.iterator().next();
      return row.toJson();
    });
  }
}
