package io.maestro.media;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Waiting for Vert.x I/O from a job worker thread. Two traps make the obvious ways deadlock or fail: Vert.x 5's
 * {@code Future.await} refuses worker threads, and an HTTP or SQL call started on a worker thread delivers its
 * result as a task on that same worker context — behind the task that is waiting for it. So the call is started on
 * an event-loop context of its own (internal API: Vert.x has no public way to create one from a worker) and the
 * worker waits on a plain CompletableFuture, bounded by the job's remaining time.
 */
final class Blocking {
  private final Context io;

  Blocking(Vertx vertx) {
    this.io = ((VertxInternal) vertx).createEventLoopContext();
  }

  /**
   * @return the value of the future {@code call} returns, started on the I/O event loop
   * @throws TimeoutException when it did not complete within the time
   * @throws Exception the future's own failure, unwrapped; InterruptedException when the job deadline interrupts
   */
  <T> T await(Supplier<Future<T>> call, long timeoutMs) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    io.runOnContext(ignored -> {
      try {
        call.get().onComplete(ar -> {
          if (ar.succeeded()) {
            result.complete(ar.result());
          } else {
            result.completeExceptionally(ar.cause());
          }
        });
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    });
    try {
      return result.get(Math.max(1, timeoutMs), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}
