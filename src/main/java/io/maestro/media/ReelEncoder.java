package io.maestro.media;

import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

/**
 * Encodes a reel: H.264 (libx264, yuv420p) 1080×1920 at 30 fps for {@link #SECONDS}, AAC stereo, +faststart.
 * By default FFmpeg's libraries do it in this process (no ffmpeg to install); with media.ffmpegPath set, that
 * executable does it instead, fed the same frames and sound. Runs on the job's worker thread and stops at the job
 * deadline (job_timeout) with every native buffer freed.
 */
public final class ReelEncoder {
  public static final double SECONDS = 7.5;
  /**
   * x264's fastest preset with CABAC and the deblocking filter turned back on: measured on a 2-core machine,
   * veryfast spent 6–7 CPU-s per reel (too slow for 30 reels/min on 2 cores), superfast 4.6, this 2.9 (with the
   * frames' own making) for about 0.9 MB per 7.5 s reel — plenty for a phone-sized 1080×1920 at CRF 23; the
   * deblocking filter keeps the soft gradients of the backgrounds free of blocks.
   */
  static final String PRESET = "ultrafast";
  static final int CRF = 23;
  static final String PARAMS = "cabac=1:deblock=1";

  private final String ffmpegPath;
  private final String musicPath;
  private final int threads;
  private ReelAudio music; // decoded once: every reel of this node lays the same file under its frames
  private String musicKey = "";

  /**
   * @param ffmpegPath media.ffmpegPath: empty = in-process (the default)
   * @param threads x264 threads per encode: cores / job workers, so parallel reels do not fight over cores
   */
  public ReelEncoder(String ffmpegPath, String musicPath, int threads) {
    this.ffmpegPath = ffmpegPath == null ? "" : ffmpegPath.strip();
    this.musicPath = musicPath == null ? "" : musicPath.strip();
    this.threads = Math.max(1, threads);
  }

  /** x264 threads for {@code workers} job workers on this machine's cores. */
  public static int threadsFor(int workers) {
    return Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, workers));
  }

  /** Which encoder runs, checked before any work is spent (config_error when it cannot run). */
  public String engine() {
    if (!ffmpegPath.isEmpty()) {
      return "external ffmpeg " + new FfmpegCli(ffmpegPath).executable();
    }
    Ffmpeg.load();
    return "in-process FFmpeg";
  }

  /**
   * The stills of one reel: the moving plate (background + scrim), one text layer per still in order, and the
   * footer (brand name) that stays on screen until the closing still.
   */
  public record Stills(BufferedImage plate, List<BufferedImage> inks, BufferedImage footer, long seed) {}

  /** Encodes {@code stills} into an MP4 at {@code out}, within {@code remainingMillis} (the job's deadline). */
  public void encode(Stills stills, Path out, LongSupplier remainingMillis) throws IOException, InterruptedException {
    List<InkLayer> inks = new ArrayList<>();
    for (BufferedImage ink : stills.inks()) {
      inks.add(new InkLayer(ink));
    }
    checkDeadline(remainingMillis);
    ReelAudio audio = audio(stills.seed());
    ReelTimeline timeline = new ReelTimeline(inks.size() - 2);
    Mp4Writer.X264 x264 = new Mp4Writer.X264(PRESET, CRF, "", PARAMS, threads);
    InkLayer footer = new InkLayer(stills.footer());
    try (ReelFrames frames = new ReelFrames(stills.plate(), inks, footer, timeline, Composer.REEL_W,
        Composer.REEL_H)) {
      if (ffmpegPath.isEmpty()) {
        encodeInProcess(frames, audio, out, x264, remainingMillis);
      } else {
        Path wav = Files.createTempFile("maestro-reel-audio", ".wav");
        try {
          writeWav(audio, wav);
          new FfmpegCli(ffmpegPath).encode(frames, wav, out, x264, remainingMillis);
        } finally {
          Files.deleteIfExists(wav);
        }
      }
    }
  }

  private static void encodeInProcess(ReelFrames frames, ReelAudio audio, Path out, Mp4Writer.X264 x264,
      LongSupplier remainingMillis) {
    try (Mp4Writer writer = new Mp4Writer(out, frames.width(), frames.height(), x264)) {
      int audioFrame = writer.audioFrameSize();
      for (int i = 0; i < ReelTimeline.FRAMES; i++) {
        checkDeadline(remainingMillis);
        writer.writeVideo(frames.render(i), i);
        // audio interleaved with the video: up to the end of this frame's time
        long until = (long) (i + 1) * Mp4Writer.SAMPLE_RATE / Mp4Writer.FPS;
        while (writer.audioSamples() < until && writer.audioSamples() < audio.left().length) {
          writer.writeAudio(audio.left(), audio.right(), (int) writer.audioSamples());
        }
      }
      writer.finish();
    }
  }

  /** job_timeout when the deadline has passed or the worker thread was interrupted by it. */
  static void checkDeadline(LongSupplier remainingMillis) {
    if (Thread.currentThread().isInterrupted() || remainingMillis.getAsLong() <= 0) {
      throw new MaestroException(FailureCode.JOB_TIMEOUT, "the job deadline passed while the reel was being "
          + "encoded; the encode was stopped and its buffers freed");
    }
  }

  /** media.musicPath decoded (once per file version), else the generated ambient bed. */
  private ReelAudio audio(long seed) {
    if (musicPath.isEmpty()) {
      return ReelAudio.ambient(seed);
    }
    Path file = Path.of(musicPath);
    String key;
    try {
      key = Files.getLastModifiedTime(file) + "/" + Files.size(file);
    } catch (IOException e) {
      throw new MaestroException(FailureCode.CONFIG_ERROR, "media.musicPath points to " + musicPath
          + ", which is not a readable file", e);
    }
    synchronized (this) {
      if (music == null || !key.equals(musicKey)) {
        music = MusicDecoder.decode(file, ReelAudio.samples());
        musicKey = key;
      }
      return music;
    }
  }

  /** 16-bit PCM WAV of the sound, for the external ffmpeg. */
  private static void writeWav(ReelAudio audio, Path wav) throws IOException {
    int n = audio.left().length;
    byte[] pcm = new byte[n * 4];
    for (int i = 0; i < n; i++) {
      short l = (short) Math.max(-32768, Math.min(32767, Math.round(audio.left()[i] * 32767)));
      short r = (short) Math.max(-32768, Math.min(32767, Math.round(audio.right()[i] * 32767)));
      pcm[4 * i] = (byte) l;
      pcm[4 * i + 1] = (byte) (l >> 8);
      pcm[4 * i + 2] = (byte) r;
      pcm[4 * i + 3] = (byte) (r >> 8);
    }
    AudioFormat format = new AudioFormat(Mp4Writer.SAMPLE_RATE, 16, 2, true, false);
    try (AudioInputStream stream = new AudioInputStream(new java.io.ByteArrayInputStream(pcm), format, n)) {
      AudioSystem.write(stream, AudioFileFormat.Type.WAVE, wav.toFile());
    }
  }
}
