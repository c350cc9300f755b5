package io.maestro.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
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

  @Test
  @DisplayName("reel encodes per minute (frame + ffmpeg libx264/AAC 7.5 s 1080×1920, one at a time)")
  void reelEncodes() throws Exception {
    ReelEncoder encoder = new ReelEncoder("", "");
    Composer composer = new Composer();
    Path dir = Files.createTempDirectory("reel-bench");
    int n = 4;
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      BufferedImage frame = composer.reelFrame(new ProceduralBackground().render("reel " + i, style, 1080, 1920),
          "Three habits for deep sleep", List.of("Dim the lights", "Keep it cool"), style, i % 2 == 0);
      Path png = dir.resolve("frame" + i + ".png");
      ImageIO.write(frame, "png", png.toFile());
      encoder.encode(png, dir.resolve("reel" + i + ".mp4"), 300_000);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("BENCHMARK reel encodes: %d in %.2f s = %.1f reels/min (%.2f s each)%n", n, seconds,
        n * 60 / seconds, seconds / n);
    assertThat(Files.size(dir.resolve("reel0.mp4"))).isPositive();
  }
}
