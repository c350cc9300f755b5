package io.maestro.db;

import io.maestro.config.MaestroConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * Pools for the actors. Every verticle asks for the same named, shared pool, so one node holds one set of
 * connections however many verticles use it.
 */
public final class Database {
  private static final String SHARED_POOL_NAME = "maestro-pool";

  private Database() {}

  public static PgConnectOptions connectOptions(String url) {
    return PgConnectOptions.fromUri(url)
        .setReconnectAttempts(2)
        .setReconnectInterval(250)
        .setPipeliningLimit(256);
  }

  public static Pool pool(Vertx vertx, String url, MaestroConfig config) {
    return PgBuilder.pool()
        .with(new PoolOptions()
            .setMaxSize(config.integer(MaestroConfig.DB_POOL_SIZE))
            .setShared(true)
            .setName(SHARED_POOL_NAME + "-" + Integer.toHexString(url.hashCode()))
            .setMaxWaitQueueSize(10_000))
        .with(new NetClientOptions().setConnectTimeout(config.integer(MaestroConfig.DB_CONNECT_TIMEOUT)))
        .connectingTo(connectOptions(url))
        .using(vertx)
        .build();
  }

  /** JDBC form of a postgresql:// URL, for Flyway. */
  static String jdbcUrl(PgConnectOptions options) {
    return "jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase();
  }
}
