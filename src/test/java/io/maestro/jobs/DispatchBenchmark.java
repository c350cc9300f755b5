package io.maestro.jobs;

import io.maestro.bus.Addresses;
import io.maestro.config.MaestroConfig;
import io.maestro.db.Database;
import io.maestro.testing.Eventually;
import io.maestro.testing.TestApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Measures, does not assert: dispatch latency (commit of a new job → its worker starts) and no-op job throughput with
 * persistence. Run: {@code ./mvnw -B test -Pbenchmark -Dtest=DispatchBenchmark}. Results go to docs/PERFORMANCE.md.
 */
@Tag("benchmark")
@DisplayName("Benchmark: dispatch latency and no-op throughput")
class DispatchBenchmark {
  private static final Map<String, Long> STARTED = new ConcurrentHashMap<>();

  private static Map<String, JobRenderer> noop(MaestroConfig config) {
    JobRenderer renderer = (context, brand) -> {
      STARTED.putIfAbsent(context.jobId(), System.nanoTime());
      return new JsonObject();
    };
    return Map.of("post", renderer, "light", renderer, "dark", renderer);
  }

  @Test
  @DisplayName("dispatch latency p50/p99 over 2,000 sequential jobs with idle workers")
  void latency() throws Exception {
    STARTED.clear();
    try (TestApp app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0))) {
      app.deployWorkers(DispatchBenchmark::noop, 2);
      JobRepository jobs = new JobRepository(Database.pool(app.vertx, app.dbUrl, MaestroConfig.from(new JsonObject())));
      JobSpec spec = new JobSpec("latency probe", new JsonArray(), "post", null, null,
          new JsonArray().add("healthycollege"), new JsonArray(), false, null, new JsonArray(), null, 2);
      List<Double> millis = new ArrayList<>();
      int warmup = 300;
      for (int i = 0; i < 2_000 + warmup; i++) {
        JsonObject job = jobs.insert("local", spec).await(10, TimeUnit.SECONDS);
        long committed = System.nanoTime();
        app.vertx.eventBus().publish(Addresses.JOBS_QUEUED, new JsonObject());
        String id = job.getString("job_id");
        Eventually.await("start of " + id, Duration.ofSeconds(10), () -> STARTED.get(id), t -> t != null);
        if (i >= warmup) {
          millis.add((STARTED.get(id) - committed) / 1e6);
        }
      }
      Collections.sort(millis);
      System.out.printf("BENCH dispatch latency over %d jobs: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n",
          millis.size(), pct(millis, 50), pct(millis, 90), pct(millis, 99), millis.get(millis.size() - 1));
    }
  }

  @Test
  @DisplayName("no-op job throughput with persistence at 1, 2 and 16 worker instances")
  void throughput() throws Exception {
    for (int[] run : new int[][] {{1, 3_000}, {2, 5_000}, {16, 20_000}}) {
      int workers = run[0];
      int count = run[1];
      STARTED.clear();
      try (TestApp app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0).put("db.poolSize", 16))) {
        app.execute("INSERT INTO jobs (user_id, title, variant, brands) SELECT 'local', 'noop ' || g, 'post',"
            + " '[\"healthycollege\"]' FROM generate_series(1, " + count + ") g");
        long start = System.nanoTime();
        app.deployWorkers(DispatchBenchmark::noop, workers);
        Eventually.await(count + " completed", Duration.ofMinutes(5),
            () -> app.count("SELECT count(*) FROM jobs WHERE status = 'completed'"), n -> n == count);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("BENCH throughput: %d worker instance(s): %d no-op jobs in %.2f s = %.0f jobs/s%n",
            workers, count, seconds, count / seconds);
      }
    }
  }

  private static double pct(List<Double> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}
