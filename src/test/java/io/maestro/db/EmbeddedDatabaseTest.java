package io.maestro.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maestro.MainVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Embedded PostgreSQL: the default when no database is configured")
class EmbeddedDatabaseTest {
  @TempDir
  Path dataDir;

  private JsonObject config() {
    return new JsonObject().put("http.port", 0).put("db.embedded.dataDir", dataDir.toString());
  }

  private static int port(MainVerticle main) {
    return main.context().runtime().httpPort();
  }

  @Test
  @DisplayName("starts as root with only a JDK, is ready, and keeps its data across a stop and a restart")
  void startsAndKeepsData() throws Exception {
    Vertx first = Vertx.vertx();
    try {
      MainVerticle firstNode = new MainVerticle();
      first.deployVerticle(firstNode, new DeploymentOptions().setConfig(config())).await(120, TimeUnit.SECONDS);
      WebClient http = WebClient.create(first, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port(firstNode)));
      assertThat(http.get("/ready").send().await(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      var created = http.post("/jobs/create").sendJsonObject(new JsonObject().put("title", "Kept across restarts")
          .put("brands", new io.vertx.core.json.JsonArray().add("healthycollege")).put("variant", "post"))
          .await(10, TimeUnit.SECONDS);
      assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
      String jobId = created.bodyAsJsonObject().getString("job_id");

      // a second Maestro on the same data directory refuses to start instead of corrupting it
      Vertx second = Vertx.vertx();
      try {
        assertThatThrownBy(() -> second.deployVerticle(new MainVerticle(), new DeploymentOptions().setConfig(config()))
            .await(120, TimeUnit.SECONDS))
            .hasMessageContaining("MAESTRO_DATA_DIR")
            .hasMessageContaining("in use by another running Maestro");
      } finally {
        second.close().await(30, TimeUnit.SECONDS);
      }
      http.close();
      first.close().await(60, TimeUnit.SECONDS);
      assertThat(Files.exists(dataDir.resolve("postgres/postmaster.pid"))).as("PostgreSQL stopped with the app").isFalse();

      Vertx again = Vertx.vertx();
      try {
        MainVerticle againNode = new MainVerticle();
        again.deployVerticle(againNode, new DeploymentOptions().setConfig(config())).await(120, TimeUnit.SECONDS);
        WebClient http2 = WebClient.create(again, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port(againNode)));
        var job = http2.get("/jobs/" + jobId).send().await(10, TimeUnit.SECONDS);
        assertThat(job.statusCode()).isEqualTo(200);
        assertThat(job.bodyAsJsonObject().getString("title")).isEqualTo("Kept across restarts");
        http2.close();
      } finally {
        again.close().await(60, TimeUnit.SECONDS);
      }
    } finally {
      first.close().await(60, TimeUnit.SECONDS);
    }
  }
}
