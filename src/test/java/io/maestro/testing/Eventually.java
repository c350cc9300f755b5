package io.maestro.testing;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Bounded waiting for an asynchronous outcome; fails with the last observed value, never hangs. */
public final class Eventually {
  private Eventually() {}

  public static <T> T await(String what, Duration timeout, Callable<T> probe, java.util.function.Predicate<T> done)
      throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    T last = null;
    while (System.nanoTime() < end) {
      last = probe.call();
      if (done.test(last)) {
        return last;
      }
      Thread.sleep(25);
    }
    throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what + "; last: " + last);
  }
}
