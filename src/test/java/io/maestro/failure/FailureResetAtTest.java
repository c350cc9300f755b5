package io.maestro.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A rate limit's reset time travels with the failure from the worker to the dispatcher")
class FailureResetAtTest {

  @Test
  @DisplayName("classify keeps the reset time of the MaestroException in the chain, and JSON round-trips it")
  void carried() {
    Instant reset = Instant.parse("2026-11-23T12:01:00Z");
    Failure f = FailureClassifier.classify(new RuntimeException("stage failed",
        MaestroException.rateLimited(FailureCode.API_RATE_LIMITED, "429 Too Many Requests", reset)));
    assertThat(f.resetAt()).isEqualTo(reset);
    assertThat(f.toJson().getString("reset_at")).isEqualTo("2026-11-23T12:01:00Z");
    assertThat(Failure.fromJson(f.toJson())).isEqualTo(f);
  }

  @Test
  @DisplayName("no reset time: no reset_at key; an unreadable one is dropped rather than failing the read")
  void absentOrGarbage() {
    Failure plain = new Failure(FailureCode.API_ERROR, "503", null);
    assertThat(plain.resetAt()).isNull();
    assertThat(plain.toJson().containsKey("reset_at")).isFalse();
    Failure garbage = Failure.fromJson(new JsonObject().put("code", 1104).put("message", "429")
        .put("reset_at", "tomorrow-ish"));
    assertThat(garbage.code()).isEqualTo(FailureCode.API_RATE_LIMITED);
    assertThat(garbage.resetAt()).isNull();
  }
}
