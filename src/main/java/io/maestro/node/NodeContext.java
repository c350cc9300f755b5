package io.maestro.node;

import io.maestro.config.MaestroConfig;
import io.maestro.render.RendererFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.sqlclient.Pool;

/**
 * Everything a node's actors share, built once by {@code MainVerticle} and handed to each verticle's constructor:
 * the validated configuration, the one database pool (and the dispatcher's claim connection, see
 * {@code Database.claimPool}), the node's id (leases, attempts, locks), its metrics
 * registry, how workers build their renderers, and the runtime state learnt while starting. No actor re-reads or
 * re-validates configuration, and nothing travels inside the deployment config JSON.
 */
public record NodeContext(MaestroConfig config, Pool pool, Pool claimPool, String nodeId, MeterRegistry metrics,
    RendererFactory renderers, NodeRuntime runtime) {

  /** The same node with other renderers (tests deploy workers with scripted stages). */
  public NodeContext withRenderers(RendererFactory other) {
    return new NodeContext(config, pool, claimPool, nodeId, metrics, other, runtime);
  }

  /** The same node with runtime state of its own (a second HTTP API in a test must not overwrite the port). */
  public NodeContext withFreshRuntime() {
    return new NodeContext(config, pool, claimPool, nodeId, metrics, renderers, new NodeRuntime());
  }
}
