package io.maestro.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.maestro.failure.Failure;
import io.maestro.failure.FailureClassifier;
import io.maestro.testing.Eventually;
import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Reels: H.264/AAC MP4s encoded in-process by FFmpeg's libraries (no ffmpeg installed), read back with avformat")
class ReelTest {
  static final BrandStyle STYLE = new BrandStyle("healthycollege", "Healthy College", new Color(0x1f6f5c),
      new Color(0xf2c14e));

  @TempDir
  Path dir;

  /** What every produced reel must be: H.264 1080×1920 30 fps yuv420p, 7–8 s, AAC stereo, moov before mdat. */
  static void assertReel(Path file) throws Exception {
    Mp4Probe.Info info = Mp4Probe.probe(file);
    Mp4Probe.Stream v = info.video();
    Mp4Probe.Stream a = info.audio();
    assertThat(v.codec()).isEqualTo("h264");
    assertThat(v.width()).isEqualTo(1080);
    assertThat(v.height()).isEqualTo(1920);
    assertThat(v.pixelFormat()).isEqualTo("yuv420p");
    assertThat(v.fpsNum() / (double) v.fpsDen()).isEqualTo(30.0);
    assertThat(a.codec()).isEqualTo("aac");
    assertThat(a.sampleRate()).isEqualTo(44_100);
    assertThat(a.channels()).isEqualTo(2);
    assertThat(info.durationSeconds()).isBetween(7.0, 8.0);
    String head = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    assertThat(head.indexOf("moov")).as("+faststart: the moov atom comes before the media data")
        .isPositive().isLessThan(head.indexOf("mdat"));
  }

  /** Mean absolute difference (0–255) of two pictures over rows [top, bottom). */
  static double difference(BufferedImage a, BufferedImage b, int top, int bottom) {
    long sum = 0;
    long n = 0;
    for (int y = top; y < bottom; y += 2) {
      for (int x = 0; x < a.getWidth(); x += 2) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        sum += Math.abs((p >> 16 & 0xff) - (q >> 16 & 0xff)) + Math.abs((p >> 8 & 0xff) - (q >> 8 & 0xff))
            + Math.abs((p & 0xff) - (q & 0xff));
        n += 3;
      }
    }
    return sum / (double) n;
  }

  private static ReelEncoder.Stills stills(boolean dark, List<String> lines) {
    BufferedImage background = new ProceduralBackground().render("a calm bedroom", STYLE, 1080, 1920);
    return ReelRenderer.stills(new Composer(), background, "Three habits for deep sleep", lines, STYLE, dark, 7);
  }

  @Test
  @DisplayName("light and dark reel jobs produce reels that avformat reads as h264 1080×1920 30 fps yuv420p, 7–8 s, "
      + "AAC stereo, faststart; the picture moves and changes still; a 1080×1920 thumbnail")
  void reelJobs() throws Exception {
    try (TestApp app = TestApp.start(new JsonObject())) {
      for (String variant : List.of("light", "dark")) {
        JsonObject job = PostJobTest.runToCompletion(app, new JsonObject().put("title", "Three habits for deep sleep")
            .put("variant", variant).put("brands", new JsonArray().add("vitalitycollege"))
            .put("content_lines", new JsonArray().add("Dim the lights").add("Keep it cool").add("No screens")));
        JsonObject output = job.getJsonObject("brand_outputs").getJsonObject("vitalitycollege");
        assertThat(output.getString("video_path")).isEqualTo(output.getString("video_url"));
        var video = Http.get(app.http, output.getString("video_url"));
        assertThat(video.statusCode()).isEqualTo(200);
        assertThat(video.getHeader("Content-Type")).startsWith("video/mp4");
        Path file = dir.resolve("reel-" + variant + ".mp4");
        Files.write(file, video.body().getBytes());
        assertReel(file);
        // title (0, 40), first line (85), last line, brand (215): saved for a person to look at
        List<BufferedImage> frames = Mp4Probe.frames(file, 0, 40, 85, 160, 215);
        Path pictures = Files.createDirectories(Path.of("target", "reel-frames"));
        for (int i = 0; i < frames.size(); i++) {
          ImageIO.write(frames.get(i), "png", pictures.resolve(variant + "-" + i + ".png").toFile());
        }
        // each still has its own text in the middle of the frame (the motion itself: framesMove)
        assertThat(difference(frames.get(1), frames.get(2), 700, 1200)).as("title vs first line").isGreaterThan(3);
        assertThat(difference(frames.get(2), frames.get(4), 700, 1200)).as("line vs brand").isGreaterThan(3);
        BufferedImage thumbnail = Images.decode(Http.get(app.http, output.getString("thumbnail_path")).body().getBytes());
        assertThat(thumbnail.getWidth()).isEqualTo(1080);
        assertThat(thumbnail.getHeight()).isEqualTo(1920);
        assertThat(Images.distinctColours(thumbnail)).isGreaterThan(1000);
      }
    }
  }

  @Test
  @DisplayName("the frames move: the plate is cropped tighter frame by frame (a steady zoom), text stays put")
  void framesMove() {
    BufferedImage plate = new BufferedImage(ReelFrames.plateWidth(1080), ReelFrames.plateHeight(1080, 1920),
        BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < plate.getHeight(); y++) {
      for (int x = 0; x < plate.getWidth(); x++) {
        plate.setRGB(x, y, ((x / 24 + y / 24) % 2 == 0) ? 0x204060 : 0xe0d0a0); // a checkerboard shows any motion
      }
    }
    try (ReelFrames frames = new ReelFrames(plate, List.of(), null, new ReelTimeline(1), 1080, 1920)) {
      byte[] first = luma(frames.render(0));
      byte[] again = luma(frames.render(0));
      byte[] later = luma(frames.render(60));
      byte[] last = luma(frames.render(ReelTimeline.FRAMES - 1));
      assertThat(meanDifference(first, again)).as("the same frame twice").isZero();
      assertThat(meanDifference(first, later)).as("frame 0 vs 60").isGreaterThan(10);
      assertThat(meanDifference(later, last)).as("frame 60 vs the last").isGreaterThan(10);
    }
  }

  private static byte[] luma(org.bytedeco.ffmpeg.avutil.AVFrame frame) {
    byte[] row = new byte[1080 * 1920];
    for (int y = 0; y < 1920; y++) {
      frame.data(0).position((long) y * frame.linesize(0)).get(row, y * 1080, 1080);
    }
    frame.data(0).position(0);
    return row;
  }

  private static double meanDifference(byte[] a, byte[] b) {
    long sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
    }
    return sum / (double) a.length;
  }

  @Test
  @DisplayName("media.musicPath: any audio file avformat reads (here 48 kHz mono WAV) is resampled, looped and laid "
      + "under the reel")
  void music() throws Exception {
    Path wav = dir.resolve("music.wav");
    Wav.sine(wav, 48_000, 1, 440, 0.5, 2.0);
    ReelAudio audio = MusicDecoder.decode(wav, ReelAudio.samples());
    assertThat(audio.left()).hasSize(ReelAudio.samples());
    // a mono 0.5 sine arrives in each channel at 0.5/√2: swresample's −3 dB centre pan
    assertThat(audio.peak()).isBetween(0.33, 0.38);
    // looped: 5 s after the start (past the 2 s file) there is still sound, equally in both channels
    int at = 5 * Mp4Writer.SAMPLE_RATE;
    double energy = 0;
    for (int i = at; i < at + 4410; i++) {
      energy += audio.left()[i] * audio.left()[i];
      assertThat(audio.right()[i]).isEqualTo(audio.left()[i]);
    }
    assertThat(energy / 4410).isGreaterThan(0.05);
    Path out = dir.resolve("music.mp4");
    new ReelEncoder("", wav.toString(), 1).encode(stills(false, List.of("Dim the lights")), out, () -> 600_000);
    assertReel(out);
  }

  @Test
  @DisplayName("no music configured: a quiet ambient bed (audible, peaks well under full scale), not silence")
  void ambientBed() {
    ReelAudio bed = ReelAudio.ambient(3);
    assertThat(bed.left()).hasSize(ReelAudio.samples());
    assertThat(bed.peak()).isBetween(0.02, 0.15);
    assertThat(bed.left()[0]).isZero(); // fades in from nothing
  }

  @Test
  @DisplayName("the timeline: title, content stills, brand cover every frame, and two texts are never on screen at once")
  void timeline() {
    ReelTimeline timeline = new ReelTimeline(3);
    assertThat(timeline.spans()).hasSize(5);
    assertThat(timeline.spans().get(0).start()).isZero();
    assertThat(timeline.spans().get(4).end()).isEqualTo(ReelTimeline.FRAMES).isEqualTo(225);
    for (int frame = 0; frame < ReelTimeline.FRAMES; frame++) {
      int visible = 0;
      for (int still = 0; still < 5; still++) {
        visible += timeline.opacity(still, frame) > 0 ? 1 : 0;
      }
      assertThat(visible).as("stills visible in frame %d", frame).isEqualTo(1);
    }
    assertThat(timeline.opacity(0, 0)).isEqualTo(256);
    assertThat(timeline.opacity(4, 224)).isEqualTo(256);
    // the brand name at the foot stays through the title and content, and leaves when the brand still comes
    int closing = timeline.spans().get(4).start();
    assertThat(timeline.footerOpacity(0)).isEqualTo(256);
    assertThat(timeline.footerOpacity(closing - ReelTimeline.FADE - 1)).isEqualTo(256);
    assertThat(timeline.footerOpacity(closing)).isZero();
  }

  @Test
  @DisplayName("the deadline interrupting the worker mid-encode stops it as job_timeout; the same encoder then "
      + "encodes the next reel")
  void interruptedMidEncode() throws Exception {
    ReelEncoder encoder = new ReelEncoder("", "", 1);
    AtomicInteger checks = new AtomicInteger();
    Path first = dir.resolve("interrupted.mp4");
    // what Deadline does when the job's time is up: interrupt the worker thread — here after 40 frames
    Throwable thrown = catchThrowable(() -> encoder.encode(stills(true, List.of("Keep it cool")), first, () -> {
      if (checks.incrementAndGet() == 42) {
        Thread.currentThread().interrupt();
      }
      return 60_000;
    }));
    boolean wasInterrupted = Thread.interrupted(); // Deadline.close() clears it the same way
    assertThat(wasInterrupted).isTrue();
    assertThat(checks.get()).as("stopped right after the interrupt").isEqualTo(42);
    assertThat(FailureClassifier.classify(thrown).category()).isEqualTo("job_timeout");
    Path next = dir.resolve("next.mp4");
    encoder.encode(stills(true, List.of("Keep it cool")), next, () -> 60_000);
    assertReel(next);
  }

  @Test
  @DisplayName("a reel job whose deadline passes mid-encode fails as job_timeout, and the single worker takes the next job")
  void deadlineMidEncode() throws Exception {
    try (TestApp app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0).put("jobs.deadlineMs", 6_000))) {
      // the real renderers, with a background that arrives when 1.2 s of the job are left: an encode takes longer
      BackgroundSource slow = new BackgroundSource() {
        @Override
        public BufferedImage background(String prompt, BrandStyle style, int width, int height,
            io.maestro.render.JobContext context) throws Exception {
          if (context.job().getString("title").contains("slow")) {
            Thread.sleep(Math.max(0, context.remainingMillis() - 1_200));
          }
          return new ProceduralBackground().render(prompt, style, width, height);
        }

        @Override
        public String name() {
          return "procedural-slow";
        }
      };
      app.deployWorkers(config -> MediaRenderers.create(app.vertx, config,
          io.maestro.db.Database.pool(app.vertx, app.dbUrl, config), slow), 1);
      String slowJob = create(app, "A slow reel", "dark");
      JsonObject failed = Eventually.await(slowJob + " to fail", Duration.ofSeconds(60), () -> job(app, slowJob),
          j -> List.of("completed", "failed").contains(j.getString("status")));
      assertThat(failed.getString("status")).isEqualTo("failed");
      assertThat(failed.getString("error_category")).isEqualTo("job_timeout");
      String next = create(app, "The next one", "post");
      JsonObject done = Eventually.await(next + " to finish", Duration.ofSeconds(60), () -> job(app, next),
          j -> List.of("completed", "failed").contains(j.getString("status")));
      assertThat(done.getString("status")).as(done.encodePrettily()).isEqualTo("completed");
    }
  }

  private static String create(TestApp app, String title, String variant) throws Exception {
    var created = Http.post(app.http, "/jobs/create", new JsonObject().put("title", title).put("variant", variant)
        .put("brands", new JsonArray().add("healthycollege")).put("content_lines", new JsonArray().add("One line")));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
    return created.bodyAsJsonObject().getString("job_id");
  }

  private static JsonObject job(TestApp app, String jobId) throws Exception {
    return Http.get(app.http, "/jobs/" + jobId).bodyAsJsonObject();
  }

  @Test
  @DisplayName("an MP4 that cannot be written (no such directory) is ffmpeg_other with FFmpeg's reason")
  void unwritableOutput() {
    Throwable thrown = catchThrowable(() -> new ReelEncoder("", "", 1).encode(stills(false, List.of()),
        Path.of("/nonexistent/dir/reel.mp4"), () -> 60_000));
    Failure failure = FailureClassifier.classify(thrown);
    assertThat(failure.category()).isEqualTo("ffmpeg_other");
    assertThat(failure.message()).contains("/nonexistent/dir/reel.mp4").contains("No such file or directory");
  }

  @Test
  @DisplayName("media.ffmpegPath set: that executable gets every frame as raw yuv420p on stdin, and its stderr is "
      + "classified (here: ffmpeg_encoder)")
  void externalFfmpeg() throws Exception {
    Path received = dir.resolve("bytes");
    Path script = dir.resolve("ffmpeg");
    // an ffmpeg that reads its input to the end, then fails the way a broken libx264 build does
    Files.writeString(script, "#!/bin/sh\nwc -c > " + received + "\n"
        + "echo '[libx264 @ 0x1] Error while opening encoder for output stream #0:0' >&2\nexit 1\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    Throwable thrown = catchThrowable(() -> new ReelEncoder(script.toString(), "", 1)
        .encode(stills(false, List.of("Dim the lights")), dir.resolve("out.mp4"), () -> 60_000));
    Failure failure = FailureClassifier.classify(thrown);
    assertThat(failure.category()).isEqualTo("ffmpeg_encoder");
    assertThat(failure.message()).contains("ffmpeg exited with code 1").contains("Error while opening encoder");
    assertThat(Long.parseLong(Files.readString(received).strip())).isEqualTo(225L * 1080 * 1920 * 3 / 2);
  }

  @Test
  @DisplayName("stderr text is classified row by row: resource, memory, other, and blank stderr still has a message")
  void stderrRows() {
    assertThat(FfmpegCli.classify(1, "frame=1\n[libx264] Resource temporarily unavailable\n").code().category())
        .isEqualTo("ffmpeg_resource");
    assertThat(FfmpegCli.classify(1, "av_malloc: Cannot allocate memory").code().category()).isEqualTo("ffmpeg_memory");
    assertThat(FfmpegCli.classify(1, "Invalid data found when processing input").code().category())
        .isEqualTo("ffmpeg_other");
    assertThat(FfmpegCli.classify(137, "").getMessage()).contains("code 137").contains("no output on stderr");
  }

  @Test
  @DisplayName("media.ffmpegPath pointing nowhere: a reel job fails as config_error saying how to fix it")
  void ffmpegPathWrong() throws Exception {
    assertThat(FailureClassifier.classify(catchThrowable(() -> new ReelEncoder("/nonexistent/ffmpeg", "", 1).engine()))
        .category()).isEqualTo("config_error");
    try (TestApp app = TestApp.start(new JsonObject().put("media.ffmpegPath", "/nonexistent/ffmpeg"))) {
      String jobId = create(app, "No ffmpeg here", "dark");
      JsonObject job = Eventually.await(jobId + " to fail", Duration.ofSeconds(60), () -> job(app, jobId),
          j -> "failed".equals(j.getString("status")));
      assertThat(job.getString("error_category")).isEqualTo("config_error");
      assertThat(job.getString("error_message")).contains("media.ffmpegPath").contains("in-process");
    }
  }
}
