package io.maestro.jobs;

import io.maestro.render.JobRenderer;
import io.maestro.bus.Addresses;
import io.maestro.config.MaestroConfig;
import io.maestro.db.Database;
import io.maestro.testing.BenchPostgres;
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
 * persistence, on a durable PostgreSQL ({@link BenchPostgres}: embedded with fsync=on, or
 * {@code -Dbench.db.url=postgresql://…}). Run: {@code ./mvnw -B test -Pbenchmark -Dtest=DispatchBenchmark}; pick runs
 * with {@code -Dbench.workers=2,16}, {@code -Dbench.jobs=10000}, {@code -Dbench.warmupJobs=10000} (the size of the
 * unreported runs before each worker count's measured ones, repeated until the JIT is quiet; 0 for none),
 * {@code -Dbench.rounds=3} (measured runs per configuration; their median is printed), {@code -Dbench.booking=off,on} (schedule.autoBook)
 * and {@code -Dbench.prefetch=off,on} (jobs.prefetch; off claims only for idle workers, as before batched dispatch —
 * both in one sitting make an A/B on a noisy machine); {@code -Dbench.jvm=…} adds JVM flags to the test JVM (a JFR
 * recording, say). Results go to docs/PERFORMANCE.md.
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
    for (boolean prefetch : modes("bench.prefetch", "on")) {
      latency(prefetch);
    }
  }

  private void latency(boolean prefetch) throws Exception {
    STARTED.clear();
    String database = BenchPostgres.newDatabase();
    try (TestApp app = TestApp.start(database, new JsonObject().put("jobs.workerInstances", 0)
        .put("jobs.prefetch", prefetch))) {
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
      System.out.printf("BENCH dispatch latency over %d jobs, 2 worker instances, prefetch %s, %s: p50 %.2f ms,"
          + " p90 %.2f ms, p99 %.2f ms, max %.2f ms (load %s)%n", millis.size(), prefetch ? "on" : "off",
          BenchPostgres.describe(), pct(millis, 50),
          pct(millis, 90), pct(millis, 99), millis.get(millis.size() - 1), load());
    } finally {
      BenchPostgres.dropDatabase(database);
    }
  }

  @Test
  @DisplayName("no-op job throughput with persistence, with slot booking off and on")
  void throughput() throws Exception {
    int count = Integer.getInteger("bench.jobs", 10_000);
    // Unreported runs of the same worker count come first, until the JIT is quiet: compiling for under a tenth of a
    // run's time (at most 8 runs). A fixed 20,000-job warm-up at 2 instances left the measured runs compiling: at 2
    // instances for 5-7 s of a 6-8 s run, at 16 instances on a third of the machine (JFR: C2 at 35% of both cores,
    // 100-700 ms compilations every second). A JVM that serves jobs all day is past that; the peers' harness runs
    // cold, which docs/PERFORMANCE.md says next to their figures. Each run prints the JIT time spent during it.
    int warmup = Integer.getInteger("bench.warmupJobs", 10_000);
    int rounds = Integer.getInteger("bench.rounds", 3);
    for (String workerCount : System.getProperty("bench.workers", "2,16").split(",")) {
      int workers = Integer.parseInt(workerCount.trim());
      for (int i = 0; warmup > 0 && i < 8; i++) {
        Run run = run(workers, warmup, false, true, false);
        if (run.jitMillis() < run.seconds() * 100) {
          break;
        }
      }
      for (boolean booking : modes("bench.booking", "off,on")) {
        for (boolean prefetch : modes("bench.prefetch", "on")) {
          // runs of a few seconds on a shared 2-core machine vary by ±15%: the median of several is the figure
          List<Double> rates = new ArrayList<>();
          List<Double> cpu = new ArrayList<>();
          for (int round = 0; round < rounds; round++) {
            Run run = run(workers, count, booking, prefetch, true);
            rates.add(count / run.seconds());
            cpu.add(run.cpuMicrosPerJob());
          }
          java.util.Collections.sort(rates);
          java.util.Collections.sort(cpu);
          System.out.printf("BENCH median throughput: %d worker instance(s), slot booking %s, prefetch %s: %.0f jobs/s"
              + " (median of %d runs of %d jobs; lowest %.0f, highest %.0f), %.0f µs of node CPU per job besides the"
              + " JIT%n", workers, booking ? "on" : "off", prefetch ? "on" : "off", rates.get(rates.size() / 2),
              rates.size(), count, rates.get(0), rates.get(rates.size() - 1), cpu.get(cpu.size() / 2));
        }
      }
    }
  }

  /** One run's wall time, the JIT's compile time during it and the node's CPU per job besides the JIT's. */
  private record Run(double seconds, long jitMillis, double cpuMicrosPerJob) {}

  /** "off,on" → [false, true]: the modes of one switch to measure, in order. */
  private static List<Boolean> modes(String property, String defaults) {
    List<Boolean> modes = new ArrayList<>();
    for (String mode : System.getProperty(property, defaults).split(",")) {
      modes.add(mode.trim().equals("on"));
    }
    return modes;
  }

  private Run run(int workers, int count, boolean booking, boolean prefetch, boolean report) throws Exception {
    STARTED.clear();
    // the production lease and poll, not the tests' short ones: a 2 s lease expires in one slow fsync of a loaded
    // disk, and a 200 ms poll is five rescue queries a second on the server being measured
    String database = BenchPostgres.newDatabase();
    try (TestApp app = TestApp.start(database, new JsonObject().put("jobs.workerInstances", 0)
        .put("db.poolSize", 16).put("schedule.autoBook", booking).put("jobs.prefetch", prefetch)
        .put("jobs.leaseMs", 30_000).put("jobs.pollIntervalMs", 1_000))) {
      app.execute("INSERT INTO jobs (user_id, title, variant, brands) SELECT 'local', 'noop ' || g, 'post',"
          + " '[\"healthycollege\"]' FROM generate_series(1, " + count + ") g");
      app.execute("VACUUM ANALYZE jobs");
      // completions are counted from the finished events (published after each batch commits), not by polling
      // count(*): a poll every few milliseconds would be a second load on the server being measured
      java.util.concurrent.CountDownLatch completed = new java.util.concurrent.CountDownLatch(count);
      app.vertx.eventBus().<JsonObject>localConsumer(Addresses.JOB_FINISHED, message -> {
        if ("completed".equals(message.body().getString("status"))) {
          completed.countDown();
        }
      }).completion().await(10, TimeUnit.SECONDS);
      awaitJitQuiet();
      String loadBefore = load();
      long walBefore = walPosition(app);
      long jitBefore = jitMillis();
      long cpuBefore = processCpuNanos();
      long start = System.nanoTime();
      app.deployWorkers(DispatchBenchmark::noop, workers);
      if (!completed.await(10, TimeUnit.MINUTES)) {
        throw new AssertionError(completed.getCount() + " of " + count + " jobs not completed after 10 minutes");
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long jit = jitMillis() - jitBefore;
      // this process's own CPU per job (dispatcher, workers, pool, GC and JIT): on a shared 2-core machine what the
      // node spends is what the database cannot, and it varies far less between sittings than jobs/s does
      double cpuMicrosPerJob = (processCpuNanos() - cpuBefore) / 1_000.0 / count;
      double cpuMicrosPerJobBesidesJit = Math.max(0, cpuMicrosPerJob - jit * 1_000.0 / count);
      // what the durable server had to write and flush per job: the claim, the outcome, the attempt's history
      double walPerJob = (walPosition(app) - walBefore) / (double) count;
      long inDatabase = app.count("SELECT count(*) FROM jobs WHERE status = 'completed'");
      if (inDatabase != count) {
        throw new AssertionError(count + " finished events but " + inDatabase + " completed rows");
      }
      // a job that ran more than once (a lease lost and rescued) is not the throughput being claimed
      long attempts = app.count("SELECT count(*) FROM job_attempts");
      if (attempts != count) {
        throw new AssertionError(count + " jobs took " + attempts + " attempts: leases were lost");
      }
      String booked = "";
      if (booking) {
        Eventually.await(count + " booked", Duration.ofMinutes(10), () -> {
          Thread.sleep(250); // a light poll: the bookings are still being made on the measured server
          return app.count("SELECT count(*) FROM schedule");
        }, n -> n == count);
        double bookedSeconds = (System.nanoTime() - start) / 1e9;
        booked = String.format(", all %d booked after %.2f s = %.0f jobs/s", count, bookedSeconds,
            count / bookedSeconds);
      }
      System.out.printf((report ? "BENCH" : "warm-up") + " throughput: %d worker instance(s), slot booking %s,"
          + " prefetch %s, %s: %d no-op jobs"
          + " completed in %.2f s = %.0f jobs/s%s, %.0f bytes of WAL per job, %.0f µs of node CPU per job (%.0f"
          + " besides the JIT; load %s before, %s after; JIT compiling for %d ms meanwhile)%n",
          workers, booking ? "on" : "off", prefetch ? "on" : "off",
          BenchPostgres.describe(), count, seconds, count / seconds, booked, walPerJob, cpuMicrosPerJob,
          cpuMicrosPerJobBesidesJit, loadBefore, load(), jit);
      return new Run(seconds, jit, cpuMicrosPerJobBesidesJit);
    } finally {
      BenchPostgres.dropDatabase(database);
    }
  }

  /** The server's WAL insert position in bytes (the benchmark is the only writer on the server it measures). */
  private static long walPosition(TestApp app) throws Exception {
    return app.count("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint");
  }

  /**
   * Waits (at most 10 s) until the JIT has compiled nothing for 300 ms: starting a node (migrations, verticles, the
   * HTTP server) queues compilations that otherwise run inside the measured seconds, on the same two cores.
   */
  static void awaitJitQuiet() throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    long last = jitMillis();
    long quietSince = System.nanoTime();
    while (System.nanoTime() < deadline && System.nanoTime() - quietSince < 300_000_000L) {
      Thread.sleep(50);
      long now = jitMillis();
      if (now != last) {
        last = now;
        quietSince = System.nanoTime();
      }
    }
  }

  /** CPU time this process has used so far, all threads together. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** Time the JIT compilers have spent so far, all threads together. */
  static long jitMillis() {
    return java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
  }

  static String load() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
    } catch (java.io.IOException e) {
      return "?";
    }
  }

  private static double pct(List<Double> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}
