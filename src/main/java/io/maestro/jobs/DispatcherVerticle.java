package io.maestro.jobs;

import io.maestro.bus.Addresses;
import io.maestro.config.MaestroConfig;
import io.maestro.failure.Failure;
import io.maestro.failure.FailureClassifier;
import io.maestro.failure.FailureCode;
import io.maestro.metrics.Metrics;
import io.maestro.node.NodeContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per node. Claims due jobs from PostgreSQL — only as many as this node has idle workers — hands each to one
 * idle worker as a local request, heartbeats the leases of what is running, and records every outcome (completed,
 * or failed with code, category and message) in one place. A freed worker is refilled at once; a new job wakes the
 * dispatcher through the event bus; a short poll is the backstop and also rescues jobs whose node stopped
 * heartbeating.
 */
public class DispatcherVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(DispatcherVerticle.class);
  /** Extra time the dispatcher gives a worker beyond the job deadline before it stops waiting for the reply. */
  private static final long REPLY_GRACE_MS = 5_000;
  private static final int RESCUE_BATCH = 500;

  private final Set<String> idleWorkers = new LinkedHashSet<>();
  private final Map<String, Running> busyWorkers = new HashMap<>();
  private JobRepository jobs;
  private MeterRegistry metrics;
  private String nodeId;
  private long leaseMs;
  private long deadlineMs;
  private int maxAttempts;
  private boolean claiming;
  private boolean claimAgain;
  private boolean stopping;
  private long shutdownGraceMs;
  private boolean writingCompletions;
  private Future<Void> releasingClaims = Future.succeededFuture();
  private List<JobRepository.Completion> pendingCompletions = new ArrayList<>();
  private List<String> pendingCompletionIds = new ArrayList<>();

  /** Progress is published live at once but written to the database at most this often per job. */
  private static final long PROGRESS_PERSIST_INTERVAL_NANOS = 1_000_000_000L;
  private final Map<Long, Running> runningByPk = new HashMap<>();

  private static final class Running {
    final long pk;
    final int attempt;
    final String jobId;
    final String userId;
    final String variant;
    final long startedNanos = System.nanoTime();
    long lastPersistNanos = startedNanos;
    JsonObject unpersistedOutputs = new JsonObject();

    Running(long pk, int attempt, String jobId, String userId, String variant) {
      this.pk = pk;
      this.attempt = attempt;
      this.jobId = jobId;
      this.userId = userId;
      this.variant = variant == null ? "unknown" : variant;
    }

    long pk() {
      return pk;
    }

    int attempt() {
      return attempt;
    }

    String jobId() {
      return jobId;
    }
  }

  private final NodeContext node;

  public DispatcherVerticle(NodeContext node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    MaestroConfig config = node.config();
    jobs = new JobRepository(node.pool());
    metrics = node.metrics();
    nodeId = node.nodeId();
    leaseMs = config.longValue(MaestroConfig.LEASE);
    deadlineMs = config.longValue(MaestroConfig.JOB_DEADLINE);
    maxAttempts = config.integer(MaestroConfig.MAX_ATTEMPTS);
    shutdownGraceMs = config.longValue(MaestroConfig.SHUTDOWN_GRACE);
    long pollMs = config.longValue(MaestroConfig.POLL_INTERVAL);

    var bus = vertx.eventBus();
    vertx.setPeriodic(pollMs, pollMs, id -> rescueThenFill());
    vertx.setPeriodic(Math.max(50, leaseMs / 3), id -> heartbeat());
    return Future.all(
        bus.<JsonObject>localConsumer(Addresses.WORKER_READY, this::workerReady).completion(),
        bus.<JsonObject>localConsumer(Addresses.WORKER_GONE, this::workerGone).completion(),
        bus.<JsonObject>localConsumer(Addresses.JOB_PROGRESS, this::progress).completion(),
        bus.consumer(Addresses.JOBS_QUEUED, message -> fill()).completion())
        .onSuccess(ignored -> rescueThenFill());
  }

  private void workerReady(Message<JsonObject> message) {
    String address = message.body().getString("address");
    if (address == null || busyWorkers.containsKey(address)) {
      return; // a busy worker becomes idle when its reply arrives
    }
    idleWorkers.add(address);
    fill();
  }

  private void workerGone(Message<JsonObject> message) {
    String address = message.body().getString("address");
    idleWorkers.remove(address);
  }

  /** Claims as many due jobs as there are idle workers; coalesces wake-ups that arrive while a claim runs. */
  private void fill() {
    if (stopping || idleWorkers.isEmpty()) {
      return;
    }
    if (claiming) {
      claimAgain = true;
      return;
    }
    claiming = true;
    claimAgain = false;
    int slots = idleWorkers.size();
    jobs.claim(nodeId, leaseMs, slots)
        .onComplete(result -> {
          claiming = false;
          if (result.failed()) {
            LOG.warn("Claiming jobs failed (will retry on the next wake-up or poll): {}", result.cause().getMessage());
            return;
          }
          if (stopping) {
            // the claim raced the stop: these jobs never reach a worker, so they go straight back to the queue
            releaseClaimedWhileStopping(result.result());
            return;
          }
          result.result().forEach(this::dispatch);
          if (claimAgain || result.result().size() == slots) {
            fill();
          }
        });
  }

  private void dispatch(JsonObject job) {
    String worker = idleWorkers.iterator().next();
    idleWorkers.remove(worker);
    Running running = new Running(job.getLong(JobJson.INTERNAL_PK), job.getInteger("attempt"),
        job.getString("job_id"), job.getString("user_id"), job.getString("variant"));
    recordDispatchLatency(running, job);
    busyWorkers.put(worker, running);
    runningByPk.put(running.pk, running);
    publishUpdate(job);
    try (JobMdc mdc = JobMdc.of(running.jobId, running.attempt)) {
      LOG.debug("Dispatched {} attempt {} to {}", running.jobId, running.attempt, worker);
    }
    DeliveryOptions options = new DeliveryOptions().setLocalOnly(true).setSendTimeout(deadlineMs + REPLY_GRACE_MS);
    vertx.eventBus().<JsonObject>request(worker, job.copy().put("deadline_ms", deadlineMs), options)
        .onComplete(reply -> {
          busyWorkers.remove(worker);
          runningByPk.remove(running.pk);
          if (reply.succeeded()) {
            idleWorkers.add(worker);
            record(running, reply.result().body());
          } else {
            workerFailed(worker, running, reply.cause());
          }
          fill();
        });
  }

  /** Claim time minus the moment the job became due: the later of run_at and when it was last queued. */
  private void recordDispatchLatency(Running running, JsonObject job) {
    try {
      Instant claimed = Instant.parse(job.getString("claimed_at"));
      Instant runAt = Instant.parse(job.getString("run_at"));
      Instant queuedAt = Instant.parse(job.getString("queued_at"));
      Instant due = runAt.isAfter(queuedAt) ? runAt : queuedAt;
      Metrics.dispatchLatency(metrics, running.variant).record(Duration.between(due, claimed).isNegative()
          ? Duration.ZERO : Duration.between(due, claimed));
    } catch (RuntimeException e) {
      try (JobMdc mdc = JobMdc.of(running.jobId, running.attempt)) {
        LOG.debug("No dispatch latency for {}: {}", running.jobId, e.getMessage());
      }
    }
  }

  private void workerFailed(String worker, Running running, Throwable cause) {
    Failure failure = FailureClassifier.classify(cause);
    if (cause instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.NO_HANDLERS) {
        failure = FailureClassifier.of(FailureCode.DISPATCH_NO_WORKER, "no worker was listening at " + worker
            + " when job " + running.jobId() + " was dispatched on node " + nodeId);
      } else if (reply.failureType() == ReplyFailure.TIMEOUT) {
        // not idle again here: it is still stuck; it comes back when it announces itself idle again
        failure = FailureClassifier.of(FailureCode.REPLY_TIMEOUT, "worker " + worker + " did not reply within "
            + (deadlineMs + REPLY_GRACE_MS) + " ms (deadline " + deadlineMs + " ms) for job " + running.jobId());
      } else {
        idleWorkers.add(worker); // it replied, with a failure: it is alive and free
      }
    }
    record(running, new JsonObject().put("status", "failed").put("brand_outputs", new JsonObject())
        .put("current_step", "failed: " + failure.category()).put("error", failure.toJson()));
  }

  /** The one place a job's outcome is written. */
  private void record(Running running, JsonObject outcome) {
    Metrics.jobDuration(metrics, running.variant, "completed".equals(outcome.getString("status")) ? "completed"
        : "failed").record(System.nanoTime() - running.startedNanos, TimeUnit.NANOSECONDS);
    JsonObject outputs = outcome.getJsonObject("brand_outputs", new JsonObject());
    String step = outcome.getString("current_step");
    if ("completed".equals(outcome.getString("status"))) {
      pendingCompletions.add(new JobRepository.Completion(running.pk(), running.attempt(), step, outputs));
      pendingCompletionIds.add(running.jobId());
      flushCompletions();
      return;
    }
    JsonObject error = outcome.getJsonObject("error");
    Failure failure = error == null
        ? FailureClassifier.of(FailureCode.INTERNAL_ERROR, "worker reported a failed job without an error")
        : Failure.fromJson(error);
    jobs.fail(running.pk(), running.attempt(), nodeId, step, outputs, failure).onSuccess(job -> job.ifPresentOrElse(this::finished, () -> {
          try (JobMdc mdc = JobMdc.of(running.jobId(), running.attempt())) {
            LOG.info("Discarded the result of {} attempt {}: the job was cancelled, deleted or rescued meanwhile",
                running.jobId(), running.attempt());
          }
        }))
        .onFailure(e -> {
          try (JobMdc mdc = JobMdc.of(running.jobId(), running.attempt())) {
            LOG.error("Could not record the outcome of {} attempt {}; its lease will expire and it will be rescued: {}",
                running.jobId(), running.attempt(), e.getMessage());
          }
        });
  }

  /**
   * Group commit: while one batch of completions is being written, the next ones gather and go in one statement
   * when it returns. At low load that is one job per statement, with no added delay.
   */
  private void flushCompletions() {
    if (writingCompletions || pendingCompletions.isEmpty()) {
      return;
    }
    writingCompletions = true;
    List<JobRepository.Completion> batch = pendingCompletions;
    List<String> ids = pendingCompletionIds;
    pendingCompletions = new ArrayList<>();
    pendingCompletionIds = new ArrayList<>();
    jobs.completeAll(nodeId, batch)
        .onSuccess(done -> {
          done.forEach(this::finished);
          if (done.size() < batch.size()) {
            LOG.info("Discarded {} completion(s) among {}: cancelled, deleted or rescued meanwhile",
                batch.size() - done.size(), ids);
          }
        })
        .onFailure(e -> LOG.error("Could not record the completion of {}; their leases will expire and they will be "
            + "rescued: {}", ids, e.getMessage()))
        .onComplete(ignored -> {
          writingCompletions = false;
          flushCompletions();
        });
  }

  private void finished(JsonObject job) {
    publishUpdate(job);
    vertx.eventBus().publish(Addresses.JOB_FINISHED, JobJson.publicView(job));
  }

  private void progress(Message<JsonObject> message) {
    JsonObject body = message.body();
    Running running = runningByPk.get(body.getLong(JobJson.INTERNAL_PK));
    if (running == null || !Integer.valueOf(running.attempt).equals(body.getInteger("attempt"))) {
      return; // the attempt is over: its outcome has been (or is being) recorded
    }
    if (body.getString("brand") != null && body.getJsonObject("output") != null) {
      running.unpersistedOutputs.put(body.getString("brand"), body.getJsonObject("output"));
    }
    vertx.eventBus().publish(Addresses.jobUpdates(running.userId), new JsonObject()
        .put("job_id", running.jobId).put("status", "generating").put("attempt", running.attempt)
        .put("progress_percent", body.getInteger("percent")).put("current_step", body.getString("step")));
    long now = System.nanoTime();
    if (now - running.lastPersistNanos < PROGRESS_PERSIST_INTERVAL_NANOS) {
      return;
    }
    running.lastPersistNanos = now;
    JsonObject outputs = running.unpersistedOutputs;
    running.unpersistedOutputs = new JsonObject();
    jobs.progress(running.pk, running.attempt, nodeId, body.getString("step"), body.getInteger("percent"), outputs)
        .onFailure(e -> {
          try (JobMdc mdc = JobMdc.of(running.jobId, running.attempt)) {
            LOG.debug("Progress of {} not recorded: {}", running.jobId, e.getMessage());
          }
        });
  }

  private void heartbeat() {
    if (busyWorkers.isEmpty()) {
      return;
    }
    Long[] pks = busyWorkers.values().stream().map(Running::pk).toArray(Long[]::new);
    jobs.heartbeat(nodeId, leaseMs, pks)
        .onFailure(e -> LOG.warn("Lease heartbeat failed: {}", e.getMessage()));
  }

  private void rescueThenFill() {
    jobs.rescueExpiredLeases(maxAttempts, RESCUE_BATCH)
        .onSuccess(this::rescued)
        .onFailure(e -> LOG.warn("Lease rescue failed: {}", e.getMessage()))
        .onComplete(ignored -> fill());
  }

  private void rescued(List<JsonObject> rescuedJobs) {
    for (JsonObject job : rescuedJobs) {
      try (JobMdc mdc = JobMdc.of(job.getString("job_id"), job.getInteger("attempt"))) {
        LOG.warn("Rescued {} (attempt {}): {}", job.getString("job_id"), job.getInteger("attempt"),
            job.getString("error_message"));
      }
      if ("failed".equals(job.getString("status"))) {
        finished(job);
      } else {
        publishUpdate(job);
      }
    }
    if (!rescuedJobs.isEmpty()) {
      vertx.eventBus().publish(Addresses.JOBS_QUEUED, new JsonObject());
    }
  }

  private void publishUpdate(JsonObject job) {
    vertx.eventBus().publish(Addresses.jobUpdates(job.getString("user_id")), JobJson.update(job));
  }

  /**
   * Graceful stop: claim nothing more, let running jobs finish within the grace period, wait for their outcomes to
   * be written, then hand the leases of whatever still runs back to the queue so that another node (or the next
   * start) takes those jobs at once instead of waiting for the leases to expire.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    long deadline = System.nanoTime() + shutdownGraceMs * 1_000_000L;
    io.vertx.core.Promise<Void> drained = io.vertx.core.Promise.promise();
    awaitDrained(deadline, drained);
    // handed back (or not, if the database is gone): either way no job of this node may keep the stop waiting
    return drained.future().compose(ignored -> releaseRemaining())
        .onComplete(ignored -> vertx.eventBus().publish(Addresses.WORKERS_ABORT, new JsonObject(),
            new DeliveryOptions().setLocalOnly(true)));
  }

  private void releaseClaimedWhileStopping(List<JsonObject> claimed) {
    if (claimed.isEmpty()) {
      return;
    }
    Long[] pks = claimed.stream().map(job -> job.getLong(JobJson.INTERNAL_PK)).toArray(Long[]::new);
    releasingClaims = jobs.release(nodeId, pks, "node " + nodeId + " stopped before dispatch")
        .onSuccess(released -> released.forEach(this::publishUpdate))
        .onFailure(e -> LOG.warn("Could not hand back {} job(s) claimed while stopping; their leases will expire: {}",
            pks.length, e.getMessage()))
        .mapEmpty();
  }

  private void awaitDrained(long deadline, io.vertx.core.Promise<Void> drained) {
    boolean idle = busyWorkers.isEmpty() && !claiming && releasingClaims.isComplete() && !writingCompletions
        && pendingCompletions.isEmpty();
    if (idle || System.nanoTime() >= deadline) {
      drained.complete();
      return;
    }
    vertx.setTimer(25, id -> awaitDrained(deadline, drained));
  }

  private Future<?> releaseRemaining() {
    if (busyWorkers.isEmpty()) {
      LOG.info("Dispatcher on {} stopped with no job left running", nodeId);
      return Future.succeededFuture();
    }
    Long[] pks = busyWorkers.values().stream().map(Running::pk).toArray(Long[]::new);
    return jobs.release(nodeId, pks, "node " + nodeId + " stopped")
        .onSuccess(released -> {
          LOG.info("Dispatcher on {} stopped: handed {} running job(s) back to the queue", nodeId, released.size());
          released.forEach(this::publishUpdate);
          if (!released.isEmpty()) {
            vertx.eventBus().publish(Addresses.JOBS_QUEUED, new JsonObject());
          }
        })
        .otherwise(List.of());
  }
}
