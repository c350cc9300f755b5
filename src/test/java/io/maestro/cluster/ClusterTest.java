package io.maestro.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.bus.Addresses;
import io.maestro.jobs.ScriptedRenderer;
import io.maestro.testing.Eventually;
import io.maestro.testing.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Cluster in one JVM: several nodes, one event bus, one database")
class ClusterTest {
  private String db;

  @BeforeEach
  void setUp() {
    ScriptedRenderer.reset();
    db = TestPostgres.newDatabase();
  }


  private static String create(ClusterNodes.Node node, String title) throws Exception {
    var response = node.http.post("/jobs/create").sendJsonObject(new JsonObject().put("title", title)
        .put("variant", "post").put("brands", new JsonArray().add("healthycollege"))).await(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject().getString("job_id");
  }

  @Test
  @DisplayName("jobs created through a node without free workers run on the other node, never above its instance count,"
      + " and their live updates and finished events (the whole job, as its JSON text) reach listeners on the first node")
  void workFlowsToNodeWithWorkers() throws Exception {
    ClusterNodes cluster = new ClusterNodes(2);
    try (ClusterNodes.Node a = cluster.start(0, db, new JsonObject().put("jobs.workerInstances", 0));
        ClusterNodes.Node b = cluster.start(1, db, new JsonObject().put("jobs.workerInstances", 2))) {
      List<JsonObject> updatesOnA = new CopyOnWriteArrayList<>();
      a.vertx.eventBus().<JsonObject>consumer(Addresses.jobUpdates("local"), m -> updatesOnA.add(m.body()))
          .completion().await(10, TimeUnit.SECONDS);
      List<JsonObject> finishedOnA = new CopyOnWriteArrayList<>();
      a.vertx.eventBus().<JsonObject>consumer(Addresses.JOB_FINISHED, m -> finishedOnA.add(m.body()))
          .completion().await(10, TimeUnit.SECONDS);
      for (int i = 0; i < 12; i++) {
        create(a, "slow:150 clustered " + i);
      }
      Eventually.await("12 completed", Duration.ofSeconds(60),
          () -> TestPostgres.count(db, "SELECT count(*) FROM jobs WHERE status = 'completed'"), n -> n == 12);
      assertThat(TestPostgres.count(db, "SELECT count(*) FROM job_attempts WHERE node = 'node-b' AND outcome = 'completed'")).isEqualTo(12);
      assertThat(ScriptedRenderer.PEAK_BY_NODE.get("node-b").get()).isEqualTo(2);
      assertThat(ScriptedRenderer.PEAK_BY_NODE).doesNotContainKey("node-a");
      Eventually.await("completed updates on node A", Duration.ofSeconds(10), () -> updatesOnA.stream()
          .filter(u -> "completed".equals(u.getString("status"))).count(), n -> n == 12);
      Eventually.await("finished events on node A", Duration.ofSeconds(10), finishedOnA::size, n -> n == 12);
      assertThat(finishedOnA).allSatisfy(job -> {
        assertThat(job.getString("status")).isEqualTo("completed");
        assertThat(job.getString("title")).startsWith("slow:150 clustered ");
        assertThat(job.getJsonObject("brand_outputs").getJsonObject("healthycollege").getString("status"))
            .isEqualTo("completed");
        assertThat(job.containsKey("_pk")).as("the internal key stays on its node").isFalse();
      });
    }
  }

  @Test
  @DisplayName("a node that joins later takes the queued work without restarting the others")
  void lateJoinerTakesWork() throws Exception {
    ClusterNodes cluster = new ClusterNodes(2);
    try (ClusterNodes.Node a = cluster.start(0, db, new JsonObject().put("jobs.workerInstances", 0))) {
      for (int i = 0; i < 5; i++) {
        create(a, "queued before the joiner " + i);
      }
      Thread.sleep(500);
      assertThat(TestPostgres.count(db, "SELECT count(*) FROM jobs WHERE status = 'pending'")).isEqualTo(5);
      try (ClusterNodes.Node b = cluster.start(1, db, new JsonObject().put("jobs.workerInstances", 2))) {
        Eventually.await("5 completed", Duration.ofSeconds(60),
            () -> TestPostgres.count(db, "SELECT count(*) FROM jobs WHERE status = 'completed'"), n -> n == 5);
        // and new work created through the old node after the join flows too
        String later = create(a, "created after the join");
        Eventually.await(later + " completed", Duration.ofSeconds(30),
            () -> TestPostgres.count(db, "SELECT count(*) FROM jobs WHERE status = 'completed'"), n -> n == 6);
      }
    }
  }

  @Test
  @DisplayName("the client-side deAPI daily budget holds across the cluster, not per node")
  void deApiBudgetIsClusterWide() throws Exception {
    ClusterNodes cluster = new ClusterNodes(2);
    try (ClusterNodes.Node a = cluster.start(0, db, new JsonObject().put("jobs.workerInstances", 0));
        ClusterNodes.Node b = cluster.start(1, db, new JsonObject().put("jobs.workerInstances", 0))) {
      long now = System.currentTimeMillis();
      // each node with its own pool, as each node has: the budget is shared through PostgreSQL
      io.vertx.core.json.JsonObject none = new io.vertx.core.json.JsonObject();
      io.maestro.media.DeApiBudget onA = new io.maestro.media.DeApiBudget(a.vertx, io.maestro.db.Database.pool(a.vertx,
          db, io.maestro.config.MaestroConfig.from(none)), 100, 5, () -> now);
      io.maestro.media.DeApiBudget onB = new io.maestro.media.DeApiBudget(b.vertx, io.maestro.db.Database.pool(b.vertx,
          db, io.maestro.config.MaestroConfig.from(none)), 100, 5, () -> now);
      for (int i = 0; i < 5; i++) {
        (i % 2 == 0 ? onA : onB).acquire(1_000);
      }
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> onB.acquire(1_000))
          .isInstanceOf(io.maestro.failure.MaestroException.class)
          .hasMessageContaining("per day");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> onA.acquire(1_000))
          .hasMessageContaining("per day");
    }
  }
}
