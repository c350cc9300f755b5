package io.maestro.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Duration;
import java.util.UUID;

/**
 * Maestro's meters, named after Prometheus conventions (snake_case, {@code _total} counters, base unit seconds).
 * One Prometheus registry per Vert.x instance: Vert.x's own HTTP and pool meters and Maestro's meters go
 * into it, and {@code GET /metrics} scrapes it. Several nodes in one JVM (tests) each get their own registry, found
 * through the instance's local map; without metrics enabled the meters are recorded nowhere.
 */
public final class Metrics {
  private static final String REGISTRY_MAP = "maestro.metrics";
  private static final String REGISTRY_NAME = "metrics.registry";
  /** Meters recorded when metrics are off: a composite with no children drops everything. */
  private static final MeterRegistry OFF = new CompositeMeterRegistry();

  public static final String JOBS = "maestro.jobs";
  public static final String QUEUE_DEPTH = "maestro.queue.depth";
  public static final String QUEUE_OLDEST_AGE = "maestro.queue.oldest.pending.age";
  public static final String DISPATCH_LATENCY = "maestro.job.dispatch.latency";
  public static final String JOB_DURATION = "maestro.job.duration";
  public static final String HEALER_CYCLES = "maestro.healer.cycles";
  public static final String HEALER_CYCLE_DURATION = "maestro.healer.cycle.duration";
  public static final String HEALER_RETRIES = "maestro.healer.retries";
  public static final String API_CALLS = "maestro.external.api.calls";
  public static final String DEAPI_BUDGET_REMAINING = "maestro.deapi.daily.budget.remaining";

  private static final Duration[] LATENCY_BUCKETS = seconds(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300,
      900, 3600);
  private static final Duration[] DURATION_BUCKETS = seconds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
      600, 1800);

  private Metrics() {}

  /** Metrics options for a Vert.x instance: Prometheus registry under a name unique to that instance. */
  public static MicrometerMetricsOptions options() {
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .setRegistryName("maestro-" + UUID.randomUUID())
        .setJvmMetricsEnabled(true)
        // Vert.x's event-bus meters look their counters up in the registry on every message sent and received: 7% of
        // the dispatcher's event loop and 9% of the worker threads at 16 worker instances (JFR, DispatchBenchmark),
        // for numbers nobody alerts on. The job meters below say what the bus carries; HTTP and pool meters stay.
        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
  }

  /** Tells the node's actors which registry is theirs; call right after the Vert.x instance is built. */
  public static void attach(Vertx vertx, MetricsOptions options) {
    if (options instanceof MicrometerMetricsOptions micrometer && micrometer.isEnabled()) {
      vertx.sharedData().getLocalMap(REGISTRY_MAP).put(REGISTRY_NAME, micrometer.getRegistryName());
    }
  }

  /** A Vert.x instance with metrics on, as the launcher builds it (tests build nodes this way). */
  public static Vertx vertx(VertxOptions options) {
    MicrometerMetricsOptions metrics = options();
    Vertx vertx = Vertx.builder().with(options.setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory()).build();
    attach(vertx, metrics);
    return vertx;
  }

  /** The node's registry, or one that records nothing when metrics are off. */
  public static MeterRegistry registry(Vertx vertx) {
    Object name = vertx.sharedData().getLocalMap(REGISTRY_MAP).get(REGISTRY_NAME);
    MeterRegistry registry = name == null ? null : BackendRegistries.getNow((String) name);
    return registry == null ? OFF : registry;
  }

  /** The registry to scrape, or null when metrics are off. */
  public static PrometheusMeterRegistry prometheus(Vertx vertx) {
    return registry(vertx) instanceof PrometheusMeterRegistry prometheus ? prometheus : null;
  }

  public static Timer dispatchLatency(MeterRegistry registry, String variant) {
    return Timer.builder(DISPATCH_LATENCY)
        .description("Time from a job becoming due (run_at, or when it was re-queued) to a worker claiming it")
        .tag("variant", variant)
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry);
  }

  public static Timer jobDuration(MeterRegistry registry, String variant, String outcome) {
    return Timer.builder(JOB_DURATION)
        .description("Run time of one job attempt on a worker, by variant and outcome (completed or failed)")
        .tags("variant", variant, "outcome", outcome)
        .serviceLevelObjectives(DURATION_BUCKETS)
        .register(registry);
  }

  public static Timer healerCycleDuration(MeterRegistry registry) {
    return Timer.builder(HEALER_CYCLE_DURATION).description("Duration of one healing cycle on this node")
        .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
  }

  public static Counter healerCycles(MeterRegistry registry, String outcome) {
    return Counter.builder(HEALER_CYCLES)
        .description("Healing cycles on this node: completed, skipped (another node held the lock) or failed")
        .tag("outcome", outcome).register(registry);
  }

  public static Counter healerRetries(MeterRegistry registry, String category, String kind) {
    return Counter.builder(HEALER_RETRIES)
        .description("Failed jobs the healer re-queued, by failure category; kind=backoff or wait_reset")
        .tags("category", category == null ? "unknown" : category, "kind", kind).register(registry);
  }

  /**
   * One call to an external API. {@code outcome}: success, rate_limited (HTTP 429), client_error, server_error or
   * transport_error (no HTTP answer).
   */
  public static void apiCall(Vertx vertx, String service, String outcome) {
    Counter.builder(API_CALLS).description("Calls to external APIs by service and outcome (429s as rate_limited)")
        .tags("service", service, "outcome", outcome).register(registry(vertx)).increment();
  }

  /** The outcome label of an HTTP answer. */
  public static String outcome(int status) {
    if (status == 429) {
      return "rate_limited";
    }
    if (status / 100 == 2) {
      return "success";
    }
    return status / 100 == 5 ? "server_error" : "client_error";
  }

  private static Duration[] seconds(double... values) {
    Duration[] out = new Duration[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Duration.ofNanos((long) (values[i] * 1e9));
    }
    return out;
  }
}
