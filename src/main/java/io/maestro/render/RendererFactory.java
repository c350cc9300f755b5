package io.maestro.render;

import io.maestro.config.MaestroConfig;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds the renderers per variant for one worker instance. The node's default (real media) is chosen by the
 * composition root, so neither the job actors nor this package depend on the media package.
 */
@FunctionalInterface
public interface RendererFactory {
  Map<String, JobRenderer> create(Vertx vertx, MaestroConfig config, Pool pool);

  /** A factory that needs only the configuration (test stages, text-only nodes). */
  static RendererFactory of(Function<MaestroConfig, Map<String, JobRenderer>> renderers) {
    return (vertx, config, pool) -> renderers.apply(config);
  }
}
