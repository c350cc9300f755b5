package io.maestro.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.bus.Addresses;
import io.maestro.config.MaestroConfig;
import io.maestro.db.Database;
import io.maestro.db.Migrations;
import io.maestro.metrics.Metrics;
import io.maestro.node.NodeContext;
import io.maestro.node.NodeRuntime;
import io.maestro.render.JobRenderer;
import io.maestro.render.RendererFactory;
import io.maestro.testing.CountingPool;
import io.maestro.testing.Eventually;
import io.maestro.testing.TestPostgres;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Batched dispatch: one claim statement for many jobs, one prefetched job per worker, handed back on stop")
class BatchedDispatchTest {
  /** The claim statement (JobRepository.CLAIM): the only one that opens a new attempt. */
  private static final String CLAIM = "attempt = j.attempt + 1";

  private Vertx vertx;
  private String url;
  private CountingPool counted;
  /** The dispatcher's claim connection, where every claim runs. */
  private CountingPool countedClaims;
  private String dispatcher;
  /** Jobs whose renderer has started, and the gate that keeps them running until the test opens it. */
  private final Set<String> started = ConcurrentHashMap.newKeySet();
  private final CountDownLatch gate = new CountDownLatch(1);

  private void start(JsonObject config, int workers) throws Exception {
    url = TestPostgres.newDatabase();
    Migrations.migrate(url, 5_000);
    vertx = Metrics.vertx(new VertxOptions());
    MaestroConfig maestro = MaestroConfig.from(new JsonObject().put("db.url", url).put("node.id", "batch-node")
        .mergeIn(config));
    counted = CountingPool.wrap(Database.pool(vertx, url, maestro));
    countedClaims = CountingPool.wrap(Database.claimPool(vertx, url));
    JobRenderer held = (context, brand) -> {
      started.add(context.jobId());
      gate.await(120, TimeUnit.SECONDS);
      return new JsonObject().put("rendered", true);
    };
    NodeContext node = new NodeContext(maestro, counted.pool(), countedClaims.pool(), "batch-node", Metrics.registry(vertx),
        RendererFactory.of(c -> Map.of("post", held)), new NodeRuntime());
    dispatcher = vertx.deployVerticle(() -> new DispatcherVerticle(node), new DeploymentOptions())
        .await(30, TimeUnit.SECONDS);
    vertx.deployVerticle(() -> new JobWorkerVerticle(node), new DeploymentOptions()
        .setThreadingModel(ThreadingModel.WORKER).setInstances(workers)).await(30, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    gate.countDown();
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private void insertJobs(int count) throws Exception {
    TestPostgres.count(url, "WITH made AS (INSERT INTO jobs (user_id, title, variant, brands) SELECT 'local', 'held ' || g,"
        + " 'post', '[\"healthycollege\"]' FROM generate_series(1, " + count + ") g RETURNING 1) SELECT count(*) FROM made");
  }

  private long count(String sql) throws Exception {
    return TestPostgres.count(url, sql);
  }

  private List<CountingPool.Execution> claimsThatFoundJobs() {
    return countedClaims.executions(CLAIM).stream().filter(e -> e.rows() > 0).toList();
  }

  @Test
  @DisplayName("4 idle workers and 20 due jobs: one claim statement takes 8 (4 to run, 4 prefetched), no claim ever"
      + " takes more than 2 per worker, and all 20 complete on their first attempt")
  void oneStatementClaimsSeveralJobs() throws Exception {
    // no poll: claims happen only on wake-ups, so the test knows which claim can find the jobs
    start(new JsonObject().put("jobs.pollIntervalMs", 3_600_000).put("jobs.leaseMs", 600_000), 4);
    Eventually.await("the dispatcher claiming for 4 idle workers (limit 8)", Duration.ofSeconds(30),
        () -> countedClaims.executions(CLAIM).stream().anyMatch(e -> e.sql().contains("LIMIT 8\n")), b -> b);
    insertJobs(20);
    vertx.eventBus().publish(Addresses.JOBS_QUEUED, new JsonObject());

    Eventually.await("4 jobs running", Duration.ofSeconds(30), started::size, n -> n == 4);
    Eventually.await("8 jobs claimed", Duration.ofSeconds(30),
        () -> count("SELECT count(*) FROM jobs WHERE status = 'generating'"), n -> n == 8);
    assertThat(claimsThatFoundJobs()).as("one statement claimed all 8").singleElement()
        .satisfies(claim -> assertThat(claim.rows()).isEqualTo(8));
    assertThat(count("SELECT count(*) FROM job_attempts")).as("an attempt row is written when its attempt ends")
        .isZero();

    gate.countDown();
    Eventually.await("all 20 completed", Duration.ofSeconds(60),
        () -> count("SELECT count(*) FROM jobs WHERE status = 'completed'"), n -> n == 20);
    assertThat(claimsThatFoundJobs()).allSatisfy(claim -> assertThat(claim.rows()).isBetween(1, 8));
    assertThat(claimsThatFoundJobs().stream().mapToInt(CountingPool.Execution::rows).sum()).isEqualTo(20);
    assertThat(count("SELECT count(*) FROM job_attempts WHERE outcome = 'completed' AND attempt = 1")).isEqualTo(20);
    assertThat(count("SELECT count(*) FROM job_attempts")).isEqualTo(20);
  }

  @Test
  @DisplayName("a prefetched job's lease is heartbeated while it waits, and on stop it goes back to the queue as never"
      + " claimed (pending, attempt not spent, no attempt row) while running jobs are released")
  void prefetchedJobsAreHeartbeatedAndHandedBackOnStop() throws Exception {
    // a short lease and a fast poll: a prefetched job that were not heartbeated would be rescued within a second
    start(new JsonObject().put("jobs.pollIntervalMs", 100).put("jobs.leaseMs", 900)
        .put("jobs.shutdownGraceMs", 200), 2);
    insertJobs(6);
    vertx.eventBus().publish(Addresses.JOBS_QUEUED, new JsonObject());
    Eventually.await("2 jobs running", Duration.ofSeconds(30), started::size, n -> n == 2);
    Eventually.await("2 more prefetched", Duration.ofSeconds(30),
        () -> count("SELECT count(*) FROM jobs WHERE status = 'generating'"), n -> n == 4);
    String waiting = "status = 'generating' AND job_id <> ALL(ARRAY['" + String.join("','", started) + "'])";
    assertThat(count("SELECT count(*) FROM jobs WHERE " + waiting)).isEqualTo(2);

    Eventually.await("the prefetched jobs' leases extended past three lease lengths from their claim",
        Duration.ofSeconds(60), () -> count("SELECT count(*) FROM jobs WHERE " + waiting
            + " AND lease_owner = 'batch-node' AND lease_expires_at > claimed_at + interval '2700 milliseconds'"),
        n -> n == 2);
    assertThat(count("SELECT count(*) FROM job_attempts WHERE outcome = 'lost'")).as("nothing rescued").isZero();
    assertThat(started).hasSize(2);

    vertx.undeploy(dispatcher).await(60, TimeUnit.SECONDS);

    assertThat(count("SELECT count(*) FROM jobs WHERE status = 'generating'")).as("nothing left generating").isZero();
    assertThat(count("SELECT count(*) FROM jobs WHERE status = 'pending' AND attempt = 0 AND started_at IS NULL"
        + " AND lease_owner IS NULL AND current_step LIKE 'requeued: node batch-node stopped before dispatch'"))
        .as("the 2 prefetched jobs, as never claimed").isEqualTo(2);
    assertThat(count("SELECT count(*) FROM job_attempts WHERE outcome = 'released' AND attempt = 1"))
        .as("the 2 running jobs, released").isEqualTo(2);
    assertThat(count("SELECT count(*) FROM job_attempts")).as("no attempt row for a job that never started")
        .isEqualTo(2);
    assertThat(count("SELECT count(*) FROM jobs WHERE status = 'pending'")).isEqualTo(6);
  }
}
