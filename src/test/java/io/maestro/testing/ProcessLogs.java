package io.maestro.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the process tests send the stdout/stderr of the Maestro processes they start: under
 * {@code target/process-logs/<test class>/}, kept after the test (a temporary directory is deleted with it), so that
 * {@code bin/scan-logs-for-jwts} — run by .ci/run after the suite — reads every line those processes logged too.
 */
public final class ProcessLogs {
  private static final AtomicInteger SEQ = new AtomicInteger();

  private ProcessLogs() {}

  /** A fresh directory for one test instance's process logs. */
  public static Path dir(Class<?> test) {
    Path dir = Path.of("target", "process-logs", test.getSimpleName(),
        System.currentTimeMillis() + "-" + SEQ.incrementAndGet()).toAbsolutePath();
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
