package io.maestro.api;

import io.maestro.testing.Chromium;
import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.maestro.testing.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

@DisplayName("Observatory in headless Chromium: shows that it is reconnecting while the server is down and goes live again by itself")
class ObservatoryReconnectTest {

  @Test
  @DisplayName("server stops: the reconnecting banner shows; server restarts on the same port: the banner goes, live updates resume without a reload")
  void reconnects() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    String db = TestPostgres.newDatabase();
    JsonObject config = new JsonObject().put("http.port", port).put("jobs.workerInstances", 0);
    ChromeDriver browser = Chromium.start();
    TestApp app = TestApp.start(db, config);
    try {
      WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(120), Duration.ofMillis(100));
      browser.get("http://127.0.0.1:" + port + "/");
      wait.withMessage("the first connection").until(d -> connected(browser));
      ((JavascriptExecutor) browser).executeScript("window.__sameDocument = 'yes'");

      app.close();
      wait.withMessage("the reconnecting banner").until(d -> d.findElement(By.id("banner")).isDisplayed());
      app = TestApp.start(db, config);
      wait.withMessage("the banner to go once the server is back").until(d -> connected(browser)
          && !d.findElement(By.id("banner")).isDisplayed());

      var created = Http.post(app.http, "/jobs/create", new JsonObject().put("title", "after the restart")
          .put("variant", "post").put("brands", new JsonArray().add("healthycollege")));
      String jobId = created.bodyAsJsonObject().getString("job_id");
      wait.withMessage("the new job to appear live after the reconnect")
          .until(d -> !d.findElements(By.cssSelector("#job-list .job[data-job-id='" + jobId + "']")).isEmpty());
      org.assertj.core.api.Assertions.assertThat(((JavascriptExecutor) browser)
          .executeScript("return window.__sameDocument")).isEqualTo("yes");
    } finally {
      browser.quit();
      app.close();
    }
  }

  private static boolean connected(ChromeDriver browser) {
    return Boolean.TRUE.equals(((JavascriptExecutor) browser)
        .executeScript("return !!(window.observatory && window.observatory.connected)"));
  }
}
