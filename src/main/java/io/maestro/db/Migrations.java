package io.maestro.db;

import io.maestro.StartupFailure;
import io.vertx.pgclient.PgConnectOptions;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Versioned schema migrations (src/main/resources/db/migration) applied with Flyway at start-up and by tests. */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
  private static final String LOCATION = "classpath:db/migration";

  private Migrations() {}

  /** Blocking. Returns the schema version now in force. */
  public static String migrate(String url, int connectTimeoutMs) {
    PgConnectOptions options = Database.connectOptions(url);
    Flyway flyway = Flyway.configure()
        .dataSource(Database.jdbcUrl(options) + "?connectTimeout=" + Math.max(1, connectTimeoutMs / 1000),
            options.getUser(), options.getPassword())
        .locations(LOCATION)
        .connectRetries(0)
        .load();
    try {
      MigrateResult result = flyway.migrate();
      String version = current(flyway);
      LOG.info("Database schema at version {} ({} migration(s) applied now)", version, result.migrationsExecuted);
      return version;
    } catch (RuntimeException e) {
      throw new StartupFailure("db.url (MAESTRO_DB_URL): cannot migrate the database at " + options.getHost() + ":"
          + options.getPort() + "/" + options.getDatabase() + ": " + rootMessage(e), e);
    }
  }

  private static String current(Flyway flyway) {
    MigrationInfo current = flyway.info().current();
    return current == null ? "0" : current.getVersion().getVersion();
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.replace('\n', ' ');
  }
}
