package io.maestro.db;

import io.maestro.StartupFailure;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 17 (binaries from Maven Central) that Maestro starts itself when no external database is
 * configured, so the run command works on a machine with only a JDK. Its data directory survives restarts.
 *
 * <p>A file lock on the data directory keeps a second Maestro from starting a second postmaster on the same files;
 * a postmaster orphaned by a crashed Maestro (its lock is gone) is stopped before a new one starts.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
  private static final String LOCK_FILE = "maestro.lock";
  private static final String PG_SUBDIR = "postgres";

  private final EmbeddedPostgres postgres;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private EmbeddedDatabase(EmbeddedPostgres postgres, FileChannel lockChannel, FileLock lock) {
    this.postgres = postgres;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /** Blocking: call from a worker thread. */
  public static EmbeddedDatabase start(Path dataDir, int port) {
    Path root = dataDir.toAbsolutePath().normalize();
    FileChannel channel = null;
    FileLock lock = null;
    try {
      Files.createDirectories(root);
      channel = FileChannel.open(root.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      lock = tryLock(channel);
      if (lock == null) {
        channel.close();
        throw new StartupFailure("db.embedded.dataDir (MAESTRO_DATA_DIR): " + root
            + " is in use by another running Maestro; stop it or choose another data directory");
      }
      Path pgData = root.resolve(PG_SUBDIR);
      stopOrphanedPostmaster(pgData);
      long started = System.nanoTime();
      EmbeddedPostgres postgres = EmbeddedPostgres.builder()
          .setDataDirectory(pgData.toFile())
          .setCleanDataDirectory(false)
          .setPort(port)
          .setPGStartupWait(Duration.ofSeconds(60))
          // zonky's own JVM hook would stop PostgreSQL in parallel with Maestro's shutdown, before the dispatcher
          // hands its leases back; Maestro stops it itself, last (MainVerticle.stop)
          .setRegisterShutdownHook(false)
          .start();
      LOG.info("Embedded PostgreSQL started on 127.0.0.1:{} with data in {} ({} ms)", postgres.getPort(), pgData,
          (System.nanoTime() - started) / 1_000_000);
      return new EmbeddedDatabase(postgres, channel, lock);
    } catch (StartupFailure e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      releaseQuietly(lock, channel);
      throw new StartupFailure("db.embedded.dataDir (MAESTRO_DATA_DIR): embedded PostgreSQL did not start in " + root
          + ": " + e.getMessage(), e);
    }
  }

  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null; // held by this very JVM: another Maestro in-process
    }
  }

  /** A crashed Maestro can leave its postmaster running; our lock proves that Maestro is gone. */
  private static void stopOrphanedPostmaster(Path pgData) throws IOException {
    Path pidFile = pgData.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    List<String> lines = Files.readAllLines(pidFile);
    Optional<ProcessHandle> orphan = lines.isEmpty() ? Optional.empty()
        : parsePid(lines.get(0)).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive);
    if (orphan.isPresent()) {
      LOG.warn("Stopping PostgreSQL (pid {}) left running by a Maestro that did not shut down", orphan.get().pid());
      orphan.get().destroy(); // SIGTERM = PostgreSQL's "smart" shutdown, then we wait
      try {
        orphan.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        orphan.get().destroyForcibly();
      }
    }
  }

  private static Optional<Long> parsePid(String line) {
    try {
      return Optional.of(Long.parseLong(line.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  public int port() {
    return postgres.getPort();
  }

  /** Connection URL for the superuser's default database; Maestro uses the {@code postgres} database. */
  public String url() {
    return "postgresql://postgres:postgres@127.0.0.1:" + port() + "/postgres";
  }

  /** Blocking: stops PostgreSQL cleanly, then releases the data directory. */
  @Override
  public void close() {
    try {
      postgres.close();
      LOG.info("Embedded PostgreSQL stopped");
    } catch (IOException e) {
      LOG.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
    } finally {
      releaseQuietly(lock, lockChannel);
    }
  }

  private static void releaseQuietly(FileLock lock, FileChannel channel) {
    try {
      if (lock != null && lock.isValid()) {
        lock.release();
      }
      if (channel != null) {
        channel.close();
      }
    } catch (IOException ignored) {
      // nothing more to release
    }
  }
}
