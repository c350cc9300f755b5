package io.maestro.failure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("FailureCode: the shared, persisted failure taxonomy")
class FailureCodeTest {

  @Test
  @DisplayName("numeric codes are unique")
  void codesUnique() {
    assertThat(Arrays.stream(FailureCode.values()).map(FailureCode::code)).doesNotHaveDuplicates();
  }

  @Test
  @DisplayName("categories are unique")
  void categoriesUnique() {
    assertThat(Arrays.stream(FailureCode.values()).map(FailureCode::category)).doesNotHaveDuplicates();
  }

  @DisplayName("fromCode and fromCategory return the code they were given")
  @ParameterizedTest(name = "{0}")
  @EnumSource(FailureCode.class)
  void roundTrip(FailureCode code) {
    assertThat(FailureCode.fromCode(code.code())).contains(code);
    assertThat(FailureCode.fromCategory(code.category())).contains(code);
  }

  @Test
  @DisplayName("unknown codes and categories, and a null category, are empty rather than an error")
  void unknownLookups() {
    assertThat(FailureCode.fromCode(42)).isEmpty();
    assertThat(FailureCode.fromCategory("nope")).isEmpty();
    assertThat(FailureCode.fromCategory(null)).isEmpty();
  }

  @DisplayName("every category the issue lists exists")
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "job_timeout", "ffmpeg_encoder", "ffmpeg_resource", "ffmpeg_memory", "ffmpeg_other", "api_error",
      "api_rate_limited", "api_quota_exhausted", "api_auth", "image_generation_error", "storage_error",
      "content_error", "file_not_found", "config_error", "dispatch_no_worker", "reply_timeout", "worker_lost",
      "queued_too_long", "unknown"})
  void listedCategoryExists(String category) {
    assertThat(FailureCode.fromCategory(category)).isPresent();
  }

  @DisplayName("failures a retry cannot fix are not retryable")
  @ParameterizedTest(name = "{0}")
  @EnumSource(value = FailureCode.class, names = {"CONTENT_ERROR", "FILE_NOT_FOUND", "CONFIG_ERROR", "API_AUTH"})
  void notRetryable(FailureCode code) {
    assertThat(code.retryable()).isFalse();
  }

  @DisplayName("every code has a suggested action")
  @ParameterizedTest(name = "{0}")
  @EnumSource(FailureCode.class)
  void suggestedAction(FailureCode code) {
    assertThat(code.suggestedAction()).isNotBlank();
  }
}
