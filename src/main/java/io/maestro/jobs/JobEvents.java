package io.maestro.jobs;

import io.maestro.bus.Addresses;
import io.maestro.bus.SharedJson;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** The job events the dispatcher's parts and the job service publish: a user's live update, a job finished, the queue has work. */
final class JobEvents {
  private final Vertx vertx;

  JobEvents(Vertx vertx) {
    this.vertx = vertx;
    SharedJson.registerOn(vertx.eventBus());
  }

  void update(JsonObject job) {
    vertx.eventBus().publish(Addresses.jobUpdates(job.getString("user_id")), JobJson.update(job));
  }

  /**
   * A job reached completed or failed: its user sees it, and the scheduler books what it produced. The job is handed
   * over, its internal key removed in place (every caller is done with the row; a copy per finished job showed in the
   * dispatcher's profile), and shared by the local consumers, who only read it.
   */
  void finished(JsonObject job) {
    update(job);
    job.remove(JobJson.INTERNAL_PK);
    vertx.eventBus().publish(Addresses.JOB_FINISHED, job, SharedJson.PUBLISH);
  }

  void queued() {
    vertx.eventBus().publish(Addresses.JOBS_QUEUED, new JsonObject());
  }

  void queued(String jobId) {
    vertx.eventBus().publish(Addresses.JOBS_QUEUED, new JsonObject().put("job_id", jobId));
  }
}
