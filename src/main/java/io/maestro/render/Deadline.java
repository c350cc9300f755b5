package io.maestro.render;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A job's deadline on a worker thread: when it passes, the thread is interrupted (blocking I/O and sleeps give up)
 * and the job is reported as job_timeout. A renderer that ignores interrupts is caught by the check between brands
 * and, as a last resort, by the dispatcher's reply timeout.
 */
public final class Deadline implements AutoCloseable {
  private static final ScheduledThreadPoolExecutor TIMER = timer();

  private final long deadlineNanos;
  private final long budgetMillis;
  private final ScheduledFuture<?> interrupter;
  private final Thread worker;
  private volatile boolean expired;
  private boolean closed; // guarded by this: no interrupt may land after close()

  public Deadline(long budgetMillis) {
    this.budgetMillis = budgetMillis;
    this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budgetMillis);
    Thread worker = Thread.currentThread();
    this.worker = worker;
    this.interrupter = TIMER.schedule(() -> {
      synchronized (this) {
        if (!closed) {
          expired = true;
          worker.interrupt();
        }
      }
    }, budgetMillis, TimeUnit.MILLISECONDS);
  }

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "maestro-job-deadlines");
      t.setDaemon(true);
      return t;
    });
    // A finished job cancels its interrupt. Without this, the cancelled interrupt would stay queued until the deadline
    // it was set for (10 minutes by default): at thousands of jobs a second, millions of them, each holding its
    // worker thread and its Deadline.
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  /** Interrupts still queued: one for each deadline not yet closed. */
  static int pendingInterrupts() {
    return TIMER.getQueue().size();
  }

  /** Ends the job now, as if its deadline had passed (the node is stopping and has handed the job back). */
  public void abort() {
    synchronized (this) {
      if (!closed) {
        expired = true;
        worker.interrupt();
      }
    }
  }

  public boolean expired() {
    return expired || System.nanoTime() >= deadlineNanos;
  }

  public long budgetMillis() {
    return budgetMillis;
  }

  public long remainingMillis() {
    return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    interrupter.cancel(false);
    Thread.interrupted(); // a deadline interrupt must not leak into the next job on this thread
  }
}
