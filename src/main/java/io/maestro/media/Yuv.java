package io.maestro.media;

/**
 * RGB to BT.709 limited-range YUV, the one conversion every reel pixel goes through (plate and text alike), in
 * 16.16 fixed point: it runs for millions of pixels per reel.
 */
final class Yuv {
  private Yuv() {}

  static int y(int r, int g, int b) {
    return (11966 * r + 40254 * g + 4064 * b + 32768 >> 16) + 16;
  }

  static int u(int r, int g, int b) {
    return (-6596 * r - 22189 * g + 28784 * b + 32768 >> 16) + 128;
  }

  static int v(int r, int g, int b) {
    return (28784 * r - 26145 * g - 2639 * b + 32768 >> 16) + 128;
  }
}
