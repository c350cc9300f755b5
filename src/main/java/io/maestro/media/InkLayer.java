package io.maestro.media;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A still's text (and everything else drawn over the moving background) converted once to YUV with its coverage,
 * kept only where it covers something: runs of covered pixels per row. Blending it onto a frame touches those
 * pixels only (a tenth of the frame or so), so fading and re-laying text over a moving background costs about a
 * millisecond per frame.
 */
final class InkLayer {
  private final Plane luma;
  private final Plane cb;
  private final Plane cr;

  /** One plane's covered runs: {row, start, length} triples, and per covered pixel its value and coverage. */
  private record Plane(int[] runs, byte[] value, byte[] alpha) {}

  InkLayer(BufferedImage argb) {
    int w = argb.getWidth();
    int h = argb.getHeight();
    int[] px = pixels(argb);
    luma = plane(w, h, 1, px, w, Channel.Y);
    cb = plane(w / 2, h / 2, 2, px, w, Channel.U);
    cr = plane(w / 2, h / 2, 2, px, w, Channel.V);
  }

  private enum Channel { Y, U, V }

  /** The image's ARGB ints: its own array when it is an unshared TYPE_INT_ARGB/RGB image (no per-pixel calls). */
  static int[] pixels(BufferedImage image) {
    int type = image.getType();
    if ((type == BufferedImage.TYPE_INT_ARGB || type == BufferedImage.TYPE_INT_RGB)
        && image.getRaster().getDataBuffer() instanceof java.awt.image.DataBufferInt ints
        && ints.getNumBanks() == 1 && image.getRaster().getParent() == null) {
      int[] data = ints.getData();
      if (type == BufferedImage.TYPE_INT_ARGB) {
        return data;
      }
      int[] opaque = new int[data.length];
      for (int i = 0; i < data.length; i++) {
        opaque[i] = data[i] | 0xff000000;
      }
      return opaque;
    }
    return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
  }

  /** Samples the ARGB image per plane cell (a 2×2 block for chroma: mean coverage, colour weighted by coverage). */
  private static Plane plane(int pw, int ph, int step, int[] px, int stride, Channel channel) {
    IntList runs = new IntList();
    ByteList value = new ByteList();
    ByteList alpha = new ByteList();
    for (int row = 0; row < ph; row++) {
      int runStart = -1;
      for (int col = 0; col <= pw; col++) {
        int a = 0;
        double r = 0;
        double g = 0;
        double b = 0;
        if (col < pw) {
          for (int dy = 0; dy < step; dy++) {
            for (int dx = 0; dx < step; dx++) {
              int p = px[(row * step + dy) * stride + col * step + dx];
              int pa = p >>> 24;
              a += pa;
              r += ((p >> 16) & 0xff) * pa;
              g += ((p >> 8) & 0xff) * pa;
              b += (p & 0xff) * pa;
            }
          }
        }
        if (a > 0) {
          int ri = (int) Math.round(r / a);
          int gi = (int) Math.round(g / a);
          int bi = (int) Math.round(b / a);
          int v = switch (channel) {
            case Y -> Yuv.y(ri, gi, bi);
            case U -> Yuv.u(ri, gi, bi);
            case V -> Yuv.v(ri, gi, bi);
          };
          value.add((byte) v);
          alpha.add((byte) Math.round((float) a / (step * step)));
          if (runStart < 0) {
            runStart = col;
          }
        } else if (runStart >= 0) {
          runs.add(row);
          runs.add(runStart);
          runs.add(col - runStart);
          runStart = -1;
        }
      }
    }
    return new Plane(runs.toArray(), value.toArray(), alpha.toArray());
  }

  /**
   * Lays the ink over a yuv420p frame at {@code opacity} (0–256, 256 = fully).
   * The buffers are the frame's planes with their line sizes.
   */
  void blend(ByteBuffer y, int yStride, ByteBuffer u, int uStride, ByteBuffer v, int vStride, int opacity) {
    if (opacity <= 0) {
      return;
    }
    blend(luma, y, yStride, opacity);
    blend(cb, u, uStride, opacity);
    blend(cr, v, vStride, opacity);
  }

  private static void blend(Plane plane, ByteBuffer target, int stride, int opacity) {
    int[] runs = plane.runs();
    byte[] values = plane.value();
    byte[] alphas = plane.alpha();
    int k = 0;
    for (int i = 0; i < runs.length; i += 3) {
      int base = runs[i] * stride + runs[i + 1];
      int length = runs[i + 2];
      for (int j = 0; j < length; j++, k++) {
        int a = ((alphas[k] & 0xff) * opacity) >> 8;
        int index = base + j;
        int under = target.get(index) & 0xff;
        target.put(index, (byte) (under + (((values[k] & 0xff) - under) * a + 127) / 255));
      }
    }
  }

  /** Covered luma pixels (for tests and sizing). */
  int coveredPixels() {
    return luma.value().length;
  }

  private static final class IntList {
    private int[] data = new int[1024];
    private int size;

    void add(int value) {
      if (size == data.length) {
        data = Arrays.copyOf(data, size * 2);
      }
      data[size++] = value;
    }

    int[] toArray() {
      return Arrays.copyOf(data, size);
    }
  }

  private static final class ByteList {
    private byte[] data = new byte[1 << 16];
    private int size;

    void add(byte value) {
      if (size == data.length) {
        data = Arrays.copyOf(data, size * 2);
      }
      data[size++] = value;
    }

    byte[] toArray() {
      return Arrays.copyOf(data, size);
    }
  }
}
