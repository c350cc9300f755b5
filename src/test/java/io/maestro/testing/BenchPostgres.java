package io.maestro.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The PostgreSQL a benchmark measures against. Benchmarks measure what a user's database does, so commits are
 * durable: {@code -Dbench.db.url=postgresql://user:password@host:port/db} points every benchmark at an external
 * server (each benchmark gets a fresh database there), and without it an embedded server of its own starts with
 * {@code fsync=on} and {@code synchronous_commit=on} — unlike {@link TestPostgres}, whose unit tests need speed, not
 * durability. {@link #describe} reports the settings actually in force, for the BENCH lines.
 */
public final class BenchPostgres {
  /** System property with an external server's URL (any database on it; benchmarks create their own). */
  public static final String URL_PROPERTY = "bench.db.url";
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static String serverUrl;

  private BenchPostgres() {}

  private static synchronized String server() {
    if (serverUrl == null) {
      String external = System.getProperty(URL_PROPERTY, "").trim();
      serverUrl = external.isEmpty() ? startEmbedded() : external;
    }
    return serverUrl;
  }

  private static String startEmbedded() {
    try {
      Path dir = Files.createTempDirectory("maestro-bench-pg");
      EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(dir.toFile())
          .setCleanDataDirectory(true).setServerConfig("max_connections", "300")
          .setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on")
          .setServerConfig("full_page_writes", "on").start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          postgres.close();
        } catch (Exception ignored) {
          // the JVM is going away
        }
      }));
      return "postgresql://postgres:postgres@127.0.0.1:" + postgres.getPort() + "/postgres";
    } catch (Exception e) {
      throw new IllegalStateException("benchmark PostgreSQL did not start", e);
    }
  }

  /** A fresh, empty database on the benchmark server (Maestro migrates it on start); returns its URL. */
  public static String newDatabase() {
    String name = "maestro_bench_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    String admin = server();
    try (Connection c = TestPostgres.connect(admin); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (Exception e) {
      throw new IllegalStateException("could not create benchmark database " + name, e);
    }
    URI uri = URI.create(admin);
    return uri.getScheme() + "://" + uri.getRawAuthority() + "/" + name;
  }

  /**
   * Drops a database {@link #newDatabase} made, once its run is over. A deployment has one database; a sitting that
   * kept each run's (twenty or more, a few hundred files each) made every checkpoint fsync thousands of files while
   * the next runs were being measured.
   */
  public static void dropDatabase(String url) {
    String name = URI.create(url).getPath().substring(1);
    try (Connection c = TestPostgres.connect(server()); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (Exception e) {
      throw new IllegalStateException("could not drop benchmark database " + name, e);
    }
  }

  /** "PostgreSQL 15.18, fsync=on, synchronous_commit=on (external)" — what the figures were measured on. */
  public static String describe() {
    try (Connection c = TestPostgres.connect(server()); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT current_setting('server_version'), current_setting('fsync'),"
            + " current_setting('synchronous_commit')")) {
      r.next();
      return "PostgreSQL " + r.getString(1) + ", fsync=" + r.getString(2) + ", synchronous_commit=" + r.getString(3)
          + (System.getProperty(URL_PROPERTY, "").isBlank() ? " (embedded)" : " (external)");
    } catch (Exception e) {
      throw new IllegalStateException("benchmark PostgreSQL unreachable", e);
    }
  }
}
