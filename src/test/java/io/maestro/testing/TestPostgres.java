package io.maestro.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL 17 for the whole test JVM; every test gets a database of its own, so tests never see each
 * other's rows.
 */
public final class TestPostgres {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static EmbeddedPostgres postgres;

  private TestPostgres() {}

  private static synchronized EmbeddedPostgres server() {
    if (postgres == null) {
      try {
        Path dir = Files.createTempDirectory("maestro-test-pg");
        postgres = EmbeddedPostgres.builder().setDataDirectory(dir.toFile()).setCleanDataDirectory(true)
            .setServerConfig("max_connections", "300").setServerConfig("fsync", "off")
            .setServerConfig("synchronous_commit", "off").start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            postgres.close();
          } catch (Exception ignored) {
            // the JVM is going away
          }
        }));
      } catch (Exception e) {
        throw new IllegalStateException("test PostgreSQL did not start", e);
      }
    }
    return postgres;
  }

  public static int port() {
    return server().getPort();
  }

  /** A fresh, empty database (Maestro migrates it on start); returns its postgresql:// URL. */
  public static String newDatabase() {
    String name = "maestro_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    try (Connection c = DriverManager.getConnection(jdbc("postgres"), "postgres", "postgres");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (Exception e) {
      throw new IllegalStateException("could not create test database " + name, e);
    }
    return "postgresql://postgres:postgres@127.0.0.1:" + port() + "/" + name;
  }

  public static String jdbc(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
  }

  /** JDBC connection for assertions that read the database directly, on whichever server the URL names. */
  public static Connection connect(String url) throws Exception {
    java.net.URI uri = java.net.URI.create(url);
    String user = "postgres";
    String password = "postgres";
    if (uri.getUserInfo() != null) {
      String[] parts = uri.getUserInfo().split(":", 2);
      user = parts[0];
      password = parts.length > 1 ? parts[1] : "";
    }
    String database = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
    return DriverManager.getConnection("jdbc:postgresql://" + uri.getHost() + ":" + (uri.getPort() < 0 ? 5432
        : uri.getPort()) + "/" + database, user, password);
  }

  public static int execute(String url, String sql) throws Exception {
    try (Connection c = connect(url); Statement s = c.createStatement()) {
      return s.executeUpdate(sql);
    }
  }

  /** The single number a query returns (a count, a max), read straight from the database. */
  public static long count(String url, String sql) throws Exception {
    try (Connection c = connect(url); Statement s = c.createStatement(); java.sql.ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }
}
