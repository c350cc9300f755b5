package io.maestro.jobs;

import io.maestro.render.JobRenderer;
import io.maestro.render.JobContext;
import io.maestro.config.MaestroConfig;
import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test stage whose behaviour the job's title scripts, so that one worker deployment can inject every fault:
 * "throw …", "empty-error …", "empty-classified …", "hang …", "deaf:N …" (ignores interrupts), "slow:N …", "fail-brand:<brand> …",
 * "fail-all …". Anything else succeeds at once. It also measures how many stages run at the same time.
 */
public final class ScriptedRenderer implements JobRenderer {
  public static final AtomicInteger RUNNING = new AtomicInteger();
  public static final AtomicInteger PEAK = new AtomicInteger();
  public static final AtomicInteger RENDERED = new AtomicInteger();
  /** Peak of stages running at once per node (the job's lease owner), for clusters in one JVM. */
  public static final java.util.Map<String, AtomicInteger> RUNNING_BY_NODE = new java.util.concurrent.ConcurrentHashMap<>();
  public static final java.util.Map<String, AtomicInteger> PEAK_BY_NODE = new java.util.concurrent.ConcurrentHashMap<>();

  public static Map<String, JobRenderer> all(MaestroConfig config) {
    ScriptedRenderer renderer = new ScriptedRenderer();
    return Map.of("post", renderer, "light", renderer, "dark", renderer);
  }

  public static void reset() {
    RUNNING.set(0);
    PEAK.set(0);
    RENDERED.set(0);
    RUNNING_BY_NODE.clear();
    PEAK_BY_NODE.clear();
  }

  @Override
  public JsonObject render(JobContext context, String brand) throws Exception {
    int now = RUNNING.incrementAndGet();
    PEAK.accumulateAndGet(now, Math::max);
    String node = context.job().getString("lease_owner", "?");
    AtomicInteger onNode = RUNNING_BY_NODE.computeIfAbsent(node, n -> new AtomicInteger());
    PEAK_BY_NODE.computeIfAbsent(node, n -> new AtomicInteger()).accumulateAndGet(onNode.incrementAndGet(), Math::max);
    try {
      String title = context.job().getString("title");
      if (title.startsWith("throw")) {
        throw new IllegalStateException("stage exploded while composing " + brand);
      }
      if (title.startsWith("empty-error")) {
        throw new RuntimeException("");
      }
      if (title.startsWith("empty-classified")) {
        throw new MaestroException(FailureCode.STORAGE_ERROR, "   ");
      }
      if (title.startsWith("deaf:")) {
        // ignores its deadline's interrupt (a stage stuck in code that does not check it)
        long until = System.nanoTime() + Long.parseLong(title.substring(5, title.indexOf(' '))) * 1_000_000L;
        while (System.nanoTime() < until) {
          Thread.onSpinWait();
        }
      }
      if (title.startsWith("hang")) {
        Thread.sleep(120_000);
      }
      if (title.startsWith("slow:")) {
        Thread.sleep(Long.parseLong(title.substring(5, title.indexOf(' '))));
      }
      if (title.startsWith("fail-brand:" + brand + " ")) {
        throw new MaestroException(FailureCode.IMAGE_GENERATION_ERROR, "deAPI returned status error for " + brand);
      }
      if (title.startsWith("fail-all")) {
        throw new MaestroException(FailureCode.API_ERROR, "upstream 503 for " + brand);
      }
      RENDERED.incrementAndGet();
      return new JsonObject().put("title", title).put("rendered_by", Thread.currentThread().getName());
    } finally {
      RUNNING.decrementAndGet();
      onNode.decrementAndGet();
    }
  }
}
