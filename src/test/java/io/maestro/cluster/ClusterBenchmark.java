package io.maestro.cluster;

import io.maestro.testing.Eventually;
import io.maestro.testing.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Measures no-op job throughput of one node vs two clustered nodes on one database. Run with -Pbenchmark. */
@Tag("benchmark")
@DisplayName("Benchmark: throughput of 1 vs 2 clustered nodes")
class ClusterBenchmark {


  @Test
  @DisplayName("10,000 no-op jobs, 8 worker instances per node")
  void throughput() throws Exception {
    for (int nodes = 1; nodes <= 2; nodes++) {
      String db = io.maestro.testing.BenchPostgres.newDatabase();
      ClusterNodes cluster = new ClusterNodes(nodes);
      List<ClusterNodes.Node> started = new ArrayList<>();
      try {
        // the first node migrates the database and holds no workers until the jobs are in
        for (int i = 0; i < nodes; i++) {
          started.add(cluster.start(i, db, new JsonObject().put("jobs.workerInstances", 0)));
        }
        int jobs = 10_000;
        try (var c = TestPostgres.connect(db); var s = c.createStatement()) {
          s.executeUpdate("INSERT INTO jobs (user_id, title, variant, brands) SELECT 'local', 'noop ' || g, 'post',"
              + " '[\"healthycollege\"]' FROM generate_series(1, " + jobs + ") g");
        }
        long start = System.nanoTime();
        for (ClusterNodes.Node node : started) {
          node.vertx.deployVerticle(() -> new io.maestro.jobs.JobWorkerVerticle(
              node.context.withRenderers(io.maestro.render.RendererFactory.of(io.maestro.jobs.ScriptedRenderer::all))),
              new io.vertx.core.DeploymentOptions().setThreadingModel(io.vertx.core.ThreadingModel.WORKER).setInstances(8));
        }
        Eventually.await("all completed", Duration.ofMinutes(5),
            () -> TestPostgres.count(db, "SELECT count(*) FROM jobs WHERE status = 'completed'"), n -> n == jobs);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("BENCH cluster throughput: %d node(s) × 8 workers: %d no-op jobs in %.2f s = %.0f jobs/s%n",
            nodes, jobs, seconds, jobs / seconds);
      } finally {
        for (ClusterNodes.Node node : started) {
          node.close();
        }
      }
    }
  }
}
