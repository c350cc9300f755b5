package io.maestro.api;

import io.maestro.brands.BrandRepository;
import io.maestro.config.MaestroConfig;
import io.maestro.health.Readiness;
import io.maestro.jobs.JobRepository;
import io.maestro.jobs.JobService;
import io.maestro.node.NodeContext;
import io.maestro.schedule.ScheduleRepository;
import io.maestro.storage.MediaStores;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.sqlclient.Pool;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** REST API, health and readiness. Every /jobs and /api route is authenticated and scoped to the caller. */
public class HttpApiVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApiVerticle.class);

  private HttpServer server;
  private Pool pool;
  private Router router;

  private final NodeContext node;

  public HttpApiVerticle(NodeContext node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    MaestroConfig config = node.config();
    pool = node.pool();
    Auth auth = new Auth(vertx, pool, config);

    router = Router.router(vertx);
    router.route().handler(AccessLog.handler());
    WebSecurity security = new WebSecurity(config);
    security.mountFirst(router);
    router.get("/health").handler(HealthCheckHandler.createWithHealthChecks(liveness()));
    router.get("/ready").handler(HealthCheckHandler.createWithHealthChecks(readiness()));
    new OpsRoutes(vertx, config).mount(router);

    new MediaRoutes(MediaStores.local(vertx, config).root()).mount(router);
    new EventBusBridge(vertx, auth, config.longValue(MaestroConfig.BRIDGE_AUTH_TIMEOUT)).mount(router);
    security.mountApi(router, "/jobs*", "/api/*");
    router.route().handler(BodyHandler.create(false).setBodyLimit(config.longValue(MaestroConfig.HTTP_BODY_LIMIT)));
    router.route("/jobs*").handler(auth.authenticate()).handler(auth.resolveUser());
    router.route("/api/*").handler(auth.authenticate()).handler(auth.resolveUser());
    JobService jobService = new JobService(vertx, node);
    new JobRoutes(jobService, new JobRepository(pool), config).mount(router);
    new HealingRoutes(vertx, pool, jobService).mount(router);
    new AgentRoutes(new io.maestro.agents.AgentRepository(pool)).mount(router);
    new MaestroRoutes(vertx, pool, config).mount(router);
    new ScheduleRoutes(vertx, new ScheduleRepository(pool), jobService).mount(router);
    PublishRoutes.create(vertx, pool, config).mount(router);
    router.get("/api/brands").handler(ctx -> new BrandRepository(pool).list(Auth.userId(ctx))
        .onSuccess(brands -> Responses.json(ctx, 200, new JsonObject().put("brands", brands)))
        .onFailure(ctx::fail));
    new BoardRoutes(vertx, pool, jobService).mount(router);
    new StatsRoutes(pool).mount(router);
    new VariantRoutes().mount(router);
    new ObservatoryRoutes(new io.maestro.activity.ActivityLog(vertx, pool), auth).mount(router);

    router.route().last().handler(ctx -> ctx.fail(new ApiError(404, "not_found",
        "no route for " + ctx.request().method() + " " + Responses.safe(ctx.request().path()), null)));
    router.route().failureHandler(this::renderFailure);

    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(config.string(MaestroConfig.HTTP_HOST))
        .setPort(config.integer(MaestroConfig.HTTP_PORT))
        .setCompressionSupported(true));
    return server.requestHandler(router).listen().onSuccess(s -> {
      node.runtime().httpPort(s.actualPort());
      LOG.info("HTTP API listening on http://{}:{}", config.string(MaestroConfig.HTTP_HOST), s.actualPort());
    });
  }

  private HealthChecks liveness() {
    return HealthChecks.create(vertx).register("event-loop", promise -> promise.complete(Status.OK()));
  }

  private HealthChecks readiness() {
    HealthChecks checks = HealthChecks.create(vertx);
    checks.register("database", 3_000, promise -> pool
        .query("SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank DESC LIMIT 1")
        .execute()
        .onSuccess(rows -> {
          String expected = Readiness.expectedSchemaVersion(vertx);
          String actual = rows.size() == 0 ? "0" : rows.iterator().next().getString(0);
          JsonObject data = new JsonObject().put("schema_version", actual).put("expected", expected);
          promise.complete(expected == null || expected.equals(actual) ? Status.OK(data) : Status.KO(data));
        })
        .onFailure(e -> promise.complete(Status.KO(new JsonObject().put("error", e.getMessage())))));
    checks.register("actors", promise -> promise.complete(Readiness.actorsDeployed(vertx) ? Status.OK()
        : Status.KO(new JsonObject().put("reason", "actors are still being deployed"))));
    checks.register("text-model", promise -> {
      String model = node.runtime().textModel();
      promise.complete(model != null ? Status.OK(new JsonObject().put("active", model))
          : Status.KO(new JsonObject().put("reason", "no text model started yet")));
    });
    checks.register("work", promise -> {
      Map<String, String> problems = Readiness.problems(vertx);
      promise.complete(problems.isEmpty() ? Status.OK() : Status.KO(new JsonObject(Map.copyOf(problems))));
    });
    return checks;
  }

  private void renderFailure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    ApiError error;
    if (failure instanceof ApiError api) {
      error = api;
    } else if (HttpFailures.of(failure) != null) {
      error = HttpFailures.of(failure);
    } else if (ctx.statusCode() == 401 || ctx.statusCode() == 403) {
      error = new ApiError(401, "unauthorized", "a valid bearer token is required (Authorization: Bearer <JWT>)",
          null);
    } else if (ctx.statusCode() == 413) {
      error = new ApiError(413, "payload_too_large", "request body is larger than the limit", null);
    } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      error = new ApiError(ctx.statusCode(), "bad_request", failure == null || failure.getMessage() == null
          ? "the request was not understood" : failure.getMessage(), null);
    } else if (databaseUnreachable(failure)) {
      // the request did not get through to the database: nothing was written; the client may simply retry
      LOG.warn("{} {}: database unavailable: {}", ctx.request().method(), ctx.request().path(), failure.getMessage());
      ctx.response().putHeader("Retry-After", "1");
      error = new ApiError(503, "database_unavailable", "the database connection was lost; retry the request", null);
    } else {
      String reference = UUID.randomUUID().toString();
      LOG.error("Unhandled failure on {} {} (reference {})", ctx.request().method(), ctx.request().path(), reference,
          failure);
      error = new ApiError(500, "internal_error", "internal error; reference " + reference, null);
    }
    if (ctx.response().ended()) {
      return;
    }
    if (error.status() == 401) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
    }
    Responses.json(ctx, error.status(), error.toJson());
  }

  /** The routes this verticle serves (the OpenAPI test compares them with the document). */
  Router router() {
    return router;
  }

  private static boolean databaseUnreachable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      // a connection the server ended mid-request surfaces as a reset socket: the routes talk only to the database
      if (t instanceof io.vertx.sqlclient.ClosedConnectionException || t instanceof java.net.SocketException
          || String.valueOf(t.getMessage()).contains("connection may have been lost")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
