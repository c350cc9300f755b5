package io.maestro.render;

import io.maestro.config.MaestroConfig;
import io.maestro.variant.Variant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Renderers that need nothing but the job itself. */
public final class Renderers {
  private Renderers() {}

  /** Text only (title, caption, slides, prompt): for nodes or tests that must not render media. */
  public static Map<String, JobRenderer> textOnly(MaestroConfig config) {
    JobRenderer text = new TextPlanRenderer();
    Map<String, JobRenderer> out = new LinkedHashMap<>();
    for (Variant variant : Variant.values()) {
      out.put(variant.id(), text);
    }
    return Map.copyOf(out);
  }
}
