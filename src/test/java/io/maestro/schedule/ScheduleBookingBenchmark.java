package io.maestro.schedule;

import io.maestro.config.MaestroConfig;
import io.maestro.db.Database;
import io.maestro.db.Migrations;
import io.maestro.testing.BenchPostgres;
import io.maestro.testing.CountingPool;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Measures, does not assert: the cost of one booking as a brand's schedule grows from 0 to 10,000 items. Flat means
 * the last 1,000 bookings cost what the first 1,000 did. Run:
 * {@code ./mvnw -B test -Pbenchmark -Dtest=ScheduleBookingBenchmark [-Dbench.db.url=postgresql://…]}.
 */
@Tag("benchmark")
@DisplayName("Benchmark: slot booking cost, first vs last 1,000 of 10,000 bookings for one brand")
class ScheduleBookingBenchmark {
  @Test
  @DisplayName("10,000 sequential post bookings for one brand")
  void tenThousandBookings() throws Exception {
    String url = BenchPostgres.newDatabase();
    Migrations.migrate(url, 5_000);
    Vertx vertx = Vertx.vertx();
    try {
      CountingPool counted = CountingPool.wrap(Database.pool(vertx, url, MaestroConfig.from(new JsonObject())));
      ScheduleRepository schedule = new ScheduleRepository(counted.pool());
      Instant after = Instant.now();
      int total = 10_000;
      List<Double> millis = new ArrayList<>(total);
      for (int i = 0; i < total; i++) {
        long start = System.nanoTime();
        schedule.book(new ScheduleRepository.Booking("local", "healthycollege", "post", 0, "job-" + i, "t", null),
            after).await(30, TimeUnit.SECONDS);
        millis.add((System.nanoTime() - start) / 1e6);
      }
      System.out.printf("BENCH booking on %s: %d bookings, %.2f statements per booking%n", BenchPostgres.describe(),
          total, counted.statements() / (double) total);
      print("first 1,000", millis.subList(0, 1_000));
      print("last 1,000", millis.subList(total - 1_000, total));
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static void print(String label, List<Double> sample) {
    List<Double> sorted = new ArrayList<>(sample);
    sorted.sort(null);
    System.out.printf("BENCH booking %s: p50 %.2f ms, p99 %.2f ms, max %.2f ms (load %s)%n", label,
        sorted.get(sorted.size() / 2 - 1), sorted.get((int) Math.ceil(0.99 * sorted.size()) - 1),
        sorted.get(sorted.size() - 1), load());
  }

  static String load() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
    } catch (java.io.IOException e) {
      return "?";
    }
  }
}
