package io.maestro;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.maestro.fakes.FakeDeApi;
import io.maestro.fakes.FakeDeepSeek;
import io.maestro.jobs.JobMdc;
import io.maestro.testing.Eventually;
import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

@DisplayName("Logs: human-readable by default, JSON lines on request, job lines carry job_id and attempt, no secrets")
class LoggingTest {
  private static final String JWT_SECRET = "jwt-secret-4f1c9e7a2b6d8e0f3a5c7b9d1e2f4a6c";
  private static final String DEEPSEEK_KEY = "sk-deepseek-7d3b9a1c5e2f8a4b6c0d";
  private static final String DEAPI_KEY = "deapi-key-9c2e4a6b8d0f1a3c5e7b";
  private static final String METRICS_TOKEN = "metrics-token-5b7d9f1a3c5e7a9b";

  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
  private Level rootLevel;

  @BeforeEach
  void capture() {
    captured.setContext(root.getLoggerContext());
    captured.start();
    root.addAppender(captured);
    rootLevel = root.getLevel();
    root.setLevel(Level.DEBUG); // debug lines must not leak secrets either
  }

  @AfterEach
  void release() {
    root.setLevel(rootLevel);
    root.detachAppender(captured);
    captured.stop();
  }

  private String everything() {
    StringBuilder out = new StringBuilder();
    for (ILoggingEvent e : List.copyOf(captured.list)) {
      out.append(e.getLoggerName()).append(' ').append(e.getFormattedMessage()).append(' ')
          .append(e.getMDCPropertyMap()).append('\n');
      if (e.getThrowableProxy() != null) {
        out.append(ThrowableProxyUtil.asString(e.getThrowableProxy())).append('\n');
      }
    }
    return out.toString();
  }

  @Test
  @DisplayName("a run with a JWT secret, DeepSeek and deAPI keys and a metrics token logs none of them, nor any bearer token")
  void noSecretsInTheLog() throws Exception {
    Vertx fakes = Vertx.vertx();
    FakeDeepSeek deepseek = FakeDeepSeek.start(fakes);
    deepseek.then(FakeDeepSeek.rateLimited("0"), FakeDeepSeek.error(401, "authentication_error", "bad key"));
    FakeDeApi deapi = new FakeDeApi(fakes, DEAPI_KEY);
    try (TestApp app = TestApp.start(new JsonObject()
        .put("auth.jwtSecret", JWT_SECRET).put("metrics.token", METRICS_TOKEN)
        .put("textModel.provider", "deepseek").put("deepseek.apiKey", DEEPSEEK_KEY)
        .put("deepseek.baseUrl", deepseek.baseUrl()).put("deepseek.timeoutMs", 20_000)
        .put("deapi.apiKey", DEAPI_KEY).put("deapi.baseUrl", deapi.baseUrl()).put("deapi.pollIntervalMs", 20)
        .put("deapi.perMinute", 1000))) {
      JWTAuth issuer = JWTAuth.create(app.vertx, new JWTAuthOptions()
          .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(JWT_SECRET)));
      String token = issuer.generateToken(new JsonObject().put("sub", "log-user").put("role", "authenticated")
          .put("aud", "authenticated"), new JWTOptions().setExpiresInMinutes(10));
      JWTAuth forger = JWTAuth.create(app.vertx, new JWTAuthOptions()
          .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer("another-secret-another-secret-00")));
      String forged = forger.generateToken(new JsonObject().put("sub", "mallory"), new JWTOptions());

      assertThat(Http.call(app.http, HttpMethod.GET, "/jobs", forged, null).statusCode()).isEqualTo(401);
      assertThat(Http.call(app.http, HttpMethod.GET, "/jobs", token + "x", null).statusCode()).isEqualTo(401);
      assertThat(Http.call(app.http, HttpMethod.GET, "/metrics", "wrong-" + METRICS_TOKEN, null).statusCode())
          .isEqualTo(401);
      assertThat(Http.call(app.http, HttpMethod.GET, "/metrics", METRICS_TOKEN, null).statusCode()).isEqualTo(200);
      assertThat(Http.call(app.http, HttpMethod.GET, "/api/brands", token, null).statusCode()).isEqualTo(200);
      // the first DeepSeek call is a 429 (logged and waited out), the second a 401 (a failed proposal call)
      var burst = Http.call(app.http, HttpMethod.POST, "/api/maestro/trigger-burst?force=true", token,
          "{\"posts\":1,\"reels\":0,\"brands\":[\"healthycollege\"]}");
      assertThat(burst.statusCode()).as(burst.bodyAsString()).isEqualTo(200);
      var job = Http.call(app.http, HttpMethod.POST, "/jobs/create", token, new JsonObject().put("title", "Logged job")
          .put("variant", "post").put("brands", new JsonArray().add("healthycollege")).encode());
      assertThat(job.statusCode()).as(job.bodyAsString()).isEqualTo(200);
      Eventually.await("the job to finish", Duration.ofSeconds(90), () -> app.count(
          "SELECT count(*) FROM jobs WHERE title = 'Logged job' AND status IN ('completed', 'failed')"), n -> n == 1);
      Eventually.await("the burst to finish", Duration.ofSeconds(60),
          () -> app.count("SELECT count(*) FROM settings WHERE key = 'burst_lock'"), n -> n == 0);
      assertThat(deapi.accepted.get()).as("deAPI was really called with its key").isGreaterThan(0);
      assertThat(deepseek.requests()).as("DeepSeek was really called with its key").isNotEmpty();
    } finally {
      deepseek.close();
      deapi.close();
      fakes.close().await(10, TimeUnit.SECONDS);
    }
    String log = everything();
    assertThat(log).contains("HTTP API listening"); // the capture saw the run
    assertThat(log).doesNotContain(JWT_SECRET, DEEPSEEK_KEY, DEAPI_KEY, METRICS_TOKEN, "eyJ");
  }

  @Test
  @DisplayName("lines about a job, from the worker running it and from the dispatcher rescuing it, carry job_id and attempt")
  void jobLinesCarryJobIdAndAttempt() throws Exception {
    org.slf4j.Logger renderLog = LoggerFactory.getLogger("io.maestro.test.LoggingRenderer");
    try (TestApp app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0))) {
      app.deployWorkers(config -> Map.of("post", (context, brand) -> {
        renderLog.info("rendering {}", brand);
        return new JsonObject();
      }), 1);
      var created = Http.post(app.http, "/jobs/create", new JsonObject().put("title", "MDC job").put("variant", "post")
          .put("brands", new JsonArray().add("healthycollege")));
      String jobId = created.bodyAsJsonObject().getString("job_id");
      // a running job whose node vanished: the dispatcher rescues it and says so
      String lost = Rows.one(app, "INSERT INTO jobs (user_id, title, variant, brands, status, attempt, lease_owner,"
          + " lease_expires_at, claimed_at, started_at) VALUES ('local', 'lost', 'post', '[\"healthycollege\"]',"
          + " 'generating', 1, 'gone-node', now() - interval '1 minute', now(), now()) RETURNING job_id");

      ILoggingEvent rendered = Eventually.await("the worker's line", Duration.ofSeconds(30), () -> find(
          "io.maestro.test.LoggingRenderer", jobId), e -> e != null);
      assertThat(rendered.getMDCPropertyMap()).containsEntry(JobMdc.JOB_ID, jobId).containsEntry(JobMdc.ATTEMPT, "1");
      ILoggingEvent rescued = Eventually.await("the dispatcher's rescue line", Duration.ofSeconds(30), () -> find(
          "io.maestro.jobs.Leases", lost), e -> e != null);
      assertThat(rescued.getFormattedMessage()).startsWith("Rescued " + lost);
      assertThat(rescued.getMDCPropertyMap()).containsEntry(JobMdc.JOB_ID, lost).containsEntry(JobMdc.ATTEMPT, "1");
    }
    assertThat(captured.list).as("the MDC does not stick to unrelated lines")
        .filteredOn(e -> e.getFormattedMessage().startsWith("HTTP API listening"))
        .allSatisfy(e -> assertThat(e.getMDCPropertyMap()).doesNotContainKey(JobMdc.JOB_ID));
  }

  private ILoggingEvent find(String logger, String jobId) {
    return List.copyOf(captured.list).stream().filter(e -> e.getLoggerName().equals(logger))
        .filter(e -> jobId.equals(e.getMDCPropertyMap().get(JobMdc.JOB_ID))).findFirst().orElse(null);
  }

  @Test
  @DisplayName("logback.xml: text by default with [job_id#attempt]; MAESTRO_LOG_FORMAT=json gives one JSON object per line")
  void formats() throws Exception {
    String text = render(null);
    assertThat(text).contains("INFO").contains("io.maestro.test.Format").contains("- [GEN-000123#2] GEN-000123 claimed")
        .contains("no job here").doesNotContain("[#]");
    assertThat(text.lines().filter(l -> l.contains("no job here")).findFirst().orElseThrow()).endsWith(" - no job here");

    String json = render("json");
    List<JsonObject> lines = json.lines().filter(l -> !l.isBlank()).map(JsonObject::new).toList();
    assertThat(lines).hasSize(2);
    JsonObject job = lines.get(0);
    assertThat(job.getString("level")).isEqualTo("INFO");
    assertThat(job.getString("loggerName")).isEqualTo("io.maestro.test.Format");
    assertThat(job.getString("formattedMessage")).isEqualTo("GEN-000123 claimed");
    assertThat(job.getJsonObject("mdc").getString("job_id")).isEqualTo("GEN-000123");
    assertThat(job.getJsonObject("mdc").getString("attempt")).isEqualTo("2");
    assertThat(lines.get(1).getString("formattedMessage")).isEqualTo("no job here");
  }

  /** Configures a separate logback context from the shipped logback.xml and returns what it writes to stdout. */
  private static String render(String format) throws Exception {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(MDC.getMDCAdapter()); // the MDC that JobMdc writes to
    if (format != null) {
      context.putProperty("MAESTRO_LOG_FORMAT", format);
    }
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(LoggingTest.class.getResource("/logback.xml"));
      org.slf4j.Logger log = context.getLogger("io.maestro.test.Format");
      try (JobMdc mdc = JobMdc.of("GEN-000123", 2)) {
        log.info("{} claimed", "GEN-000123");
      }
      log.info("no job here");
    } finally {
      context.stop();
      System.setOut(original);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** One value of a one-row query. */
  private static final class Rows {
    static String one(TestApp app, String sql) throws Exception {
      return String.valueOf(io.maestro.testing.Rows.of(app, sql).get(0).values().iterator().next());
    }
  }
}
