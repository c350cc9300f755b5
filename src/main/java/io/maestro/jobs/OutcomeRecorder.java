package io.maestro.jobs;

import io.maestro.failure.Failure;
import io.maestro.metrics.Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a job's outcome is written (the dispatcher's recorder). A completed job (at least one brand
 * succeeded) and a failed one (no brand did, or the worker never answered) take the same path: the duration is
 * measured, the row and its attempt are updated, and the finished event goes out. Completions are group-committed:
 * while one batch is being written, the next ones gather and go in one statement when it returns; at low load that
 * is one job per statement, with no added delay. Event-loop confined (the dispatcher's).
 */
final class OutcomeRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(OutcomeRecorder.class);

  private final JobRepository jobs;
  private final JobEvents events;
  private final MeterRegistry metrics;
  /** Job duration timers by variant and outcome, looked up once. */
  private final Map<String, Timer> durations = new HashMap<>();
  private final String nodeId;
  private boolean writingCompletions;
  private List<JobRepository.Completion> pendingCompletions = new ArrayList<>();
  private List<String> pendingCompletionIds = new ArrayList<>();

  OutcomeRecorder(JobRepository jobs, JobEvents events, MeterRegistry metrics, String nodeId) {
    this.jobs = jobs;
    this.events = events;
    this.metrics = metrics;
    this.nodeId = nodeId;
  }

  /**
   * Records the attempt's end: {@code outcome} when a brand succeeded, else {@code failure} with the brand outputs
   * gathered from progress and {@code step}.
   */
  void record(RunningJob running, JobOutcome outcome, Failure failure, String step) {
    boolean completed = outcome != null;
    String outcomeName = completed ? "completed" : "failed";
    durations.computeIfAbsent(running.variant + '/' + outcomeName,
            key -> Metrics.jobDuration(metrics, running.variant, outcomeName))
        .record(System.nanoTime() - running.startedNanos, TimeUnit.NANOSECONDS);
    if (completed) {
      pendingCompletions.add(new JobRepository.Completion(running.claimed, outcome.currentStep(),
          outcome.brandOutputs()));
      pendingCompletionIds.add(running.jobId);
      flushCompletions();
      return;
    }
    jobs.fail(running.pk, running.attempt, nodeId, step, running.outputs.copy(), failure)
        .onSuccess(job -> job.ifPresentOrElse(events::finished, () -> {
          try (JobMdc mdc = JobMdc.of(running.jobId, running.attempt)) {
            LOG.info("Discarded the result of {} attempt {}: the job was cancelled, deleted or rescued meanwhile",
                running.jobId, running.attempt);
          }
        }))
        .onFailure(e -> {
          try (JobMdc mdc = JobMdc.of(running.jobId, running.attempt)) {
            LOG.error("Could not record the outcome of {} attempt {}; its lease will expire and it will be rescued: {}",
                running.jobId, running.attempt, e.getMessage());
          }
        });
  }

  /** Nothing waits to be written (the graceful stop waits for this). */
  boolean idle() {
    return !writingCompletions && pendingCompletions.isEmpty();
  }

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
          done.forEach(events::finished);
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
}
