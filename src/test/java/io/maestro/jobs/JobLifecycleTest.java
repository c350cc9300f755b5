package io.maestro.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maestro.bus.Addresses;
import io.maestro.testing.Eventually;
import io.maestro.testing.Http;
import io.maestro.testing.TestApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Jobs cannot fail silently or get lost")
class JobLifecycleTest {
  private TestApp app;

  @BeforeEach
  void start() {
    ScriptedRenderer.reset();
    app = TestApp.start(new JsonObject().put("jobs.workerInstances", 0).put("jobs.deadlineMs", 1_500));
  }

  @AfterEach
  void stop() throws Exception {
    app.close();
  }

  private String create(String title, String... brands) throws Exception {
    var response = Http.post(app.http, "/jobs/create", new JsonObject().put("title", title).put("variant", "post")
        .put("brands", new JsonArray(List.of((Object[]) brands))));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject().getString("job_id");
  }

  private JsonObject job(String jobId) throws Exception {
    return Http.get(app.http, "/jobs/" + jobId).bodyAsJsonObject();
  }

  private JsonObject awaitStatus(String jobId, String... statuses) throws Exception {
    Set<String> wanted = Set.of(statuses);
    return Eventually.await(jobId + " to reach " + wanted, Duration.ofSeconds(30), () -> job(jobId),
        j -> wanted.contains(j.getString("status")));
  }

  private JsonArray attempts(String jobId) throws Exception {
    return Http.get(app.http, "/jobs/" + jobId + "/attempts").bodyAsJsonObject().getJsonArray("attempts");
  }

  @Test
  @DisplayName("a stage that throws ends in a failed job with its message and a category (internal_error), never unknown")
  void stageThrows() throws Exception {
    app.deployWorkers(ScriptedRenderer::all, 2);
    JsonObject job = awaitStatus(create("throw please", "healthycollege"), "failed");
    assertThat(job.getString("error_category")).isEqualTo("internal_error");
    assertThat(job.getString("error_message")).contains("stage exploded while composing healthycollege");
    assertThat(job.getInteger("error_code")).isEqualTo(1399);
    JsonObject attempt = attempts(job.getString("job_id")).getJsonObject(0);
    assertThat(attempt.getString("outcome")).isEqualTo("failed");
    assertThat(attempt.getString("stack")).contains("IllegalStateException").contains("ScriptedRenderer");
    assertThat(attempt.getString("node")).isEqualTo("test-node");
  }

  @Test
  @DisplayName("a stage that fails with an empty message still yields a failed job with a non-blank message")
  void emptyErrorMessage() throws Exception {
    app.deployWorkers(ScriptedRenderer::all, 2);
    JsonObject job = awaitStatus(create("empty-error", "healthycollege"), "failed");
    assertThat(job.getString("error_message")).isNotBlank().contains("RuntimeException");
    assertThat(job.getString("error_category")).isNotEqualTo("unknown").isEqualTo("internal_error");

    JsonObject classified = awaitStatus(create("empty-classified", "healthycollege"), "failed");
    assertThat(classified.getString("error_category")).isEqualTo("storage_error");
    assertThat(classified.getString("error_message")).isNotBlank();
  }

  @Test
  @DisplayName("a stage that hangs past the deadline ends as job_timeout and frees its worker")
  void hangBecomesTimeout() throws Exception {
    app.deployWorkers(ScriptedRenderer::all, 1);
    JsonObject job = awaitStatus(create("hang forever", "healthycollege"), "failed");
    assertThat(job.getString("error_category")).isEqualTo("job_timeout");
    assertThat(job.getString("error_message")).contains("deadline of 1500 ms");
    // the same single worker is free again and takes the next job
    assertThat(awaitStatus(create("after the hang", "healthycollege"), "completed", "failed").getString("status"))
        .isEqualTo("completed");
  }

  @Test
  @DisplayName("a stage that ignores its deadline's interrupt: the dispatcher stops waiting and records reply_timeout")
  void deafStageBecomesReplyTimeout() throws Exception {
    app.deployWorkers(ScriptedRenderer::all, 1);
    // deadline 1.5 s + 5 s reply grace < 9 s of spinning
    JsonObject job = awaitStatus(create("deaf:9000 stuck", "healthycollege"), "failed");
    assertThat(job.getString("error_category")).isEqualTo("reply_timeout");
    assertThat(job.getString("error_message")).contains("did not reply within 6500 ms");
    // the stuck worker announces itself idle once the stage returns, and takes work again
    assertThat(awaitStatus(create("after the deaf stage", "healthycollege"), "completed", "failed")
        .getString("status")).isEqualTo("completed");
  }

  @Test
  @DisplayName("a worker that is not deployed at all: the dispatch fails as dispatch_no_worker, not silence")
  void noHandler() throws Exception {
    // a worker announces itself and vanishes without saying goodbye (its address has no consumer)
    app.vertx.eventBus().send(Addresses.WORKER_READY, new WorkerAddress(Addresses.WORKER_PREFIX + "ghost"),
        WorkerProtocol.LOCAL);
    JsonObject job = awaitStatus(create("nobody home", "healthycollege"), "failed");
    assertThat(job.getString("error_category")).isEqualTo("dispatch_no_worker");
    assertThat(job.getString("error_message")).contains("no worker was listening");
  }

  @Test
  @DisplayName("a job created while no worker is deployed waits, then is picked up as soon as one is")
  void pickedUpWhenWorkerArrives() throws Exception {
    String jobId = create("waiting for a worker", "healthycollege");
    Thread.sleep(600); // three backstop polls
    assertThat(job(jobId).getString("status")).isEqualTo("pending");
    app.deployWorkers(ScriptedRenderer::all, 2);
    assertThat(awaitStatus(jobId, "completed").getInteger("progress_percent")).isEqualTo(100);
  }

  @Test
  @DisplayName("all brands fail: the job fails with the first brand's code and message (the seed's bug 1, fixed)")
  void allBrandsFail() throws Exception {
    app.deployWorkers(ScriptedRenderer::all, 2);
    JsonObject job = awaitStatus(create("fail-all brands", "healthycollege", "longevitycollege"), "failed");
    assertThat(job.getString("error_category")).isEqualTo("api_error");
    assertThat(job.getString("error_message")).isEqualTo("upstream 503 for healthycollege");
    JsonObject outputs = job.getJsonObject("brand_outputs");
    assertThat(outputs.getJsonObject("longevitycollege").getString("error")).isEqualTo("upstream 503 for longevitycollege");
    assertThat(outputs.getJsonObject("healthycollege").getString("status")).isEqualTo("failed");
  }

  @Test
  @DisplayName("some brands fail: the job completes, names the failed brands, and keeps each brand's error")
  void someBrandsFail() throws Exception {
    app.deployWorkers(ScriptedRenderer::all, 2);
    JsonObject job = awaitStatus(create("fail-brand:longevitycollege partial", "healthycollege", "longevitycollege"),
        "completed", "failed");
    assertThat(job.getString("status")).isEqualTo("completed");
    assertThat(job.getString("current_step")).contains("failed brands: longevitycollege");
    JsonObject failed = job.getJsonObject("brand_outputs").getJsonObject("longevitycollege");
    assertThat(failed.getString("error_category")).isEqualTo("image_generation_error");
    assertThat(failed.getString("error")).contains("deAPI returned status error");
    assertThat(job.getJsonObject("brand_outputs").getJsonObject("healthycollege").getString("status")).isEqualTo("completed");
  }

  @Test
  @DisplayName("50 queued jobs on a node with 2 workers: never more than 2 run at once, and all complete")
  void boundedConcurrency() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      ids.add(create("slow:20 job " + i, "healthycollege"));
    }
    app.deployWorkers(ScriptedRenderer::all, 2);
    Eventually.await("50 completed jobs", Duration.ofSeconds(60),
        () -> app.count("SELECT count(*) FROM jobs WHERE status = 'completed'"), n -> n == 50);
    assertThat(ScriptedRenderer.PEAK.get()).isEqualTo(2);
    assertThat(app.count("SELECT max(attempt) FROM jobs")).isEqualTo(1);
    assertThat(app.count("SELECT count(*) FROM job_attempts WHERE outcome = 'completed'")).isEqualTo(50);
  }

  @Test
  @DisplayName("a failed job retried by hand that then completes carries no error; its failed attempt keeps the history")
  void manualRetryThatCompletesClearsTheError() throws Exception {
    app.deployWorkers(ScriptedRenderer::all, 1);
    String jobId = create("fail-all while the image service is down", "healthycollege");
    JsonObject failed = awaitStatus(jobId, "failed");
    assertThat(failed.getString("error_category")).isEqualTo("api_error");
    // the image service is back: the scripted stage succeeds for any title not starting with "fail-all"
    try (var c = io.maestro.testing.TestPostgres.connect(app.dbUrl); var s = c.createStatement()) {
      assertThat(s.executeUpdate("UPDATE jobs SET title = 'service back' WHERE job_id = '" + jobId + "'")).isEqualTo(1);
    }
    var retried = Http.post(app.http, "/api/maestro/retry-job/" + jobId, null);
    assertThat(retried.statusCode()).as(retried.bodyAsString()).isEqualTo(200);
    JsonObject job = awaitStatus(jobId, "completed");
    assertNoErrorOn(jobId, job);
    JsonArray attempts = attempts(jobId);
    assertThat(attempts.getJsonObject(0).getString("outcome")).isEqualTo("failed");
    assertThat(attempts.getJsonObject(0).getString("category")).isEqualTo("api_error");
    assertThat(attempts.getJsonObject(attempts.size() - 1).getString("outcome")).isEqualTo("completed");
  }

  @Test
  @DisplayName("a job whose node died mid-run (lease no longer heartbeated) is rescued and completes, with no error left on the job")
  void expiredLeaseIsRescued() throws Exception {
    String jobId = create("orphaned by a dead node", "healthycollege");
    // what a node killed mid-run leaves behind: a generating job whose lease nobody renews
    app.execute("UPDATE jobs SET status = 'generating', attempt = 1, lease_owner = 'dead-node', claimed_at = now(),"
        + " lease_expires_at = now() - interval '1 second' WHERE job_id = '" + jobId + "'");
    app.deployWorkers(ScriptedRenderer::all, 2);
    JsonObject job = awaitStatus(jobId, "completed");
    assertThat(job.getInteger("attempt")).isEqualTo(2);
    // a completed job carries no error: the lost attempt's worker_lost lives on only in its attempt row
    assertNoErrorOn(jobId, job);
    JsonArray attempts = attempts(jobId);
    assertThat(attempts.getJsonObject(0).getString("outcome")).isEqualTo("lost");
    assertThat(attempts.getJsonObject(0).getString("category")).isEqualTo("worker_lost");
    assertThat(attempts.getJsonObject(0).getString("message")).contains("dead-node");
    assertThat(attempts.getJsonObject(1).getString("outcome")).isEqualTo("completed");
  }

  @Test
  @DisplayName("a late result from a rescued attempt is discarded: the job is not completed twice")
  void lateResultDiscarded() throws Exception {
    app.deployWorkers(ScriptedRenderer::all, 1);
    String jobId = create("slow:800 long", "healthycollege");
    awaitStatus(jobId, "generating");
    // the lease is stolen mid-run (as if this node had stalled): the rescue re-queues attempt 1
    app.execute("UPDATE jobs SET lease_expires_at = now() - interval '1 second' WHERE job_id = '" + jobId + "'");
    JsonObject job = Eventually.await("attempt 2 to complete", Duration.ofSeconds(30), () -> job(jobId),
        j -> "completed".equals(j.getString("status")) && j.getInteger("attempt") == 2);
    assertThat(job.getInteger("attempt")).isEqualTo(2);
    JsonArray attempts = attempts(jobId);
    assertThat(attempts.getJsonObject(0).getString("outcome")).isEqualTo("lost");
    assertThat(attempts.getJsonObject(1).getString("outcome")).isEqualTo("completed");
  }

  @Test
  @DisplayName("a running attempt is read from the job row (its node, since its claim) and written once, when it ends:"
      + " completed keeps that start; a running job cancelled ends its attempt as cancelled")
  void runningAttemptLivesOnTheJobRowUntilItEnds() throws Exception {
    String neverRan = create("cancelled while queued", "healthycollege");
    app.execute("UPDATE jobs SET run_at = now() + interval '1 hour' WHERE job_id = '" + neverRan + "'");
    app.deployWorkers(ScriptedRenderer::all, 1);
    String finishing = create("slow:600 finishing", "healthycollege");
    awaitStatus(finishing, "generating");
    JsonObject running = attempts(finishing).getJsonObject(0);
    assertThat(running.getString("outcome")).isEqualTo("running");
    assertThat(running.getString("node")).isEqualTo("test-node");
    assertThat(running.getString("finished_at")).isNull();
    assertThat(app.count("SELECT count(*) FROM job_attempts a JOIN jobs j ON j.id = a.job_pk"
        + " WHERE j.job_id = '" + finishing + "'")).as("no row while the attempt runs").isZero();

    awaitStatus(finishing, "completed");
    JsonArray ended = attempts(finishing);
    assertThat(ended).hasSize(1);
    assertThat(ended.getJsonObject(0).getString("outcome")).isEqualTo("completed");
    assertThat(ended.getJsonObject(0).getString("node")).isEqualTo("test-node");
    assertThat(ended.getJsonObject(0).getString("started_at")).isEqualTo(running.getString("started_at"));
    assertThat(Instant.parse(ended.getJsonObject(0).getString("finished_at")))
        .isAfter(Instant.parse(running.getString("started_at")));

    String cancelled = create("slow:20000 cancelled mid-run", "healthycollege");
    awaitStatus(cancelled, "generating");
    assertThat(Http.post(app.http, "/jobs/" + cancelled + "/cancel", null).statusCode()).isEqualTo(200);
    JsonArray afterCancel = attempts(cancelled);
    assertThat(afterCancel).hasSize(1);
    assertThat(afterCancel.getJsonObject(0).getString("outcome")).isEqualTo("cancelled");
    assertThat(afterCancel.getJsonObject(0).getString("node")).isEqualTo("test-node");
    assertThat(afterCancel.getJsonObject(0).getString("finished_at")).isNotNull();

    assertThat(Http.post(app.http, "/jobs/" + neverRan + "/cancel", null).statusCode()).isEqualTo(200);
    assertThat(attempts(neverRan)).as("a job cancelled before any attempt has none").isEmpty();
  }

  @Test
  @DisplayName("the database refuses a failed job without an error code or with a blank message")
  void checkConstraintRefusesSilentFailure() throws Exception {
    String jobId = create("constraint probe", "healthycollege");
    assertThatThrownBy(() -> app.execute("UPDATE jobs SET status = 'failed', error_code = 1006, "
        + "error_category = 'api_error', error_message = '   ' WHERE job_id = '" + jobId + "'"))
        .hasMessageContaining("failed_job_has_error");
    assertThatThrownBy(() -> app.execute("UPDATE jobs SET status = 'failed', error_message = 'x' WHERE job_id = '"
        + jobId + "'"))
        .hasMessageContaining("failed_job_has_error");
    assertThat(job(jobId).getString("status")).isEqualTo("pending");
  }

  @Test
  @DisplayName("every state change is published live on the user's update address")
  void liveUpdates() throws Exception {
    List<JsonObject> updates = new CopyOnWriteArrayList<>();
    app.vertx.eventBus().<JsonObject>consumer(Addresses.jobUpdates("local"), m -> updates.add(m.body()))
        .completion().await(5, TimeUnit.SECONDS);
    app.deployWorkers(ScriptedRenderer::all, 2);
    String jobId = create("watched", "healthycollege");
    awaitStatus(jobId, "completed");
    Eventually.await("completed update", Duration.ofSeconds(5), () -> updates,
        u -> u.stream().anyMatch(x -> "completed".equals(x.getString("status"))));
    List<String> statuses = updates.stream().filter(u -> jobId.equals(u.getString("job_id")))
        .map(u -> u.getString("status")).distinct().toList();
    assertThat(statuses).containsSubsequence("pending", "generating", "completed");
  }

  /** A completed job carries no error, in the API and in the row: the failed attempts keep the history. */
  private void assertNoErrorOn(String jobId, JsonObject job) throws Exception {
    assertThat(job.getValue("error_code")).isNull();
    assertThat(job.getValue("error_category")).isNull();
    assertThat(job.getValue("error_message")).isNull();
    assertThat(app.count("SELECT count(*) FROM jobs WHERE job_id = '" + jobId + "' AND (error_code IS NOT NULL"
        + " OR error_category IS NOT NULL OR error_message IS NOT NULL OR error_stack IS NOT NULL"
        + " OR error_reset_at IS NOT NULL)")).isZero();
  }
}
