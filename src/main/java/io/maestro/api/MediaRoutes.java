package io.maestro.api;

import io.maestro.storage.LocalMediaStore;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.file.Path;

/**
 * Serves the local media store read-only at /media/…: GET and HEAD only, content type from the extension, no
 * directory listings, no hidden files, and no way out of the store's directory (StaticHandler normalises the
 * path and resolves it under the root; encoded dots and slashes included). Public like Supabase's public URLs,
 * because image and video tags cannot send a bearer token.
 */
final class MediaRoutes {
  private final Path root;

  MediaRoutes(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  void mount(Router router) {
    StaticHandler files = StaticHandler.create(FileSystemAccess.ROOT, root.toString())
        .setDirectoryListing(false).setIncludeHidden(false).setFilesReadOnly(false)
        .setCachingEnabled(false).setDefaultContentEncoding("UTF-8");
    String route = LocalMediaStore.ROUTE + "*";
    router.get(route).handler(ctx -> {
      ctx.response().putHeader("X-Content-Type-Options", "nosniff");
      ctx.next();
    }).handler(files);
    router.head(route).handler(files);
  }
}
