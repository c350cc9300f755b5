package io.maestro.jobs;

import io.maestro.render.JobRenderer;
import io.maestro.render.JobContext;
import io.maestro.render.Deadline;
import io.maestro.failure.Failure;
import io.maestro.failure.FailureClassifier;
import io.maestro.failure.FailureCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs one job on the calling (worker) thread: each brand through the variant's renderer, every failure classified
 * where it happens, and one outcome over the brands — all ok: completed; some ok: completed naming the failed
 * brands; none ok: failed with the first brand's code and message. A failed job therefore always carries the
 * error of a brand (the seed's first bug: a post job that failed with no message).
 */
public final class JobRunner {
  private final Map<String, JobRenderer> renderers;
  /** The deadline of the job running now, if any: {@link #abort()} ends it. */
  private volatile Deadline current;

  public JobRunner(Map<String, JobRenderer> renderers) {
    this.renderers = Map.copyOf(renderers);
  }

  /**
   * @param job the claimed job (JobJson shape, plus {@code deadline_ms})
   * @param progressSink receives {step, percent, brand?, output?} notices while the job runs
   * @return {status: completed|failed, current_step, brand_outputs, error?}
   */
  public JsonObject run(JsonObject job, long deadlineMs, Consumer<JsonObject> progressSink) {
    JobRenderer renderer = renderers.get(job.getString("variant"));
    List<String> brands = brands(job);
    if (renderer == null) {
      Failure failure = FailureClassifier.of(FailureCode.CONFIG_ERROR,
          "no renderer is configured for variant '" + job.getString("variant") + "'");
      return failedOutcome(failure, new JsonObject(), "failed: " + failure.message());
    }
    Map<String, JsonObject> outputs = new LinkedHashMap<>();
    Map<String, Failure> failures = new LinkedHashMap<>();
    try (Deadline deadline = new Deadline(deadlineMs)) {
      current = deadline;
      for (int i = 0; i < brands.size(); i++) {
        String brand = brands.get(i);
        int basePercent = 100 * i / brands.size();
        String step = "rendering " + brand + " (" + (i + 1) + "/" + brands.size() + ")";
        progressSink.accept(new JsonObject().put("step", step).put("percent", basePercent));
        JsonObject output;
        if (deadline.expired()) {
          Failure timeout = timeout(deadline, brand);
          failures.put(brand, timeout);
          output = failedBrand(timeout);
        } else {
          output = renderBrand(renderer, job, brand, deadline, failures, progressSink);
        }
        outputs.put(brand, output);
        progressSink.accept(new JsonObject().put("step", step + ": " + output.getString("status"))
            .put("percent", 100 * (i + 1) / brands.size() - (i + 1 == brands.size() ? 1 : 0))
            .put("brand", brand).put("output", output));
      }
    }
    current = null;
    return outcome(brands, outputs, failures);
  }

  /** Called from another thread: interrupts the running job, and the brands it has not started are not rendered. */
  public void abort() {
    Deadline deadline = current;
    if (deadline != null) {
      deadline.abort();
    }
  }

  private JsonObject renderBrand(JobRenderer renderer, JsonObject job, String brand, Deadline deadline,
      Map<String, Failure> failures, Consumer<JsonObject> progressSink) {
    JobContext context = new JobContext(job, (step, percent) -> progressSink.accept(
        new JsonObject().put("step", brand + ": " + step).put("percent", percent)), deadline);
    try {
      JsonObject output = renderer.render(context, brand);
      if (deadline.expired()) {
        // finished, but only after the deadline: the job as a whole has timed out
        Failure timeout = timeout(deadline, brand);
        failures.put(brand, timeout);
        return failedBrand(timeout);
      }
      return (output == null ? new JsonObject() : output.copy()).put("status", "completed")
          .put("progress_percent", 100);
    } catch (Throwable t) {
      Failure failure = deadline.expired() ? timeout(deadline, brand) : FailureClassifier.classify(t);
      failures.put(brand, failure);
      return failedBrand(failure);
    }
  }

  private static Failure timeout(Deadline deadline, String brand) {
    return FailureClassifier.of(FailureCode.JOB_TIMEOUT, "job_timeout: the job exceeded its deadline of "
        + deadline.budgetMillis() + " ms while rendering brand " + brand);
  }

  private static JsonObject failedBrand(Failure failure) {
    return new JsonObject().put("status", "failed").put("error", failure.message())
        .put("error_code", failure.code().code()).put("error_category", failure.category())
        .put("progress_message", "failed: " + failure.category());
  }

  private static JsonObject outcome(List<String> brands, Map<String, JsonObject> outputs,
      Map<String, Failure> failures) {
    JsonObject brandOutputs = new JsonObject();
    outputs.forEach(brandOutputs::put);
    if (failures.isEmpty()) {
      return new JsonObject().put("status", "completed").put("brand_outputs", brandOutputs)
          .put("current_step", "completed: " + brands.size() + "/" + brands.size() + " brands");
    }
    if (failures.size() < brands.size()) {
      return new JsonObject().put("status", "completed").put("brand_outputs", brandOutputs)
          .put("current_step", "completed with errors: failed brands: " + String.join(", ", failures.keySet()));
    }
    Map.Entry<String, Failure> first = failures.entrySet().iterator().next();
    Failure failure = first.getValue();
    return failedOutcome(failure, brandOutputs, "failed: all " + brands.size() + " brand(s) failed; "
        + first.getKey() + ": " + failure.category());
  }

  private static JsonObject failedOutcome(Failure failure, JsonObject brandOutputs, String step) {
    return new JsonObject().put("status", "failed").put("brand_outputs", brandOutputs).put("current_step", step)
        .put("error", failure.toJson());
  }

  private static List<String> brands(JsonObject job) {
    JsonArray array = job.getJsonArray("brands", new JsonArray());
    List<String> brands = new ArrayList<>(array.size());
    array.forEach(b -> brands.add(String.valueOf(b)));
    return brands;
  }
}
