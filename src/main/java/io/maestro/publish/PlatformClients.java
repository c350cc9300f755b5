package io.maestro.publish;

import io.maestro.config.MaestroConfig;
import io.maestro.config.PublishConfig;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.Map;

/** The live platform clients of one publisher, sharing one web client (kept for the verticle's life). */
final class PlatformClients {
  private final WebClient client;
  private final Map<String, Platform> platforms;

  PlatformClients(Vertx vertx, MaestroConfig config) {
    long timeout = config.longValue(PublishConfig.TIMEOUT);
    client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout((int) Math.min(timeout, 30_000))
        .setUserAgent("maestro-publisher").setFollowRedirects(false));
    MediaSource media = new MediaSource(vertx, client, config);
    String graph = config.string(PublishConfig.GRAPH_BASE_URL);
    platforms = Map.of(
        Platform.INSTAGRAM, new InstagramPlatform(vertx, new GraphApi(client, graph, timeout, Platform.INSTAGRAM), media,
            config.longValue(PublishConfig.CONTAINER_POLL), config.longValue(PublishConfig.CONTAINER_DEADLINE)),
        Platform.FACEBOOK, new FacebookPlatform(new GraphApi(client, graph, timeout, Platform.FACEBOOK), media),
        Platform.YOUTUBE, new YouTubePlatform(client, media, config.string(PublishConfig.YOUTUBE_BASE_URL),
            config.string(PublishConfig.GOOGLE_TOKEN_URL), config.string(PublishConfig.YOUTUBE_CLIENT_ID),
            config.string(PublishConfig.YOUTUBE_CLIENT_SECRET), timeout));
  }

  Map<String, Platform> all() {
    return platforms;
  }

  void close() {
    client.close();
  }
}
