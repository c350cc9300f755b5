package io.maestro.jobs;

import io.maestro.failure.Failure;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * What one brand of a job produced: the output stored under {@code brand_outputs.<brand>} (status completed or
 * failed, the renderer's fields, or error, error_code, error_category), and for a failed brand its full failure
 * (stack, reset time), which the dispatcher records on the attempt when no brand succeeded.
 */
public record BrandOutput(String brand, Map<String, Object> output, Map<String, Object> failure) {
  public static final String COMPLETED = "completed";
  public static final String FAILED = "failed";

  static BrandOutput completed(String brand, JsonObject output) {
    return new BrandOutput(brand, output.getMap(), null);
  }

  static BrandOutput failed(String brand, JsonObject output, Failure failure) {
    return new BrandOutput(brand, output.getMap(), failure.toJson().getMap());
  }

  public boolean succeeded() {
    return COMPLETED.equals(output.get("status"));
  }

  public JsonObject outputJson() {
    return new JsonObject(output);
  }

  /** The brand's failure, or null when it succeeded. */
  public Failure failureOrNull() {
    return failure == null ? null : Failure.fromJson(new JsonObject(failure));
  }
}
