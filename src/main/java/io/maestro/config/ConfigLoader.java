package io.maestro.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Loads configuration with vertx-config: {@code conf/config.json} (optional: every key has a default in code),
 * then environment variables, then the deployment config (what tests and embedders pass) on top.
 */
public final class ConfigLoader {
  /** Config file path; overridable so a packaged jar can be pointed elsewhere. */
  public static final String CONFIG_FILE_PROPERTY = "maestro.config";
  private static final String DEFAULT_FILE = "conf/config.json";

  private ConfigLoader() {}

  /**
   * The same sources, read synchronously: for what must be known before Vert.x exists (cluster settings).
   * The deployment config does not exist yet at that point.
   */
  public static MaestroConfig loadBlocking() {
    JsonObject merged = new JsonObject();
    java.nio.file.Path file = java.nio.file.Path.of(System.getProperty(CONFIG_FILE_PROPERTY, DEFAULT_FILE));
    if (java.nio.file.Files.exists(file)) {
      try {
        merged.mergeIn(new JsonObject(java.nio.file.Files.readString(file)));
      } catch (Exception e) {
        throw new ConfigException(file + ": not a valid JSON object: " + e.getMessage());
      }
    }
    System.getenv().forEach(merged::put);
    return MaestroConfig.from(merged);
  }

  public static Future<MaestroConfig> load(Vertx vertx, JsonObject deploymentConfig) {
    String path = System.getProperty(CONFIG_FILE_PROPERTY, DEFAULT_FILE);
    ConfigStoreOptions file = new ConfigStoreOptions().setType("file").setFormat("json").setOptional(true)
        .setConfig(new JsonObject().put("path", path));
    ConfigStoreOptions env = new ConfigStoreOptions().setType("env");
    ConfigRetriever retriever = ConfigRetriever.create(vertx,
        new ConfigRetrieverOptions().setScanPeriod(0).addStore(file).addStore(env));
    return retriever.getConfig()
        .eventually(retriever::close)
        .map(loaded -> {
          JsonObject merged = loaded.copy();
          if (deploymentConfig != null && !deploymentConfig.isEmpty()) {
            // Deployment config is explicit: it beats both the file and the environment.
            for (ConfigKey key : MaestroConfig.ALL) {
              if (deploymentConfig.containsKey(key.name())) {
                merged.remove(key.env());
              }
            }
            merged.mergeIn(deploymentConfig);
          }
          return MaestroConfig.from(merged);
        });
  }
}
