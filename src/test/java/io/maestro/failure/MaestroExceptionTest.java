package io.maestro.failure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("MaestroException: an exception that carries its own failure code")
class MaestroExceptionTest {

  @Test
  @DisplayName("carries code, message and cause, with no reset time by default")
  void basics() {
    Throwable cause = new IllegalStateException("x");
    MaestroException e = new MaestroException(FailureCode.API_AUTH, "401 from provider", cause);
    assertThat(e.code()).isEqualTo(FailureCode.API_AUTH);
    assertThat(e.getMessage()).isEqualTo("401 from provider");
    assertThat(e.getCause()).isSameAs(cause);
    assertThat(e.resetAt()).isNull();
  }

  @Test
  @DisplayName("a null or blank message becomes the code's suggested action")
  void neverBlank() {
    assertThat(new MaestroException(FailureCode.CONFIG_ERROR, null).getMessage())
        .isEqualTo(FailureCode.CONFIG_ERROR.suggestedAction());
    assertThat(new MaestroException(FailureCode.CONFIG_ERROR, "  ").getMessage())
        .isEqualTo(FailureCode.CONFIG_ERROR.suggestedAction());
  }

  @Test
  @DisplayName("rateLimited records when the limit resets, which may be unknown")
  void rateLimited() {
    Instant reset = Instant.parse("2030-01-01T00:00:00Z");
    MaestroException e = MaestroException.rateLimited(FailureCode.API_QUOTA_EXHAUSTED, "quota", reset);
    assertThat(e.code()).isEqualTo(FailureCode.API_QUOTA_EXHAUSTED);
    assertThat(e.resetAt()).isEqualTo(reset);
    assertThat(MaestroException.rateLimited(FailureCode.API_RATE_LIMITED, "", null).resetAt()).isNull();
  }
}
