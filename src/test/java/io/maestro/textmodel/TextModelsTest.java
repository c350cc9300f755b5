package io.maestro.textmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maestro.config.ConfigException;
import io.maestro.config.MaestroConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Text model choice and the content keys' validation")
class TextModelsTest {

  @Test
  @DisplayName("auto picks DeepSeek only when an API key is set; the description names what is active")
  void choice() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      TextModel offline = TextModels.create(vertx, MaestroConfig.from(new JsonObject().put("textModel.provider", "auto")));
      assertThat(offline.describe()).isEqualTo("offline (seed 42)");
      TextModel deepseek = TextModels.create(vertx, MaestroConfig.from(new JsonObject().put("textModel.provider", "auto")
          .put("deepseek.apiKey", "sk-x")));
      assertThat(deepseek.describe()).isEqualTo("deepseek (deepseek-chat at https://api.deepseek.com)");
      deepseek.close();
      assertThat(TextModels.create(vertx, MaestroConfig.from(new JsonObject().put("textModel.provider", "offline")
          .put("deepseek.apiKey", "sk-x"))).describe()).startsWith("offline");
      TextModel openai = TextModels.create(vertx, MaestroConfig.from(new JsonObject().put("textModel.provider", "openai")
          .put("deepseek.apiKey", "sk-x")));
      assertThat(openai.describe()).as("openai wins over a DeepSeek key").isEqualTo("openai (gpt-4o-mini at https://api.openai.com/v1)");
      openai.close();
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
      "MAESTRO_TEXT_MODEL, gpt",
      "MAESTRO_EXAMINER_ON_SCORING_FAILURE, pass",
      "MAESTRO_BURST_DAILY_TIME, 25:00",
      "MAESTRO_BURST_DAILY_TIME, noon",
      "MAESTRO_BURST_TIME_ZONE, Mars/Olympus",
      "DEEPSEEK_BASE_URL, ftp://x",
      "OPENAI_BASE_URL, not a url",
      "MAESTRO_OPENAI_TIMEOUT_MS, 5",
      "MAESTRO_BURST_REELS_PER_BRAND, 51"})
  @DisplayName("a bad content setting stops start-up naming its key")
  void invalid(String env, String value) {
    assertThatThrownBy(() -> MaestroConfig.from(new JsonObject().put(env, value))).isInstanceOf(ConfigException.class)
        .hasMessageContaining(env);
  }

  @Test
  @DisplayName("provider deepseek without a key is refused at start-up")
  void deepseekNeedsKey() {
    assertThatThrownBy(() -> MaestroConfig.from(new JsonObject().put("textModel.provider", "deepseek")))
        .hasMessageContaining("DEEPSEEK_API_KEY");
  }
}
