package io.maestro.metrics;

import io.maestro.config.MaestroConfig;
import io.maestro.node.NodeContext;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refreshes the gauges that live in the database (jobs by status, queue depth, age of the oldest due job) and the
 * deAPI daily budget (PostgreSQL, cluster-wide) on a timer, so a scrape never waits on a query. In a cluster every node reports the same
 * database-wide numbers; aggregate them with max(), not sum().
 */
public class MetricsVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsVerticle.class);

  private MetricsRepository repository;
  private MultiGauge jobs;
  // gauges hold their state weakly: these fields keep it alive
  private final AtomicLong queueDepth = new AtomicLong();
  private final AtomicReference<Double> oldestAge = new AtomicReference<>(0.0);
  private final AtomicLong deapiRemaining = new AtomicLong();
  private int deapiPerDay;
  private boolean refreshing;

  private final NodeContext node;
  /** deAPI submissions counted today (UTC) at a given time; the media package owns that budget. */
  private final LongFunction<Future<Long>> deApiUsedToday;

  public MetricsVerticle(NodeContext node, LongFunction<Future<Long>> deApiUsedToday) {
    this.node = node;
    this.deApiUsedToday = deApiUsedToday;
  }

  @Override
  public Future<?> start() {
    MaestroConfig config = node.config();
    repository = new MetricsRepository(node.pool());
    MeterRegistry registry = node.metrics();
    deapiPerDay = config.integer(MaestroConfig.DEAPI_PER_DAY);
    deapiRemaining.set(deapiPerDay);
    jobs = MultiGauge.builder(Metrics.JOBS).description("Jobs in the database by status, variant and, for failed "
        + "jobs, failure category").register(registry);
    Gauge.builder(Metrics.QUEUE_DEPTH, queueDepth, AtomicLong::get)
        .description("Pending jobs that are due and wait for a worker").register(registry);
    Gauge.builder(Metrics.QUEUE_OLDEST_AGE, oldestAge, AtomicReference::get).baseUnit("seconds")
        .description("How long the longest-waiting due job has been waiting (0 when the queue is empty)")
        .register(registry);
    Gauge.builder(Metrics.DEAPI_BUDGET_REMAINING, deapiRemaining, AtomicLong::get)
        .description("deAPI submissions left today in the client-side budget (deapi.perDay)").register(registry);
    long interval = config.longValue(MaestroConfig.METRICS_REFRESH);
    vertx.setPeriodic(0, interval, id -> refresh());
    return Future.succeededFuture();
  }

  private void refresh() {
    if (refreshing) {
      return; // a slow database must not pile up refreshes
    }
    refreshing = true;
    Future<?> counts = repository.jobCounts().onSuccess(rows -> jobs.register(rows.stream()
        .map(r -> MultiGauge.Row.of(Tags.of("status", r.status(), "variant", r.variant(), "category", r.category()),
            r.count()))
        .toList(), true));
    Future<?> queue = repository.queue().onSuccess(q -> {
      queueDepth.set(q.depth());
      oldestAge.set(q.oldestAgeSeconds());
    });
    Future<?> budget = deApiUsedToday.apply(System.currentTimeMillis())
        .onSuccess(used -> deapiRemaining.set(Math.max(0, deapiPerDay - used)));
    Future.join(counts, queue, budget)
        .onFailure(e -> LOG.debug("Metrics refresh failed (the next one retries): {}", e.getMessage()))
        .onComplete(ignored -> refreshing = false);
  }
}
