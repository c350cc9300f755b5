package io.maestro;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.fakes.FakeDeApi;
import io.maestro.testing.Eventually;
import io.maestro.testing.ProcessLogs;
import io.maestro.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run command as people run it: Main in its own JVM on the embedded PostgreSQL, jobs in flight on a slow image
 * service, stopped by {@code kill <pid>}. The embedded database must outlive the dispatcher's hand-back, and the
 * stop must not wait for the in-flight image polling.
 */
@DisplayName("Graceful stop on the embedded database: kill <pid> with jobs in flight hands every lease back within "
    + "the grace, and a restart finishes them long before the lease")
class EmbeddedGracefulStopTest {
  private static final String DEAPI_KEY = "deapi-key-graceful-stop";
  private static final long GRACE_MS = 1_000;
  /** Docker's default stop timeout: past it the process is killed and nothing is handed back. */
  private static final long STOP_BOUND_MS = GRACE_MS + 9_000;

  @TempDir
  Path workDir;
  private final Path logs = ProcessLogs.dir(getClass());

  private final HttpClient client = HttpClient.newHttpClient();

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private Process launch(String name, int port, int dbPort, String deapiUrl) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-Xmx384m", "-cp", System.getProperty("java.class.path"), Main.class.getName()))
        .directory(workDir.toFile())
        .redirectOutput(logs.resolve(name + ".out").toFile()).redirectError(logs.resolve(name + ".err").toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("MAESTRO_") || k.startsWith("DEAPI_"));
    Map<String, String> env = new HashMap<>(Map.of("MAESTRO_HTTP_PORT", String.valueOf(port),
        "MAESTRO_EMBEDDED_DB_PORT", String.valueOf(dbPort), "MAESTRO_DATA_DIR", workDir.resolve("data").toString(),
        // a lease far longer than the test: a job finished after the restart was handed back, not rescued
        "MAESTRO_JOBS_LEASE_MS", "600000", "MAESTRO_JOBS_SHUTDOWN_GRACE_MS", String.valueOf(GRACE_MS),
        "MAESTRO_WORKER_INSTANCES", "4", "DEAPI_API_KEY", DEAPI_KEY, "DEAPI_BASE_URL", deapiUrl,
        "MAESTRO_DEAPI_POLL_INTERVAL_MS", "50", "MAESTRO_DEAPI_PER_MINUTE", "1000"));
    env.putAll(Map.of("MAESTRO_BURST_DAILY_ENABLED", "false", "MAESTRO_TEXT_MODEL", "offline",
        "MAESTRO_STORAGE_LOCAL_DIR", workDir.resolve("media").toString(), "MAESTRO_NODE_ID", name));
    builder.environment().putAll(env);
    return builder.start();
  }

  private String log(String name) throws IOException {
    return Files.readString(logs.resolve(name + ".out")) + Files.readString(logs.resolve(name + ".err"));
  }

  private int status(int port, String path) {
    try {
      return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private JsonObject get(int port, String path) throws Exception {
    return new JsonObject(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body());
  }

  private String create(int port, String title) throws Exception {
    var response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/jobs/create"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(new JsonObject()
            .put("title", title).put("variant", "post").put("brands", new io.vertx.core.json.JsonArray()
                .add("healthycollege")).encode())).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body()).getString("job_id");
  }

  private void awaitReady(String name, Process process, int port) throws Exception {
    Eventually.await(name + " ready", Duration.ofSeconds(120), () -> {
      assertThat(process.isAlive()).as("%s alive; log:\n%s", name, log(name)).isTrue();
      return status(port, "/ready");
    }, s -> s == 200);
  }

  @Test
  @DisplayName("4 jobs polling a stuck deAPI, kill <pid>: exit within grace + a few s, 4 leases handed back while "
      + "PostgreSQL still runs; the restart completes all 4 via released attempts")
  void killWithJobsInFlight() throws Exception {
    Vertx fakes = Vertx.vertx();
    FakeDeApi deapi = new FakeDeApi(fakes, DEAPI_KEY);
    deapi.statusMode = "stuck"; // every request stays "processing": the jobs poll until stopped
    int dbPort = freePort();
    List<String> jobIds = new ArrayList<>();
    try {
      int port = freePort();
      Process first = launch("first", port, dbPort, deapi.baseUrl());
      long stopMs;
      try {
        awaitReady("first", first, port);
        for (int i = 0; i < 4; i++) {
          jobIds.add(create(port, "in flight " + i));
        }
        Eventually.await("4 jobs polling deAPI", Duration.ofSeconds(60), () -> deapi.accepted.get() >= 4
            && deapi.polls.get() > 8, b -> b);
        for (String id : jobIds) {
          assertThat(get(port, "/jobs/" + id).getString("status")).isEqualTo("generating");
        }
        long killed = System.nanoTime();
        first.destroy(); // kill <pid>: SIGTERM
        boolean exited = first.waitFor(60, TimeUnit.SECONDS);
        stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        assertThat(exited).as("exits; log:\n%s", log("first")).isTrue();
      } finally {
        first.destroyForcibly();
      }
      System.out.printf("kill <pid> with 4 jobs in flight: exited after %d ms (grace %d ms)%n", stopMs, GRACE_MS);
      String firstLog = log("first");
      assertThat(firstLog).contains("handed 4 running job(s) back to the queue").contains("Embedded PostgreSQL stopped")
          .doesNotContain("Lease rescue failed").doesNotContain("Could not hand back");
      assertThat(firstLog.indexOf("Embedded PostgreSQL stopped")).as("PostgreSQL stops after the hand-back")
          .isGreaterThan(firstLog.indexOf("handed 4 running job(s) back"));
      assertThat(stopMs).as("a stop ends within the grace plus a few seconds, not when the polling ends")
          .isLessThan(STOP_BOUND_MS);
      assertThat(Files.exists(workDir.resolve("data/postgres/postmaster.pid"))).as("PostgreSQL stopped").isFalse();

      deapi.statusMode = "done";
      int port2 = freePort();
      Process second = launch("second", port2, dbPort, deapi.baseUrl());
      try {
        awaitReady("second", second, port2);
        String db = "postgresql://postgres:postgres@127.0.0.1:" + dbPort + "/postgres";
        Eventually.await("all 4 completed after the restart (lease: 10 min)", Duration.ofSeconds(120),
            () -> TestPostgres.count(db, "SELECT count(*) FROM jobs WHERE status = 'completed'"), n -> n == 4);
        assertThat(TestPostgres.count(db, "SELECT count(*) FROM job_attempts WHERE attempt = 1 AND outcome = "
            + "'released'")).as("the first attempts were handed back, not lost").isEqualTo(4);
        assertThat(TestPostgres.count(db, "SELECT count(*) FROM job_attempts WHERE outcome = 'lost'"))
            .isZero();
      } finally {
        second.destroy();
        second.waitFor(60, TimeUnit.SECONDS);
        second.destroyForcibly();
      }
    } finally {
      deapi.close();
      fakes.close().await(10, TimeUnit.SECONDS);
    }
  }
}
