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

  /**
   * The dispatcher's one connection for claims. A claim was planned in about as long as it ran (0.41 ms against 0.42
   * ms on a durable PostgreSQL 15, pg_stat_statements), and it is the one statement on the critical path of every
   * job, so here it is prepared once and keeps its plan. Only here: a cached plan is chosen from the statistics of
   * the moment, and one chosen while a table was empty can scan it whole once it is not — a cached completion did
   * exactly that in a benchmark, as job_attempts grew from nothing, and lost leases. So this connection also rules
   * out sequential and bitmap scans, hash and merge joins: a claim touches at most {@code JobRepository.MAX_CLAIM}
   * rows through the due index and primary keys at every table size, which is the plan those settings leave.
   */
  public static Pool claimPool(Vertx vertx, String url) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(1).setName("maestro-claims-" + Integer.toHexString(url.hashCode())))
        .connectingTo(claimConnectOptions(url))
        .using(vertx)
        .build();
  }

  /** The claim connection's options (see {@link #claimPool}). */
  public static PgConnectOptions claimConnectOptions(String url) {
    PgConnectOptions options = connectOptions(url).setCachePreparedStatements(true);
    for (String plan : new String[] {"enable_seqscan", "enable_bitmapscan", "enable_hashjoin", "enable_mergejoin"}) {
      options.addProperty(plan, "off");
    }
    return options;
  }

  /** JDBC form of a postgresql:// URL, for Flyway. */
  static String jdbcUrl(PgConnectOptions options) {
    return "jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase();
  }
}
