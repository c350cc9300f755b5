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
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Reels: real H.264/AAC MP4s from ffmpeg, and ffmpeg's failures classified")
class ReelTest {
  private static JsonObject ffprobe(Path video) throws Exception {
    Path ffprobe = Path.of(new ReelEncoder("", "").ffmpeg()).resolveSibling("ffprobe");
    Process process = new ProcessBuilder(ffprobe.toString(), "-v", "error", "-show_entries",
        "stream=codec_type,codec_name,width,height,pix_fmt,r_frame_rate:format=duration", "-of", "json",
        video.toString()).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(out).isZero();
    return new JsonObject(out);
  }

  @Test
  @DisplayName("light and dark reel jobs produce MP4s that ffprobe reports as h264 1080×1920 30 fps yuv420p, "
      + "7–8 s, with AAC audio, plus a 1080×1920 thumbnail")
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
        Path file = Files.createTempFile("reel-" + variant, ".mp4");
        Files.write(file, video.body().getBytes());
        JsonObject probe = ffprobe(file);
        JsonObject v = probe.getJsonArray("streams").stream().map(JsonObject.class::cast)
            .filter(s -> "video".equals(s.getString("codec_type"))).findFirst().orElseThrow();
        JsonObject a = probe.getJsonArray("streams").stream().map(JsonObject.class::cast)
            .filter(s -> "audio".equals(s.getString("codec_type"))).findFirst().orElseThrow();
        assertThat(v.getString("codec_name")).isEqualTo("h264");
        assertThat(v.getInteger("width")).isEqualTo(1080);
        assertThat(v.getInteger("height")).isEqualTo(1920);
        assertThat(v.getString("pix_fmt")).isEqualTo("yuv420p");
        assertThat(v.getString("r_frame_rate")).isEqualTo("30/1");
        assertThat(a.getString("codec_name")).isEqualTo("aac");
        assertThat(Double.parseDouble(probe.getJsonObject("format").getString("duration"))).isBetween(7.0, 8.0);
        BufferedImage thumbnail = Images.decode(Http.get(app.http, output.getString("thumbnail_path")).body().getBytes());
        assertThat(thumbnail.getWidth()).isEqualTo(1080);
        assertThat(thumbnail.getHeight()).isEqualTo(1920);
        assertThat(Images.distinctColours(thumbnail)).isGreaterThan(1000);
        Files.delete(file);
      }
    }
  }

  @Test
  @DisplayName("an encoder that cannot open (bad profile for the pixel format) is ffmpeg_encoder, with ffmpeg's words")
  void brokenEncoderInvocation() throws Exception {
    Path out = Files.createTempFile("broken", ".mp4");
    Throwable thrown = catchThrowable(() -> new ReelEncoder("", "").run(List.of("-hide_banner", "-nostdin", "-y",
        "-f", "lavfi", "-i", "color=c=red:s=64x64", "-t", "1", "-c:v", "libx264", "-profile:v", "baseline",
        "-pix_fmt", "yuv444p", out.toString()), 60_000));
    Failure failure = FailureClassifier.classify(thrown);
    assertThat(failure.category()).isEqualTo("ffmpeg_encoder");
    assertThat(failure.message()).contains("ffmpeg exited with code").contains("Error while opening encoder");
  }

  @Test
  @DisplayName("a missing input is ffmpeg_other with the stderr line that says so")
  void missingInput() {
    Throwable thrown = catchThrowable(() -> new ReelEncoder("", "").run(List.of("-hide_banner", "-nostdin", "-y",
        "-i", "/nonexistent/frame.png", "/tmp/never.mp4"), 60_000));
    Failure failure = FailureClassifier.classify(thrown);
    assertThat(failure.category()).isEqualTo("ffmpeg_other");
    assertThat(failure.message()).contains("No such file or directory");
  }

  @Test
  @DisplayName("stderr text is classified row by row: resource, memory, other, and blank stderr still has a message")
  void stderrRows() {
    assertThat(ReelEncoder.classify(1, "frame=1\n[libx264] Resource temporarily unavailable\n").code().category())
        .isEqualTo("ffmpeg_resource");
    assertThat(ReelEncoder.classify(1, "av_malloc: Cannot allocate memory").code().category()).isEqualTo("ffmpeg_memory");
    assertThat(ReelEncoder.classify(1, "Invalid data found when processing input").code().category())
        .isEqualTo("ffmpeg_other");
    assertThat(ReelEncoder.classify(137, "").getMessage()).contains("code 137").contains("no output on stderr");
  }

  @Test
  @DisplayName("no ffmpeg where configured: a reel job fails as config_error saying how to install it")
  void ffmpegMissing() throws Exception {
    assertThat(FailureClassifier.classify(catchThrowable(() -> new ReelEncoder("/nonexistent/ffmpeg", "").ffmpeg()))
        .category()).isEqualTo("config_error");
    try (TestApp app = TestApp.start(new JsonObject().put("media.ffmpegPath", "/nonexistent/ffmpeg"))) {
      var created = Http.post(app.http, "/jobs/create", new JsonObject().put("title", "No ffmpeg here")
          .put("variant", "dark").put("brands", new JsonArray().add("healthycollege")));
      String jobId = created.bodyAsJsonObject().getString("job_id");
      JsonObject job = Eventually.await(jobId + " to fail", Duration.ofSeconds(60),
          () -> Http.get(app.http, "/jobs/" + jobId).bodyAsJsonObject(), j -> "failed".equals(j.getString("status")));
      assertThat(job.getString("error_category")).isEqualTo("config_error");
      assertThat(job.getString("error_message")).contains("apt-get install ffmpeg").contains("media.ffmpegPath");
    }
  }
}
