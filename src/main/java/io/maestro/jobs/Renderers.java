package io.maestro.jobs;

import io.maestro.config.MaestroConfig;
import java.util.Map;

/** The renderers per variant that a node runs with by default. */
public final class Renderers {
  private Renderers() {}

  public static Map<String, JobRenderer> defaults(MaestroConfig config) {
    JobRenderer text = new TextPlanRenderer();
    return Map.of("post", text, "light", text, "dark", text);
  }
}
