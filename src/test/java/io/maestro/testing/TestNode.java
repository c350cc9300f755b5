package io.maestro.testing;

import io.maestro.config.MaestroConfig;
import io.maestro.db.Database;
import io.maestro.db.Migrations;
import io.maestro.metrics.Metrics;
import io.maestro.node.NodeContext;
import io.maestro.node.NodeRuntime;
import io.maestro.render.JobRenderer;
import io.maestro.render.RendererFactory;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The node context MainVerticle would build (validated config with {@link TestApp}'s fast defaults, a migrated
 * database of its own with the local user provisioned, the shared pool, the node id), without deploying any actor:
 * a test deploys the one verticle it is about, on the Vertx that vertx-junit5 hands it. Closing that Vertx closes
 * the pool.
 *
 * @param context what the verticle's constructor takes
 * @param dbUrl the database, for JDBC assertions ({@link TestPostgres#count}, {@link TestPostgres#execute})
 */
public record TestNode(NodeContext context, String dbUrl) {

  /** A node whose workers would have no renderers: for verticles that run no jobs. */
  public static TestNode start(Vertx vertx, JsonObject overrides) throws Exception {
    return start(vertx, overrides, config -> Map.of());
  }

  public static TestNode start(Vertx vertx, JsonObject overrides,
      Function<MaestroConfig, Map<String, JobRenderer>> renderers) throws Exception {
    String url = TestPostgres.newDatabase();
    Migrations.migrate(url, 10_000);
    MaestroConfig config = MaestroConfig.from(TestApp.config(url, overrides));
    var pool = Database.pool(vertx, url, config);
    pool.preparedQuery("SELECT maestro_provision_user($1)")
        .execute(Tuple.of(config.string(MaestroConfig.LOCAL_USER))).await(30, TimeUnit.SECONDS);
    NodeContext context = new NodeContext(config, pool, Database.claimPool(vertx, url), config.string(MaestroConfig.NODE_ID),
        Metrics.registry(vertx), RendererFactory.of(renderers), new NodeRuntime());
    return new TestNode(context, url);
  }

  public long count(String sql) throws Exception {
    return TestPostgres.count(dbUrl, sql);
  }

  public int execute(String sql) throws Exception {
    return TestPostgres.execute(dbUrl, sql);
  }
}
