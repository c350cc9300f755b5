package io.maestro.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.maestro.schedule.SlotPlan;
import io.maestro.testing.Axe;
import io.maestro.testing.Chromium;
import io.maestro.testing.TestApp;
import io.vertx.core.json.JsonObject;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

@DisplayName("Observatory views in headless Chromium: filters and search, bulk retry, job detail with a playing reel, "
    + "moving a calendar slot, axe-core clean, no emoji, nothing inline (CSP-ready); screenshots under target/")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObservatoryViewsBrowserTest {
  static final Path SHOTS = Path.of("target", "observatory-screenshots");
  private static TestApp app;
  private static ChromeDriver browser;
  private static Path media;
  private static String base;
  private static String reelJob;
  private static String postJob;
  private static long scheduleId;
  private static Instant scheduledSlot;

  @BeforeAll
  static void start() throws Exception {
    media = Files.createTempDirectory("observatory-media");
    app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0).put("healer.intervalMs", 86_400_000)
        .put("storage.localDir", media.toString()));
    base = "http://127.0.0.1:" + app.port + "/";
    browser = Chromium.start();
    Files.createDirectories(SHOTS);
    ObservatoryFixtures.manyJobs(app, 240);
    browser.get(base);
    waiting(60).until(d -> Boolean.TRUE.equals(js("return !!(window.observatory && window.observatory.connected)")));
    String video = ObservatoryFixtures.mp4(browser, media, "fixture/reel.mp4");
    String poster = ObservatoryFixtures.png(media, "fixture/reel.png", "Reel cover", new Color(20, 60, 90),
        new Color(160, 40, 90));
    String slide1 = ObservatoryFixtures.png(media, "fixture/s1.png", "Slide one", new Color(31, 111, 92),
        new Color(242, 193, 78));
    String slide2 = ObservatoryFixtures.png(media, "fixture/s2.png", "Slide two", new Color(90, 31, 111),
        new Color(78, 193, 242));
    app.execute("INSERT INTO proposals (proposal_id, user_id, agent_name, content_type, brand, variant, title, status,"
        + " strategy, reasoning, examiner_score, examiner_verdict, examiner_reason) VALUES ('TOBY-042', 'local',"
        + " 'toby', 'reel', 'healthycollege', 'dark', 'Five minutes of light', 'accepted', 'explore',"
        + " 'morning light is under-covered', 7.4, 'accept', 'strong hook, fits the avatar')");
    reelJob = insertJob("Five minutes of morning light", "dark", "TOBY-042", new JsonObject()
        .put("healthycollege", new JsonObject().put("status", "completed").put("video_path", video).put("video_url", video)
            .put("thumbnail_path", poster).put("caption", "Step outside for five minutes after you wake up.")
            .put("title", "Five minutes of morning light")));
    postJob = insertJob("Three protein myths", "post", null, new JsonObject()
        .put("healthycollege", new JsonObject().put("status", "completed").put("image_url", slide1)
            .put("thumbnail_path", slide1).put("slide_urls", new io.vertx.core.json.JsonArray().add(slide1).add(slide2))
            .put("caption", "Myth one: you need a shake right after training.")));
    app.execute("INSERT INTO job_attempts (job_pk, attempt, node, started_at, finished_at, outcome, code, category, message, stack)"
        + " SELECT id, 1, 'node-a', now() - interval '3 minutes', now() - interval '2 minutes', 'failed', 1001,"
        + " 'api_error', 'deAPI answered 502', 'io.maestro.failure.MaestroException: deAPI answered 502\n\tat"
        + " io.maestro.media.DeApiClient.submit(DeApiClient.java:88)' FROM jobs WHERE job_id = '" + reelJob + "';"
        + " INSERT INTO job_attempts (job_pk, attempt, node, started_at, finished_at, outcome)"
        + " SELECT id, 2, 'node-b', now() - interval '1 minute', now(), 'completed' FROM jobs WHERE job_id = '"
        + reelJob + "'");
    int offset = (int) app.count("SELECT schedule_offset FROM brands WHERE user_id = 'local' AND brand_id = 'healthycollege'");
    Instant slot = SlotPlan.next("post", offset, Instant.now().plusSeconds(3600), 1).get(0);
    scheduledSlot = slot;
    scheduleId = app.count("INSERT INTO schedule (user_id, brand, content_type, variant, slot_at, job_id, title,"
        + " media_url) VALUES ('local', 'healthycollege', 'post', 'post', '" + slot + "', '" + postJob
        + "', 'Three protein myths', '" + slide1 + "') RETURNING id");
  }

  private static LocalDate mondayOf(Instant instant) {
    return instant.atZone(ZoneOffset.UTC).toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
  }

  private static String insertJob(String title, String variant, String proposal, JsonObject outputs) throws Exception {
    return "GEN-" + app.count("WITH x AS (INSERT INTO jobs (user_id, title, variant, brands, status, brand_outputs,"
        + " proposal_id, completed_at, progress_percent, attempt, current_step) VALUES ('local', '" + title + "', '"
        + variant + "', '[\"healthycollege\"]', 'completed', '" + outputs.encode().replace("'", "''") + "', "
        + (proposal == null ? "NULL" : "'" + proposal + "'") + ", now(), 100, 2, 'done')"
        + " RETURNING substring(job_id, 5)::bigint AS n) SELECT n FROM x");
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (app != null) {
      app.close();
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

  private static void open(String hash) {
    js("location.hash = arguments[0]", hash);
  }

  private static void shot(String name) throws Exception {
    Path file = browser.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(file, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  /** What every main view must satisfy: axe clean (serious/critical), no emoji glyph, nothing inline for CSP. */
  private static void checkView(String name) throws Exception {
    List<String> violations = Axe.seriousViolations(browser);
    assertThat(violations).as(name + ": axe-core serious/critical violations\n" + Axe.summary(violations)).isEmpty();
    assertThat((Boolean) js("return /\\p{Extended_Pictographic}/u.test(document.body.innerText)"))
        .as(name + ": an emoji glyph in the visible text").isFalse();
    assertThat(((Number) js("return document.querySelectorAll('script:not([src])').length")).intValue()).isZero();
    assertThat(((Number) js("return [...document.querySelectorAll('*')].filter(e => [...e.attributes]"
        + ".some(a => a.name.startsWith('on'))).length")).intValue())
        .as(name + ": inline event handlers (CSP)").isZero();
    // styles set through the CSSOM (element.style.width = …) are allowed by style-src 'self'; markup styles are not
    String html = new String(ObservatoryViewsBrowserTest.class.getResourceAsStream("/webroot/index.html").readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    assertThat(html).doesNotContain("style=", "<style", "javascript:").doesNotContainPattern("\\son[a-z]+=");
    assertThat((List<?>) js("return window.observatory.cspViolations")).as(name + ": CSP violations").isEmpty();
  }

  private static List<WebElement> rows() {
    return browser.findElements(By.cssSelector("#job-list .job"));
  }

  private static long tabCount(String status) {
    return Long.parseLong(browser.findElement(By.cssSelector("#status-tabs [data-status='" + status + "'] .tab-count"))
        .getText().replace(",", ""));
  }

  @Test
  @Order(1)
  @DisplayName("overview: live numbers from the stats endpoint, throughput chart, wide grid; axe clean; screenshot")
  void overview() throws Exception {
    browser.manage().window().setSize(new Dimension(1600, 1200));
    open("#/");
    waiting(30).until(d -> !d.findElement(By.id("queue-depth")).getText().equals("–"));
    assertThat(browser.findElement(By.id("queue-depth")).getText())
        .isEqualTo(Long.toString(app.count("SELECT count(*) FROM jobs WHERE user_id = 'local' AND status = 'pending'")));
    assertThat(browser.findElements(By.cssSelector("#throughput-chart g[data-hour]"))).hasSize(24);
    checkView("overview");
    shot("overview-wide");
  }

  @Test
  @Order(2)
  @DisplayName("jobs: counts per status from the server; a status tab, brand, variant and failure filters and "
      + "search narrow the list; axe clean; screenshot")
  void filtersAndSearch() throws Exception {
    open("#/jobs");
    waiting(30).until(d -> rows().size() == 50);
    long total = app.count("SELECT count(*) FROM jobs WHERE user_id = 'local'");
    assertThat(browser.findElement(By.id("job-count")).getText()).isEqualTo("(" + total + ")");
    for (String s : List.of("pending", "generating", "completed", "failed", "cancelled")) {
      assertThat(tabCount(s)).as(s).isEqualTo(app.count("SELECT count(*) FROM jobs WHERE user_id = 'local' AND status = '" + s + "'"));
    }
    checkView("jobs");
    shot("jobs-wide");

    browser.findElement(By.cssSelector("#status-tabs [data-status='failed']")).click();
    waiting(10).until(d -> rows().stream().allMatch(r -> "failed".equals(r.getAttribute("data-status"))) && !rows().isEmpty());
    new Select(browser.findElement(By.id("filter-category"))).selectByValue("api_rate_limited");
    long expected = app.count("SELECT count(*) FROM jobs WHERE user_id = 'local' AND error_category = 'api_rate_limited'");
    waiting(10).until(d -> rows().size() == Math.min(50, expected));
    assertThat(rows()).allMatch(r -> r.findElement(By.cssSelector(".error-category")).getText().equals("api_rate_limited"));
    browser.findElement(By.id("filter-reset")).click();
    waiting(10).until(d -> "true".equals(d.findElement(By.cssSelector("#status-tabs [data-status='']")).getAttribute("aria-pressed")));

    new Select(browser.findElement(By.id("filter-brand"))).selectByValue("longevitycollege");
    new Select(browser.findElement(By.id("filter-variant"))).selectByValue("light");
    long brandVariant = app.count("SELECT count(*) FROM jobs WHERE user_id = 'local' AND brands @> '[\"longevitycollege\"]'"
        + " AND variant = 'light'");
    waiting(10).until(d -> browser.findElement(By.id("job-count")).getText().equals("(" + brandVariant + ")"));
    assertThat(rows()).allMatch(r -> r.findElement(By.cssSelector(".job-meta")).getText().startsWith("light · longevitycollege"));
    browser.findElement(By.id("filter-reset")).click();

    WebElement search = browser.findElement(By.id("job-search"));
    search.sendKeys("protein myths");
    long protein = app.count("SELECT count(*) FROM jobs WHERE user_id = 'local' AND title ILIKE '%protein myths%'");
    waiting(10).until(d -> d.findElement(By.id("job-count")).getText().equals("(" + protein + ")"));
    assertThat(rows()).allMatch(r -> r.findElement(By.cssSelector(".job-title")).getText().toLowerCase().contains("protein myths"));
    search.clear();
    search.sendKeys(reelJob);
    waiting(10).until(d -> rows().size() == 1 && reelJob.equals(rows().get(0).getAttribute("data-job-id")));
    browser.findElement(By.id("filter-reset")).click();
    waiting(10).until(d -> rows().size() == 50);

    browser.findElement(By.id("page-older")).click();
    waiting(10).until(d -> d.findElement(By.id("page-info")).getText().startsWith("51–100 of"));
  }

  @Test
  @Order(3)
  @DisplayName("bulk retry: select two failed jobs, confirm, both go back to the queue (database and page agree)")
  void bulkRetry() throws Exception {
    open("#/jobs");
    js("window.scrollTo(0, 0)");
    browser.findElement(By.id("filter-reset")).click();
    browser.findElement(By.cssSelector("#status-tabs [data-status='failed']")).click();
    waiting(10).until(d -> !rows().isEmpty() && rows().stream().allMatch(r -> "failed".equals(r.getAttribute("data-status"))));
    List<WebElement> two = rows().subList(0, 2);
    List<String> ids = two.stream().map(r -> r.getAttribute("data-job-id")).toList();
    long failedBefore = tabCount("failed");
    for (WebElement r : two) {
      r.findElement(By.cssSelector(".job-select")).click();
    }
    assertThat(browser.findElement(By.id("selection-count")).getText()).isEqualTo("2 selected");
    browser.findElement(By.id("bulk-retry")).click();
    WebElement dialog = waiting(5).until(d -> d.findElement(By.id("confirm")));
    assertThat(dialog.isDisplayed()).isTrue();
    assertThat(browser.findElement(By.id("confirm-text")).getText()).contains("Retry 2 selected job(s)");
    shot("jobs-bulk-confirm");
    browser.findElement(By.id("confirm-yes")).click();
    waiting(15).until(d -> d.findElement(By.id("bulk-result")).getText().startsWith("retry: 2 done"));
    for (String id : ids) {
      assertThat(app.count("SELECT count(*) FROM jobs WHERE job_id = '" + id + "' AND status = 'pending' AND retry_count = 1"))
          .as(id).isEqualTo(1);
    }
    waiting(10).until(d -> tabCount("failed") == failedBefore - 2);
    assertThat(rows()).noneMatch(r -> ids.contains(r.getAttribute("data-job-id")));
  }

  @Test
  @Order(4)
  @DisplayName("job detail has its own URL: attempts with folded stack, full-size outputs, caption copy, proposal "
      + "and verdict; the reel plays in a <video> (readyState >= 2, currentTime advancing); axe clean")
  void jobDetailWithVideo() throws Exception {
    browser.get(base + "#/jobs/" + reelJob); // a fresh load of the deep link
    WebElement video = waiting(30).until(d -> d.findElements(By.cssSelector("#job-detail video.reel")).stream()
        .findFirst().orElse(null));
    assertThat(browser.findElement(By.id("detail-title")).getText()).contains(reelJob);
    List<WebElement> attempts = browser.findElements(By.cssSelector("#job-attempts tr.attempt"));
    assertThat(attempts).hasSize(2);
    assertThat(attempts.get(0).getText()).contains("node-a", "api_error", "deAPI answered 502");
    WebElement stack = attempts.get(0).findElement(By.cssSelector("details.stack"));
    assertThat(stack.getAttribute("open")).isNull();
    assertThat(stack.findElement(By.tagName("pre")).isDisplayed()).isFalse();
    stack.findElement(By.tagName("summary")).click();
    assertThat(stack.findElement(By.tagName("pre")).getText()).contains("DeApiClient.submit");
    assertThat(browser.findElement(By.id("job-proposal")).getText()).contains("TOBY-042", "accept", "7.40", "fits the avatar");
    assertThat(browser.findElement(By.cssSelector(".caption-text")).getText()).contains("Step outside");
    assertThat(browser.findElement(By.cssSelector(".caption button")).getText()).contains("Copy caption");

    js("arguments[0].muted = true; arguments[0].scrollIntoView()", video);
    ((JavascriptExecutor) browser).executeAsyncScript(
        "const done = arguments[arguments.length - 1]; arguments[0].play().then(() => done('ok'), e => done(String(e)))", video);
    waiting(20).withMessage("the reel to have data").until(d -> ((Number) js("return arguments[0].readyState", video)).intValue() >= 2);
    double t0 = ((Number) js("return arguments[0].currentTime", video)).doubleValue();
    waiting(20).withMessage("currentTime to advance").until(d -> ((Number) js("return arguments[0].currentTime", video)).doubleValue() > t0 + 0.3);
    assertThat((Boolean) js("return arguments[0].error === null", video)).isTrue();
    js("arguments[0].pause(); arguments[0].currentTime = 1.0", video);
    js("window.scrollTo(0, 0)");
    checkView("job detail");
    shot("job-detail-reel");

    browser.get(base + "#/jobs/" + postJob);
    WebElement next = waiting(30).until(d -> d.findElements(By.xpath("//button[normalize-space()='Next slide']")).stream()
        .findFirst().orElse(null));
    assertThat(browser.findElement(By.cssSelector(".carousel")).getText()).contains("slide 1 / 2");
    next.click();
    assertThat(browser.findElement(By.cssSelector(".carousel")).getText()).contains("slide 2 / 2");
    browser.findElement(By.cssSelector(".carousel .image-button")).click();
    waiting(5).until(d -> d.findElement(By.id("lightbox")).isDisplayed());
    waiting(10).until(d -> ((Number) js("return document.getElementById('lightbox-img').naturalWidth")).intValue() > 0);
    shot("job-detail-lightbox");
    browser.findElement(By.id("lightbox-close")).click();
    assertThat(browser.findElement(By.id("lightbox")).isDisplayed()).isFalse();
    shot("job-detail-post");
  }

  @Test
  @Order(5)
  @DisplayName("schedule: a week calendar per brand shows the booked item with thumbnail and state; Move + a free "
      + "slot reschedules it through the existing route; axe clean; screenshot")
  void moveCalendarSlot() throws Exception {
    open("#/schedule");
    new Select(waiting(10).until(d -> d.findElement(By.id("calendar-brand")))).selectByValue("healthycollege");
    // the calendar opens on this week (Monday to Sunday, UTC); the next slot an hour from now is in the next week when
    // the test runs on a Sunday evening
    long weeksAhead = ChronoUnit.WEEKS.between(mondayOf(Instant.now()), mondayOf(scheduledSlot));
    for (long i = 0; i < weeksAhead; i++) {
      browser.findElement(By.id("week-next")).click();
    }
    WebElement item = waiting(20).until(d -> d.findElements(By.cssSelector("#calendar .slot[data-item-id='" + scheduleId + "']"))
        .stream().findFirst().orElse(null));
    assertThat(item.getText()).contains("Three protein myths", "scheduled");
    assertThat(((Number) js("return arguments[0].querySelector('img').naturalWidth", item)).intValue()).isPositive();
    checkView("schedule");
    shot("schedule-week");
    String before = item.getAttribute("data-slot-at");
    item.findElement(By.cssSelector(".slot-move")).click();
    if (browser.findElements(By.cssSelector("#calendar .slot-target")).isEmpty()) {
      browser.findElement(By.id("week-next")).click(); // the booked slot was the week's last free post slot
    }
    WebElement target = waiting(10).until(d -> d.findElements(By.cssSelector("#calendar .slot-target")).stream()
        .findFirst().orElse(null));
    String to = target.findElement(By.xpath("..")).getAttribute("data-slot-at");
    shot("schedule-moving");
    target.click();
    waiting(10).until(d -> d.findElement(By.id("calendar-status")).getText().startsWith("Moved "));
    assertThat(to).isNotEqualTo(before);
    assertThat(app.count("SELECT count(*) FROM schedule WHERE id = " + scheduleId + " AND slot_at = '" + to + "'")).isEqualTo(1);
    assertThat(app.count("SELECT count(*) FROM jobs WHERE job_id = '" + postJob
        + "' AND (brand_outputs -> 'healthycollege' ->> 'scheduled_time')::timestamptz = '" + to + "'")).isEqualTo(1);
    assertThat(browser.findElement(By.cssSelector("#calendar .slot[data-item-id='" + scheduleId + "']"))
        .getAttribute("data-slot-at")).isEqualTo(to);
  }

  @Test
  @Order(6)
  @DisplayName("a phone-sized window stacks the overview and the job rows; keyboard focus is visible")
  void phone() throws Exception {
    browser.manage().window().setSize(new Dimension(390, 844));
    open("#/");
    waiting(10).until(d -> d.findElement(By.id("stats")).isDisplayed());
    long columns = (Long) js("return getComputedStyle(document.getElementById('view-overview'))"
        + ".gridTemplateColumns.split(' ').length");
    assertThat(columns).isEqualTo(1);
    shot("overview-phone");
    open("#/jobs");
    waiting(10).until(d -> !rows().isEmpty() && rows().get(0).isDisplayed());
    WebElement first = browser.findElement(By.cssSelector("#job-list .job .job-id"));
    js("arguments[0].focus()", first);
    browser.switchTo().activeElement().sendKeys(org.openqa.selenium.Keys.TAB);
    String outline = (String) js("return getComputedStyle(document.activeElement).outlineStyle");
    assertThat(outline).isEqualTo("solid");
    shot("jobs-phone");
    browser.manage().window().setSize(new Dimension(1400, 1000));
  }
}
