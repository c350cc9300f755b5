package io.maestro.api;

import io.maestro.bus.Addresses;
import io.maestro.testing.Chromium;
import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Measures, does not assert: a job state change published on {@code maestro.updates.<user>.jobs} (where the
 * dispatcher publishes after its write) → the Observatory's bridge handler in headless Chromium. Both ends read the
 * same machine's wall clock (Java {@link Instant#now()}, the page's {@code performance.timeOrigin + now()}), in µs.
 * Run: {@code ./mvnw -B test -Pbenchmark -Dtest=ObservatoryBenchmark}; results in docs/PERFORMANCE.md.
 */
@Tag("benchmark")
@DisplayName("Benchmark: job update → browser handler latency over the SockJS bridge")
class ObservatoryBenchmark {
  private static final int WARMUP = 200;
  private static final int UPDATES = 1_000;

  @Test
  @DisplayName("p50/p99 over 1,000 updates of one listed job, paced (every 5 ms) and back-to-back, with 1,000 jobs in the database")
  void latency() throws Exception {
    try (TestApp app = TestApp.start(io.maestro.testing.BenchPostgres.newDatabase(), new JsonObject().put("jobs.workerInstances", 0))) {
      String first = null;
      for (int i = 0; i < 1_000; i++) { // 1,000 jobs; the page shows the newest 50 and patches one keyed row
        var created = Http.post(app.http, "/jobs/create", new JsonObject().put("title", "bench " + i)
            .put("variant", "post").put("brands", new JsonArray().add("healthycollege")));
        first = created.bodyAsJsonObject().getString("job_id"); // the newest: on the first page
      }
      ChromeDriver browser = Chromium.start();
      try {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(120), Duration.ofMillis(100));
        browser.get("http://127.0.0.1:" + app.port + "/");
        wait.until(d -> Boolean.TRUE.equals(js(browser, "return !!(window.observatory && window.observatory.connected)")));
        String jobId = first;
        wait.until(d -> !d.findElements(By.cssSelector("#job-list .job[data-job-id='" + jobId + "']")).isEmpty());
        // navigation start → the first page of rows in the DOM, as the page itself sees it
        System.out.printf("BENCH observatory first load: navigation start -> first page of job rows: %.0f ms%n",
            ((Number) js(browser, "return window.observatory.jobsView.firstPageMs")).doubleValue());
        js(browser, """
            window.__lat = [];
            window.observatory.listeners.push(u => {
              if (u.bench_sent_us) window.__lat.push((performance.timeOrigin + performance.now()) * 1000 - u.bench_sent_us);
            });""");
        String address = Addresses.jobUpdates("local");
        run(app, browser, address, jobId, WARMUP, 5);
        report("paced, one update every 5 ms", run(app, browser, address, jobId, UPDATES, 5));
        report("back-to-back, 1,000 published at once", run(app, browser, address, jobId, UPDATES, 0));
      } finally {
        browser.quit();
      }
    }
  }

  private static List<Double> run(TestApp app, ChromeDriver browser, String address, String jobId, int n, int pauseMs)
      throws Exception {
    js(browser, "window.__lat.length = 0");
    for (int i = 0; i < n; i++) {
      Instant now = Instant.now();
      app.vertx.eventBus().publish(address, new JsonObject().put("job_id", jobId).put("status", "generating")
          .put("progress_percent", i % 100).put("current_step", "step " + i)
          .put("bench_sent_us", now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000));
      if (pauseMs > 0) {
        Thread.sleep(pauseMs);
      }
    }
    new WebDriverWait(browser, Duration.ofSeconds(120), Duration.ofMillis(50))
        .until(d -> ((Number) js(browser, "return window.__lat.length")).intValue() >= n);
    List<Double> micros = new ArrayList<>();
    for (Object v : (List<?>) js(browser, "return window.__lat")) {
      micros.add(((Number) v).doubleValue());
    }
    return micros;
  }

  private static void report(String what, List<Double> micros) {
    Collections.sort(micros);
    System.out.printf("BENCH observatory %s: n=%d p50=%.2f ms p90=%.2f ms p99=%.2f ms max=%.2f ms%n", what,
        micros.size(), pct(micros, 50), pct(micros, 90), pct(micros, 99), micros.get(micros.size() - 1) / 1000);
  }

  private static double pct(List<Double> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)) / 1000;
  }

  private static Object js(ChromeDriver browser, String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }
}
