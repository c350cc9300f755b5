package io.maestro.storage;

import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;

/**
 * The default store: files under one directory, served read-only by the HTTP API at {@code /media/<key>}. Writes go
 * to a temporary name first and are then moved into place, so a reader never sees half a file.
 */
public final class LocalMediaStore implements MediaStore {
  /** URL path prefix the HTTP API serves this store under. */
  public static final String ROUTE = "/media/";

  private final Vertx vertx;
  private final Path root;
  private final String publicBase;

  public LocalMediaStore(Vertx vertx, Path root, String publicBaseUrl) {
    this.vertx = vertx;
    this.root = root.toAbsolutePath().normalize();
    this.publicBase = publicBaseUrl == null ? "" : publicBaseUrl.replaceAll("/+$", "");
  }

  public Path root() {
    return root;
  }

  @Override
  public String name() {
    return "local";
  }

  @Override
  public Future<String> put(String key, Buffer data, String contentType) {
    if (!MediaKeys.valid(key)) {
      return Future.failedFuture(new MaestroException(FailureCode.STORAGE_ERROR,
          "refused to store media under the unsafe key '" + key + "'"));
    }
    Path target = root.resolve(key).normalize();
    if (!target.startsWith(root)) {
      return Future.failedFuture(new MaestroException(FailureCode.STORAGE_ERROR,
          "refused to store media outside " + root + ": " + key));
    }
    String temp = target + ".part-" + System.nanoTime();
    var fs = vertx.fileSystem();
    return fs.mkdirs(target.getParent().toString())
        .compose(ignored -> fs.writeFile(temp, data))
        .compose(ignored -> fs.move(temp, target.toString(),
            new io.vertx.core.file.CopyOptions().setReplaceExisting(true).setAtomicMove(true)))
        .map(ignored -> publicBase + ROUTE + key)
        .recover(e -> Future.failedFuture(new MaestroException(FailureCode.STORAGE_ERROR,
            "could not write " + key + " under " + root + ": " + e.getMessage(), e)));
  }
}
