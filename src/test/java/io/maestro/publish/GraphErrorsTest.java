package io.maestro.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("GraphErrors: the Graph API error envelope in the shared taxonomy")
class GraphErrorsTest {
  private static MaestroException classify(int status, int code, int subcode, MultiMap headers) {
    JsonObject error = new JsonObject().put("message", "m").put("type", "OAuthException").put("code", code)
        .put("fbtrace_id", "t");
    if (subcode != 0) {
      error.put("error_subcode", subcode);
    }
    return GraphErrors.classify("instagram", status, new JsonObject().put("error", error), headers,
        "https://cdn.example/media/a.png");
  }

  @DisplayName("code → category")
  @ParameterizedTest(name = "HTTP {0}, code {1}/{2} → {3}")
  @CsvSource({"400,190,0,publish_auth", "400,190,463,publish_auth", "403,4,0,api_rate_limited",
      "403,17,0,api_rate_limited", "403,32,0,api_rate_limited", "403,613,0,api_rate_limited",
      "400,80002,0,api_rate_limited", "400,9,2207042,api_quota_exhausted", "400,9004,2207052,publish_media_fetch",
      "400,324,0,publish_media_fetch", "500,2,0,api_error", "500,1,0,api_error", "400,100,0,publish_rejected"})
  void categories(int status, int code, int subcode, String category) {
    assertThat(classify(status, code, subcode, null).code().category()).isEqualTo(category);
  }

  @Test
  @DisplayName("media fetch names the URL; throttling takes its reset from X-Business-Use-Case-Usage; no body is 5xx"
      + " → api_error")
  void details() {
    assertThat(classify(400, 9004, 2207052, null).getMessage()).contains("https://cdn.example/media/a.png");
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("X-Business-Use-Case-Usage",
        "{\"1\":[{\"type\":\"pages\",\"estimated_time_to_regain_access\":5}]}");
    Instant reset = classify(403, 32, 0, headers).resetAt();
    assertThat(reset).isBetween(Instant.now().plusSeconds(240), Instant.now().plusSeconds(360));
    assertThat(GraphErrors.classify("facebook", 502, null, null, null).code()).isEqualTo(FailureCode.API_ERROR);
  }
}
