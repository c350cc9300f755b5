package io.maestro.media;

import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * The optional external encoder: an ffmpeg executable named by media.ffmpegPath, for operators who prefer their
 * own build. It gets the very same frames (raw yuv420p on its stdin) and sound (a WAV file) as the in-process
 * encoder, so a reel looks the same either way. Its stderr is kept and a failure classified from it
 * (ffmpeg_encoder / ffmpeg_resource / ffmpeg_memory / ffmpeg_other) with its last lines in the message.
 */
final class FfmpegCli {
  private static final int STDERR_TAIL_LINES = 8;

  private final String executable;

  /** @param configuredPath media.ffmpegPath (not blank) */
  FfmpegCli(String configuredPath) {
    File file = new File(configuredPath);
    if (!file.isFile() || !file.canExecute()) {
      throw new MaestroException(FailureCode.CONFIG_ERROR, "media.ffmpegPath points to " + configuredPath
          + ", which is not an executable file; leave it empty to encode in-process (no ffmpeg needed)");
    }
    this.executable = file.getAbsolutePath();
  }

  String executable() {
    return executable;
  }

  /** Pipes every frame of {@code frames} and the WAV {@code audio} through ffmpeg into {@code out}. */
  void encode(ReelFrames frames, Path audio, Path out, Mp4Writer.X264 x264, java.util.function.LongSupplier remaining)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("-hide_banner", "-nostdin", "-y", "-f", "rawvideo", "-pix_fmt",
        "yuv420p", "-s", frames.width() + "x" + frames.height(), "-r", String.valueOf(Mp4Writer.FPS), "-i", "pipe:0",
        "-i", audio.toString(), "-map", "0:v:0", "-map", "1:a:0", "-c:v", "libx264", "-preset", x264.preset(),
        "-crf", String.valueOf(x264.crf()), "-threads", String.valueOf(x264.threads()), "-pix_fmt", "yuv420p",
        "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-c:a", "aac", "-b:a", "128k",
        "-ar", String.valueOf(Mp4Writer.SAMPLE_RATE), "-shortest", "-movflags", "+faststart", out.toString()));
    List<String> command = new ArrayList<>();
    command.add(executable);
    command.addAll(args);
    Path log = Files.createTempFile("maestro-ffmpeg", ".log");
    Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(log.toFile()).start();
    // a blocked pipe write does not see the deadline's interrupt: the process is killed at the deadline instead
    CompletableFuture.delayedExecutor(Math.max(1, remaining.getAsLong()), TimeUnit.MILLISECONDS)
        .execute(process::destroyForcibly);
    try {
      try (OutputStream stdin = process.getOutputStream()) {
        byte[] row = new byte[frames.width()];
        for (int i = 0; i < ReelTimeline.FRAMES; i++) {
          ReelEncoder.checkDeadline(remaining);
          AVFrame frame = frames.render(i);
          for (int plane = 0; plane < 3; plane++) {
            int w = plane == 0 ? frames.width() : frames.width() / 2;
            int h = plane == 0 ? frames.height() : frames.height() / 2;
            for (int y = 0; y < h; y++) {
              frame.data(plane).position((long) y * frame.linesize(plane)).get(row, 0, w);
              stdin.write(row, 0, w);
            }
            frame.data(plane).position(0);
          }
        }
      } catch (IOException e) {
        // ffmpeg stopped reading (it failed, or was killed): its exit code and stderr say why
      }
      if (!process.waitFor(Math.max(1, remaining.getAsLong()), TimeUnit.MILLISECONDS)) {
        ReelEncoder.checkDeadline(() -> 0);
      }
      ReelEncoder.checkDeadline(remaining);
      String stderr = Files.readString(log, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw classify(process.exitValue(), stderr);
      }
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
      Files.deleteIfExists(log);
    }
  }

  /** ffmpeg's exit code and stderr to the taxonomy; the message carries the lines that say what happened. */
  static MaestroException classify(int exitCode, String stderr) {
    String text = stderr == null ? "" : stderr;
    FailureCode code;
    if (text.contains("Error while opening encoder") || text.contains("Unknown encoder")
        || text.contains("Error initializing output stream")) {
      code = FailureCode.FFMPEG_ENCODER;
    } else if (text.contains("Resource temporarily unavailable")) {
      code = FailureCode.FFMPEG_RESOURCE;
    } else if (text.contains("Cannot allocate memory") || text.contains("Out of memory")) {
      code = FailureCode.FFMPEG_MEMORY;
    } else {
      code = FailureCode.FFMPEG_OTHER;
    }
    return new MaestroException(code, "ffmpeg exited with code " + exitCode + ": " + tail(text));
  }

  static String tail(String stderr) {
    if (stderr == null || stderr.isBlank()) {
      return "(no output on stderr)";
    }
    List<String> lines = stderr.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    String joined = String.join(" | ", lines.subList(Math.max(0, lines.size() - STDERR_TAIL_LINES), lines.size()));
    return joined.length() > 1500 ? "…" + joined.substring(joined.length() - 1500) : joined;
  }
}
