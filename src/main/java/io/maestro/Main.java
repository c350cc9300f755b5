package io.maestro;

import io.vertx.core.Deployable;
import io.vertx.launcher.application.VertxApplication;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Launcher: Vert.x 5's {@link VertxApplication} (handles -cluster, -conf, signals) deploying {@link MainVerticle}.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    launch(args, MainVerticle::new);
  }

  /** Launches with another main verticle (the cluster tests run nodes with scripted job stages this way). */
  public static void launch(String[] args, Supplier<? extends Deployable> verticle) {
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    System.setProperty("hazelcast.logging.type", "slf4j");
    System.setProperty("java.awt.headless", "true");
    boolean clustered = Arrays.asList(args).contains("-cluster");
    // the verticle comes from the supplier; the launcher still wants a name in first position
    String[] launchArgs = new String[args.length + 1];
    launchArgs[0] = MainVerticle.class.getName();
    System.arraycopy(args, 0, launchArgs, 1, args.length);
    int exitCode = new VertxApplication(launchArgs, new LauncherHooks(clustered, verticle)).launch();
    if (exitCode != 0) {
      System.exit(exitCode);
    }
  }
}
