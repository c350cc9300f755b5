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
  /**
   * Local send time of the last heartbeat that succeeded: every lease held then and still live was extended from
   * then on (an expired one is left to the rescue, and its late result is discarded by the recorder's re-checks).
   */
  private long renewedNanos = Long.MIN_VALUE;

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

  /** Extends the leases of every job this node holds: running ones and claimed ones waiting for a worker alike. */
  void heartbeat(Long[] held) {
    if (held.length == 0) {
      return;
    }
    long sent = System.nanoTime();
    jobs.heartbeat(nodeId, leaseMs, held)
        .onSuccess(ignored -> renewedNanos = Math.max(renewedNanos, sent))
        .onFailure(e -> LOG.warn("Lease heartbeat failed: {}", e.getMessage()));
  }

  /**
   * Whether a job claimed at {@code claimedNanos} (local clock) and held since may have lost its lease: less than a
   * third of it is left counting from the later of the claim and the last heartbeat that succeeded. Such a job may
   * have been rescued by another node, so it is handed back rather than run.
   */
  boolean leaseAtRisk(long claimedNanos, long nowNanos) {
    long from = Math.max(claimedNanos, renewedNanos);
    return nowNanos - from > leaseMs * 2 / 3 * 1_000_000L;
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

  /**
   * Claimed jobs no worker started (prefetched ones when the node stops or loses workers, a claim that raced the
   * stop) go back to the queue as if never claimed: no attempt is spent on them, and any node may take them at once.
   */
  void handBackUnstarted(List<JsonObject> claimed, String reason) {
    if (claimed.isEmpty()) {
      return;
    }
    Long[] pks = claimed.stream().map(job -> job.getLong(JobJson.INTERNAL_PK)).toArray(Long[]::new);
    Integer[] attempts = claimed.stream().map(job -> job.getInteger("attempt")).toArray(Integer[]::new);
    Future<Void> handedBack = jobs.unclaim(nodeId, pks, attempts, "node " + nodeId + " " + reason)
        .onSuccess(back -> {
          LOG.info("Dispatcher on {} handed {} claimed job(s) that had not started back to the queue ({})", nodeId,
              back.size(), reason);
          back.forEach(events::update);
          if (!back.isEmpty()) {
            events.queued();
          }
        })
        .onFailure(e -> LOG.warn("Could not hand back {} claimed job(s) that had not started; their leases will "
            + "expire: {}", pks.length, e.getMessage()))
        .<Void>mapEmpty().otherwiseEmpty();
    releasingClaims = Future.all(releasingClaims, handedBack).mapEmpty();
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
