package io.maestro.textmodel;

import io.maestro.failure.FailureClassifier;
import io.maestro.failure.MaestroException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * The text model that needs no network: proposals composed from the shipped corpus ({@link OfflineWriter}), scores
 * from measured features ({@link OfflineScorer}). The same seed and the same input always give the same answer.
 */
public final class OfflineTextModel implements TextModel {
  private final long seed;
  private final OfflineWriter writer;

  public OfflineTextModel(long seed) {
    this.seed = seed;
    this.writer = new OfflineWriter(seed);
  }

  @Override
  public String describe() {
    return "offline (seed " + seed + ")";
  }

  @Override
  public Future<JsonObject> complete(TextTask task) {
    try {
      return Future.succeededFuture(switch (task.kind()) {
        case PROPOSALS -> writer.write(task.input());
        case EXAMINATION -> OfflineScorer.score(task.input());
      });
    } catch (RuntimeException e) {
      // a malformed input is our own bug: say so with a category instead of throwing into the caller
      return Future.failedFuture(e instanceof MaestroException ? e
          : new MaestroException(FailureClassifier.classify(e).code(), "offline text model: " + e.getMessage(), e));
    }
  }
}
