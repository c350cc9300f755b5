package io.maestro.media;

import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swscale.*;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.util.List;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * The frames of a reel, made from memory: the plate (background and scrim, a little larger than the frame) is
 * converted to YUV once; each frame is a crop of it that shrinks slowly (a gentle zoom with a slight pan), scaled to
 * the frame size by swscale straight into the encoder's frame, with the current still's text blended on top. No
 * image is decoded or drawn per frame. Native buffers (plate, output frame, scaler) are freed by {@link #close()}.
 */
final class ReelFrames implements AutoCloseable {
  /** The plate is this much larger than the frame: the zoom goes from 1 to this. */
  static final double ZOOM = 1.12;

  private final int width;
  private final int height;
  private final List<InkLayer> inks;
  private final InkLayer footer;
  private final ReelTimeline timeline;
  private AVFrame plate;
  private AVFrame frame;
  private final PointerPointer<BytePointer> source;
  private final IntPointer sourceStrides;
  private SwsContext scaler;

  /** @param plateImage the plate at {@link #plateWidth}×{@link #plateHeight}; @param inks one per still, frame-sized;
   *     @param footer the layer on screen until the last still (or null) */
  ReelFrames(BufferedImage plateImage, List<InkLayer> inks, InkLayer footer, ReelTimeline timeline, int width,
      int height) {
    Ffmpeg.load(); // before JavaCPP's first use: it picks the natives
    source = new PointerPointer<>(4);
    sourceStrides = new IntPointer(4);
    this.width = width;
    this.height = height;
    this.inks = List.copyOf(inks);
    this.footer = footer;
    this.timeline = timeline;
    plate = yuvFrame(plateImage.getWidth(), plateImage.getHeight());
    try {
      frame = yuvFrame(width, height);
      fill(plate, plateImage);
      for (int i = 0; i < 3; i++) {
        sourceStrides.put(i, plate.linesize(i));
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  static int plateWidth(int width) {
    return even(width * ZOOM);
  }

  /** Same aspect as the frame (rounded up), so even the widest crop fits inside the plate. */
  static int plateHeight(int width, int height) {
    return even((double) plateWidth(width) * height / width);
  }

  private static int even(double value) {
    return 2 * (int) Math.ceil(value / 2);
  }

  private static AVFrame yuvFrame(int w, int h) {
    AVFrame f = av_frame_alloc();
    f.format(AV_PIX_FMT_YUV420P).width(w).height(h);
    if (av_frame_get_buffer(f, 32) < 0) {
      av_frame_free(f);
      throw new io.maestro.failure.MaestroException(io.maestro.failure.FailureCode.FFMPEG_MEMORY,
          "ffmpeg (in-process) could not allocate a " + w + "×" + h + " frame");
    }
    return f;
  }

  /** RGB to yuv420p, once per reel (chroma: the mean of each 2×2 block). */
  private static void fill(AVFrame target, BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] px = InkLayer.pixels(image);
    ByteBuffer y = plane(target, 0, h);
    ByteBuffer u = plane(target, 1, h / 2);
    ByteBuffer v = plane(target, 2, h / 2);
    byte[] line = new byte[w];
    for (int row = 0; row < h; row++) {
      for (int col = 0; col < w; col++) {
        int p = px[row * w + col];
        line[col] = (byte) Yuv.y((p >> 16) & 0xff, (p >> 8) & 0xff, p & 0xff);
      }
      y.put(row * target.linesize(0), line, 0, w);
    }
    byte[] cb = new byte[w / 2];
    byte[] cr = new byte[w / 2];
    for (int row = 0; row < h / 2; row++) {
      for (int col = 0; col < w / 2; col++) {
        int r = 0;
        int g = 0;
        int b = 0;
        for (int d = 0; d < 4; d++) {
          int p = px[(2 * row + d / 2) * w + 2 * col + d % 2];
          r += (p >> 16) & 0xff;
          g += (p >> 8) & 0xff;
          b += p & 0xff;
        }
        cb[col] = (byte) Yuv.u(r / 4, g / 4, b / 4);
        cr[col] = (byte) Yuv.v(r / 4, g / 4, b / 4);
      }
      u.put(row * target.linesize(1), cb, 0, w / 2);
      v.put(row * target.linesize(2), cr, 0, w / 2);
    }
  }

  private static ByteBuffer plane(AVFrame f, int index, int rows) {
    return f.data(index).capacity((long) f.linesize(index) * rows).asByteBuffer();
  }

  /** Frame {@code index}: the crop for this moment of the motion, scaled, with the visible stills' text on it. */
  AVFrame render(int index) {
    Ffmpeg.check(av_frame_make_writable(frame), "preparing a video frame");
    double progress = ReelTimeline.motion(index);
    int plateW = plate.width();
    int plateH = plate.height();
    int cropW = (int) Math.round(plateW - progress * (plateW - width));
    int cropH = Math.min(plateH, (int) Math.round((double) cropW * height / width));
    // centred horizontally; vertically the crop drifts from a little above the centre to a little below it
    int x = ((plateW - cropW) / 2) & ~1;
    int y = Math.min(plateH - cropH, (int) Math.round((plateH - cropH) * (0.3 + 0.4 * progress))) & ~1;
    source.put(0, plate.data(0).getPointer((long) y * plate.linesize(0) + x));
    source.put(1, plate.data(1).getPointer((long) (y / 2) * plate.linesize(1) + x / 2));
    source.put(2, plate.data(2).getPointer((long) (y / 2) * plate.linesize(2) + x / 2));
    scaler = sws_getCachedContext(scaler, cropW, cropH, AV_PIX_FMT_YUV420P, width, height, AV_PIX_FMT_YUV420P,
        SWS_BILINEAR, null, null, (DoublePointer) null);
    if (scaler == null || scaler.isNull()) {
      throw new io.maestro.failure.MaestroException(io.maestro.failure.FailureCode.FFMPEG_OTHER,
          "ffmpeg (in-process) could not set up the scaler for a " + cropW + "×" + cropH + " crop");
    }
    sws_scale(scaler, source, sourceStrides, 0, cropH, frame.data(), frame.linesize());
    ByteBuffer yb = plane(frame, 0, height);
    ByteBuffer ub = plane(frame, 1, height / 2);
    ByteBuffer vb = plane(frame, 2, height / 2);
    if (footer != null) {
      footer.blend(yb, frame.linesize(0), ub, frame.linesize(1), vb, frame.linesize(2), timeline.footerOpacity(index));
    }
    for (int still = 0; still < inks.size(); still++) {
      int opacity = timeline.opacity(still, index);
      if (opacity > 0) {
        inks.get(still).blend(yb, frame.linesize(0), ub, frame.linesize(1), vb, frame.linesize(2), opacity);
      }
    }
    return frame;
  }

  int width() {
    return width;
  }

  int height() {
    return height;
  }

  @Override
  public void close() {
    if (scaler != null) {
      sws_freeContext(scaler);
      scaler = null;
    }
    if (plate != null) {
      av_frame_free(plate);
      plate = null;
    }
    if (frame != null) {
      av_frame_free(frame);
      frame = null;
    }
    source.close();
    sourceStrides.close();
  }
}
