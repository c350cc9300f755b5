package io.maestro.testing;

import io.maestro.MainVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A whole Maestro node (MainVerticle: migrations, actors, HTTP on 127.0.0.1 with port 0) against a real
 * PostgreSQL, with a WebClient pointed at it.
 *
 * <p>Started by hand ({@link #start}, closed by the test), or once for a whole test class as a JUnit extension:
 * {@code @RegisterExtension static final TestApp app = TestApp.forClass(config);} starts it before the class's
 * {@code @BeforeAll} methods and closes it after its {@code @AfterAll} methods. Its fields are set once it started.
 */
public final class TestApp implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
  public Vertx vertx;
  public WebClient http;
  public String dbUrl;
  public int port;
  private String deploymentId;
  private MainVerticle main;
  /** Only for a class-wide app: its configuration, read when the class starts. */
  private final Supplier<JsonObject> classConfig;

  private TestApp(Vertx vertx, String dbUrl, String deploymentId, MainVerticle main) {
    this.classConfig = null;
    started(vertx, dbUrl, deploymentId, main);
  }

  private TestApp(Supplier<JsonObject> classConfig) {
    this.classConfig = classConfig;
  }

  private void started(Vertx vertx, String dbUrl, String deploymentId, MainVerticle main) {
    this.vertx = vertx;
    this.main = main;
    this.dbUrl = dbUrl;
    this.deploymentId = deploymentId;
    this.port = main.context().runtime().httpPort();
    this.http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
  }

  /** One app for every test of the class, on a database of its own, with these overrides (see {@link #config}). */
  public static TestApp forClass(JsonObject overrides) {
    return forClass(() -> overrides);
  }

  /** As {@link #forClass(JsonObject)}, the overrides computed when the class starts. */
  public static TestApp forClass(Supplier<JsonObject> overrides) {
    return new TestApp(overrides);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    TestApp app = start(classConfig.get());
    started(app.vertx, app.dbUrl, app.deploymentId, app.main);
    app.http.close();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (vertx != null) {
      close();
    }
  }

  /** Fast test defaults; {@code overrides} win. */
  public static JsonObject config(String dbUrl, JsonObject overrides) {
    return new JsonObject()
        .put("db.url", dbUrl)
        .put("http.host", "127.0.0.1")
        .put("http.port", 0)
        .put("jobs.pollIntervalMs", 200)
        .put("jobs.leaseMs", 2_000)
        .put("jobs.shutdownGraceMs", 2_000)
        .put("node.id", "test-node")
        // no surprise daily burst in tests that do not ask for one, and no network text model
        .put("burst.dailyEnabled", false)
        .put("textModel.provider", "offline")
        .put("storage.localDir", tempMediaDir())
        // the dry-run publisher's outbox, likewise never in the working tree
        .put("publish.outboxFile", tempMediaDir() + "/outbox/publish.jsonl")
        .mergeIn(overrides == null ? new JsonObject() : overrides);
  }

  /** Media of each test app goes to its own temporary directory, never into the working tree. */
  private static String tempMediaDir() {
    try {
      return java.nio.file.Files.createTempDirectory("maestro-test-media").toString();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("no temporary directory for test media", e);
    }
  }

  public static TestApp start(JsonObject overrides) {
    return start(TestPostgres.newDatabase(), overrides);
  }

  public static TestApp start(String dbUrl, JsonObject overrides) {
    Vertx vertx = io.maestro.metrics.Metrics.vertx(new io.vertx.core.VertxOptions());
    try {
      MainVerticle main = new MainVerticle();
      String id = vertx.deployVerticle(main, new DeploymentOptions().setConfig(config(dbUrl, overrides)))
          .await(60, TimeUnit.SECONDS);
      return new TestApp(vertx, dbUrl, id, main);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("Maestro did not start: " + e.getMessage(), e);
    }
  }

  public long count(String sql) throws Exception {
    return TestPostgres.count(dbUrl, sql);
  }

  public int execute(String sql) throws Exception {
    try (Connection c = TestPostgres.connect(dbUrl); Statement s = c.createStatement()) {
      return s.executeUpdate(sql);
    }
  }

  @Override
  public void close() throws Exception {
    http.close();
    VertxClose.within(vertx, java.time.Duration.ofSeconds(30));
  }

  /** Deploys job workers with the given renderers (as MainVerticle does, but with test stages). */
  public String deployWorkers(java.util.function.Function<io.maestro.config.MaestroConfig,
      java.util.Map<String, io.maestro.render.JobRenderer>> renderers, int instances) throws Exception {
    io.maestro.node.NodeContext workers = context().withRenderers(io.maestro.render.RendererFactory.of(renderers));
    return vertx.deployVerticle(() -> new io.maestro.jobs.JobWorkerVerticle(workers), new DeploymentOptions()
        .setThreadingModel(io.vertx.core.ThreadingModel.WORKER).setInstances(instances)).await(30, TimeUnit.SECONDS);
  }

  /** The node's context as MainVerticle built it (config, pool, node id, metrics, runtime state). */
  public io.maestro.node.NodeContext context() {
    return main.context();
  }

  public String deploymentId() {
    return deploymentId;
  }
}
