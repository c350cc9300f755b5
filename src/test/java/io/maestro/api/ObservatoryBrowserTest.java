package io.maestro.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.fakes.FakeDeApi;
import io.maestro.testing.Chromium;
import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

@DisplayName("Observatory in headless Chromium: a burst's job goes live to completed with its image; a fault shows its category and message; retry works")
class ObservatoryBrowserTest {
  private static Vertx fakes;
  private static FakeDeApi deapi;
  private static TestApp app;
  private static ChromeDriver browser;

  @BeforeAll
  static void start() throws Exception {
    fakes = Vertx.vertx();
    deapi = new FakeDeApi(fakes, "deapi-key");
    app = TestApp.start(new JsonObject().put("deapi.apiKey", "deapi-key").put("deapi.baseUrl", deapi.baseUrl())
        .put("deapi.pollIntervalMs", 20).put("deapi.perMinute", 1000));
    browser = Chromium.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (app != null) {
      app.close();
    }
    if (deapi != null) {
      deapi.close();
    }
    if (fakes != null) {
      fakes.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static WebDriverWait waiting(int seconds) {
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(seconds), Duration.ofMillis(100));
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    return wait;
  }

  private static Object js(String script, Object... args) {
    return ((JavascriptExecutor) browser).executeScript(script, args);
  }

  private static WebElement row(String status) {
    return waiting(180).withMessage(() -> "a job row with status " + status + "; board: "
            + browser.findElement(By.id("job-list")).getText())
        .until(d -> d.findElements(By.cssSelector("#job-list .job[data-status='" + status + "']")).stream()
            .findFirst().orElse(null));
  }

  @Test
  @DisplayName("trigger a 1-post burst from the form, watch the job reach completed without reloading, see its image; then a deAPI fault shows category and message, and retry brings the job back")
  void burstFailureRetry() throws Exception {
    browser.get("http://127.0.0.1:" + app.port + "/");
    waiting(60).withMessage("the bridge to connect")
        .until(d -> Boolean.TRUE.equals(js("return !!(window.observatory && window.observatory.connected)")));
    js("window.__sameDocument = 'yes'"); // a reload would wipe this: proves the board updates live
    // the pill is filled by the first status call, which may land just after the bridge connects
    waiting(30).withMessage("the status pill to show LIVE, COMPLETE or STANDBY").until(d ->
        java.util.Set.of("LIVE", "COMPLETE", "STANDBY").contains(d.findElement(By.id("status-pill")).getText()));
    waiting(30).until(d -> !d.findElements(By.cssSelector("#burst-brands input[value='healthycollege']")).isEmpty());
    assertThat(browser.findElement(By.cssSelector("#burst-brands input[value='healthycollege']")).isSelected()).isTrue();

    WebElement posts = browser.findElement(By.id("burst-posts"));
    posts.clear();
    posts.sendKeys("1");
    WebElement reels = browser.findElement(By.id("burst-reels"));
    reels.clear();
    reels.sendKeys("0");
    browser.findElement(By.id("burst-submit")).click();
    waiting(30).withMessage("the burst to be triggered")
        .until(d -> d.findElement(By.id("burst-result")).getText().startsWith("triggered"));

    // the burst's proposal appears with the examiner's score and verdict, without a reload
    waiting(30).withMessage("the examined proposal in the burst panel")
        .until(d -> d.findElements(By.cssSelector("#proposals li")).stream()
            .anyMatch(li -> li.getText().startsWith("accepted") && li.getText().contains("examiner ")
                && li.getText().contains("healthycollege")));

    // the jobs view: one page of the newest jobs, live
    browser.findElement(By.cssSelector("a[data-nav='jobs']")).click();
    WebElement done = row("completed");
    String jobId = done.getAttribute("data-job-id");
    WebElement image = waiting(60).withMessage("the completed job's thumbnail")
        .until(d -> d.findElements(By.cssSelector("#job-list .job[data-job-id='" + jobId + "'] .job-outputs img"))
            .stream().findFirst().orElse(null));
    browser.executeScript("arguments[0].scrollIntoView()", image);
    waiting(60).withMessage("the thumbnail to load")
        .until(d -> ((Number) js("return arguments[0].complete ? arguments[0].naturalWidth : 0", image)).intValue() > 0);
    assertThat(js("return window.__sameDocument")).isEqualTo("yes");

    // a fault: deAPI accepts the request, then reports an error for it
    deapi.statusMode = "error";
    var created = Http.post(app.http, "/jobs/create", new JsonObject().put("title", "A job that meets a fault")
        .put("variant", "post").put("brands", new JsonArray().add("healthycollege")));
    assertThat(created.statusCode()).isEqualTo(200);
    String failingId = created.bodyAsJsonObject().getString("job_id");
    By failedRow = By.cssSelector("#job-list .job[data-job-id='" + failingId + "']");
    waiting(180).withMessage(() -> failingId + " to show as failed")
        .until(d -> d.findElements(failedRow).stream().anyMatch(e -> "failed".equals(e.getAttribute("data-status"))));
    WebElement failed = browser.findElement(failedRow);
    waiting(30).until(d -> failed.findElement(By.cssSelector(".job-error")).isDisplayed());
    assertThat(failed.findElement(By.cssSelector(".error-category")).getText()).isEqualTo("image_generation_error");
    assertThat(failed.findElement(By.cssSelector(".error-message")).getText())
        .contains("Prompt rejected by the safety filter");
    assertThat(failed.findElement(By.cssSelector(".error-code")).getText()).isNotBlank();

    deapi.statusMode = "done";
    WebElement retry = failed.findElement(By.cssSelector(".job-retry"));
    assertThat(retry.isDisplayed()).isTrue();
    retry.click();
    waiting(180).withMessage(() -> failingId + " to complete after the retry; row: " + browser.findElement(failedRow).getText())
        .until(d -> "completed".equals(d.findElement(failedRow).getAttribute("data-status")));
    assertThat(js("return window.__sameDocument")).isEqualTo("yes");
    assertThat(Http.get(app.http, "/jobs/" + failingId + "/attempts").bodyAsJsonObject()
        .getJsonArray("attempts").size()).isGreaterThanOrEqualTo(2);
  }
}
