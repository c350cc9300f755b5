package io.maestro.render;

import io.maestro.config.MaestroConfig;
import java.util.Map;

/** Renderers that need nothing but the job itself. */
public final class Renderers {
  private Renderers() {}

  /** Text only (title, caption, slides, prompt): for nodes or tests that must not render media. */
  public static Map<String, JobRenderer> textOnly(MaestroConfig config) {
    JobRenderer text = new TextPlanRenderer();
    return Map.of("post", text, "light", text, "dark", text);
  }
}
