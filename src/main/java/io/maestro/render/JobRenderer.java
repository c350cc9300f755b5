package io.maestro.render;

import io.vertx.core.json.JsonObject;

/**
 * The stages of one variant for one brand. Runs on a worker thread (blocking is fine). Returns the brand's output
 * fields (title, caption, thumbnail_path, video_path, …) or throws; the exception is classified by the runner.
 */
@FunctionalInterface
public interface JobRenderer {
  JsonObject render(JobContext context, String brand) throws Exception;
}
