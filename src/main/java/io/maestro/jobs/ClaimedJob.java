package io.maestro.jobs;

import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.Map;

/**
 * A claimed job as the dispatcher hands it to one worker (request body of {@code maestro.jobs.worker.<id>}, by
 * reference: {@link WorkerProtocol}).
 *
 * @param row the job as the API shows it ({@link JobJson} shape): what renderers read
 * @param deadlineMs how long the worker may run it before it fails with job_timeout
 */
public record ClaimedJob(long pk, int attempt, String jobId, String userId, String variant, long deadlineMs,
    Map<String, Object> row) {

  static ClaimedJob of(JsonObject job, long deadlineMs) {
    // read-only: the message travels by reference (WorkerProtocol) and the renderers work on a copy
    return new ClaimedJob(job.getLong(JobJson.INTERNAL_PK), job.getInteger("attempt"), job.getString("job_id"),
        job.getString("user_id"), job.getString("variant"), deadlineMs, Collections.unmodifiableMap(job.getMap()));
  }

  /** A fresh mutable copy of the row for the renderers. */
  public JsonObject job() {
    return new JsonObject(row).copy();
  }
}
