package io.maestro.jobs;

import io.maestro.metrics.Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The dispatch latency metric: how long a due job waited before a worker got it. One timer per variant, looked up
 * once (a registry lookup per job was a measurable share of the dispatcher's time). Event-loop confined (the
 * dispatcher's).
 */
final class DispatchLatency {
  private final MeterRegistry metrics;
  private final Map<String, Timer> byVariant = new HashMap<>();

  DispatchLatency(MeterRegistry metrics) {
    this.metrics = metrics;
  }

  /** How long it was due before its claim ({@link JobRepository.Claimed#waited}), plus its time prefetched. */
  void record(RunningJob running, Duration waited, long prefetchedNanos) {
    byVariant.computeIfAbsent(running.variant, variant -> Metrics.dispatchLatency(metrics, variant))
        .record(waited.plusNanos(prefetchedNanos));
  }
}
