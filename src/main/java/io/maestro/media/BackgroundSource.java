package io.maestro.media;

import io.maestro.render.JobContext;
import java.awt.image.BufferedImage;

/** Produces the background a post or reel is composed on (deAPI or procedural). Runs on a worker thread. */
public interface BackgroundSource {
  BufferedImage background(String prompt, BrandStyle style, int width, int height, JobContext context) throws Exception;

  /** A short name recorded in the brand output (procedural, deapi). */
  String name();
}
