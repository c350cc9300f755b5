package io.maestro.jobs;

import io.maestro.bus.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running job's progress, as its worker reports it: published to the user's live address at once, written to
 * the job row at most once a second (the UI is live anyway; the row is what a restart or another node sees).
 * Event-loop confined (the dispatcher's).
 */
final class ProgressRelay {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressRelay.class);
  private static final long PERSIST_INTERVAL_NANOS = 1_000_000_000L;

  private final Vertx vertx;
  private final JobRepository jobs;
  private final String nodeId;
  private final LongFunction<RunningJob> running;

  ProgressRelay(Vertx vertx, JobRepository jobs, String nodeId, LongFunction<RunningJob> running) {
    this.vertx = vertx;
    this.jobs = jobs;
    this.nodeId = nodeId;
    this.running = running;
  }

  void relay(Message<JobProgress> message) {
    JobProgress progress = message.body();
    RunningJob job = running.apply(progress.pk());
    if (job == null || job.attempt != progress.attempt()) {
      return; // the attempt is over: its outcome has been (or is being) recorded
    }
    if (progress.brand() != null) {
      job.brandDone(progress.brand());
    }
    vertx.eventBus().publish(Addresses.jobUpdates(job.userId), new JsonObject()
        .put("job_id", job.jobId).put("status", "generating").put("attempt", job.attempt)
        .put("progress_percent", progress.percent()).put("current_step", progress.step()));
    long now = System.nanoTime();
    if (now - job.lastPersistNanos < PERSIST_INTERVAL_NANOS) {
      return;
    }
    job.lastPersistNanos = now;
    JsonObject outputs = job.unpersistedOutputs;
    job.unpersistedOutputs = new JsonObject();
    jobs.progress(job.pk, job.attempt, nodeId, progress.step(), progress.percent(), outputs)
        .onFailure(e -> {
          try (JobMdc mdc = JobMdc.of(job.jobId, job.attempt)) {
            LOG.debug("Progress of {} not recorded: {}", job.jobId, e.getMessage());
          }
        });
  }
}
