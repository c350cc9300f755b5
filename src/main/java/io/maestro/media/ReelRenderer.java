package io.maestro.media;

import io.maestro.jobs.JobContext;
import io.maestro.jobs.JobRenderer;
import io.maestro.jobs.TextPlanRenderer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * The light and dark reel variants per brand: text plan, background, a 1080×1920 frame, the MP4 encoded by ffmpeg
 * and a thumbnail; both stored in the media store. Scratch files live in a temporary directory removed afterwards.
 */
public final class ReelRenderer implements JobRenderer {
  private final TextPlanRenderer text = new TextPlanRenderer();
  private final boolean dark;
  private final BackgroundSource backgrounds;
  private final MediaWork work;
  private final ReelEncoder encoder;
  private final Composer composer = new Composer();

  ReelRenderer(boolean dark, BackgroundSource backgrounds, MediaWork work, ReelEncoder encoder) {
    this.dark = dark;
    this.backgrounds = backgrounds;
    this.work = work;
    this.encoder = encoder;
  }

  @Override
  public JsonObject render(JobContext context, String brand) throws Exception {
    JsonObject output = text.render(context, brand);
    encoder.ffmpeg(); // a missing ffmpeg is a config_error before any work is spent
    BrandStyle style = work.style(context, brand);
    context.progress("background (" + backgrounds.name() + ")", null);
    BufferedImage background = backgrounds.background(output.getString("ai_prompt"), style, Composer.REEL_W,
        Composer.REEL_H, context);
    List<String> lines = new ArrayList<>();
    JsonArray contentLines = context.job().getJsonArray("content_lines", new JsonArray());
    contentLines.forEach(line -> lines.add(String.valueOf(line)));
    BufferedImage frame = composer.reelFrame(background, output.getString("title"), lines, style, dark);
    Path dir = Files.createTempDirectory("maestro-reel");
    try {
      Path framePng = dir.resolve("frame.png");
      ImageIO.write(frame, "png", framePng.toFile());
      Path video = dir.resolve("reel.mp4");
      context.progress("encoding reel (ffmpeg)", null);
      encoder.encode(framePng, video, Math.max(1, context.remainingMillis()));
      String videoUrl = work.put(context, brand, "reel.mp4", Files.readAllBytes(video));
      String thumbnailUrl = work.put(context, brand, "thumbnail.jpg", Composer.jpeg(frame));
      return output.put("reel_id", context.jobId() + "-" + brand).put("video_path", videoUrl)
          .put("video_url", videoUrl).put("thumbnail_path", thumbnailUrl).put("thumbnail_url", thumbnailUrl)
          .put("duration_seconds", ReelEncoder.SECONDS).put("background", backgrounds.name())
          .put("storage", work.store().name()).put("progress_message", "reel ready");
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
