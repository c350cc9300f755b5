package io.maestro.media;

import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swresample;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.javacpp.Loader;

/**
 * FFmpeg's libraries in this process, through JavaCPP (org.bytedeco:ffmpeg, the GPL build that has libx264): the
 * natives come out of the jar, so no system ffmpeg is needed. Only avutil, avcodec, avformat, swscale and swresample
 * are loaded — never avdevice, whose library (and the bundled ffmpeg executable) needs libpulse.
 */
public final class Ffmpeg {
  /** Picks the "-gpl" natives in code, so the run command needs no -D flag. Must run before JavaCPP's first use. */
  static final String PLATFORM_EXTENSION = "org.bytedeco.javacpp.platform.extension";
  private static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxPhysicalBytes";

  // AVERROR(errno) is -errno; the presets have no constant for these two (Linux values: the natives are Linux's)
  static final int AVERROR_EAGAIN = -11;
  static final int AVERROR_ENOMEM = -12;

  private static volatile boolean loaded;

  private Ffmpeg() {}

  /** Loads the libraries once; a failure is config_error saying which platform natives are missing. */
  public static void load() {
    if (loaded) {
      return;
    }
    synchronized (Ffmpeg.class) {
      if (loaded) {
        return;
      }
      if (System.getProperty(PLATFORM_EXTENSION) == null) {
        System.setProperty(PLATFORM_EXTENSION, "-gpl");
      }
      // every native buffer here is freed explicitly; JavaCPP's own guess at "too much physical memory" (twice the
      // heap) would otherwise fail an encode with OutOfMemoryError on a small -Xmx while plenty of RAM is free
      if (System.getProperty(MAX_PHYSICAL_BYTES) == null) {
        System.setProperty(MAX_PHYSICAL_BYTES, "0");
      }
      try {
        Loader.load(avutil.class);
        Loader.load(swresample.class);
        Loader.load(avcodec.class);
        Loader.load(avformat.class);
        Loader.load(swscale.class);
      } catch (Throwable e) {
        throw new MaestroException(FailureCode.CONFIG_ERROR, "FFmpeg's libraries could not be loaded in-process for "
            + Loader.getPlatform() + " (" + e + "); the build carries linux-x86_64 natives only: add the "
            + "org.bytedeco:ffmpeg classifier of this platform (README, Reels) or set media.ffmpegPath", e);
      }
      // FFmpeg's own log goes to stderr; failures are reported through return codes and our exceptions instead
      avutil.av_log_set_level(avutil.AV_LOG_ERROR);
      loaded = true;
    }
  }

  /** FFmpeg's text for an error code. */
  static String error(int code) {
    byte[] buffer = new byte[256];
    avutil.av_strerror(code, buffer, buffer.length);
    int end = 0;
    while (end < buffer.length && buffer[end] != 0) {
      end++;
    }
    return new String(buffer, 0, end, java.nio.charset.StandardCharsets.UTF_8) + " (" + code + ")";
  }

  /** A negative return code as a classified failure: out of memory, try again later, or any other video error. */
  static int check(int code, String what) {
    if (code >= 0) {
      return code;
    }
    FailureCode failure = code == AVERROR_ENOMEM ? FailureCode.FFMPEG_MEMORY
        : code == AVERROR_EAGAIN ? FailureCode.FFMPEG_RESOURCE : FailureCode.FFMPEG_OTHER;
    throw new MaestroException(failure, "ffmpeg (in-process) failed " + what + ": " + error(code));
  }
}
