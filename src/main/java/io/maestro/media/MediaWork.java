package io.maestro.media;

import io.maestro.brands.BrandRepository;
import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.maestro.render.JobContext;
import io.maestro.storage.MediaKeys;
import io.maestro.storage.MediaStore;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/** What the post and reel renderers share: brand lookup, storing an object, waiting on futures from a worker. */
final class MediaWork {
  private final BrandRepository brands;
  private final MediaStore store;
  private final Blocking blocking;

  MediaWork(io.vertx.core.Vertx vertx, BrandRepository brands, MediaStore store) {
    this.brands = brands;
    this.store = store;
    this.blocking = new Blocking(vertx);
  }

  MediaStore store() {
    return store;
  }

  BrandStyle style(JobContext context, String brand) {
    Optional<JsonObject> row = await(() -> brands.find(context.userId(), brand), context, "looking up brand " + brand,
        FailureCode.INTERNAL_ERROR);
    if (row.isEmpty()) {
      throw new MaestroException(FailureCode.CONTENT_ERROR, "brand " + brand + " does not exist (any more) for user "
          + context.userId());
    }
    return BrandStyle.from(row.get());
  }

  /** Stores one file of this job and brand; returns its public URL. */
  String put(JobContext context, String brand, String fileName, byte[] data) {
    // Media URLs are public (img/video tags send no token), so the key carries 128 random bits: user and job ids
    // are guessable, the URL is not — a capability URL, like an unlisted object in a public Supabase bucket.
    String key = MediaKeys.of(context.userId(), context.jobId(), brand,
        "a" + context.job().getInteger("attempt", 0) + "-" + unguessable() + "-" + fileName);
    return await(() -> store.put(key, Buffer.buffer(data), MediaKeys.contentType(fileName)), context,
        "storing " + key + " in the " + store.name() + " media store", FailureCode.STORAGE_ERROR);
  }

  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  private static String unguessable() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return java.util.HexFormat.of().formatHex(bytes);
  }

  /** Waits on a future from this worker thread, at most for the job's remaining time. */
  <T> T await(java.util.function.Supplier<Future<T>> call, JobContext context, String what, FailureCode onTimeout) {
    long budget = Math.max(1, context.remainingMillis());
    try {
      return blocking.await(call, budget);
    } catch (TimeoutException e) {
      throw new MaestroException(onTimeout, "no answer within " + budget + " ms while " + what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MaestroException(FailureCode.JOB_TIMEOUT, "interrupted by the job deadline while " + what, e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new MaestroException(onTimeout, what + " failed: " + e.getMessage(), e);
    }
  }
}
