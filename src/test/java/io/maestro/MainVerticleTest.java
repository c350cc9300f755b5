package io.maestro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.maestro.testing.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Start-up: config, database, migrations, actors, HTTP — or one clear reason")
class MainVerticleTest {

  @Test
  @DisplayName("against a real PostgreSQL, /health and /ready answer 200 and the seed data is there")
  void startsAndIsReady() throws Exception {
    try (TestApp app = TestApp.start(new JsonObject())) {
      var health = Http.get(app.http, "/health");
      assertThat(health.statusCode()).isEqualTo(200);
      var ready = Http.get(app.http, "/ready");
      assertThat(ready.statusCode()).as(ready.bodyAsString()).isEqualTo(200);
      assertThat(ready.bodyAsJsonObject().getString("status")).isEqualTo("UP");
      assertThat(app.count("SELECT count(*) FROM brands WHERE user_id = 'local'")).isEqualTo(5);
      assertThat(app.count("SELECT count(*) FROM agents WHERE user_id = 'local' AND is_builtin")).isEqualTo(2);
      assertThat(app.count("SELECT count(*) FROM brands WHERE user_id = 'local' AND schedule_offset BETWEEN 0 AND 4"))
          .isEqualTo(5);
    }
  }

  @Test
  @DisplayName("a second start on the same database migrates nothing twice and keeps the data")
  void restartKeepsData() throws Exception {
    String db = TestPostgres.newDatabase();
    try (TestApp app = TestApp.start(db, new JsonObject())) {
      app.execute("INSERT INTO settings (user_id, key, value) VALUES ('local', 'probe', '42')");
    }
    try (TestApp app = TestApp.start(db, new JsonObject())) {
      assertThat(app.count("SELECT (value)::int FROM settings WHERE key = 'probe'")).isEqualTo(42);
      assertThat(app.count("SELECT count(*) FROM brands WHERE user_id = 'local'")).isEqualTo(5);
    }
  }

  @Test
  @DisplayName("an unreachable MAESTRO_DB_URL stops start-up with a reason naming db.url")
  void unreachableDatabase() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    String url = "postgresql://postgres:pw@127.0.0.1:" + closedPort + "/maestro";
    assertThatThrownBy(() -> TestApp.start(url, new JsonObject().put("db.connectTimeoutMs", 1000)))
        .hasMessageContaining("db.url (MAESTRO_DB_URL)")
        .hasMessageContaining("127.0.0.1:" + closedPort);
  }

  @Test
  @DisplayName("an invalid value stops start-up with a reason naming the key")
  void invalidConfig() {
    assertThatThrownBy(() -> TestApp.start(new JsonObject().put("http.port", "abc")))
        .hasMessageContaining("http.port (MAESTRO_HTTP_PORT)");
  }
}
