package io.maestro.media;

import io.maestro.render.JobContext;
import io.maestro.render.JobRenderer;
import io.maestro.render.TextPlanRenderer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The light and dark reel variants per brand: text plan, background, the stills (title, the content lines, the
 * brand), the MP4 encoded from them ({@link ReelEncoder}: in-process FFmpeg unless media.ffmpegPath is set) and a
 * thumbnail (the title still); both stored in the media store. The MP4 is written to a temporary directory that is
 * removed afterwards.
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
    String engine = encoder.engine(); // an encoder that cannot run is a config_error before any work is spent
    BrandStyle style = work.style(context, brand);
    context.progress("background (" + backgrounds.name() + ")", null);
    BufferedImage background = backgrounds.background(output.getString("ai_prompt"), style, Composer.REEL_W,
        Composer.REEL_H, context);
    List<String> lines = new ArrayList<>();
    JsonArray contentLines = context.job().getJsonArray("content_lines", new JsonArray());
    contentLines.forEach(line -> lines.add(String.valueOf(line)));
    ReelEncoder.Stills stills = stills(background, output.getString("title"), lines, style,
        context.jobId().hashCode());
    Path dir = Files.createTempDirectory("maestro-reel");
    try {
      Path video = dir.resolve("reel.mp4");
      context.progress("encoding reel (" + engine + ")", null);
      encoder.encode(stills, video, context::remainingMillis);
      String videoUrl = work.put(context, brand, "reel.mp4", Files.readAllBytes(video));
      BufferedImage thumbnail = Composer.flatten(stills.plate(), stills.inks().get(0), stills.footer());
      String thumbnailUrl = work.put(context, brand, "thumbnail.jpg", Composer.jpeg(thumbnail));
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

  /** Title, then the content lines (grouped into at most {@link ReelTimeline#MAX_LINE_STILLS} stills), the brand. */
  ReelEncoder.Stills stills(BufferedImage background, String title, List<String> lines, BrandStyle style, long seed) {
    return stills(composer, background, title, lines, style, dark, seed);
  }

  static ReelEncoder.Stills stills(Composer composer, BufferedImage background, String title, List<String> lines,
      BrandStyle style, boolean dark, long seed) {
    BufferedImage plate = composer.reelPlate(background, style, dark, ReelFrames.plateWidth(Composer.REEL_W),
        ReelFrames.plateHeight(Composer.REEL_W, Composer.REEL_H));
    List<BufferedImage> inks = new ArrayList<>();
    inks.add(composer.reelTitleInk(title, style, dark));
    int groups = Math.min(lines.size(), ReelTimeline.MAX_LINE_STILLS);
    for (int i = 0; i < groups; i++) {
      List<String> group = lines.subList(lines.size() * i / groups, lines.size() * (i + 1) / groups);
      inks.add(composer.reelLinesInk(group, i + 1, groups, style, dark));
    }
    inks.add(composer.reelBrandInk(style, dark));
    return new ReelEncoder.Stills(plate, inks, composer.reelFooterInk(style, dark), seed);
  }
}
