package io.maestro.media;

/**
 * A reel's sound: planar stereo float samples at {@link Mp4Writer#SAMPLE_RATE}, exactly as long as the reel.
 * Without media.musicPath it is a quiet generated ambient bed — a soft sustained chord that swells and fades —
 * rather than silence: a silent reel sounds broken the moment a viewer unmutes it, and a bed this quiet (peaks
 * near −20 dBFS, no beat, no melody) cannot clash with a voice-over added on the platform.
 */
record ReelAudio(float[] left, float[] right) {
  /** Root notes (Hz) the bed is built on, picked per reel so consecutive reels do not all sound alike. */
  private static final double[] ROOTS = {110.0, 123.47, 130.81, 146.83, 164.81};
  /** A major-ninth voicing: root, fifth, octave, major third above, ninth above — open and calm. */
  private static final double[] RATIOS = {1.0, 1.5, 2.0, 2.5, 4.5};
  private static final double[] LEVELS = {0.030, 0.020, 0.016, 0.010, 0.005};

  static int samples() {
    return (int) Math.round(ReelEncoder.SECONDS * Mp4Writer.SAMPLE_RATE);
  }

  private static final java.util.Map<Integer, ReelAudio> BEDS = new java.util.concurrent.ConcurrentHashMap<>();

  /** The ambient bed for {@code seed} (same seed, same sound); made once per root note, then shared (read-only). */
  static ReelAudio ambient(long seed) {
    return BEDS.computeIfAbsent((int) Math.floorMod(seed, (long) ROOTS.length), ReelAudio::bed);
  }

  private static ReelAudio bed(int rootIndex) {
    int n = samples();
    double root = ROOTS[rootIndex];
    float[] left = new float[n];
    float[] right = new float[n];
    double rate = Mp4Writer.SAMPLE_RATE;
    for (int partial = 0; partial < RATIOS.length; partial++) {
      double f = root * RATIOS[partial];
      // left and right a few cents apart: a slow beating that makes the chord wide and alive, not a test tone
      double stepL = 2 * Math.PI * f * 0.9985 / rate;
      double stepR = 2 * Math.PI * f * 1.0015 / rate;
      double swellRate = 2 * Math.PI * (0.11 + 0.05 * partial) / rate;
      double level = LEVELS[partial];
      for (int i = 0; i < n; i++) {
        double swell = 0.75 + 0.25 * Math.sin(swellRate * i + partial);
        left[i] += (float) (level * swell * Math.sin(stepL * i));
        right[i] += (float) (level * swell * Math.sin(stepR * i + 0.5));
      }
    }
    return new ReelAudio(left, right).faded(1.2, 1.5);
  }

  /** {@code source} (planar stereo) looped to the reel's length, faded in briefly and out at the end. */
  static ReelAudio fitted(float[] sourceLeft, float[] sourceRight) {
    int n = samples();
    float[] left = new float[n];
    float[] right = new float[n];
    if (sourceLeft.length > 0) {
      for (int i = 0; i < n; i++) {
        left[i] = sourceLeft[i % sourceLeft.length];
        right[i] = sourceRight[i % sourceRight.length];
      }
    }
    return new ReelAudio(left, right).faded(0.3, 1.2);
  }

  private ReelAudio faded(double inSeconds, double outSeconds) {
    int n = left.length;
    int in = (int) (inSeconds * Mp4Writer.SAMPLE_RATE);
    int out = (int) (outSeconds * Mp4Writer.SAMPLE_RATE);
    for (int i = 0; i < n; i++) {
      double gain = Math.min(1.0, Math.min(i / (double) in, (n - 1 - i) / (double) out));
      left[i] *= (float) gain;
      right[i] *= (float) gain;
    }
    return this;
  }

  /** The loudest sample (for tests: the bed is quiet, but not silence). */
  double peak() {
    double peak = 0;
    for (int i = 0; i < left.length; i++) {
      peak = Math.max(peak, Math.max(Math.abs(left[i]), Math.abs(right[i])));
    }
    return peak;
  }
}
