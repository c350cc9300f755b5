package io.maestro;

import io.maestro.cluster.ClusterSetup;
import io.maestro.config.ConfigLoader;
import io.maestro.config.MaestroConfig;
import io.maestro.metrics.Metrics;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.launcher.application.HookContext;
import io.vertx.launcher.application.VertxApplicationHooks;
import io.vertx.micrometer.MicrometerMetricsFactory;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Launch-time decisions: in clustered mode the Hazelcast cluster manager and the event-bus address come from
 * Maestro's own configuration; a failed start becomes one line an operator can act on, not a stack trace.
 */
final class LauncherHooks implements VertxApplicationHooks {
  private static final Logger LOG = LoggerFactory.getLogger(LauncherHooks.class);

  private final boolean clustered;
  private final Supplier<? extends Deployable> verticle;

  LauncherHooks(boolean clustered, Supplier<? extends Deployable> verticle) {
    this.clustered = clustered;
    this.verticle = verticle;
  }

  @Override
  public VertxBuilder createVertxBuilder(VertxOptions options) {
    options.setMetricsOptions(Metrics.options());
    VertxBuilder builder = Vertx.builder().withMetrics(new MicrometerMetricsFactory());
    if (clustered) {
      MaestroConfig config;
      try {
        config = ConfigLoader.loadBlocking();
      } catch (RuntimeException e) {
        System.err.println("Maestro did not start: " + StartupFailure.describe(e));
        System.exit(1);
        throw e;
      }
      ClusterSetup.applyEventBus(options, config);
      builder.withClusterManager(ClusterSetup.clusterManager(config));
      LOG.info("Joining cluster '{}' via {} (multicast off)", config.string(MaestroConfig.CLUSTER_NAME),
          config.string(MaestroConfig.CLUSTER_MEMBERS));
    }
    return builder.with(options);
  }

  @Override
  public void afterVertxStarted(HookContext context) {
    Metrics.attach(context.vertx(), context.vertxOptions().getMetricsOptions());
  }

  @Override
  public Supplier<? extends Deployable> verticleSupplier() {
    return verticle;
  }

  @Override
  public void afterFailureToDeployVerticle(HookContext context, Throwable t) {
    LOG.error("Maestro did not start: {}", StartupFailure.describe(t));
    System.err.println("Maestro did not start: " + StartupFailure.describe(t));
  }

  @Override
  public void afterFailureToStartVertx(HookContext context, Throwable t) {
    System.err.println("Maestro could not start Vert.x: " + StartupFailure.describe(t));
  }

  @Override
  public void afterVerticleDeployed(HookContext context) {
    LOG.info("Maestro is up");
  }
}
