package io.maestro.api;

import io.maestro.config.MaestroConfig;
import io.maestro.metrics.Metrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Operator endpoints outside the user API: {@code GET /openapi.json} (the API description) and
 * {@code GET /metrics} (Prometheus text format). Without
 * {@code metrics.token} the scrape is open, like /health, and must stay on a private network; with it the scraper
 * sends {@code Authorization: Bearer <token>}.
 */
final class OpsRoutes {
  private final Vertx vertx;
  static final String OPENAPI = "openapi.json";
  private final String token;
  private final Buffer openApi = openApi();

  OpsRoutes(Vertx vertx, MaestroConfig config) {
    this.vertx = vertx;
    this.token = config.string(MaestroConfig.METRICS_TOKEN);
  }

  void mount(Router router) {
    PrometheusMeterRegistry registry = Metrics.prometheus(vertx);
    Handler<RoutingContext> scrape = registry == null ? null : PrometheusScrapingHandler.create(registry);
    router.get("/metrics").handler(ctx -> {
      if (!token.isEmpty() && !authorized(ctx.request().getHeader("Authorization"))) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
        throw new ApiError(401, "unauthorized", "GET /metrics needs Authorization: Bearer <metrics.token>", null);
      }
      if (scrape == null) {
        throw new ApiError(503, "metrics_disabled", "this node was started without metrics", null);
      }
      scrape.handle(ctx);
    });
    router.get("/openapi.json").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json; charset=utf-8")
        .end(openApi));
  }

  /** The one copy of the API description, kept in the repository as src/main/resources/openapi.json. */
  private static Buffer openApi() {
    try (InputStream in = OpsRoutes.class.getResourceAsStream("/" + OPENAPI)) {
      if (in == null) {
        throw new IllegalStateException(OPENAPI + " is missing from the classpath");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + OPENAPI, e);
    }
  }

  private boolean authorized(String header) {
    String presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : "";
    // constant time: the comparison must not tell a guesser how much of the token was right
    return MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
  }
}
