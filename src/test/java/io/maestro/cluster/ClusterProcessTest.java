package io.maestro.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.testing.Eventually;
import io.maestro.testing.ProcessLogs;
import io.maestro.testing.TestPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Cluster of real processes: kill -9 a node mid-run")
class ClusterProcessTest {
  /** Kept after the test: .ci/run scans every process log for tokens (ProcessLogs). */
  private final Path logs = ProcessLogs.dir(getClass());

  private final HttpClient client = HttpClient.newHttpClient();

  private record NodeProcess(Process process, int httpPort, String name) {}

  private NodeProcess launch(String name, String db, String clusterName, int hzPort, String members) throws IOException {
    int httpPort = ClusterNodes.freePort();
    ProcessBuilder builder = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
        "-cp", System.getProperty("java.class.path"), ScriptedNode.class.getName(), "-cluster"))
        .redirectOutput(logs.resolve(name + ".out").toFile()).redirectError(logs.resolve(name + ".err").toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("MAESTRO_"));
    builder.environment().putAll(Map.of(
        "MAESTRO_DB_URL", db, "MAESTRO_HTTP_PORT", String.valueOf(httpPort), "MAESTRO_NODE_ID", name,
        "MAESTRO_CLUSTER_NAME", clusterName, "MAESTRO_CLUSTER_MEMBERS", members,
        "MAESTRO_CLUSTER_PORT", String.valueOf(hzPort), "MAESTRO_JOBS_LEASE_MS", "3000",
        "MAESTRO_JOBS_POLL_INTERVAL_MS", "250", "MAESTRO_WORKER_INSTANCES", "2",
        // the daily burst would add its own jobs to the counts whenever the test runs after burst.dailyTime
        "MAESTRO_BURST_DAILY_ENABLED", "false"));
    return new NodeProcess(builder.start(), httpPort, name);
  }

  private int status(NodeProcess node, String path) {
    try {
      return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private String post(NodeProcess node, String path, String json) throws Exception {
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  private String log(String name) throws IOException {
    return Files.readString(logs.resolve(name + ".out")) + Files.readString(logs.resolve(name + ".err"));
  }


  @Test
  @DisplayName("jobs of a killed node come back through lease expiry and complete on the survivor; none lost, none run twice")
  void killedNodeJobsComplete() throws Exception {
    String db = TestPostgres.newDatabase();
    String clusterName = "maestro-kill-" + UUID.randomUUID();
    int portA = ClusterNodes.freePort();
    int portB = ClusterNodes.freePort();
    String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
    NodeProcess a = launch("node-a", db, clusterName, portA, members);
    NodeProcess b = launch("node-b", db, clusterName, portB, members);
    try {
      for (NodeProcess node : List.of(a, b)) {
        Eventually.await(node.name() + " ready", Duration.ofSeconds(120), () -> {
          assertThat(node.process().isAlive()).as("%s alive; log:\n%s", node.name(), log(node.name())).isTrue();
          return status(node, "/ready");
        }, s -> s == 200);
      }
      for (int i = 0; i < 8; i++) {
        post(a, "/jobs/create", "{\"title\":\"slow:1500 failover " + i + "\",\"variant\":\"post\","
            + "\"brands\":[\"healthycollege\"]}");
      }
      Eventually.await("node-a running jobs", Duration.ofSeconds(60),
          () -> TestPostgres.count(db, "SELECT count(*) FROM jobs WHERE status = 'generating' AND lease_owner = 'node-a'"),
          n -> n >= 1);
      a.process().destroyForcibly(); // SIGKILL: no shutdown hook, no lease hand-back
      long killedAt = System.nanoTime();
      assertThat(a.process().waitFor(30, TimeUnit.SECONDS)).isTrue();

      Eventually.await("a rescued job running on node-b", Duration.ofSeconds(60),
          () -> TestPostgres.count(db, "SELECT count(*) FROM job_attempts WHERE outcome = 'lost'"), n -> n >= 1);
      double failoverSeconds = (System.nanoTime() - killedAt) / 1e9;
      Eventually.await("all 8 completed", Duration.ofSeconds(120),
          () -> TestPostgres.count(db, "SELECT count(*) FROM jobs WHERE status = 'completed'"), n -> n == 8);
      System.out.printf("BENCH failover: kill -9 → first lost job re-queued in %.2f s (lease 3 s)%n", failoverSeconds);

      assertThat(TestPostgres.count(db, "SELECT count(*) FROM job_attempts WHERE outcome = 'completed'"))
          .as("each job completed exactly once").isEqualTo(8);
      assertThat(TestPostgres.count(db, "SELECT count(*) FROM job_attempts WHERE outcome = 'lost' AND node = 'node-a'"
          + " AND category = 'worker_lost'")).isGreaterThanOrEqualTo(1);
      assertThat(TestPostgres.count(db, "SELECT count(*) FROM jobs j WHERE EXISTS (SELECT 1 FROM job_attempts x WHERE x.job_pk = j.id"
          + " AND x.outcome = 'lost') AND NOT EXISTS (SELECT 1 FROM job_attempts y WHERE y.job_pk = j.id"
          + " AND y.outcome = 'completed' AND y.node = 'node-b')")).as("every lost job completed on the survivor").isZero();
      assertThat(status(b, "/ready")).isEqualTo(200);
      // the healer's cycle lock died with node-a: the survivor runs cycles now
      assertThat(post(b, "/api/maestro/trigger-healing", "{}")).contains("\"status\":\"completed\"");
    } finally {
      a.process().destroyForcibly();
      b.process().destroy();
      b.process().waitFor(30, TimeUnit.SECONDS);
      b.process().destroyForcibly();
    }
  }
}
