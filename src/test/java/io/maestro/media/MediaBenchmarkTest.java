package io.maestro.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Throughput on this machine; run with ./mvnw -B test -Pbenchmark and copy the numbers to docs/PERFORMANCE.md. */
@Tag("benchmark")
@DisplayName("Benchmark: post renders per second and reel encodes per minute")
class MediaBenchmarkTest {
  private final BrandStyle style = new BrandStyle("healthycollege", "Healthy College", new Color(0x1f6f5c),
      new Color(0xf2c14e));

  @Test
  @DisplayName("post renders per second (procedural background + composition + JPEG, one thread)")
  void postRenders() throws Exception {
    ProceduralBackground backgrounds = new ProceduralBackground();
    Composer composer = new Composer();
    for (int i = 0; i < 5; i++) {
      composer.post(backgrounds.render("warm-up " + i, style, 1080, 1350), "Warm up", style);
    }
    int n = 40;
    long start = System.nanoTime();
    long bytes = 0;
    for (int i = 0; i < n; i++) {
      BufferedImage background = backgrounds.render("prompt " + i, style, Composer.POST_W, Composer.POST_H);
      bytes += Composer.jpeg(composer.post(background, "Five evening habits that quietly fix your sleep " + i,
          style)).length;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("BENCHMARK post renders: %d in %.2f s = %.1f posts/s (avg %.0f KB JPEG)%n", n, seconds,
        n / seconds, bytes / 1024.0 / n);
    assertThat(bytes).isPositive();
  }

  /** One whole reel as a worker makes it: background, stills, encode, thumbnail JPEG. */
  private long reel(ReelEncoder encoder, Path dir, int i, java.util.function.LongSupplier remaining) throws Exception {
    Composer composer = new Composer();
    BufferedImage background = new ProceduralBackground().render("reel " + i, style, 1080, 1920);
    ReelEncoder.Stills stills = ReelRenderer.stills(composer, background, "Three habits for deep sleep",
        List.of("Dim the lights an hour before bed", "Keep the room cool", "No screens in bed"), style, i % 2 == 0, i);
    Path out = dir.resolve("reel" + i + ".mp4");
    encoder.encode(stills, out, remaining);
    Composer.jpeg(Composer.flatten(stills.plate(), stills.inks().get(0), stills.footer()));
    long size = Files.size(out);
    Files.delete(out);
    return size;
  }

  private static long rssKb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  @Test
  @DisplayName("reel encodes per minute with the default 2 job workers (in-process FFmpeg, 1080×1920 7.5 s), and "
      + "the process's RSS before and after 200 encodes (the last 160 stopped by their deadline after 10 frames)")
  void reelEncodes() throws Exception {
    int workers = 2;
    ReelEncoder encoder = new ReelEncoder("", "", ReelEncoder.threadsFor(workers));
    Path dir = Files.createTempDirectory("reel-bench");
    for (int i = 0; i < 4; i++) {
      reel(encoder, dir, i, () -> 600_000); // warm-up: JIT, FFmpeg's tables, JavaCPP's caches
    }
    System.gc();
    long rssBefore = rssKb();
    int complete = Integer.getInteger("reels", 40);
    // the same native set-up and tear-down as a whole reel, cut short: the abort path is where leaks would hide
    int aborted = 200 - complete;
    var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long cpuStart = os.getProcessCpuTime();
    long start = System.nanoTime();
    List<Long> sizes = run(workers, complete, i -> reel(encoder, dir, i, () -> 600_000));
    double seconds = (System.nanoTime() - start) / 1e9;
    // the machine is shared: CPU time per reel says what an idle 2-core machine would do (2 cores × 60 s ÷ it)
    double cpuPerReel = (os.getProcessCpuTime() - cpuStart) / 1e9 / complete;
    AtomicInteger timedOut = new AtomicInteger();
    run(workers, aborted, i -> {
      AtomicInteger frames = new AtomicInteger();
      try {
        return reel(encoder, dir, 1000 + i, () -> frames.incrementAndGet() > 10 ? 0 : 600_000);
      } catch (io.maestro.failure.MaestroException e) {
        timedOut.incrementAndGet();
        return 0L;
      }
    });
    System.gc();
    Thread.sleep(500);
    long rssAfter = rssKb();
    double avgKb = sizes.stream().mapToLong(Long::longValue).average().orElse(0) / 1024;
    System.out.printf("BENCHMARK reel encodes: %d in %.1f s with %d workers = %.1f reels/min (avg %.0f KB MP4); "
        + "load average %s%n", complete, seconds, workers, complete * 60 / seconds, avgKb,
        Files.readString(Path.of("/proc/loadavg")).strip());
    System.out.printf("BENCHMARK reel CPU: %.2f CPU-s per reel = %.1f reels/min on 2 idle cores%n", cpuPerReel,
        120 / cpuPerReel);
    System.out.printf("BENCHMARK reel RSS: %d MB before, %d MB after %d encodes (%d complete, %d stopped by the "
        + "deadline) (%+d MB)%n", rssBefore / 1024, rssAfter / 1024, complete + aborted, complete, timedOut.get(),
        (rssAfter - rssBefore) / 1024);
    assertThat(timedOut.get()).isEqualTo(aborted);
  }

  private interface Reel {
    long make(int index) throws Exception;
  }

  /** {@code total} reels over {@code workers} threads; their MP4 sizes. */
  private static List<Long> run(int workers, int total, Reel reel) throws Exception {
    AtomicInteger next = new AtomicInteger();
    List<Long> sizes = java.util.Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        done.add(pool.submit(() -> {
          for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
            sizes.add(reel.make(i));
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    return sizes;
  }
}
