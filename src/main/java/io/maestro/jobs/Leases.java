package io.maestro.jobs;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leases of the jobs this node runs: the heartbeat that extends them, the rescue of jobs whose lease expired
 * (any node's: back to the queue, or failed with worker_lost at the attempt cap), and handing them back when the
 * node stops. Event-loop confined (the dispatcher's).
 */
final class Leases {
  private static final Logger LOG = LoggerFactory.getLogger(Leases.class);
  private static final int RESCUE_BATCH = 500;

  private final JobRepository jobs;
  private final JobEvents events;
  private final String nodeId;
  private final long leaseMs;
  private final int maxAttempts;
  private Future<Void> releasingClaims = Future.succeededFuture();

  Leases(JobRepository jobs, JobEvents events, String nodeId, long leaseMs, int maxAttempts) {
    this.jobs = jobs;
    this.events = events;
    this.nodeId = nodeId;
    this.leaseMs = leaseMs;
    this.maxAttempts = maxAttempts;
  }

  /** How often the heartbeat runs: three beats per lease, at most every 50 ms. */
  long heartbeatIntervalMs() {
    return Math.max(50, leaseMs / 3);
  }

  void heartbeat(Collection<RunningJob> running) {
    if (running.isEmpty()) {
      return;
    }
    Long[] pks = running.stream().map(RunningJob::pk).toArray(Long[]::new);
    jobs.heartbeat(nodeId, leaseMs, pks).onFailure(e -> LOG.warn("Lease heartbeat failed: {}", e.getMessage()));
  }

  /** Rescues expired leases; completes (never fails) when done, so the caller can claim after it. */
  Future<Void> rescue() {
    return jobs.rescueExpiredLeases(maxAttempts, RESCUE_BATCH)
        .onSuccess(this::rescued)
        .onFailure(e -> LOG.warn("Lease rescue failed: {}", e.getMessage()))
        .<Void>mapEmpty().otherwiseEmpty();
  }

  private void rescued(List<JsonObject> rescuedJobs) {
    for (JsonObject job : rescuedJobs) {
      try (JobMdc mdc = JobMdc.of(job.getString("job_id"), job.getInteger("attempt"))) {
        LOG.warn("Rescued {} (attempt {}): {}", job.getString("job_id"), job.getInteger("attempt"),
            job.getString("error_message"));
      }
      if ("failed".equals(job.getString("status"))) {
        events.finished(job);
      } else {
        events.update(job);
      }
    }
    if (!rescuedJobs.isEmpty()) {
      events.queued();
    }
  }

  /** The claim raced the stop: these jobs never reach a worker, so they go straight back to the queue. */
  void releaseClaimedWhileStopping(List<JsonObject> claimed) {
    if (claimed.isEmpty()) {
      return;
    }
    Long[] pks = claimed.stream().map(job -> job.getLong(JobJson.INTERNAL_PK)).toArray(Long[]::new);
    releasingClaims = jobs.release(nodeId, pks, "node " + nodeId + " stopped before dispatch")
        .onSuccess(released -> released.forEach(events::update))
        .onFailure(e -> LOG.warn("Could not hand back {} job(s) claimed while stopping; their leases will expire: {}",
            pks.length, e.getMessage()))
        .mapEmpty();
  }

  boolean releasing() {
    return !releasingClaims.isComplete();
  }

  /** Hands the leases of whatever still runs back to the queue, so another node takes those jobs at once. */
  Future<?> releaseRemaining(Collection<RunningJob> running) {
    if (running.isEmpty()) {
      LOG.info("Dispatcher on {} stopped with no job left running", nodeId);
      return Future.succeededFuture();
    }
    Long[] pks = running.stream().map(RunningJob::pk).toArray(Long[]::new);
    return jobs.release(nodeId, pks, "node " + nodeId + " stopped")
        .onSuccess(released -> {
          LOG.info("Dispatcher on {} stopped: handed {} running job(s) back to the queue", nodeId, released.size());
          released.forEach(events::update);
          if (!released.isEmpty()) {
            events.queued();
          }
        })
        .otherwise(List.of());
  }
}
