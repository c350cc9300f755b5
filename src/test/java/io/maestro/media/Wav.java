package io.maestro.media;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

/** Writes test audio files with the JDK alone (no ffmpeg): a sine as 16-bit PCM WAV. */
final class Wav {
  private Wav() {}

  static void sine(Path file, int rate, int channels, double hz, double amplitude, double seconds) throws Exception {
    int n = (int) (rate * seconds);
    byte[] pcm = new byte[n * channels * 2];
    for (int i = 0; i < n; i++) {
      short s = (short) Math.round(amplitude * 32767 * Math.sin(2 * Math.PI * hz * i / rate));
      for (int c = 0; c < channels; c++) {
        int at = (i * channels + c) * 2;
        pcm[at] = (byte) s;
        pcm[at + 1] = (byte) (s >> 8);
      }
    }
    AudioFormat format = new AudioFormat(rate, 16, channels, true, false);
    try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(pcm), format, n)) {
      AudioSystem.write(in, AudioFileFormat.Type.WAVE, file.toFile());
    }
  }
}
