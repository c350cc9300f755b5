package io.maestro.testing;

import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Closes a Vert.x instance within a bound, and says what held it up when it does not close in time. */
public final class VertxClose {
  private VertxClose() {}

  public static void within(Vertx vertx, Duration limit) throws Exception {
    try {
      vertx.close().await(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // what holds a close up is only visible in the threads at that moment: print them for the report
      System.err.println(threadDump("Vert.x did not close within " + limit.toSeconds() + " s; threads:"));
      throw e;
    }
  }

  static String threadDump(String heading) {
    StringBuilder dump = new StringBuilder(heading).append('\n');
    for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
      // ThreadInfo.toString() would cut the stack at 8 frames: the header by hand, then every frame
      dump.append('"').append(info.getThreadName()).append("\" ").append(info.getThreadState())
          .append(info.getLockName() == null ? "" : " on " + info.getLockName())
          .append(info.getLockOwnerName() == null ? "" : " owned by \"" + info.getLockOwnerName() + '"')
          .append('\n');
      for (StackTraceElement frame : info.getStackTrace()) {
        dump.append("\t\tat ").append(frame).append('\n');
      }
    }
    return dump.toString();
  }
}
