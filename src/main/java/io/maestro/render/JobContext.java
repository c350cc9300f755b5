package io.maestro.render;

import io.vertx.core.json.JsonObject;
import java.util.function.BiConsumer;

/** What a renderer sees of the job it renders, and how it reports progress. */
public final class JobContext {
  private final JsonObject job;
  private final BiConsumer<String, Integer> progress;
  private final Deadline deadline;

  public JobContext(JsonObject job, BiConsumer<String, Integer> progress, Deadline deadline) {
    this.job = job;
    this.progress = progress;
    this.deadline = deadline;
  }

  public JsonObject job() {
    return job;
  }

  public String jobId() {
    return job.getString("job_id");
  }

  public String userId() {
    return job.getString("user_id");
  }

  /** Reports a step within the current brand; percent is of the whole job (0–100) or null to keep it. */
  public void progress(String step, Integer percent) {
    progress.accept(step, percent);
  }

  /** Milliseconds left before the job's deadline (renderers pass it on as timeouts of their own calls). */
  public long remainingMillis() {
    return deadline.remainingMillis();
  }
}
