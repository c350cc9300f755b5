package io.maestro.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.fakes.FakeDeApi;
import io.maestro.fakes.FakeDeepSeek;
import io.maestro.testing.Eventually;
import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("GET /metrics: Prometheus text with Maestro's job, queue, healer and external API meters and Vert.x's own")
class MetricsTest {
  private static final String BURST = "{\"posts\":1,\"reels\":0,\"brands\":[\"healthycollege\"]}";
  private static Vertx fakes;
  private static FakeDeepSeek deepseek;
  private static FakeDeApi deapi;
  private static TestApp app;
  private static String scrape;

  @BeforeAll
  static void burst() throws Exception {
    fakes = Vertx.vertx();
    deepseek = FakeDeepSeek.start(fakes);
    deepseek.then(FakeDeepSeek.rateLimited("0")); // the first DeepSeek call is a 429, waited out
    deapi = new FakeDeApi(fakes, "deapi-key");
    app = TestApp.start(new JsonObject()
        .put("metrics.refreshMs", 100)
        .put("textModel.provider", "deepseek").put("deepseek.apiKey", "sk-fake")
        .put("deepseek.baseUrl", deepseek.baseUrl()).put("deepseek.timeoutMs", 20_000)
        .put("deapi.apiKey", "deapi-key").put("deapi.baseUrl", deapi.baseUrl()).put("deapi.pollIntervalMs", 20)
        .put("deapi.perMinute", 1000).put("deapi.perDay", 50));
    var reply = Http.call(app.http, HttpMethod.POST, "/api/maestro/trigger-burst?force=true", null, BURST);
    assertThat(reply.statusCode()).as(reply.bodyAsString()).isEqualTo(200);
    Eventually.await("the burst's post job to complete", Duration.ofSeconds(90),
        () -> app.count("SELECT count(*) FROM jobs WHERE status = 'completed'"), n -> n == 1);
    // a failed job the healer retries, so the retry and cycle meters have something to count
    app.execute("INSERT INTO jobs (user_id, title, variant, brands, status, error_code, error_category, error_message,"
        + " attempt, completed_at) VALUES ('local', 'flaky', 'post', '[\"healthycollege\"]', 'failed', 1006,"
        + " 'api_error', 'deAPI answered 503', 1, now())");
    var healing = Http.post(app.http, "/api/maestro/trigger-healing", null);
    assertThat(healing.statusCode()).as(healing.bodyAsString()).isEqualTo(200);
    scrape = Eventually.await("the gauges to see the completed job", Duration.ofSeconds(30),
        () -> Http.get(app.http, "/metrics").bodyAsString(),
        text -> value(text, "maestro_jobs", "status=\"completed\"", "variant=\"post\"") >= 1);
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
    deepseek.close();
    deapi.close();
    fakes.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("is served without a user token in the Prometheus text format")
  void format() throws Exception {
    var response = Http.get(app.http, "/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).startsWith("text/plain");
    assertThat(response.bodyAsString()).contains("# TYPE maestro_job_duration_seconds histogram");
  }

  @Test
  @DisplayName("jobs by status, variant and category, queue depth and the age of the oldest due job")
  void jobGauges() {
    assertThat(value(scrape, "maestro_jobs", "status=\"completed\"", "variant=\"post\"", "category=\"none\""))
        .isEqualTo(1);
    assertThat(value(scrape, "maestro_queue_depth")).isBetween(0.0, 1.0);
    assertThat(value(scrape, "maestro_queue_oldest_pending_age_seconds")).isGreaterThanOrEqualTo(0);
  }

  @Test
  @DisplayName("dispatch latency and job duration are histograms in seconds with the burst's job counted")
  void histograms() {
    assertThat(value(scrape, "maestro_job_dispatch_latency_seconds_count", "variant=\"post\"")).isGreaterThanOrEqualTo(1);
    assertThat(value(scrape, "maestro_job_dispatch_latency_seconds_sum", "variant=\"post\"")).isGreaterThanOrEqualTo(0);
    assertThat(value(scrape, "maestro_job_duration_seconds_count", "variant=\"post\"", "outcome=\"completed\""))
        .isEqualTo(1);
    double seconds = value(scrape, "maestro_job_duration_seconds_sum", "variant=\"post\"", "outcome=\"completed\"");
    assertThat(seconds).isGreaterThan(0).isLessThan(90);
    assertThat(value(scrape, "maestro_job_duration_seconds_bucket", "outcome=\"completed\"", "le=\"+Inf\""))
        .isEqualTo(1);
  }

  @Test
  @DisplayName("healer cycles, their duration and the retries they scheduled, by category")
  void healer() {
    assertThat(value(scrape, "maestro_healer_cycles_total", "outcome=\"completed\"")).isGreaterThanOrEqualTo(1);
    assertThat(value(scrape, "maestro_healer_cycle_duration_seconds_count")).isGreaterThanOrEqualTo(1);
    assertThat(value(scrape, "maestro_healer_retries_total", "category=\"api_error\"")).isEqualTo(1);
  }

  @Test
  @DisplayName("external API calls by service and outcome, 429s included, and the deAPI budget left today")
  void externalApis() {
    assertThat(value(scrape, "maestro_external_api_calls_total", "service=\"deepseek\"", "outcome=\"rate_limited\""))
        .isEqualTo(1);
    assertThat(value(scrape, "maestro_external_api_calls_total", "service=\"deepseek\"", "outcome=\"success\""))
        .isGreaterThanOrEqualTo(2); // proposal and examination
    assertThat(value(scrape, "maestro_external_api_calls_total", "service=\"deapi\"", "outcome=\"success\""))
        .isGreaterThanOrEqualTo(3); // submit, poll(s), download
    assertThat(value(scrape, "maestro_deapi_daily_budget_remaining")).isEqualTo(50 - deapi.accepted.get());
  }

  @Test
  @DisplayName("Vert.x's own HTTP server meters are there too, its per-message event-bus meters are not")
  void vertxMeters() {
    assertThat(value(scrape, "vertx_http_server_requests_total")).isGreaterThan(0);
    assertThat(scrape).doesNotContain("vertx_eventbus_");
  }

  @Test
  @DisplayName("with metrics.token set, a scrape without that bearer token is refused with a JSON 401")
  void token() throws Exception {
    try (TestApp guarded = TestApp.start(new JsonObject().put("metrics.token", "scrape-secret"))) {
      var anonymous = Http.get(guarded.http, "/metrics");
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("unauthorized");
      assertThat(Http.call(guarded.http, HttpMethod.GET, "/metrics", "wrong", null).statusCode()).isEqualTo(401);
      var scraper = Http.call(guarded.http, HttpMethod.GET, "/metrics", "scrape-secret", null);
      assertThat(scraper.statusCode()).isEqualTo(200);
      assertThat(scraper.bodyAsString()).contains("maestro_queue_depth");
    }
  }

  /** Sum of the samples of {@code name} whose labels contain every fragment; -1 when there is none. */
  static double value(String text, String name, String... labels) {
    Pattern line = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)", Pattern.MULTILINE);
    Matcher m = line.matcher(text);
    List<Double> values = new ArrayList<>();
    while (m.find()) {
      String found = m.group(1) == null ? "" : m.group(1);
      boolean all = true;
      for (String label : labels) {
        all &= found.contains(label);
      }
      if (all) {
        values.add(Double.parseDouble(m.group(2)));
      }
    }
    return values.isEmpty() ? -1 : values.stream().mapToDouble(Double::doubleValue).sum();
  }
}
