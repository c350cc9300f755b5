package io.maestro;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.cluster.ScriptedNode;
import io.maestro.testing.Eventually;
import io.maestro.testing.ProcessLogs;
import io.maestro.testing.TestPostgres;
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

@DisplayName("Graceful shutdown: SIGTERM to a real process mid-run")
class GracefulShutdownTest {
  /** Kept after the test: .ci/run scans every process log for tokens (ProcessLogs). */
  private final Path logs = ProcessLogs.dir(getClass());

  private final HttpClient client = HttpClient.newHttpClient();

  private record Node(Process process, int port, String name) {}

  private Node launch(String name, String db) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-cp", System.getProperty("java.class.path"), ScriptedNode.class.getName()))
        .redirectOutput(logs.resolve(name + ".out").toFile()).redirectError(logs.resolve(name + ".err").toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("MAESTRO_"));
    // a lease far longer than the test: whatever completes after the stop cannot have come from lease expiry
    builder.environment().putAll(Map.of("MAESTRO_DB_URL", db, "MAESTRO_HTTP_PORT", String.valueOf(port),
        "MAESTRO_NODE_ID", name, "MAESTRO_JOBS_LEASE_MS", "600000", "MAESTRO_JOBS_SHUTDOWN_GRACE_MS", "1500",
        "MAESTRO_WORKER_INSTANCES", "2",
        // the daily burst would add its own jobs to the counts whenever the test runs after burst.dailyTime
        "MAESTRO_BURST_DAILY_ENABLED", "false"));
    return new Node(builder.start(), port, name);
  }

  private int ready(Node node) {
    try {
      return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/ready"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private void create(Node node, String title) throws Exception {
    var response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/jobs/create"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
            "{\"title\":\"" + title + "\",\"variant\":\"post\",\"brands\":[\"healthycollege\"]}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  private String log(String name) throws IOException {
    return Files.readString(logs.resolve(name + ".out")) + Files.readString(logs.resolve(name + ".err"));
  }


  private void awaitReady(Node node) throws Exception {
    Eventually.await(node.name() + " ready", Duration.ofSeconds(120), () -> {
      assertThat(node.process().isAlive()).as("%s alive; log:\n%s", node.name(), log(node.name())).isTrue();
      return ready(node);
    }, s -> s == 200);
  }

  @Test
  @DisplayName("stops claiming, lets short jobs finish, hands long ones back at once; the next start completes them all")
  void sigtermMidRun() throws Exception {
    String db = TestPostgres.newDatabase();
    Node first = launch("first", db);
    try {
      awaitReady(first);
      create(first, "slow:400 finishes within the grace period");
      create(first, "slow:20000 outlives the grace period");
      for (int i = 0; i < 4; i++) {
        create(first, "slow:100 still queued " + i);
      }
      Eventually.await("the long job running", Duration.ofSeconds(30), () -> TestPostgres.count(db,
          "SELECT count(*) FROM jobs WHERE status = 'generating' AND title LIKE 'slow:20000%'"), n -> n == 1);
      first.process().destroy(); // SIGTERM
      assertThat(first.process().waitFor(60, TimeUnit.SECONDS)).as("exits; log:\n%s", log("first")).isTrue();
    } finally {
      first.process().destroyForcibly();
    }
    assertThat(log("first")).contains("handed 1 running job(s) back to the queue");
    assertThat(TestPostgres.count(db, "SELECT count(*) FROM jobs WHERE status = 'generating'")).as("no lease left to expire").isZero();
    assertThat(TestPostgres.count(db, "SELECT count(*) FROM job_attempts WHERE outcome = 'released'")).isEqualTo(1);

    Node second = launch("second", db);
    try {
      awaitReady(second);
      Eventually.await("all six completed", Duration.ofSeconds(90),
          () -> TestPostgres.count(db, "SELECT count(*) FROM jobs WHERE status = 'completed'"), n -> n == 6);
      assertThat(TestPostgres.count(db, "SELECT count(*) FROM job_attempts WHERE outcome = 'completed'")).isEqualTo(6);
    } finally {
      second.process().destroy();
      second.process().waitFor(60, TimeUnit.SECONDS);
      second.process().destroyForcibly();
    }
  }
}
