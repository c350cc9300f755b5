package io.maestro.media;

import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Encodes a reel with the external ffmpeg: one still frame, a short fade-in, H.264 (libx264) at 30 fps yuv420p and
 * an AAC track (the configured music, or silence from anullsrc). ffmpeg is found at media.ffmpegPath or on PATH;
 * its stderr is kept and a failure is classified from it (ffmpeg_encoder / ffmpeg_resource / ffmpeg_memory /
 * ffmpeg_other) with its last lines in the message.
 */
public final class ReelEncoder {
  public static final double SECONDS = 7.5;
  static final String INSTALL_HINT = "install ffmpeg (Debian/Ubuntu: apt-get install ffmpeg) or set media.ffmpegPath "
      + "(MAESTRO_FFMPEG_PATH) to its executable";
  private static final int STDERR_TAIL_LINES = 8;

  private final String configuredPath;
  private final String musicPath;

  public ReelEncoder(String configuredPath, String musicPath) {
    this.configuredPath = configuredPath == null ? "" : configuredPath.strip();
    this.musicPath = musicPath == null ? "" : musicPath.strip();
  }

  /** The ffmpeg executable to run, or config_error saying how to get one. */
  public String ffmpeg() {
    if (!configuredPath.isEmpty()) {
      File file = new File(configuredPath);
      if (!file.isFile() || !file.canExecute()) {
        throw new MaestroException(FailureCode.CONFIG_ERROR, "media.ffmpegPath points to " + configuredPath
            + ", which is not an executable file; " + INSTALL_HINT);
      }
      return file.getAbsolutePath();
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        File candidate = new File(dir, "ffmpeg");
        if (candidate.isFile() && candidate.canExecute()) {
          return candidate.getAbsolutePath();
        }
      }
    }
    throw new MaestroException(FailureCode.CONFIG_ERROR, "ffmpeg was not found on PATH; reels need it: " + INSTALL_HINT);
  }

  /** Encodes {@code frame} (PNG) into an MP4 of {@link #SECONDS} at {@code out}. */
  public void encode(Path frame, Path out, long timeoutMs) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("-hide_banner", "-nostdin", "-y", "-loop", "1", "-framerate", "30",
        "-i", frame.toString()));
    if (!musicPath.isEmpty()) {
      if (!Files.isReadable(Path.of(musicPath))) {
        throw new MaestroException(FailureCode.CONFIG_ERROR, "media.musicPath points to " + musicPath
            + ", which is not a readable file");
      }
      args.addAll(List.of("-stream_loop", "-1", "-i", musicPath));
    } else {
      args.addAll(List.of("-f", "lavfi", "-i", "anullsrc=channel_layout=stereo:sample_rate=44100"));
    }
    args.addAll(List.of("-map", "0:v:0", "-map", "1:a:0", "-t", String.valueOf(SECONDS),
        "-vf", "fade=t=in:st=0:d=0.6,format=yuv420p", "-r", "30",
        "-c:v", "libx264", "-preset", "veryfast", "-tune", "stillimage", "-crf", "23", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "128k", "-ar", "44100", "-movflags", "+faststart", out.toString()));
    run(args, timeoutMs);
  }

  /**
   * Runs ffmpeg with {@code args}; a non-zero exit is a classified {@link MaestroException}. Returns stderr.
   * Interrupted (the job deadline) or out of time, the process is killed.
   */
  public String run(List<String> args, long timeoutMs) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ffmpeg());
    command.addAll(args);
    Path log = Files.createTempFile("maestro-ffmpeg", ".log");
    Process process = null;
    try {
      process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(log.toFile()).start();
      if (!process.waitFor(Math.max(1, timeoutMs), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        throw new MaestroException(FailureCode.FFMPEG_OTHER, "ffmpeg did not finish within " + timeoutMs
            + " ms and was stopped; last output: " + tail(Files.readString(log, StandardCharsets.UTF_8)));
      }
      String stderr = Files.readString(log, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw classify(process.exitValue(), stderr);
      }
      return stderr;
    } finally {
      if (process != null && process.isAlive()) {
        process.destroyForcibly();
      }
      Files.deleteIfExists(log);
    }
  }

  /** ffmpeg's exit code and stderr to the taxonomy; the message carries the lines that say what happened. */
  public static MaestroException classify(int exitCode, String stderr) {
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
