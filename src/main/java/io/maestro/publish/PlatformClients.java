package io.maestro.publish;

import io.maestro.config.MaestroConfig;
import io.vertx.core.Vertx;
import java.util.Map;

/** The live platform clients of one publisher, sharing one web client. */
final class PlatformClients {
  PlatformClients(Vertx vertx, MaestroConfig config) {}

  Map<String, Platform> all() {
    return Map.of();
  }

  void close() {}
}
