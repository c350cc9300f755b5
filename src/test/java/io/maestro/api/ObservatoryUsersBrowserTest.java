package io.maestro.api;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

@DisplayName("Observatory with JWT auth in two headless Chromiums: each user's browser sees only its own jobs, live")
class ObservatoryUsersBrowserTest {
  private static final String SECRET = "observatory-users-secret-long-enough";

  @Test
  @DisplayName("alice's new job appears live on alice's board and never reaches bob's browser; without a token the page says so")
  void usersAreIsolated() throws Exception {
    try (TestApp app = TestApp.start(new JsonObject().put("auth.jwtSecret", SECRET).put("jobs.workerInstances", 0))) {
      JWTAuth issuer = JWTAuth.create(app.vertx, new JWTAuthOptions()
          .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
      String alice = issuer.generateToken(new JsonObject().put("sub", "alice"), new JWTOptions().setExpiresInMinutes(10));
      String bob = issuer.generateToken(new JsonObject().put("sub", "bob"), new JWTOptions().setExpiresInMinutes(10));
      ChromeDriver aliceBrowser = Chromium.start();
      ChromeDriver bobBrowser = Chromium.start();
      try {
        open(aliceBrowser, app.port, "?token=" + alice);
        open(bobBrowser, app.port, "?token=" + bob);
        js(bobBrowser, "window.__heard = []; window.observatory.listeners.push(u => window.__heard.push(u.job_id))");
        js(aliceBrowser, "window.__heard = []; window.observatory.listeners.push(u => window.__heard.push(u.job_id))");

        var created = Http.call(app.http, HttpMethod.POST, "/jobs/create", alice, new JsonObject()
            .put("title", "alice's").put("variant", "post").put("brands", new JsonArray().add("healthycollege")).encode());
        String aliceJob = created.bodyAsJsonObject().getString("job_id");
        new WebDriverWait(aliceBrowser, Duration.ofSeconds(60)).withMessage("alice's job on alice's board")
            .until(d -> !d.findElements(By.cssSelector("#job-list .job[data-job-id='" + aliceJob + "']")).isEmpty());
        // bob's own job is the marker: once bob's browser hears it, alice's earlier update would have arrived too
        var bobCreated = Http.call(app.http, HttpMethod.POST, "/jobs/create", bob, new JsonObject()
            .put("title", "bob's").put("variant", "post").put("brands", new JsonArray().add("healthycollege")).encode());
        String bobJob = bobCreated.bodyAsJsonObject().getString("job_id");
        new WebDriverWait(bobBrowser, Duration.ofSeconds(60)).withMessage("bob's job on bob's board")
            .until(d -> !d.findElements(By.cssSelector("#job-list .job[data-job-id='" + bobJob + "']")).isEmpty());
        assertThat(js(bobBrowser, "return window.__heard")).asList().contains(bobJob).doesNotContain(aliceJob);
        assertThat(bobBrowser.findElements(By.cssSelector("#job-list .job[data-job-id='" + aliceJob + "']"))).isEmpty();
        assertThat(js(aliceBrowser, "return window.__heard")).asList().contains(aliceJob).doesNotContain(bobJob);

        js(bobBrowser, "localStorage.clear()");
        bobBrowser.get("http://127.0.0.1:" + app.port + "/");
        new WebDriverWait(bobBrowser, Duration.ofSeconds(60)).withMessage("the not-signed-in banner")
            .until(d -> d.findElement(By.id("banner")).isDisplayed()
                && d.findElement(By.id("banner")).getText().contains("not signed in"));
        assertThat(bobBrowser.findElements(By.cssSelector("#job-list .job"))).isEmpty();
      } finally {
        aliceBrowser.quit();
        bobBrowser.quit();
      }
    }
  }

  private static void open(ChromeDriver browser, int port, String query) {
    browser.get("http://127.0.0.1:" + port + "/" + query);
    new WebDriverWait(browser, Duration.ofSeconds(60)).withMessage("the bridge to connect")
        .until(d -> Boolean.TRUE.equals(js(browser, "return !!(window.observatory && window.observatory.connected)")));
  }

  private static Object js(ChromeDriver browser, String script) {
    return ((JavascriptExecutor) browser).executeScript(script);
  }
}
