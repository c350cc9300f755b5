package io.maestro.media;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;

/** Test helpers for judging rendered images. */
public final class Images {
  private Images() {}

  public static BufferedImage decode(byte[] bytes) throws Exception {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
    if (image == null) {
      throw new AssertionError("not a decodable image (" + bytes.length + " bytes)");
    }
    return image;
  }

  /** Distinct RGB values: a blank or flat image has a handful, a real composition thousands. */
  public static int distinctColours(BufferedImage image) {
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 2) {
      for (int x = 0; x < image.getWidth(); x += 2) {
        colours.add(image.getRGB(x, y) & 0xFFFFFF);
      }
    }
    return colours.size();
  }
}
