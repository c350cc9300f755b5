package io.maestro.jobs;

import io.maestro.failure.Failure;
import io.maestro.failure.FailureClassifier;
import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.maestro.render.Deadline;
import io.maestro.render.JobContext;
import io.maestro.render.JobRenderer;
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
 * brands; none ok: a {@link MaestroException} with the first brand's code and message, which the worker answers
 * with {@code message.fail}. Every brand's output (a failed one with its full failure) is reported as
 * {@link JobProgress} before that, so a failed job always carries the error of a brand (the seed's first bug: a post
 * job that failed with no message).
 */
public final class JobRunner {
  private final Map<String, JobRenderer> renderers;
  /** The deadline of the job running now, if any: {@link #abort()} ends it. */
  private volatile Deadline current;

  public JobRunner(Map<String, JobRenderer> renderers) {
    this.renderers = Map.copyOf(renderers);
  }

  /**
   * @param sink receives step notices while the job runs, and each brand's output once it is done
   * @return the outcome when at least one brand succeeded
   * @throws MaestroException with the first brand's failure when none did (or no renderer serves the variant)
   */
  public JobOutcome run(ClaimedJob claimed, Consumer<JobProgress> sink) {
    JsonObject job = claimed.job();
    JobRenderer renderer = renderers.get(claimed.variant());
    List<String> brands = brands(job);
    if (renderer == null) {
      throw new MaestroException(FailureCode.CONFIG_ERROR,
          "no renderer is configured for variant '" + claimed.variant() + "'");
    }
    List<BrandOutput> outputs = new ArrayList<>();
    Map<String, Failure> failures = new LinkedHashMap<>();
    try (Deadline deadline = new Deadline(claimed.deadlineMs())) {
      current = deadline;
      for (int i = 0; i < brands.size(); i++) {
        String brand = brands.get(i);
        int basePercent = 100 * i / brands.size();
        String step = "rendering " + brand + " (" + (i + 1) + "/" + brands.size() + ")";
        sink.accept(new JobProgress(claimed.pk(), claimed.attempt(), step, basePercent, null));
        BrandOutput output = deadline.expired() ? failedBrand(brand, timeout(deadline, brand), failures)
            : renderBrand(renderer, claimed, job, brand, deadline, failures, sink);
        outputs.add(output);
        sink.accept(new JobProgress(claimed.pk(), claimed.attempt(),
            step + ": " + output.output().get("status"),
            100 * (i + 1) / brands.size() - (i + 1 == brands.size() ? 1 : 0), output));
      }
    } finally {
      current = null;
    }
    return outcome(brands, outputs, failures);
  }

  /** Called from another thread: interrupts the running job, and the brands it has not started are not rendered. */
  public void abort() {
    Deadline deadline = current;
    if (deadline != null) {
      deadline.abort();
    }
  }

  private BrandOutput renderBrand(JobRenderer renderer, ClaimedJob claimed, JsonObject job, String brand,
      Deadline deadline, Map<String, Failure> failures, Consumer<JobProgress> sink) {
    JobContext context = new JobContext(job, (step, percent) -> sink.accept(
        new JobProgress(claimed.pk(), claimed.attempt(), brand + ": " + step, percent, null)), deadline);
    try {
      JsonObject output = renderer.render(context, brand);
      if (deadline.expired()) {
        // finished, but only after the deadline: the job as a whole has timed out
        return failedBrand(brand, timeout(deadline, brand), failures);
      }
      return BrandOutput.completed(brand, (output == null ? new JsonObject() : output.copy())
          .put("status", BrandOutput.COMPLETED).put("progress_percent", 100));
    } catch (Throwable t) {
      return failedBrand(brand, deadline.expired() ? timeout(deadline, brand) : FailureClassifier.classify(t),
          failures);
    }
  }

  private static Failure timeout(Deadline deadline, String brand) {
    return FailureClassifier.of(FailureCode.JOB_TIMEOUT, "job_timeout: the job exceeded its deadline of "
        + deadline.budgetMillis() + " ms while rendering brand " + brand);
  }

  private static BrandOutput failedBrand(String brand, Failure failure, Map<String, Failure> failures) {
    failures.put(brand, failure);
    return BrandOutput.failed(brand, new JsonObject().put("status", BrandOutput.FAILED).put("error", failure.message())
        .put("error_code", failure.code().code()).put("error_category", failure.category())
        .put("progress_message", "failed: " + failure.category()), failure);
  }

  private static JobOutcome outcome(List<String> brands, List<BrandOutput> outputs, Map<String, Failure> failures) {
    if (failures.isEmpty()) {
      return new JobOutcome("completed: " + brands.size() + "/" + brands.size() + " brands", outputs);
    }
    if (failures.size() < brands.size()) {
      return new JobOutcome("completed with errors: failed brands: " + String.join(", ", failures.keySet()),
          outputs);
    }
    Failure first = failures.values().iterator().next();
    throw new MaestroException(first.code(), first.message());
  }

  private static List<String> brands(JsonObject job) {
    JsonArray array = job.getJsonArray("brands", new JsonArray());
    List<String> brands = new ArrayList<>(array.size());
    array.forEach(b -> brands.add(String.valueOf(b)));
    return brands;
  }
}
