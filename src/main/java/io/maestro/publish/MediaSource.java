package io.maestro.publish;

import io.maestro.config.MaestroConfig;
import io.maestro.config.PublishConfig;
import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.maestro.storage.LocalMediaStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;

/**
 * Where a platform gets an item's media. Meta fetches it by URL, so it needs a public one: a local-store path
 * (/media/…) without storage.publicBaseUrl fails fast as config_error saying what to set, instead of as a fetch
 * timeout at Meta. YouTube receives the bytes, read from the local store or downloaded.
 */
final class MediaSource {
  private final Vertx vertx;
  private final WebClient client;
  private final Path localRoot;
  private final String publicBase;
  private final long timeoutMs;

  MediaSource(Vertx vertx, WebClient client, MaestroConfig config) {
    this.vertx = vertx;
    this.client = client;
    this.localRoot = Path.of(config.string(MaestroConfig.STORAGE_LOCAL_DIR)).toAbsolutePath().normalize();
    this.publicBase = config.string(MaestroConfig.STORAGE_PUBLIC_BASE_URL).replaceAll("/+$", "");
    this.timeoutMs = config.longValue(PublishConfig.TIMEOUT);
  }

  /** The URL the platform can fetch, or a config_error that names the key to set. */
  String publicUrl(String mediaUrl, String platform) {
    if (mediaUrl == null || mediaUrl.isBlank()) {
      throw new MaestroException(FailureCode.CONTENT_ERROR, "the item has no media to publish to " + platform);
    }
    if (mediaUrl.startsWith("http://") || mediaUrl.startsWith("https://")) {
      return mediaUrl;
    }
    if (!publicBase.isEmpty() && mediaUrl.startsWith("/")) {
      return publicBase + mediaUrl;
    }
    throw new MaestroException(FailureCode.CONFIG_ERROR, platform + " fetches media by public URL, but this item's "
        + "media is the local path " + mediaUrl + ": set storage.publicBaseUrl (MAESTRO_STORAGE_PUBLIC_BASE_URL) to the "
        + "public https address this server's /media/ is reachable at, or use Supabase storage (storage.provider)");
  }

  /** The media's bytes: local-store files are read from disk, anything else is downloaded. */
  Future<Buffer> bytes(String mediaUrl) {
    String local = localKey(mediaUrl);
    if (local != null) {
      Path file = localRoot.resolve(local).normalize();
      if (!file.startsWith(localRoot)) {
        return Future.failedFuture(new MaestroException(FailureCode.FILE_NOT_FOUND, "media path outside the store: "
            + mediaUrl));
      }
      return vertx.fileSystem().readFile(file.toString()).recover(e -> Future.failedFuture(new MaestroException(
          FailureCode.FILE_NOT_FOUND, "the media file " + file + " of " + mediaUrl + " cannot be read: "
          + e.getMessage())));
    }
    return client.getAbs(mediaUrl).timeout(timeoutMs).send()
        .recover(e -> Future.failedFuture(GraphErrors.mediaFetch("youtube", mediaUrl, String.valueOf(e.getMessage()))))
        .compose(r -> r.statusCode() == 200 && r.body() != null ? Future.succeededFuture(r.body())
            : Future.failedFuture(GraphErrors.mediaFetch("youtube", mediaUrl, "HTTP " + r.statusCode())));
  }

  private String localKey(String mediaUrl) {
    if (mediaUrl == null) {
      return null;
    }
    String path = mediaUrl;
    if (!publicBase.isEmpty() && path.startsWith(publicBase + "/")) {
      path = path.substring(publicBase.length());
    }
    return path.startsWith(LocalMediaStore.ROUTE) ? path.substring(LocalMediaStore.ROUTE.length()) : null;
  }
}
