package io.maestro;

import io.vertx.launcher.application.HookContext;
import io.vertx.launcher.application.VertxApplicationHooks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns a failed start into one line an operator can act on, instead of a stack trace. */
final class LauncherHooks implements VertxApplicationHooks {
  private static final Logger LOG = LoggerFactory.getLogger(LauncherHooks.class);

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
