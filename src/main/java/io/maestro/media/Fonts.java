package io.maestro.media;

import java.awt.Font;
import java.io.InputStream;

/**
 * The typefaces posts and reels are set in, loaded from the jar (DejaVu Sans, shipped under resources/fonts) so a
 * headless machine without a single system font renders the same image as a desktop.
 */
final class Fonts {
  static final Font BOLD = load("/fonts/DejaVuSans-Bold.ttf");
  static final Font REGULAR = load("/fonts/DejaVuSans.ttf");

  private Fonts() {}

  private static Font load(String resource) {
    try (InputStream in = Fonts.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("font resource " + resource + " is missing from the build");
      }
      return Font.createFont(Font.TRUETYPE_FONT, in);
    } catch (Exception e) {
      throw new IllegalStateException("font resource " + resource + " could not be loaded: " + e.getMessage(), e);
    }
  }
}
