package io.maestro.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.maestro.testing.Chromium;
import io.maestro.testing.DbChecksum;
import io.maestro.testing.Eventually;
import io.maestro.testing.TestApp;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.LoggerFactory;

/**
 * Local mode (no JWT, one local user) attacked from a real browser: a page of another origin — another loopback
 * port — sends the "simple" cross-site requests a browser sends without a preflight, and a page reached under a
 * foreign host name that resolves to 127.0.0.1 (what DNS rebinding gives an attacker) tries to read and write the
 * API as if same-origin. The browser really sends them (the access log shows each answered 403); nothing changes.
 */
@DisplayName("Local mode from a browser: a page on another loopback origin and a rebound host name are refused and "
    + "change nothing; the Observatory's own origin still works")
class ObservatoryCrossOriginBrowserTest {
  private static final String REBOUND = "rebind.test";
  private static TestApp app;
  private static Vertx evilVertx;
  private static HttpServer evil;
  private static ChromeDriver browser;
  private static final Logger ROOT = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();

  @BeforeAll
  static void start() throws Exception {
    LOG.setContext(ROOT.getLoggerContext());
    LOG.start();
    ROOT.addAppender(LOG);
    app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0));
    evilVertx = Vertx.vertx();
    evil = evilVertx.createHttpServer().requestHandler(req -> req.response()
        .putHeader("Content-Type", "text/html; charset=utf-8").end(evilPage(app.port)))
        .listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS);
    // the rebound name resolves to this machine, as the attacker's DNS makes it after the page has loaded
    browser = Chromium.start("--host-resolver-rules=MAP " + REBOUND + " 127.0.0.1");
  }

  @AfterAll
  static void stop() throws Exception {
    ROOT.detachAppender(LOG);
    LOG.stop();
    if (browser != null) {
      browser.quit();
    }
    if (evilVertx != null) {
      evilVertx.close().await(10, TimeUnit.SECONDS);
    }
    if (app != null) {
      app.close();
    }
  }

  /**
   * What any web page can do to a server on 127.0.0.1: text/plain fetches (no preflight, response opaque), a
   * text/plain form whose field name is a JSON body, and a CORS read.
   */
  private static String evilPage(int port) {
    String target = "http://127.0.0.1:" + port;
    String burst = "{\"posts\":1,\"reels\":0,\"brands\":[\"healthycollege\"]}";
    String job = "{\"title\":\"from evil\",\"variant\":\"post\",\"brands\":[\"healthycollege\"]}";
    return """
        <!doctype html><html><head><title>evil</title></head><body>
        <iframe name="sink" hidden></iframe>
        <form id="csrf" method="POST" enctype="text/plain" target="sink" action="%1$s/jobs/create">
          <input name='{"title":"form from evil","variant":"post","brands":["healthycollege"],"x":"' value='"}'>
        </form>
        <script>
          window.__results = {};
          async function attempt(name, path, init) {
            try {
              const r = await fetch('%1$s' + path, init);
              window.__results[name] = r.type + ' ' + r.status;
            } catch (e) {
              window.__results[name] = 'error ' + e.name;
            }
          }
          (async () => {
            const plain = (body) => ({ method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body });
            await attempt('burst', '/api/maestro/trigger-burst?force=true', plain('%2$s'));
            await attempt('create', '/jobs/create', plain('%3$s'));
            await attempt('read', '/jobs', {});
            document.getElementById('csrf').submit();
            window.__done = true;
          })();
        </script></body></html>
        """.formatted(target, burst.replace("'", "\\'"), job.replace("'", "\\'"));
  }

  private static Object js(String script, Object... args) {
    return ((JavascriptExecutor) browser).executeScript(script, args);
  }

  private static Object asyncJs(String script, Object... args) {
    return ((JavascriptExecutor) browser).executeAsyncScript(script, args);
  }

  /** From the current page: one fetch, answered as "status body" (or "error name"). */
  private static String fetch(String method, String path, String body) {
    return (String) asyncJs("""
        const done = arguments[arguments.length - 1];
        const init = { method: arguments[0] };
        if (arguments[2] !== null) { init.headers = { 'Content-Type': 'application/json' }; init.body = arguments[2]; }
        fetch(arguments[1], init).then(r => r.text().then(t => done(r.status + ' ' + t)))
          .catch(e => done('error ' + e.name));
        """, method, path, body);
  }

  /** Access-log lines of this test (from the mark on) that start with {@code start}. */
  private static List<String> accessLog(int mark, String start) {
    List<ILoggingEvent> all = List.copyOf(LOG.list);
    return all.subList(mark, all.size()).stream().map(ILoggingEvent::getFormattedMessage)
        .filter(m -> m.startsWith(start)).toList();
  }

  @Test
  @DisplayName("a page on 127.0.0.1:<other port> posts text/plain to trigger-burst and jobs/create (fetch and form): "
      + "each reaches Maestro and is answered 403, it cannot read /jobs, and nothing changes")
  void crossOriginPageIsRefused() throws Exception {
    Map<String, String> before = DbChecksum.of(app.dbUrl, null);
    int mark = LOG.list.size();
    browser.get("http://127.0.0.1:" + evil.actualPort() + "/");
    new WebDriverWait(browser, Duration.ofSeconds(60)).withMessage("the evil page's requests")
        .until(d -> Boolean.TRUE.equals(js("return window.__done === true")));
    @SuppressWarnings("unchecked")
    Map<String, Object> results = (Map<String, Object>) js("return window.__results");
    // no-cors: the browser sent them and shows the page nothing of the answer
    assertThat(results.get("burst")).isEqualTo("opaque 0");
    assertThat(results.get("create")).isEqualTo("opaque 0");
    assertThat(results.get("read")).as("no CORS grant to a foreign origin").isEqualTo("error TypeError");
    // what the server answered, from its access log: the requests arrived and were refused
    Eventually.await("the burst request in the access log", Duration.ofSeconds(30),
        () -> accessLog(mark, "POST /api/maestro/trigger-burst"), l -> !l.isEmpty());
    Eventually.await("the fetch and the form in the access log", Duration.ofSeconds(30),
        () -> accessLog(mark, "POST /jobs/create"), l -> l.size() >= 2);
    assertThat(accessLog(mark, "POST /api/maestro/trigger-burst")).allMatch(l -> l.contains(" 403 "));
    assertThat(accessLog(mark, "POST /jobs/create")).allMatch(l -> l.contains(" 403 "));
    assertThat(DbChecksum.of(app.dbUrl, null)).as("nothing changed").isEqualTo(before);
  }

  @Test
  @DisplayName("under a foreign host name that resolves to 127.0.0.1 (DNS rebinding) the page, GET /jobs and a "
      + "same-origin JSON POST are all 403 host_not_allowed and nothing changes; the Observatory's own origin creates "
      + "a job as always")
  void reboundHostIsRefused() throws Exception {
    Map<String, String> before = DbChecksum.of(app.dbUrl, null);
    String rebound = "http://" + REBOUND + ":" + app.port;
    browser.get(rebound + "/");
    assertThat(browser.getPageSource()).contains("host_not_allowed").doesNotContain("Observatory");
    String read = fetch("GET", "/jobs", null);
    assertThat(read).startsWith("403 ").contains("host_not_allowed").doesNotContain("\"jobs\"");
    String job = "{\"title\":\"rebound\",\"variant\":\"post\",\"brands\":[\"healthycollege\"]}";
    assertThat(fetch("POST", "/jobs/create", job)).startsWith("403 ");
    assertThat(fetch("POST", "/api/maestro/trigger-burst?force=true",
        "{\"posts\":1,\"reels\":0,\"brands\":[\"healthycollege\"]}")).startsWith("403 ");
    assertThat(DbChecksum.of(app.dbUrl, null)).as("nothing changed").isEqualTo(before);

    // the control: the same browser, the same request, from the Observatory's own origin
    browser.get("http://127.0.0.1:" + app.port + "/");
    String created = fetch("POST", "/jobs/create", job);
    assertThat(created).startsWith("200 ").contains("job_id");
    assertThat(app.count("SELECT count(*) FROM jobs WHERE title = 'rebound'")).isEqualTo(1);
  }
}
