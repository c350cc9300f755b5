package io.maestro.cluster;

import io.maestro.Main;
import io.maestro.MainVerticle;
import io.maestro.jobs.ScriptedRenderer;

/** A real Maestro process whose job stages are scripted by job titles (for kill -9 tests). */
public final class ScriptedNode {
  private ScriptedNode() {}

  public static void main(String[] args) {
    Main.launch(args, () -> new MainVerticle(ScriptedRenderer::all));
  }
}
