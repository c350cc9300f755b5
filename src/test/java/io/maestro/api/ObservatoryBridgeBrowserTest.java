package io.maestro.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.maestro.jobs.ScriptedRenderer;
import io.maestro.logging.Redaction;
import io.maestro.logging.RedactingPatternLayoutEncoder;
import io.maestro.testing.Chromium;
import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.LoggerFactory;

/**
 * The Observatory in a browser without WebSocket (as behind a proxy that blocks it): SockJS falls back to its xhr
 * transports, which need the bridge's xhr_send to work. JWT mode, the token in the page URL as users open it — so
 * the same run is also the browser session whose log must hold no token.
 */
@DisplayName("Observatory without WebSocket (xhr-streaming, xhr-polling) in headless Chromium: a job goes live to "
    + "completed; an expired token closes the socket with \"session expired, sign in again\"; no token in the log")
class ObservatoryBridgeBrowserTest {
  private static final String SECRET = "observatory-bridge-secret-long-enough";
  private static TestApp app;
  private static JWTAuth issuer;
  private static ChromeDriver browser;
  private static final Logger ROOT = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();
  private static Level rootLevel;

  @BeforeAll
  static void start() throws Exception {
    LOG.setContext(ROOT.getLoggerContext());
    LOG.start();
    ROOT.addAppender(LOG);
    rootLevel = ROOT.getLevel();
    ROOT.setLevel(Level.DEBUG); // debug lines must not carry a token either
    ScriptedRenderer.reset();
    app = TestApp.start(new JsonObject().put("auth.jwtSecret", SECRET).put("jobs.workerInstances", 0));
    app.deployWorkers(ScriptedRenderer::all, 1);
    issuer = JWTAuth.create(app.vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
    browser = Chromium.start();
    // a browser without WebSocket: SockJS sees no WebSocket constructor and takes the next transport
    browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument",
        Map.of("source", "delete window.WebSocket; window.WebSocket = undefined;"));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (browser != null) {
        browser.quit();
      }
      if (app != null) {
        app.close();
      }
    } finally {
      ROOT.setLevel(rootLevel);
      ROOT.detachAppender(LOG);
      LOG.stop();
    }
    assertNoTokenLogged();
  }

  /**
   * Every line the browser sessions caused, as the shipped encoder writes it, holds no JWT; and the access log and
   * the bridge redact on their own (at INFO, what runs by default), not only by the encoder's last line of defence.
   */
  private static void assertNoTokenLogged() {
    RedactingPatternLayoutEncoder encoder = new RedactingPatternLayoutEncoder();
    encoder.setContext(ROOT.getLoggerContext());
    encoder.setPattern("%logger %msg %mdc%n%ex");
    encoder.start();
    List<ILoggingEvent> events = List.copyOf(LOG.list);
    assertThat(events).as("the capture saw the sessions' access log")
        .anyMatch(e -> e.getFormattedMessage().contains("/eventbus/") && e.getFormattedMessage().contains("token="));
    for (ILoggingEvent e : events) {
      String line = new String(encoder.encode(e), StandardCharsets.UTF_8);
      assertThat(Redaction.JWT.matcher(line).find()).as("a JWT in the log line %s", Redaction.JWT.matcher(line).replaceAll("<JWT here>"))
          .isFalse();
      if (e.getLevel().isGreaterOrEqual(Level.INFO)) {
        assertThat(e.getFormattedMessage()).as("an INFO+ line as logged, before the encoder").doesNotContain("eyJ");
      }
    }
  }

  private static String token(String user, long expSeconds) {
    return issuer.generateToken(new JsonObject().put("sub", user).put("exp", expSeconds)
        .put("iat", System.currentTimeMillis() / 1000), new JWTOptions().setNoTimestamp(true));
  }

  private static Object js(String script, Object... args) {
    return ((JavascriptExecutor) browser).executeScript(script, args);
  }

  private static WebDriverWait waiting(int seconds) {
    return new WebDriverWait(browser, Duration.ofSeconds(seconds), Duration.ofMillis(100));
  }

  private static void open(String query) {
    browser.get("http://127.0.0.1:" + app.port + "/" + query);
    waiting(90).withMessage("the bridge to connect")
        .until(d -> Boolean.TRUE.equals(js("return !!(window.observatory && window.observatory.connected)")));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"xhr-streaming", "xhr-polling"})
  @DisplayName("with WebSocket gone (and ?transports= naming the xhr transport) the bridge connects over xhr and the "
      + "user's job goes live to completed without a reload")
  void jobGoesLiveWithoutWebSocket(String transport) throws Exception {
    String user = "carol-" + transport;
    String token = token(user, System.currentTimeMillis() / 1000 + 600);
    // xhr-streaming is what SockJS falls back to by itself; xhr-polling is chosen with the transports option
    open("?token=" + token + (transport.equals("xhr-polling") ? "&transports=xhr-polling" : ""));
    assertThat(js("return typeof window.WebSocket")).isEqualTo("undefined");
    assertThat(js("return window.observatory.eventBus.sockJSConn.transport")).isEqualTo(transport);
    js("window.__sameDocument = 'yes'; window.__updates = [];"
        + "window.observatory.listeners.push(u => window.__updates.push(u.job_id + ' ' + u.status))");

    var created = Http.call(app.http, HttpMethod.POST, "/jobs/create", token, new JsonObject()
        .put("title", "slow:300 live over " + transport).put("variant", "post")
        .put("brands", new JsonArray().add("healthycollege")).encode());
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
    String jobId = created.bodyAsJsonObject().getString("job_id");

    waiting(120).withMessage(() -> jobId + " completed, heard over " + transport + "; heard: " + js("return window.__updates"))
        .until(d -> ((List<?>) js("return window.__updates")).contains(jobId + " completed"));
    waiting(60).withMessage("the completed row on the board")
        .until(d -> !d.findElements(By.cssSelector("#job-list .job[data-job-id='" + jobId + "'][data-status='completed']"))
            .isEmpty());
    assertThat(js("return window.__sameDocument")).isEqualTo("yes");
    assertThat(js("return window.observatory.eventBus.sockJSConn.transport")).as("still on the same transport")
        .isEqualTo(transport);
  }

  @Test
  @DisplayName("at the token's exp the socket is closed and the page shows \"session expired, sign in again\" instead "
      + "of reconnecting")
  void expiredTokenShowsSessionExpired() throws Exception {
    long exp = System.currentTimeMillis() / 1000 + 20;
    open("?token=" + token("dave", exp));
    waiting(60).withMessage("the session-expired banner")
        .until(d -> d.findElement(By.id("banner")).isDisplayed()
            && d.findElement(By.id("banner")).getText().equals(EventBusBridge.EXPIRED_REASON));
    assertThat(System.currentTimeMillis()).as("not before the token's exp").isGreaterThanOrEqualTo(exp * 1000);
    assertThat(js("return window.observatory.expired")).isEqualTo(true);
    Thread.sleep(3_000); // longer than the reconnect delay: no new socket comes up with the dead token
    assertThat(js("return window.observatory.connected")).isEqualTo(false);
    assertThat(browser.findElement(By.id("banner")).getText()).isEqualTo(EventBusBridge.EXPIRED_REASON);
  }
}
