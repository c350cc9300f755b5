package io.maestro;

import io.vertx.launcher.application.VertxApplication;

/**
 * Launcher: Vert.x 5's {@link VertxApplication} (handles -cluster, -conf, signals) with {@link MainVerticle} as the
 * verticle unless the command line names another one.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    System.setProperty("java.awt.headless", "true");
    String[] launchArgs = args.length > 0 && !args[0].startsWith("-") ? args : prepend(MainVerticle.class.getName(), args);
    int exitCode = new VertxApplication(launchArgs, new LauncherHooks()).launch();
    if (exitCode != 0) {
      System.exit(exitCode);
    }
  }

  private static String[] prepend(String first, String[] rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }
}
