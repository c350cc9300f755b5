package io.maestro.examiner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Verdict: 0.35 / 0.35 / 0.30 weights; ≥ 6.0 accepts, 4.5–5.99 rejects, < 4.5 hard-rejects")
class VerdictTest {

  @ParameterizedTest(name = "fit {0}, engagement {1}, quality {2} → {3} ({4})")
  @CsvSource({
      "6, 6, 6, 6.0, accept",
      "10, 2, 6, 6.0, accept",
      "5.99, 5.99, 5.99, 5.99, reject",
      "4.5, 4.5, 4.5, 4.5, reject",
      "4.49, 4.49, 4.49, 4.49, hard_reject",
      "0, 0, 0, 0.0, hard_reject",
      "10, 10, 10, 10.0, accept"})
  @DisplayName("the composite and its verdict")
  void composite(double fit, double engagement, double quality, double composite, String verdict) {
    Verdict v = Verdict.of(new JsonObject().put("avatar_fit", fit).put("engagement_potential", engagement)
        .put("content_quality", quality).put("verdict", "accept"));
    assertThat(v.composite()).isEqualTo(composite);
    assertThat(v.verdict()).isEqualTo(verdict);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{\"engagement_potential\":5,\"content_quality\":5}",
      "{\"avatar_fit\":11,\"engagement_potential\":5,\"content_quality\":5}",
      "{\"avatar_fit\":\"high\",\"engagement_potential\":5,\"content_quality\":5}"})
  @DisplayName("a missing or out-of-range score is a content_error, never a guessed pass")
  void invalidScores(String answer) {
    assertThatThrownBy(() -> Verdict.of(new JsonObject(answer))).isInstanceOf(MaestroException.class)
        .satisfies(e -> assertThat(((MaestroException) e).code()).isEqualTo(FailureCode.CONTENT_ERROR));
  }
}
