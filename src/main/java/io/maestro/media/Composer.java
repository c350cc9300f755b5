package io.maestro.media;

import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Lays out posts (1080×1350), carousel slides and reel frames (1080×1920): the background cropped to cover, a
 * scrim in the brand's colour so text stays readable on any background, and text wrapped and fitted inside safe
 * margins (the largest size at which every line fits; an ellipsis only when even the smallest size cannot).
 */
public final class Composer {
  public static final int POST_W = 1080;
  public static final int POST_H = 1350;
  public static final int REEL_W = 1080;
  public static final int REEL_H = 1920;
  private static final int MARGIN = 90;

  /** A block of text fitted into a box: the font chosen and the wrapped lines. */
  record Fitted(Font font, List<String> lines, int lineHeight) {}

  public BufferedImage post(BufferedImage background, String title, BrandStyle style) {
    BufferedImage image = canvas(background, POST_W, POST_H);
    Graphics2D g = graphics(image);
    try {
      g.setPaint(new GradientPaint(0, POST_H * 0.35f, alpha(style.primary(), 0),
          0, POST_H * 0.78f, alpha(style.primary(), 225)));
      g.fillRect(0, 0, POST_W, POST_H);
      int boxTop = 640;
      int boxBottom = POST_H - 190;
      Fitted fitted = fit(g, title, Fonts.BOLD, POST_W - 2 * MARGIN, boxBottom - boxTop, 96, 34);
      int textHeight = fitted.lines().size() * fitted.lineHeight();
      int y = boxBottom - textHeight;
      g.setColor(style.accent());
      g.fillRoundRect(MARGIN, y - 44, 140, 12, 12, 12);
      drawLines(g, fitted, MARGIN, y, Color.WHITE);
      footer(g, style, POST_W, POST_H, style.accent());
    } finally {
      g.dispose();
    }
    return image;
  }

  public BufferedImage slide(BufferedImage background, String text, int index, int total, BrandStyle style) {
    BufferedImage image = canvas(background, POST_W, POST_H);
    Graphics2D g = graphics(image);
    try {
      g.setColor(alpha(ProceduralBackground.mix(style.primary(), Color.BLACK, 0.3), 205));
      g.fillRect(0, 0, POST_W, POST_H);
      g.setFont(Fonts.BOLD.deriveFont(40f));
      g.setColor(style.accent());
      g.drawString(index + " / " + total, MARGIN, MARGIN + 40);
      int boxTop = 220;
      int boxBottom = POST_H - 220;
      Fitted fitted = fit(g, text, Fonts.REGULAR, POST_W - 2 * MARGIN, boxBottom - boxTop, 76, 30);
      int textHeight = fitted.lines().size() * fitted.lineHeight();
      drawLines(g, fitted, MARGIN, boxTop + (boxBottom - boxTop - textHeight) / 2, Color.WHITE);
      footer(g, style, POST_W, POST_H, style.accent());
    } finally {
      g.dispose();
    }
    return image;
  }

  /** Dark reels: light text on a darkened background; light reels: brand-coloured text on a pale scrim. */
  public BufferedImage reelFrame(BufferedImage background, String title, List<String> lines, BrandStyle style,
      boolean dark) {
    BufferedImage image = canvas(background, REEL_W, REEL_H);
    Graphics2D g = graphics(image);
    try {
      Color scrim = dark ? ProceduralBackground.mix(style.primary(), Color.BLACK, 0.6)
          : ProceduralBackground.mix(style.accent(), Color.WHITE, 0.75);
      Color ink = dark ? Color.WHITE : ProceduralBackground.mix(style.primary(), Color.BLACK, 0.35);
      g.setColor(alpha(scrim, dark ? 170 : 200));
      g.fillRect(0, 0, REEL_W, REEL_H);
      int titleTop = 300;
      int titleBottom = lines.isEmpty() ? REEL_H - 400 : 900;
      Fitted heading = fit(g, title, Fonts.BOLD, REEL_W - 2 * MARGIN, titleBottom - titleTop, 104, 40);
      int headingHeight = heading.lines().size() * heading.lineHeight();
      int y = titleTop + (titleBottom - titleTop - headingHeight) / 2;
      g.setColor(dark ? style.accent() : style.primary());
      g.fillRoundRect(MARGIN, y - 48, 160, 14, 14, 14);
      drawLines(g, heading, MARGIN, y, ink);
      if (!lines.isEmpty()) {
        StringBuilder bullets = new StringBuilder();
        for (String line : lines) {
          bullets.append(bullets.length() == 0 ? "" : "\n").append("• ").append(line);
        }
        Fitted body = fit(g, bullets.toString(), Fonts.REGULAR, REEL_W - 2 * MARGIN, REEL_H - 400 - 980, 56, 28);
        drawLines(g, body, MARGIN, 980, ink);
      }
      footer(g, style, REEL_W, REEL_H, dark ? style.accent() : style.primary());
    } finally {
      g.dispose();
    }
    return image;
  }

  /**
   * A reel's moving layer: the background cropped to cover {@code width}×{@code height} (a little larger than the
   * frame, room for the zoom) under a scrim in the brand's colour — the text layers are drawn for this scrim.
   */
  public BufferedImage reelPlate(BufferedImage background, BrandStyle style, boolean dark, int width, int height) {
    BufferedImage image = canvas(background, width, height);
    Graphics2D g = graphics(image);
    try {
      g.setColor(alpha(reelScrim(style, dark), dark ? 170 : 200));
      g.fillRect(0, 0, width, height);
    } finally {
      g.dispose();
    }
    return image;
  }

  private static Color reelScrim(BrandStyle style, boolean dark) {
    return dark ? ProceduralBackground.mix(style.primary(), Color.BLACK, 0.6)
        : ProceduralBackground.mix(style.accent(), Color.WHITE, 0.75);
  }

  private static Color reelInk(BrandStyle style, boolean dark) {
    return dark ? Color.WHITE : ProceduralBackground.mix(style.primary(), Color.BLACK, 0.35);
  }

  private static Color reelMark(BrandStyle style, boolean dark) {
    return dark ? style.accent() : style.primary();
  }

  /** The reel's opening still (transparent but for the text): the title, large, with the brand at the foot. */
  public BufferedImage reelTitleInk(String title, BrandStyle style, boolean dark) {
    BufferedImage image = new BufferedImage(REEL_W, REEL_H, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = graphics(image);
    try {
      Fitted heading = fit(g, title, Fonts.BOLD, REEL_W - 2 * MARGIN, 820, 112, 44);
      int y = (REEL_H - heading.lines().size() * heading.lineHeight()) / 2 - 80;
      g.setColor(reelMark(style, dark));
      g.fillRoundRect(MARGIN, y - 56, 180, 16, 16, 16);
      drawLines(g, heading, MARGIN, y, reelInk(style, dark));
    } finally {
      g.dispose();
    }
    return image;
  }

  /** One content still: its position ("2 / 3") and its line(s), large and centred on the frame's height. */
  public BufferedImage reelLinesInk(List<String> lines, int index, int total, BrandStyle style, boolean dark) {
    BufferedImage image = new BufferedImage(REEL_W, REEL_H, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = graphics(image);
    try {
      String text = String.join("\n", lines);
      Fitted body = fit(g, text, Fonts.BOLD, REEL_W - 2 * MARGIN, 900, lines.size() > 1 ? 84 : 96, 36);
      int y = (REEL_H - body.lines().size() * body.lineHeight()) / 2;
      g.setFont(Fonts.BOLD.deriveFont(44f));
      g.setColor(reelMark(style, dark));
      g.drawString(index + " / " + total, MARGIN, y - 70);
      drawLines(g, body, MARGIN, y, reelInk(style, dark));
    } finally {
      g.dispose();
    }
    return image;
  }

  /** The brand's name at the foot: stays on screen (no fade) from the title to the closing still. */
  public BufferedImage reelFooterInk(BrandStyle style, boolean dark) {
    BufferedImage image = new BufferedImage(REEL_W, REEL_H, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = graphics(image);
    try {
      footer(g, style, REEL_W, REEL_H, reelMark(style, dark));
    } finally {
      g.dispose();
    }
    return image;
  }

  /** The closing still: the brand's name, large, and its handle. */
  public BufferedImage reelBrandInk(BrandStyle style, boolean dark) {
    BufferedImage image = new BufferedImage(REEL_W, REEL_H, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = graphics(image);
    try {
      Fitted name = fit(g, style.displayName(), Fonts.BOLD, REEL_W - 2 * MARGIN, 560, 120, 48);
      int height = name.lines().size() * name.lineHeight();
      int y = (REEL_H - height) / 2 - 40;
      g.setColor(reelMark(style, dark));
      g.fillRoundRect((REEL_W - 180) / 2, y - 60, 180, 16, 16, 16);
      g.setFont(name.font());
      FontMetrics metrics = g.getFontMetrics();
      int baseline = y + metrics.getAscent();
      for (String line : name.lines()) {
        int x = (REEL_W - metrics.stringWidth(line)) / 2;
        g.setColor(new Color(0, 0, 0, 90));
        g.drawString(line, x + 3, baseline + 3);
        g.setColor(reelInk(style, dark));
        g.drawString(line, x, baseline);
        baseline += name.lineHeight();
      }
      g.setFont(Fonts.REGULAR.deriveFont(46f));
      g.setColor(reelMark(style, dark));
      String handle = "@" + style.brandId();
      g.drawString(handle, (REEL_W - g.getFontMetrics().stringWidth(handle)) / 2, y + height + 70);
    } finally {
      g.dispose();
    }
    return image;
  }

  /** A reel still as one picture (the thumbnail): the plate scaled to the frame with the text layers on it. */
  public static BufferedImage flatten(BufferedImage plate, BufferedImage... inks) {
    BufferedImage image = canvas(plate, REEL_W, REEL_H);
    Graphics2D g = graphics(image);
    try {
      for (BufferedImage ink : inks) {
        g.drawImage(ink, 0, 0, null);
      }
    } finally {
      g.dispose();
    }
    return image;
  }

  /** The largest font size (from max down to min) at which the wrapped text fits the box. */
  static Fitted fit(Graphics2D g, String text, Font base, int maxWidth, int maxHeight, float maxSize, float minSize) {
    String clean = text == null ? "" : text.strip();
    for (float size = maxSize; size >= minSize; size -= 2) {
      Font font = base.deriveFont(size);
      FontMetrics metrics = g.getFontMetrics(font);
      int lineHeight = (int) Math.ceil(metrics.getHeight() * 1.08);
      List<String> lines = wrap(clean, metrics, maxWidth);
      if (lines.size() * lineHeight <= maxHeight) {
        return new Fitted(font, lines, lineHeight);
      }
    }
    Font font = base.deriveFont(minSize);
    FontMetrics metrics = g.getFontMetrics(font);
    int lineHeight = (int) Math.ceil(metrics.getHeight() * 1.08);
    List<String> lines = wrap(clean, metrics, maxWidth);
    int keep = Math.max(1, maxHeight / lineHeight);
    List<String> kept = new ArrayList<>(lines.subList(0, Math.min(keep, lines.size())));
    if (kept.size() < lines.size()) {
      String last = kept.get(kept.size() - 1);
      while (!last.isEmpty() && metrics.stringWidth(last + "…") > maxWidth) {
        last = last.substring(0, last.length() - 1);
      }
      kept.set(kept.size() - 1, last.strip() + "…");
    }
    return new Fitted(font, kept, lineHeight);
  }

  /** Greedy word wrap; explicit newlines are kept; a word wider than the box is broken by characters. */
  static List<String> wrap(String text, FontMetrics metrics, int maxWidth) {
    List<String> lines = new ArrayList<>();
    for (String paragraph : text.split("\n", -1)) {
      StringBuilder line = new StringBuilder();
      for (String word : paragraph.trim().split("\\s+")) {
        if (word.isEmpty()) {
          continue;
        }
        String candidate = line.length() == 0 ? word : line + " " + word;
        if (metrics.stringWidth(candidate) <= maxWidth) {
          line.setLength(0);
          line.append(candidate);
          continue;
        }
        if (line.length() > 0) {
          lines.add(line.toString());
          line.setLength(0);
        }
        while (metrics.stringWidth(word) > maxWidth) {
          int cut = word.length() - 1;
          while (cut > 1 && metrics.stringWidth(word.substring(0, cut)) > maxWidth) {
            cut--;
          }
          lines.add(word.substring(0, cut));
          word = word.substring(cut);
        }
        line.append(word);
      }
      lines.add(line.toString());
    }
    return lines;
  }

  private static void drawLines(Graphics2D g, Fitted fitted, int x, int top, Color color) {
    g.setFont(fitted.font());
    FontMetrics metrics = g.getFontMetrics();
    int baseline = top + metrics.getAscent();
    for (String line : fitted.lines()) {
      g.setColor(new Color(0, 0, 0, 90));
      g.drawString(line, x + 3, baseline + 3);
      g.setColor(color);
      g.drawString(line, x, baseline);
      baseline += fitted.lineHeight();
    }
  }

  private static void footer(Graphics2D g, BrandStyle style, int width, int height, Color color) {
    g.setFont(Fonts.BOLD.deriveFont(34f));
    g.setColor(color);
    String name = style.displayName().toUpperCase();
    FontMetrics metrics = g.getFontMetrics();
    while (name.length() > 1 && metrics.stringWidth(name) > width - 2 * MARGIN) {
      name = name.substring(0, name.length() - 1);
    }
    g.drawString(name, MARGIN, height - MARGIN);
  }

  /** The background scaled to cover the canvas and centre-cropped. */
  private static BufferedImage canvas(BufferedImage background, int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = graphics(image);
    try {
      double scale = Math.max((double) width / background.getWidth(), (double) height / background.getHeight());
      int w = (int) Math.ceil(background.getWidth() * scale);
      int h = (int) Math.ceil(background.getHeight() * scale);
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(background, (width - w) / 2, (height - h) / 2, w, h, null);
    } finally {
      g.dispose();
    }
    return image;
  }

  private static Graphics2D graphics(BufferedImage image) {
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
    g.setComposite(AlphaComposite.SrcOver);
    return g;
  }

  private static Color alpha(Color c, int alpha) {
    return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
  }

  /** JPEG at high quality: a fraction of a PNG's size for photographic backgrounds, text stays crisp. */
  public static byte[] jpeg(BufferedImage image) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream(512 * 1024);
    try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(stream);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(0.92f);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  public static byte[] png(BufferedImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024 * 1024);
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
