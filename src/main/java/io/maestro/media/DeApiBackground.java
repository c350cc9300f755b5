package io.maestro.media;

import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.maestro.render.JobContext;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;

/** AI backgrounds from deAPI; the image is generated at the target's aspect ratio and decoded here. */
public final class DeApiBackground implements BackgroundSource {
  private final DeApiClient client;

  public DeApiBackground(DeApiClient client) {
    this.client = client;
  }

  @Override
  public String name() {
    return "deapi";
  }

  @Override
  public BufferedImage background(String prompt, BrandStyle style, int width, int height, JobContext context)
      throws Exception {
    // deAPI models want dimensions in multiples of 64 and well under the final size; the composer scales up
    int w = Math.max(256, (width / 2) / 64 * 64);
    int h = Math.max(256, (height / 2) / 64 * 64);
    context.progress("generating AI background", null);
    byte[] bytes = client.generate(prompt, w, h, context.remainingMillis());
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
    if (image == null) {
      throw new MaestroException(FailureCode.IMAGE_GENERATION_ERROR, "the deAPI result (" + bytes.length
          + " bytes) is not an image ImageIO can decode");
    }
    return image;
  }
}
