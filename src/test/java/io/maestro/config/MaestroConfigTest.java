package io.maestro.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Configuration: one typed view, validated at start-up")
class MaestroConfigTest {

  @Test
  @DisplayName("conf/config.json holds every key with the same default as the code")
  void configFileMatchesDefaults() throws Exception {
    JsonObject file = new JsonObject(Files.readString(Path.of("conf/config.json")));
    assertThat(file.fieldNames()).containsExactlyInAnyOrderElementsOf(
        MaestroConfig.ALL.stream().map(ConfigKey::name).toList());
    for (ConfigKey key : MaestroConfig.ALL) {
      Object fileValue = file.getValue(key.name());
      Object expected = key.defaultValue();
      if (expected instanceof Number n) {
        assertThat(((Number) fileValue).longValue()).as(key.name()).isEqualTo(n.longValue());
      } else {
        assertThat(fileValue).as(key.name()).isEqualTo(expected);
      }
    }
  }

  @Test
  @DisplayName("the README's config table names every key and its environment variable")
  void readmeDocumentsEveryKey() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    for (ConfigKey key : MaestroConfig.ALL) {
      assertThat(readme).as("README row for " + key.name()).contains("`" + key.name() + "`").contains("`" + key.env() + "`");
    }
  }

  @Test
  @DisplayName("defaults alone are a valid configuration")
  void defaultsAreValid() {
    MaestroConfig config = MaestroConfig.from(new JsonObject());
    assertThat(config.integer(MaestroConfig.HTTP_PORT)).isEqualTo(8080);
    assertThat(config.embeddedDatabase()).isTrue();
    assertThat(config.authEnabled()).isFalse();
  }

  @Test
  @DisplayName("an environment variable overrides the file value and is parsed to the key's type")
  void envOverridesFile() {
    MaestroConfig config = MaestroConfig.from(new JsonObject().put("http.port", 9000).put("MAESTRO_HTTP_PORT", "9100"));
    assertThat(config.integer(MaestroConfig.HTTP_PORT)).isEqualTo(9100);
  }

  @Test
  @DisplayName("port \"abc\" stops start-up with a reason naming the key and its variable")
  void invalidPortNamesKey() {
    assertThatThrownBy(() -> MaestroConfig.from(new JsonObject().put("MAESTRO_HTTP_PORT", "abc")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.port (MAESTRO_HTTP_PORT)")
        .hasMessageContaining("\"abc\"");
  }

  @Test
  @DisplayName("out-of-range and fractional numbers are refused")
  void rangeChecked() {
    assertThatThrownBy(() -> MaestroConfig.from(new JsonObject().put("http.port", 70000)))
        .hasMessageContaining("http.port");
    assertThatThrownBy(() -> MaestroConfig.from(new JsonObject().put("jobs.workerInstances", 1.5)))
        .hasMessageContaining("jobs.workerInstances");
  }

  @Test
  @DisplayName("a database URL that is not postgresql:// is refused, without echoing its password")
  void badDbUrl() {
    assertThatThrownBy(() -> MaestroConfig.from(new JsonObject().put("MAESTRO_DB_URL", "mysql://u:secret@h/db")))
        .hasMessageContaining("db.url (MAESTRO_DB_URL)")
        .hasMessageNotContaining("secret");
  }

  @Test
  @DisplayName("without a JWT secret Maestro refuses to listen on a non-loopback address")
  void localModeIsLoopbackOnly() {
    assertThatThrownBy(() -> MaestroConfig.from(new JsonObject().put("http.host", "0.0.0.0")))
        .hasMessageContaining("http.host (MAESTRO_HTTP_HOST)");
    MaestroConfig withSecret = MaestroConfig.from(new JsonObject().put("http.host", "0.0.0.0")
        .put("auth.jwtSecret", "s3cret-s3cret-s3cret-s3cret-s3cret"));
    assertThat(withSecret.authEnabled()).isTrue();
    assertThat(MaestroConfig.from(new JsonObject().put("http.host", "::1")).string(MaestroConfig.HTTP_HOST))
        .isEqualTo("::1");
  }
}
