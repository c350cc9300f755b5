package io.maestro;

import io.maestro.api.HttpApiVerticle;
import io.maestro.config.ConfigLoader;
import io.maestro.config.MaestroConfig;
import io.maestro.db.Database;
import io.maestro.db.EmbeddedDatabase;
import io.maestro.db.Migrations;
import io.maestro.healing.HealerVerticle;
import io.maestro.health.Readiness;
import io.maestro.jobs.DispatcherVerticle;
import io.maestro.jobs.JobWorkerVerticle;
import io.maestro.media.DeApiBudget;
import io.maestro.media.MediaRenderers;
import io.maestro.metrics.Metrics;
import io.maestro.node.NodeContext;
import io.maestro.node.NodeRuntime;
import io.maestro.render.JobRenderer;
import io.maestro.render.RendererFactory;
import java.util.Map;
import java.util.function.Function;
import io.maestro.schedule.SchedulerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up in order: config (validated), database (embedded or external), migrations, then the actors, HTTP last.
 * Any step that fails stops the start with a one-line reason; nothing is half-started.
 */
public class MainVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MainVerticle.class);

  private final RendererFactory renderers;
  private EmbeddedDatabase embedded;
  private Pool pool;
  private Pool claimPool;
  private volatile NodeContext context;

  /** With the node's real renderers: post images and reels ({@link MediaRenderers#create}). */
  public MainVerticle() {
    this.renderers = MediaRenderers::create;
  }

  /** With other job stages (tests run whole nodes with scripted stages). */
  public MainVerticle(Function<MaestroConfig, Map<String, JobRenderer>> renderers) {
    this.renderers = RendererFactory.of(renderers);
  }

  /** The node's context once the database is up (null before): tests read the bound port from its runtime. */
  public NodeContext context() {
    return context;
  }

  @Override
  public Future<?> start() {
    return ConfigLoader.load(vertx, config())
        .compose(config -> startDatabase(config).compose(url -> deployActors(config, url)))
        .recover(failure -> stop().transform(ignored -> Future.failedFuture(failure)));
  }

  private Future<String> startDatabase(MaestroConfig config) {
    return vertx.executeBlocking(() -> {
      String url = config.string(MaestroConfig.DB_URL);
      if (config.embeddedDatabase()) {
        embedded = EmbeddedDatabase.start(Path.of(config.string(MaestroConfig.DATA_DIR)),
            config.integer(MaestroConfig.EMBEDDED_PORT));
        url = embedded.url();
      }
      String version = Migrations.migrate(url, config.integer(MaestroConfig.DB_CONNECT_TIMEOUT));
      Readiness.expectSchemaVersion(vertx, version);
      return url;
    }, false);
  }

  private Future<?> deployActors(MaestroConfig config, String dbUrl) {
    String nodeId = config.string(MaestroConfig.NODE_ID).isBlank() ? defaultNodeId() : config.string(MaestroConfig.NODE_ID);
    pool = Database.pool(vertx, dbUrl, config);
    claimPool = Database.claimPool(vertx, dbUrl);
    NodeContext node = new NodeContext(config, pool, claimPool, nodeId, Metrics.registry(vertx), renderers, new NodeRuntime());
    context = node;
    int workers = config.integer(MaestroConfig.WORKER_INSTANCES);
    return pool.preparedQuery("SELECT maestro_provision_user($1)").execute(Tuple.of(config.string(MaestroConfig.LOCAL_USER)))
        .compose(ignored -> deploy("job dispatcher", () -> new DispatcherVerticle(node), ThreadingModel.EVENT_LOOP, 1))
        .compose(ignored -> workers == 0 ? Future.succeededFuture()
            : deploy("job worker", () -> new JobWorkerVerticle(node), ThreadingModel.WORKER, workers))
        .compose(ignored -> deploy("proposal agents", () -> new io.maestro.agents.ProposalAgentVerticle(node), ThreadingModel.EVENT_LOOP, 1))
        .compose(ignored -> deploy("examiner", () -> new io.maestro.examiner.ExaminerVerticle(node), ThreadingModel.EVENT_LOOP, 1))
        .compose(ignored -> deploy("burst coordinator", () -> new io.maestro.burst.BurstVerticle(node), ThreadingModel.EVENT_LOOP, 1))
        .compose(ignored -> deploy("healer", () -> new HealerVerticle(node), ThreadingModel.EVENT_LOOP, 1))
        .compose(ignored -> deploy("scheduler", () -> new SchedulerVerticle(node), ThreadingModel.EVENT_LOOP, 1))
        .compose(ignored -> deploy("publisher", () -> new io.maestro.publish.PublisherVerticle(node), ThreadingModel.EVENT_LOOP, 1))
        .compose(ignored -> deploy("metrics", () -> new io.maestro.metrics.MetricsVerticle(node,
            now -> DeApiBudget.usedToday(node.pool(), now)), ThreadingModel.EVENT_LOOP, 1))
        .compose(ignored -> deploy("HTTP API", () -> new HttpApiVerticle(node), ThreadingModel.EVENT_LOOP, 1))
        .onSuccess(ignored -> {
          Readiness.markActorsDeployed(vertx);
          LOG.info("Maestro node {} started: {} database, {} job worker(s), text model {}, auth {}", nodeId,
              config.embeddedDatabase() ? "embedded" : "external", workers, node.runtime().textModel(),
              config.authEnabled() ? "JWT" : "off (local mode, loopback only)");
        });
  }

  private Future<String> deploy(String actor, Supplier<? extends VerticleBase> factory, ThreadingModel threading,
      int instances) {
    return vertx.deployVerticle(factory, new DeploymentOptions().setThreadingModel(threading).setInstances(instances))
        .recover(e -> Future.failedFuture(new StartupFailure("the " + actor + " did not start: " + StartupFailure.describe(e), e)));
  }

  private static String defaultNodeId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "node";
    }
    return host + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = Future.all(pool == null ? Future.succeededFuture() : pool.close(),
        claimPool == null ? Future.succeededFuture() : claimPool.close()).mapEmpty();
    return closed.eventually(() -> embedded == null ? Future.succeededFuture()
        : vertx.executeBlocking(() -> {
          embedded.close(); // last: every actor has stopped using it
          return null;
        }, false));
  }
}
