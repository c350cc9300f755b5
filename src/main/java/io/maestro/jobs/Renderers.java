package io.maestro.jobs;

import io.maestro.config.MaestroConfig;
import io.maestro.media.MediaRenderers;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.Map;

/** The renderers per variant that a node runs with by default: real media (post images, reels). */
public final class Renderers {
  private Renderers() {}

  public static Map<String, JobRenderer> defaults(Vertx vertx, MaestroConfig config, Pool pool) {
    return MediaRenderers.create(vertx, config, pool);
  }

  /** Text only (title, caption, slides, prompt): for nodes or tests that must not render media. */
  public static Map<String, JobRenderer> textOnly(MaestroConfig config) {
    JobRenderer text = new TextPlanRenderer();
    return Map.of("post", text, "light", text, "dark", text);
  }
}
