package io.maestro.storage;

import io.maestro.config.MaestroConfig;
import io.vertx.core.Vertx;
import java.nio.file.Path;

/** Picks the store from storage.provider: local, supabase, or auto (Supabase when it is configured). */
public final class MediaStores {
  private static final long UPLOAD_TIMEOUT_MS = 60_000;

  private MediaStores() {}

  public static MediaStore create(Vertx vertx, MaestroConfig config) {
    String provider = config.string(MaestroConfig.STORAGE_PROVIDER);
    boolean supabaseConfigured = !config.string(MaestroConfig.SUPABASE_URL).isBlank()
        && !config.string(MaestroConfig.SUPABASE_SERVICE_KEY).isBlank();
    if ("supabase".equals(provider) || "auto".equals(provider) && supabaseConfigured) {
      return new SupabaseMediaStore(vertx, config.string(MaestroConfig.SUPABASE_URL),
          config.string(MaestroConfig.SUPABASE_SERVICE_KEY), config.string(MaestroConfig.SUPABASE_BUCKET),
          UPLOAD_TIMEOUT_MS);
    }
    return local(vertx, config);
  }

  public static LocalMediaStore local(Vertx vertx, MaestroConfig config) {
    return new LocalMediaStore(vertx, Path.of(config.string(MaestroConfig.STORAGE_LOCAL_DIR)),
        config.string(MaestroConfig.STORAGE_PUBLIC_BASE_URL));
  }
}
