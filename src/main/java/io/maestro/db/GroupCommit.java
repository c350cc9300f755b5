package io.maestro.db;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * Group commit on one event loop: items handed in while a write is running wait, and the next write takes them all
 * (up to {@code maxBatch}) in one statement. Under load a round trip per item becomes a round trip per batch; idle,
 * an item is written at once. The write returns one result per item, in order; a failed write fails every item of
 * its batch. Not thread-safe: used from its verticle's event loop only.
 */
public final class GroupCommit<T, R> {
  private record Waiting<T, R>(T item, Promise<R> promise) {}

  private final int maxBatch;
  private final Function<List<T>, Future<List<R>>> write;
  private final List<Waiting<T, R>> waiting = new ArrayList<>();
  private boolean writing;

  public GroupCommit(int maxBatch, Function<List<T>, Future<List<R>>> write) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("a batch holds at least one item, not " + maxBatch);
    }
    this.maxBatch = maxBatch;
    this.write = write;
  }

  /** A group whose write has no result per item: each item's future completes when its batch is written. */
  public static <T> GroupCommit<T, Void> ofWrites(int maxBatch, Function<List<T>, Future<?>> write) {
    return new GroupCommit<>(maxBatch, batch -> write.apply(batch)
        .map(done -> Collections.nCopies(batch.size(), (Void) null)));
  }

  public Future<R> add(T item) {
    Promise<R> promise = Promise.promise();
    waiting.add(new Waiting<>(item, promise));
    if (!writing) {
      flush();
    }
    return promise.future();
  }

  private void flush() {
    if (waiting.isEmpty()) {
      writing = false;
      return;
    }
    writing = true;
    List<Waiting<T, R>> batch = new ArrayList<>(waiting.subList(0, Math.min(maxBatch, waiting.size())));
    waiting.subList(0, batch.size()).clear();
    Future<List<R>> written;
    try {
      written = write.apply(batch.stream().map(Waiting::item).toList());
    } catch (RuntimeException e) {
      written = Future.failedFuture(e);
    }
    written.onComplete(done -> {
      for (int i = 0; i < batch.size(); i++) {
        if (done.failed()) {
          batch.get(i).promise().fail(done.cause());
        } else if (done.result().size() != batch.size()) {
          batch.get(i).promise().fail(new IllegalStateException("a write of " + batch.size() + " items returned "
              + done.result().size() + " results"));
        } else {
          batch.get(i).promise().complete(done.result().get(i));
        }
      }
      flush();
    });
  }
}
