package io.maestro.storage;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * Where rendered media goes. A key is a relative path of safe segments ({@link MediaKeys}); the future yields the
 * public URL clients load the object from. Failures are {@link io.maestro.failure.MaestroException}s with a
 * storage_error, api_auth or config_error code.
 */
public interface MediaStore {
  Future<String> put(String key, Buffer data, String contentType);

  /** A short name for logs and outputs (local, supabase). */
  String name();
}
