package io.maestro.media;

import io.maestro.brands.BrandRepository;
import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.maestro.jobs.JobContext;
import io.maestro.storage.MediaKeys;
import io.maestro.storage.MediaStore;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What the post and reel renderers share: brand lookup, storing an object, waiting on futures from a worker. */
final class MediaWork {
  private final BrandRepository brands;
  private final MediaStore store;

  MediaWork(BrandRepository brands, MediaStore store) {
    this.brands = brands;
    this.store = store;
  }

  MediaStore store() {
    return store;
  }

  BrandStyle style(JobContext context, String brand) {
    Optional<JsonObject> row = await(brands.find(context.userId(), brand), context, "looking up brand " + brand,
        FailureCode.INTERNAL_ERROR);
    if (row.isEmpty()) {
      throw new MaestroException(FailureCode.CONTENT_ERROR, "brand " + brand + " does not exist (any more) for user "
          + context.userId());
    }
    return BrandStyle.from(row.get());
  }

  /** Stores one file of this job and brand; returns its public URL. */
  String put(JobContext context, String brand, String fileName, byte[] data) {
    String key = MediaKeys.of(context.userId(), context.jobId(), brand,
        "a" + context.job().getInteger("attempt", 0) + "-" + fileName);
    return await(store.put(key, Buffer.buffer(data), MediaKeys.contentType(fileName)), context,
        "storing " + key + " in the " + store.name() + " media store", FailureCode.STORAGE_ERROR);
  }

  /** Waits on a future from this worker thread, at most for the job's remaining time. */
  static <T> T await(Future<T> future, JobContext context, String what, FailureCode onTimeout) {
    long budget = Math.max(1, context.remainingMillis());
    try {
      return future.await(budget, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new MaestroException(onTimeout, "no answer within " + budget + " ms while " + what, e);
    }
  }
}
