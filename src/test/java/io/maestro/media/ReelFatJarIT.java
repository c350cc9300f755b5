package io.maestro.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.testing.ProcessLogs;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fresh-machine promise, end to end: the README's run command (java -jar target/maestro.jar, built by the
 * package phase before this runs) with no ffmpeg anywhere on PATH and media.ffmpegPath unset, then a burst with
 * reels over HTTP. Every reel must complete as a real MP4. Runs in `./mvnw -B verify` (failsafe, after package).
 */
@DisplayName("Fat jar on a machine without ffmpeg: a burst with reels completes real H.264/AAC 1080×1920 reels")
class ReelFatJarIT {
  @TempDir
  Path workDir;
  private final Path logs = ProcessLogs.dir(getClass());

  @Test
  @DisplayName("java -jar maestro.jar (PATH without ffmpeg, media.ffmpegPath unset) + trigger-burst with 2 reels: "
      + "both completed, each h264 1080×1920, 7–8 s, with an audio stream")
  void burstWithReels() throws Exception {
    Path jar = Path.of(System.getProperty("maestro.jar", "target/maestro.jar")).toAbsolutePath();
    assertThat(jar).as("the fat jar (package phase)").exists();
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar.toString()).directory(workDir.toFile())
        .redirectOutput(logs.resolve("stdout.log").toFile()).redirectError(logs.resolve("stderr.log").toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("MAESTRO_") || k.startsWith("DEAPI") || k.startsWith(
        "DEEPSEEK") || k.startsWith("SUPABASE"));
    builder.environment().put("PATH", pathWithoutFfmpeg());
    builder.environment().put("MAESTRO_HTTP_PORT", String.valueOf(port));
    builder.environment().put("MAESTRO_BURST_DAILY_ENABLED", "false");
    builder.environment().put("MAESTRO_TEXT_MODEL", "offline");
    Process process = builder.start();
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    String base = "http://127.0.0.1:" + port;
    try {
      await(process, "ready", 120, () -> send(client, HttpRequest.newBuilder(URI.create(base + "/ready")).timeout(Duration.ofSeconds(5)).build())
          .statusCode() == 200);
      HttpResponse<String> triggered = send(client, HttpRequest.newBuilder(URI.create(base
          + "/api/maestro/trigger-burst?force=true")).header("Content-Type", "application/json")
          .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(
              "{\"test_mode\":true,\"posts\":0,\"reels\":2,\"brands\":[\"healthycollege\"]}")).build());
      assertThat(triggered.statusCode()).as(triggered.body()).isEqualTo(200);
      List<JsonObject> reels = new ArrayList<>();
      await(process, "two finished reel jobs", 240, () -> {
        JsonArray jobs = new JsonObject(send(client, HttpRequest.newBuilder(URI.create(base + "/jobs?limit=50"))
            .timeout(Duration.ofSeconds(10)).build()).body()).getJsonArray("jobs");
        reels.clear();
        jobs.stream().map(JsonObject.class::cast)
            .filter(j -> List.of("light", "dark").contains(j.getString("variant")))
            .filter(j -> List.of("completed", "failed").contains(j.getString("status"))).forEach(reels::add);
        return reels.size() >= 2;
      });
      for (JsonObject job : reels) {
        assertThat(job.getString("status")).as(job.encodePrettily()).isEqualTo("completed");
        JsonObject output = job.getJsonObject("brand_outputs").getJsonObject("healthycollege");
        HttpResponse<byte[]> video = client.send(HttpRequest.newBuilder(URI.create(base
            + output.getString("video_url"))).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(video.statusCode()).isEqualTo(200);
        Path file = workDir.resolve(job.getString("job_id") + ".mp4");
        Files.write(file, video.body());
        Mp4Probe.Info info = Mp4Probe.probe(file);
        assertThat(info.video().codec()).isEqualTo("h264");
        assertThat(info.video().width()).isEqualTo(1080);
        assertThat(info.video().height()).isEqualTo(1920);
        assertThat(info.durationSeconds()).isBetween(7.0, 8.0);
        assertThat(info.audio().codec()).isEqualTo("aac");
      }
    } finally {
      process.destroy(); // SIGTERM: Maestro stops its embedded PostgreSQL too
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** PATH with every directory that holds an ffmpeg left out (there is none on CI; this makes sure of it). */
  private static String pathWithoutFfmpeg() {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    return Stream.of(path.split(File.pathSeparator))
        .filter(dir -> !new File(dir, "ffmpeg").exists() && !new File(dir, "ffprobe").exists())
        .collect(Collectors.joining(File.pathSeparator));
  }

  private static HttpResponse<String> send(HttpClient client, HttpRequest request) throws Exception {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private void await(Process process, String what, int seconds, Check check) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      assertThat(process.isAlive()).as("Maestro still running; output:%n%s", output()).isTrue();
      try {
        if (check.ok()) {
          return;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      assertThat(System.nanoTime()).as("%s within %d s; output:%n%s", what, seconds, output()).isLessThan(deadline);
      Thread.sleep(500);
    }
  }

  private String output() throws Exception {
    return Files.readString(logs.resolve("stdout.log")) + Files.readString(logs.resolve("stderr.log"));
  }
}
