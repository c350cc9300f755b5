package io.maestro.jobs;

import io.maestro.failure.Failure;
import io.vertx.core.json.JsonObject;

/** The dispatcher's view of one attempt while a worker runs it. Event-loop confined. */
final class RunningJob {
  final long pk;
  final int attempt;
  /** The job as claimed; its completion updates it in place and publishes it (see JobRepository.completeAll). */
  final JsonObject claimed;
  final String jobId;
  final String userId;
  final String variant;
  final int brandCount;
  final long startedNanos = System.nanoTime();
  long lastPersistNanos = startedNanos;
  /** Brand outputs reported since the last progress write. */
  JsonObject unpersistedOutputs = new JsonObject();
  /** Every brand output reported so far: what a failed reply records. */
  final JsonObject outputs = new JsonObject();
  /** The first failed brand's full failure (stack, reset time), or null. */
  Failure firstFailure;
  int failedBrands;

  RunningJob(ClaimedJob job, JsonObject claimed) {
    this.claimed = claimed;
    this.pk = job.pk();
    this.attempt = job.attempt();
    this.jobId = job.jobId();
    this.userId = job.userId();
    this.variant = job.variant() == null ? "unknown" : job.variant();
    Object brands = job.row().get("brands");
    this.brandCount = brands instanceof java.util.List<?> list ? list.size()
        : brands instanceof io.vertx.core.json.JsonArray array ? array.size() : 0;
  }

  long pk() {
    return pk;
  }

  void brandDone(BrandOutput output) {
    unpersistedOutputs.put(output.brand(), output.outputJson());
    outputs.put(output.brand(), output.outputJson());
    if (!output.succeeded()) {
      failedBrands++;
      if (firstFailure == null) {
        firstFailure = output.failureOrNull();
      }
    }
  }
}
