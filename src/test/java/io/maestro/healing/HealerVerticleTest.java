package io.maestro.healing;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.bus.Addresses;
import io.maestro.failure.FailureCode;
import io.maestro.testing.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Tuple;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The healer deployed on its own against a real PostgreSQL: failed and orphaned jobs go in as rows, a cycle is
 * requested on {@code maestro.healer.run}, and its report, its announcements and the rows it wrote are checked.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
@DisplayName("Healer on its own: a requested cycle retries what may succeed later and gives up on what cannot")
class HealerVerticleTest {
  private TestNode node;

  @BeforeEach
  void deployHealer(Vertx vertx, VertxTestContext test) throws Exception {
    // no timer cycles during a test (an hour away), and a backoff without jitter: exactly the base
    node = TestNode.start(vertx, new JsonObject().put("healer.intervalMs", 3_600_000).put("healer.jitterPercent", 0)
        .put("healer.backoffBaseMs", 60_000));
    vertx.deployVerticle(new HealerVerticle(node.context())).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a retryable failure (api_error) is re-queued one base backoff later and announced on"
      + " maestro.jobs.queued; a permanent one (file_not_found) stays failed with one notification; a second cycle"
      + " finds nothing left to diagnose")
  void retriesRetryableLeavesPermanent(Vertx vertx, VertxTestContext test) {
    Promise<Void> announced = Promise.promise();
    vertx.eventBus().consumer(Addresses.JOBS_QUEUED, m -> announced.tryComplete()).completion()
        .compose(ignored -> failed(FailureCode.API_ERROR, "upstream 503"))
        .compose(retryable -> failed(FailureCode.FILE_NOT_FOUND, "no such file /media/x.png").compose(permanent ->
            run(vertx, "test").compose(report -> {
              test.verify(() -> {
                assertThat(report.getString("status")).isEqualTo("completed");
                assertThat(report.getString("trigger")).isEqualTo("test");
                assertThat(report.getString("node")).isEqualTo("test-node");
                JsonObject retried = HealerFixtures.find(report.getJsonArray("retried"), retryable);
                assertThat(retried).as(report.encodePrettily()).isNotNull();
                assertThat(retried.getString("category")).isEqualTo("api_error");
                assertThat(retried.getInteger("retry_count")).isEqualTo(1);
                assertThat(retried.getLong("delay_ms")).isEqualTo(60_000L);
                JsonObject note = HealerFixtures.find(report.getJsonArray("permanent"), permanent);
                assertThat(note).as(report.encodePrettily()).isNotNull();
                assertThat(note.getString("reason")).isEqualTo("file_not_found (not retryable)");
                assertThat(HealerFixtures.find(report.getJsonArray("retried"), permanent)).isNull();
              });
              return announced.future();
            })
            .compose(ignored -> Future.all(job(retryable), job(permanent), notifications(retryable),
                notifications(permanent)))
            .compose(rows -> {
              JsonObject retriedRow = rows.resultAt(0);
              JsonObject permanentRow = rows.resultAt(1);
              test.verify(() -> {
                assertThat(retriedRow.getString("status")).isEqualTo("pending");
                assertThat(retriedRow.getString("healing_state")).isEqualTo("retry_scheduled");
                assertThat(retriedRow.getInteger("retry_count")).isEqualTo(1);
                assertThat(retriedRow.getBoolean("due_later")).as("run_at after now").isTrue();
                assertThat(permanentRow.getString("status")).isEqualTo("failed");
                assertThat(permanentRow.getString("healing_state")).isEqualTo("permanent");
                assertThat(permanentRow.getInteger("retry_count")).isZero();
                assertThat((Long) rows.resultAt(2)).isZero();
                assertThat((Long) rows.resultAt(3)).isEqualTo(1L);
              });
              return run(vertx, "again");
            })))
        .onComplete(test.succeeding(again -> test.verify(() -> {
          JsonObject counts = again.getJsonObject("counts");
          assertThat(counts.getInteger("diagnosed")).as(again.encodePrettily()).isZero();
          assertThat(counts.getInteger("retried")).isZero();
          assertThat(counts.getInteger("permanent")).isZero();
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a running job whose lease expired is rescued: its attempt ends lost (worker_lost), the job is pending"
      + " again and the queue is told")
  void rescuesExpiredLease(Vertx vertx, VertxTestContext test) {
    Promise<Void> announced = Promise.promise();
    vertx.eventBus().consumer(Addresses.JOBS_QUEUED, m -> announced.tryComplete()).completion()
        .compose(ignored -> node.context().pool().preparedQuery("WITH orphan AS (INSERT INTO jobs (user_id, title,"
                + " variant, brands, status, attempt, lease_owner, claimed_at, lease_expires_at) VALUES ('local',"
                + " 'orphaned', 'post', '[\"healthycollege\"]', 'generating', 1, 'dead-node', now(),"
                + " now() - interval '1 second') RETURNING job_id) SELECT job_id FROM orphan")
            .execute().map(rows -> rows.iterator().next().getString("job_id")))
        .compose(jobId -> run(vertx, "test").compose(report -> {
          test.verify(() -> {
            JsonObject rescued = HealerFixtures.find(report.getJsonArray("rescued"), jobId);
            assertThat(rescued).as(report.encodePrettily()).isNotNull();
            assertThat(rescued.getString("status")).isEqualTo("pending");
          });
          return announced.future();
        }).compose(ignored -> Future.all(job(jobId), one("SELECT a.outcome, a.category FROM job_attempts a"
            + " JOIN jobs j ON j.id = a.job_pk WHERE j.job_id = $1", jobId))))
        .onComplete(test.succeeding(rows -> test.verify(() -> {
          JsonObject job = rows.resultAt(0);
          JsonObject attempt = rows.resultAt(1);
          assertThat(job.getString("status")).isEqualTo("pending");
          assertThat(job.getString("lease_owner")).isNull();
          assertThat(attempt.getString("outcome")).isEqualTo("lost");
          assertThat(attempt.getString("category")).isEqualTo("worker_lost");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("while another session holds the cycle lock a request is answered skipped and changes nothing; once"
      + " that session unlocks, the next request runs the cycle")
  void skipsWhileAnotherSessionHoldsTheLock(Vertx vertx, VertxTestContext test) {
    failed(FailureCode.API_ERROR, "upstream 503").compose(jobId -> node.context().pool().getConnection()
        .compose(other -> other.preparedQuery("SELECT pg_advisory_lock($1)").execute(Tuple.of(HealingRepository.CYCLE_LOCK))
            .compose(locked -> run(vertx, "while locked"))
            .compose(skipped -> job(jobId).map(row -> {
              test.verify(() -> {
                assertThat(skipped.getString("status")).isEqualTo("skipped");
                assertThat(skipped.getString("message")).contains("another healer");
                assertThat(row.getString("healing_state")).isEqualTo("none");
              });
              return null;
            }))
            // unlocked in that same session before the connection goes back to the pool: the pool keeps the session
            // (and would keep a session-level lock) open
            .compose(ignored -> other.preparedQuery("SELECT pg_advisory_unlock($1)")
                .execute(Tuple.of(HealingRepository.CYCLE_LOCK)))
            .eventually(other::close))
        .compose(ignored -> run(vertx, "after unlock"))
        .map(report -> {
          test.verify(() -> {
            assertThat(report.getString("status")).isEqualTo("completed");
            assertThat(HealerFixtures.find(report.getJsonArray("retried"), jobId)).isNotNull();
          });
          return null;
        }))
        .onComplete(test.succeedingThenComplete());
  }

  private Future<JsonObject> run(Vertx vertx, String trigger) {
    return vertx.eventBus().<JsonObject>request(Addresses.HEALER_RUN, new JsonObject().put("trigger", trigger),
        new DeliveryOptions().setSendTimeout(60_000)).map(Message::body);
  }

  /** A failed row as the dispatcher leaves it: only what the columns say, nothing handled yet. */
  private Future<String> failed(FailureCode code, String message) {
    return node.context().pool().preparedQuery("INSERT INTO jobs (user_id, title, variant, brands, status, error_code,"
            + " error_category, error_message, attempt, completed_at) VALUES ('local', $1, 'post', $2, 'failed', $3,"
            + " $4, $5, 1, now()) RETURNING job_id")
        .execute(Tuple.of("failed " + code.category(), new JsonArray().add("healthycollege"), code.code(),
            code.category(), message))
        .map(rows -> rows.iterator().next().getString("job_id"));
  }

  private Future<JsonObject> job(String jobId) {
    return one("SELECT status, healing_state, retry_count, lease_owner, run_at > now() AS due_later FROM jobs"
        + " WHERE job_id = $1", jobId);
  }

  private Future<Long> notifications(String jobId) {
    return one("SELECT count(*) AS n FROM healing_notifications WHERE job_id = $1", jobId).map(r -> r.getLong("n"));
  }

  private Future<JsonObject> one(String sql, String jobId) {
    return node.context().pool().preparedQuery(sql).execute(Tuple.of(jobId)).map(rows -> {
      assertThat(rows.size()).as(sql).isEqualTo(1);
      return rows.iterator().next().toJson();
    });
  }
}
