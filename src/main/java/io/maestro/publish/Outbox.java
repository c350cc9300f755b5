package io.maestro.publish;

import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;

/**
 * The dry-run publisher's outbox: one JSON line per item appended to a file. Each line is one write with O_APPEND,
 * so lines from several publishers (instances or processes on one machine) never interleave.
 */
public final class Outbox {
  private static final Object LOCK = new Object();
  private final Vertx vertx;
  private final Path file;

  public Outbox(Vertx vertx, Path file) {
    this.vertx = vertx;
    this.file = file.toAbsolutePath().normalize();
  }

  public Path file() {
    return file;
  }

  public Future<Void> append(JsonObject item, String caption, List<String> platforms, String node) {
    JsonObject line = new JsonObject()
        .put("schedule_id", item.getLong("id"))
        .put("brand", item.getString("brand"))
        .put("content_type", item.getString("content_type"))
        .put("job_id", item.getString("job_id"))
        .put("slot_at", OutcomePolicy.instant(item.getValue("slot_at")).toString())
        .put("published_at", Instant.now().toString())
        .put("platforms", new io.vertx.core.json.JsonArray(platforms))
        .put("title", item.getString("title"))
        .put("caption", caption)
        .put("media_url", item.getString("media_url"))
        .put("node", node);
    byte[] bytes = (line.encode() + "\n").getBytes(StandardCharsets.UTF_8);
    return vertx.executeBlocking(() -> {
      synchronized (LOCK) {
        try {
          Files.createDirectories(file.getParent());
          Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
          return null;
        } catch (IOException e) {
          throw new MaestroException(FailureCode.STORAGE_ERROR, "could not append to the publishing outbox " + file
              + ": " + e.getMessage(), e);
        }
      }
    }, false);
  }
}
