package io.maestro.jobs;

import io.maestro.metrics.Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The dispatch latency metric: how long a due job waited before a worker got it. */
final class DispatchLatency {
  private static final Logger LOG = LoggerFactory.getLogger(DispatchLatency.class);

  private DispatchLatency() {}

  /**
   * Claim time minus the moment the job became due (the later of run_at and when it was last queued), plus the time
   * it then waited prefetched.
   */
  static void record(MeterRegistry metrics, RunningJob running, JsonObject job, long prefetchedNanos) {
    try {
      Instant claimed = Instant.parse(job.getString("claimed_at"));
      Instant runAt = Instant.parse(job.getString("run_at"));
      Instant queuedAt = Instant.parse(job.getString("queued_at"));
      Instant due = runAt.isAfter(queuedAt) ? runAt : queuedAt;
      Duration queued = Duration.between(due, claimed).isNegative() ? Duration.ZERO : Duration.between(due, claimed);
      Metrics.dispatchLatency(metrics, running.variant).record(queued.plusNanos(prefetchedNanos));
    } catch (RuntimeException e) {
      try (JobMdc mdc = JobMdc.of(running.jobId, running.attempt)) {
        LOG.debug("No dispatch latency for {}: {}", running.jobId, e.getMessage());
      }
    }
  }
}
