package io.maestro.media;

import io.maestro.render.JobContext;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.MultipleGradientPaint;
import java.awt.RadialGradientPaint;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.Random;

/**
 * The offline background: a gradient in the brand's colours with soft light blobs and a fine grain, seeded by the
 * prompt so the same prompt gives the same picture. No network, so a burst still produces real images without keys.
 */
public final class ProceduralBackground implements BackgroundSource {
  @Override
  public String name() {
    return "procedural";
  }

  @Override
  public BufferedImage background(String prompt, BrandStyle style, int width, int height, JobContext context) {
    return render(prompt, style, width, height);
  }

  public BufferedImage render(String prompt, BrandStyle style, int width, int height) {
    Random random = new Random(((prompt == null ? "" : prompt) + "|" + style.brandId()).hashCode());
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      Color top = mix(style.primary(), Color.BLACK, 0.35 + random.nextDouble() * 0.2);
      Color bottom = mix(style.primary(), style.accent(), 0.25 + random.nextDouble() * 0.25);
      g.setPaint(new GradientPaint(0, 0, top, width * random.nextFloat(), height, bottom));
      g.fillRect(0, 0, width, height);
      int blobs = 9 + random.nextInt(6);
      for (int i = 0; i < blobs; i++) {
        float radius = (float) (Math.min(width, height) * (0.12 + random.nextDouble() * 0.45));
        float cx = random.nextFloat() * width;
        float cy = random.nextFloat() * height;
        Color base = random.nextBoolean() ? style.accent() : mix(style.primary(), Color.WHITE, 0.4);
        Color inner = new Color(base.getRed(), base.getGreen(), base.getBlue(), 40 + random.nextInt(80));
        Color outer = new Color(base.getRed(), base.getGreen(), base.getBlue(), 0);
        g.setPaint(new RadialGradientPaint(new Point2D.Float(cx, cy), radius, new float[] {0f, 1f},
            new Color[] {inner, outer}, MultipleGradientPaint.CycleMethod.NO_CYCLE));
        g.fill(new Ellipse2D.Float(cx - radius, cy - radius, radius * 2, radius * 2));
      }
    } finally {
      g.dispose();
    }
    grain(image, random);
    return image;
  }

  /** A little per-pixel noise: hides gradient banding (and survives JPEG as texture rather than steps). */
  private static void grain(BufferedImage image, Random random) {
    int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
    long seed = random.nextLong();
    for (int i = 0; i < pixels.length; i++) {
      seed = seed * 6364136223846793005L + 1442695040888963407L;
      int n = (int) ((seed >>> 59) & 0xF) - 8; // -8..7
      int p = pixels[i];
      int r = clamp(((p >> 16) & 0xFF) + n);
      int gr = clamp(((p >> 8) & 0xFF) + n);
      int b = clamp((p & 0xFF) + n);
      pixels[i] = (r << 16) | (gr << 8) | b;
    }
  }

  private static int clamp(int v) {
    return v < 0 ? 0 : Math.min(255, v);
  }

  static Color mix(Color a, Color b, double t) {
    return new Color((int) Math.round(a.getRed() + (b.getRed() - a.getRed()) * t),
        (int) Math.round(a.getGreen() + (b.getGreen() - a.getGreen()) * t),
        (int) Math.round(a.getBlue() + (b.getBlue() - a.getBlue()) * t));
  }
}
