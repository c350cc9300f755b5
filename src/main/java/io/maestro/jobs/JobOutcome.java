package io.maestro.jobs;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The successful reply of a worker: at least one brand succeeded (a job where none did is answered with
 * {@code message.fail(code, message)} instead, its brands having arrived as {@link JobProgress}).
 */
public record JobOutcome(String currentStep, List<BrandOutput> brands) {

  /** {@code brand_outputs} as stored: brand -> output. */
  public JsonObject brandOutputs() {
    JsonObject outputs = new JsonObject();
    brands.forEach(b -> outputs.put(b.brand(), b.outputJson()));
    return outputs;
  }
}
