package io.maestro.media;

import io.maestro.brands.BrandRepository;
import io.maestro.config.MaestroConfig;
import io.maestro.render.JobRenderer;
import io.maestro.storage.MediaStore;
import io.maestro.storage.MediaStores;
import io.maestro.variant.Variant;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.HashMap;
import java.util.Map;

/** The real renderers per variant, as the registry says: a post image or a reel in the variant's palette. */
public final class MediaRenderers {
  private MediaRenderers() {}

  public static Map<String, JobRenderer> create(Vertx vertx, MaestroConfig config, Pool pool) {
    return create(vertx, config, pool, backgrounds(vertx, config, pool));
  }

  /** With the given background source (tests: a slow one, to put a deadline in the middle of an encode). */
  static Map<String, JobRenderer> create(Vertx vertx, MaestroConfig config, Pool pool, BackgroundSource backgrounds) {
    MediaStore store = MediaStores.create(vertx, config);
    MediaWork work = new MediaWork(vertx, new BrandRepository(pool), store);
    ReelEncoder encoder = new ReelEncoder(config.string(MaestroConfig.FFMPEG_PATH),
        config.string(MaestroConfig.MUSIC_PATH),
        ReelEncoder.threadsFor(config.integer(MaestroConfig.WORKER_INSTANCES)));
    Map<String, JobRenderer> renderers = new HashMap<>();
    for (Variant variant : Variant.values()) {
      renderers.put(variant.id(), switch (variant.media()) {
        case IMAGE -> new PostRenderer(backgrounds, work);
        case VIDEO -> new ReelRenderer(variant.dark(), backgrounds, work, encoder);
      });
    }
    return Map.copyOf(renderers);
  }

  /** deAPI when a key is configured, else the procedural renderer (no network). */
  public static BackgroundSource backgrounds(Vertx vertx, MaestroConfig config, Pool pool) {
    String key = config.string(MaestroConfig.DEAPI_API_KEY);
    if (key.isBlank()) {
      return new ProceduralBackground();
    }
    return new DeApiBackground(deApiClient(vertx, config, pool));
  }

  public static DeApiClient deApiClient(Vertx vertx, MaestroConfig config, Pool pool) {
    DeApiBudget budget = new DeApiBudget(vertx, pool, config.integer(MaestroConfig.DEAPI_PER_MINUTE),
        config.integer(MaestroConfig.DEAPI_PER_DAY), System::currentTimeMillis);
    return new DeApiClient(vertx, config.string(MaestroConfig.DEAPI_BASE_URL),
        config.string(MaestroConfig.DEAPI_API_KEY), config.string(MaestroConfig.DEAPI_MODEL),
        config.longValue(MaestroConfig.DEAPI_POLL_INTERVAL), config.longValue(MaestroConfig.DEAPI_DEADLINE), budget);
  }
}
