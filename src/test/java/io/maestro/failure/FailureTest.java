package io.maestro.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Failure: the stored form of a classified failure")
class FailureTest {

  @DisplayName("a null or blank message is replaced by one naming the category")
  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @NullAndEmptySource
  @ValueSource(strings = {"  \n"})
  void neverBlank(String message) {
    assertThat(new Failure(FailureCode.UNKNOWN, message, null).message()).isEqualTo("unknown failure with no message");
  }

  @Test
  @DisplayName("a long message is cut to 2000 characters")
  void trimmed() {
    assertThat(new Failure(FailureCode.API_ERROR, "a".repeat(5000), null).message()).hasSize(2000);
  }

  @Test
  @DisplayName("category delegates to the code")
  void category() {
    assertThat(new Failure(FailureCode.STORAGE_ERROR, "x", null).category()).isEqualTo("storage_error");
  }

  @Test
  @DisplayName("toJson writes all fields, and stack only when there is one")
  void toJson() {
    JsonObject json = new Failure(FailureCode.CONFIG_ERROR, "no key", null).toJson();
    assertThat(json.getMap()).containsOnlyKeys("code", "category", "message", "retryable", "suggested_action");
    assertThat(json.getInteger("code")).isEqualTo(1103);
    assertThat(json.getBoolean("retryable")).isFalse();
    assertThat(new Failure(FailureCode.CONFIG_ERROR, "no key", "at x").toJson().getString("stack")).isEqualTo("at x");
  }

  @Test
  @DisplayName("fromJson round-trips, falls back to the category, and reads garbage as UNKNOWN")
  void fromJson() {
    Failure f = new Failure(FailureCode.WORKER_LOST, "node-2 gone", "at y");
    assertThat(Failure.fromJson(f.toJson())).isEqualTo(f);
    assertThat(Failure.fromJson(new JsonObject().put("category", "reply_timeout")).code())
        .isEqualTo(FailureCode.REPLY_TIMEOUT);
    Failure garbage = Failure.fromJson(new JsonObject().put("code", 1).put("category", "nope"));
    assertThat(garbage.code()).isEqualTo(FailureCode.UNKNOWN);
    assertThat(garbage.message()).isNotBlank();
  }
}
