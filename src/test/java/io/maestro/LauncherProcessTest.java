package io.maestro;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.testing.ProcessLogs;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The launcher as a real process (what the run command starts)")
class LauncherProcessTest {
  @TempDir
  Path workDir;
  private final Path logs = ProcessLogs.dir(getClass());

  private Process launch(Map<String, String> env) throws IOException {
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName());
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectOutput(logs.resolve("stdout.log").toFile())
        .redirectError(logs.resolve("stderr.log").toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("MAESTRO_"));
    builder.environment().putAll(env);
    return builder.start();
  }

  private String output() throws IOException {
    return Files.readString(logs.resolve("stdout.log")) + Files.readString(logs.resolve("stderr.log"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static int status(HttpClient client, int port, String path) {
    try {
      return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  @DisplayName("with no configuration it starts its own PostgreSQL under ./data, becomes ready, and SIGTERM stops both")
  void runsWithEmbeddedDefaults() throws Exception {
    int port = freePort();
    Process process = launch(Map.of("MAESTRO_HTTP_PORT", String.valueOf(port)));
    HttpClient client = HttpClient.newHttpClient();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (status(client, port, "/ready") != 200) {
        assertThat(process.isAlive()).as("process alive; output:\n%s", output()).isTrue();
        assertThat(System.nanoTime()).as("ready within 90 s; output:\n%s", output()).isLessThan(deadline);
        Thread.sleep(200);
      }
      assertThat(status(client, port, "/health")).isEqualTo(200);
      assertThat(Files.exists(workDir.resolve("data/postgres/PG_VERSION"))).isTrue();
    } finally {
      process.destroy(); // SIGTERM
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stops on SIGTERM; output:\n%s", output()).isTrue();
    }
    assertThat(Files.exists(workDir.resolve("data/postgres/postmaster.pid")))
        .as("embedded PostgreSQL stopped with the app; output:\n%s", output()).isFalse();
  }

  @Test
  @DisplayName("an invalid port stops the process with a non-zero exit and one line naming the key")
  void invalidConfigExits() throws Exception {
    Process process = launch(Map.of("MAESTRO_HTTP_PORT", "abc"));
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isNotZero();
    assertThat(Files.readString(logs.resolve("stderr.log")))
        .contains("Maestro did not start: invalid configuration: http.port (MAESTRO_HTTP_PORT)");
  }
}
