package io.maestro.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.maestro.failure.Failure;
import io.maestro.failure.FailureClassifier;
import io.maestro.failure.MaestroException;
import io.maestro.fakes.FakeDeApi;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("deAPI client: every fault ends in its named category with a message that says what happened")
class DeApiClientTest {
  private static final String KEY = "test-key";
  private Vertx vertx;
  private FakeDeApi fake;
  private String dbUrl;
  private io.vertx.sqlclient.Pool pool;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    fake = new FakeDeApi(vertx, KEY);
    // the budget lives in PostgreSQL (cluster-wide, kept across restarts): each test has a database of its own
    dbUrl = io.maestro.testing.TestPostgres.newDatabase();
    io.maestro.db.Migrations.migrate(dbUrl, 10_000);
    pool = pool(vertx);
  }

  private io.vertx.sqlclient.Pool pool(Vertx on) {
    return io.maestro.db.Database.pool(on, dbUrl, io.maestro.config.MaestroConfig.from(new io.vertx.core.json.JsonObject()));
  }

  @AfterEach
  void stop() throws Exception {
    fake.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private DeApiClient client(String key, long deadlineMs, int perMinute, int perDay) {
    return client(fake.baseUrl(), key, deadlineMs, new DeApiBudget(vertx, pool, perMinute, perDay, System::currentTimeMillis));
  }

  private DeApiClient client(String base, String key, long deadlineMs, DeApiBudget budget) {
    return new DeApiClient(vertx, base, key, "Flux1schnell", 20, deadlineMs, budget);
  }

  private Failure failure(DeApiClient client) {
    Throwable thrown = catchThrowable(() -> client.generate("a calm beach at dawn", 512, 640, 20_000));
    assertThat(thrown).as("expected a failure").isNotNull();
    Failure failure = FailureClassifier.classify(thrown);
    assertThat(failure.category()).isNotEqualTo("unknown").isNotEqualTo("internal_error");
    assertThat(failure.message()).isNotBlank();
    return failure;
  }

  @Test
  @DisplayName("submit, poll (pending, processing, done) and download give the generated image")
  void happyPath() throws Exception {
    byte[] image = client(KEY, 20_000, 100, 100).generate("a calm beach at dawn", 512, 640, 20_000);
    assertThat(Images.decode(image).getWidth()).isEqualTo(512);
    assertThat(fake.polls.get()).isEqualTo(3);
    assertThat(fake.bodies.get(0).getString("prompt")).isEqualTo("a calm beach at dawn");
    assertThat(fake.bodies.get(0).getInteger("width")).isEqualTo(512);
  }

  @Test
  @DisplayName("429 with X-RateLimit-Type: minute waits Retry-After and tries again — no failure, no job retry")
  void minuteLimitIsWaitedOut() throws Exception {
    fake.submitScript.add("rate-minute");
    byte[] image = client(KEY, 20_000, 100, 100).generate("a calm beach at dawn", 512, 640, 20_000);
    assertThat(image).isNotEmpty();
    assertThat(fake.submissions.get()).isEqualTo(2);
  }

  @Test
  @DisplayName("429 daily is api_quota_exhausted with the reset time from Retry-After")
  void dailyLimit() {
    fake.submitScript.add("rate-daily");
    Instant before = Instant.now();
    Throwable thrown = catchThrowable(() -> client(KEY, 20_000, 100, 100).generate("p", 512, 640, 20_000));
    Failure failure = FailureClassifier.classify(thrown);
    assertThat(failure.category()).isEqualTo("api_quota_exhausted");
    assertThat(failure.message()).contains("daily request limit");
    assertThat(FailureClassifier.resetAt(thrown)).get().satisfies(reset ->
        assertThat(reset).isBetween(before.plusSeconds(7100), before.plusSeconds(7300)));
  }

  @Test
  @DisplayName("X-RateLimit-Daily-Remaining: 0 is api_quota_exhausted, and nothing more is sent until deAPI's reset")
  void dailyRemainingZero() {
    fake.submitScript.add("daily-remaining-zero");
    DeApiClient client = client(KEY, 20_000, 100, 100);
    assertThat(failure(client).category()).isEqualTo("api_quota_exhausted");
    Failure next = failure(client);
    assertThat(next.category()).isEqualTo("api_quota_exhausted");
    assertThat(next.message()).contains("deAPI said its daily request limit is reached").doesNotContain("deapi.perDay");
    assertThat(fake.submissions.get()).isEqualTo(1);
  }

  @Test
  @DisplayName("a daily 429 with Retry-After is one truth: the job and the next job both report deAPI's reset time, "
      + "and requests go out again once it has passed (not at UTC midnight, not as a used-up client budget)")
  void dailyLimitResetIsTheServers() throws Exception {
    fake.submitScript.add("rate-daily-short"); // Retry-After: 2
    DeApiClient client = client(KEY, 20_000, 100, 100);
    Instant before = Instant.now();
    Throwable first = catchThrowable(() -> client.generate("p", 512, 640, 20_000));
    Instant reset = FailureClassifier.resetAt(first).orElseThrow();
    assertThat(reset).isBetween(before.plusMillis(1_500), before.plusMillis(4_000));
    Throwable second = catchThrowable(() -> client.generate("p", 512, 640, 20_000));
    assertThat(FailureClassifier.classify(second).category()).isEqualTo("api_quota_exhausted");
    assertThat(FailureClassifier.resetAt(second)).as("the next job waits for the same reset").contains(reset);
    assertThat(second.getMessage()).doesNotContain("client-side").doesNotContain("deapi.perDay");
    assertThat(fake.submissions.get()).as("nothing sent while deAPI's block holds").isEqualTo(1);
    while (Instant.now().isBefore(reset.plusMillis(100))) {
      Thread.sleep(50);
    }
    assertThat(Images.decode(client.generate("after the reset", 512, 640, 20_000)).getWidth()).isEqualTo(512);
    assertThat(fake.submissions.get()).isEqualTo(2);
  }

  @Test
  @DisplayName("the day's count and deAPI's block live in PostgreSQL: a restarted node (new Vert.x, new pool) keeps them")
  void budgetSurvivesRestart() throws Exception {
    AtomicLong clock = new AtomicLong(Duration.ofDays(20_001).toMillis());
    new DeApiBudget(vertx, pool, 100, 2, clock::get).acquire(1_000);
    clock.addAndGet(61_000);
    new DeApiBudget(vertx, pool, 100, 2, clock::get).acquire(1_000);
    Vertx restarted = Vertx.vertx();
    try {
      DeApiBudget afterRestart = new DeApiBudget(restarted, pool(restarted), 100, 2, clock::get);
      Throwable thrown = catchThrowable(() -> afterRestart.acquire(1_000));
      assertThat(FailureClassifier.classify(thrown).category()).isEqualTo("api_quota_exhausted");
      assertThat(thrown.getMessage()).contains("2 requests per day");
      assertThat(DeApiBudget.usedToday(pool(restarted), clock.get()).await(10, TimeUnit.SECONDS)).isEqualTo(2L);
      clock.addAndGet(Duration.ofDays(1).toMillis());
      afterRestart.acquire(1_000); // a new UTC day
      Instant block = Instant.ofEpochMilli(clock.get()).plusSeconds(3_600);
      afterRestart.blockUntil(block, "test");
      Throwable blocked = catchThrowable(() -> new DeApiBudget(vertx, pool, 100, 100, clock::get).acquire(1_000));
      assertThat(FailureClassifier.resetAt(blocked)).contains(block);
    } finally {
      restarted.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("422 with errors.balance is api_quota_exhausted naming the balance")
  void noBalance() {
    fake.submitScript.add("balance");
    Failure failure = failure(client(KEY, 20_000, 100, 100));
    assertThat(failure.category()).isEqualTo("api_quota_exhausted");
    assertThat(failure.message()).contains("no credit").contains("balance is too low");
  }

  @Test
  @DisplayName("401 is api_auth pointing at DEAPI_API_KEY")
  void badKey() {
    Failure failure = failure(client("wrong-key", 20_000, 100, 100));
    assertThat(failure.category()).isEqualTo("api_auth");
    assertThat(failure.message()).contains("HTTP 401").contains("Unauthenticated").contains("DEAPI_API_KEY");
  }

  @Test
  @DisplayName("a request that ends in status error is image_generation_error with deAPI's message")
  void statusError() {
    fake.statusMode = "error";
    Failure failure = failure(client(KEY, 20_000, 100, 100));
    assertThat(failure.category()).isEqualTo("image_generation_error");
    assertThat(failure.message()).contains("Prompt rejected by the safety filter");
  }

  @Test
  @DisplayName("a request that never finishes is image_generation_error (timed out) at the poll deadline")
  void pollDeadline() {
    fake.statusMode = "stuck";
    Failure failure = failure(client(KEY, 400, 100, 100));
    assertThat(failure.category()).isEqualTo("image_generation_error");
    assertThat(failure.message()).contains("timed out").contains("processing").contains("progress 40");
  }

  @Test
  @DisplayName("an unreachable server, a hang-up, a 500, a blank or malformed body are api_error")
  void networkAndGarbage() throws Exception {
    var closed = vertx.createHttpServer().requestHandler(r -> r.response().end()).listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
    int port = closed.actualPort();
    closed.close().await(10, TimeUnit.SECONDS);
    Failure unreachable = failure(client("http://127.0.0.1:" + port, KEY, 20_000,
        new DeApiBudget(vertx, pool, 100, 100, System::currentTimeMillis)));
    assertThat(unreachable.category()).isEqualTo("api_error");
    assertThat(unreachable.message()).contains("could not be reached");

    for (String fault : new String[] {"hang-up", "server-error", "blank", "malformed"}) {
      fake.submitScript.add(fault);
      Failure failure = failure(client(KEY, 20_000, 100, 100));
      assertThat(failure.category()).as(fault).isEqualTo("api_error");
      assertThat(failure.message()).as(fault).containsAnyOf("could not be reached", "HTTP 500", "empty body",
          "not a JSON object");
    }
  }

  @Test
  @DisplayName("the client-side daily budget stops requests before they reach deAPI")
  void clientDailyBudget() throws Exception {
    DeApiClient client = client(KEY, 20_000, 100, 1);
    client.generate("first", 512, 640, 20_000);
    Failure failure = failure(client);
    assertThat(failure.category()).isEqualTo("api_quota_exhausted");
    assertThat(failure.message()).contains("1 requests per day");
    assertThat(fake.submissions.get()).isEqualTo(1);
  }

  @Test
  @DisplayName("the per-minute budget is shared: a caller that cannot wait for the next minute is api_rate_limited")
  void clientMinuteBudget() throws Exception {
    AtomicLong clock = new AtomicLong(Duration.ofDays(20_000).toMillis()); // the start of a minute
    DeApiBudget budget = new DeApiBudget(vertx, pool, 2, 100, clock::get);
    budget.acquire(1_000);
    new DeApiBudget(vertx, pool, 2, 100, clock::get).acquire(1_000); // another worker, same node budget
    Throwable thrown = catchThrowable(() -> budget.acquire(1_000));
    assertThat(thrown).isInstanceOf(MaestroException.class);
    assertThat(FailureClassifier.classify(thrown).category()).isEqualTo("api_rate_limited");
    assertThat(thrown.getMessage()).contains("2 requests per minute");
    clock.addAndGet(60_000);
    budget.acquire(1_000); // a new minute, a new budget
  }
}
