package io.maestro.healing;

import io.maestro.failure.FailedJob;
import io.maestro.failure.RetryPolicy;
import io.maestro.activity.ActivityLog;
import io.maestro.activity.ActivityLog.Entry;
import io.maestro.bus.Addresses;
import io.maestro.config.MaestroConfig;
import io.maestro.failure.Failures;
import io.maestro.health.Readiness;
import io.maestro.jobs.JobService;
import io.maestro.metrics.Metrics;
import io.maestro.publish.PublishRepository;
import io.maestro.node.NodeContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The healer: on a timer ({@code healer.intervalMs}) and on request ({@link Addresses#HEALER_RUN}) it runs one cycle
 * in one transaction that holds a PostgreSQL advisory lock, so exactly one cycle runs at a time across all nodes:
 * <ol>
 *   <li>rescue running jobs whose lease expired (the dispatcher's own rescue statement), and schedule items stuck in
 *       {@code publishing} past their lease (the publisher's rescue statement);</li>
 *   <li>report jobs pending past their start budget (once per job), and make readiness DOWN while any are;</li>
 *   <li>diagnose unhandled failures of the last 24 h from their stored code and apply {@link RetryPolicy}:</li>
 *   <li>retry with backoff, wait for a rate-limit reset, or mark permanent with a persisted notification.</li>
 * </ol>
 * Retries and reset waits re-queue jobs, so they go through the {@link JobService} and its per-user queue limit:
 * a job whose user has no room left is deferred, not written: it stays failed and unhandled, and a later cycle
 * decides again (while it is within the 24 h failure window; after that it waits for an operator, like any
 * failure that old).
 * Every action is written to the activity log (published live) and to {@code healing_events}.
 */
public class HealerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HealerVerticle.class);
  /** Rows per step per cycle; a full batch triggers another cycle right away, so a backlog drains in bounded bites. */
  static final int BATCH = 500;
  private static final int FAILURE_WINDOW_HOURS = 24;

  private Pool pool;
  private MeterRegistry metrics;
  private ActivityLog activity;
  private JobService jobs;
  private RetryPolicy policy;
  private long startBudgetMs;
  private int maxAttempts;
  private String nodeId;
  /** Cycles on this node run one after another; the advisory lock does the same across nodes. */
  private Future<JsonObject> last = Future.succeededFuture();
  private boolean timerCycleQueued;

  private final NodeContext node;

  public HealerVerticle(NodeContext node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    MaestroConfig config = node.config();
    pool = node.pool();
    metrics = node.metrics();
    activity = new ActivityLog(vertx, pool);
    jobs = new JobService(vertx, node);
    maxAttempts = config.integer(MaestroConfig.MAX_ATTEMPTS);
    startBudgetMs = config.longValue(MaestroConfig.START_BUDGET);
    nodeId = node.nodeId();
    policy = new RetryPolicy(config.longValue(MaestroConfig.HEALER_BACKOFF_BASE),
        config.longValue(MaestroConfig.HEALER_BACKOFF_MAX), config.integer(MaestroConfig.HEALER_JITTER), maxAttempts,
        () -> ThreadLocalRandom.current().nextDouble());
    long interval = config.longValue(MaestroConfig.HEALER_INTERVAL);
    vertx.setPeriodic(interval, interval, id -> timerCycle());
    return vertx.eventBus().<JsonObject>consumer(Addresses.HEALER_RUN, this::runRequested).completion();
  }

  private void timerCycle() {
    if (timerCycleQueued) {
      return; // a slow cycle must not pile up timer ticks behind it
    }
    timerCycleQueued = true;
    runCycle("timer").onComplete(ignored -> timerCycleQueued = false);
  }

  private void runRequested(Message<JsonObject> message) {
    String trigger = message.body() == null ? "request" : message.body().getString("trigger", "request");
    runCycle(trigger).onSuccess(message::reply).onFailure(e -> Failures.fail(message, e));
  }

  /** Runs a cycle after any cycle still running on this node; a full batch queues one more. */
  Future<JsonObject> runCycle(String trigger) {
    Future<JsonObject> next = last.transform(ignored -> cycle(trigger));
    last = next;
    return next.onSuccess(report -> {
      if (report.getBoolean("more", false)) {
        runCycle("backlog");
      }
    }).onFailure(e -> LOG.error("Healing cycle failed (the next one retries): {}", e.getMessage()));
  }

  private Future<JsonObject> cycle(String trigger) {
    long startedNanos = System.nanoTime();
    return attemptCycle(trigger, startedNanos).andThen(done -> {
      String outcome = done.failed() ? "failed" : done.result().getString("status");
      Metrics.healerCycles(metrics, outcome).increment();
      if (!"skipped".equals(outcome)) {
        Metrics.healerCycleDuration(metrics).record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
      }
    });
  }

  private Future<JsonObject> attemptCycle(String trigger, long startedNanos) {
    CycleResult c = new CycleResult();
    return pool.withTransaction(conn -> {
      HealingRepository repo = new HealingRepository(conn);
      return repo.tryCycleLock().compose(locked -> {
        if (!locked) {
          return Future.succeededFuture(false);
        }
        return rescue(conn, c)
            .compose(v -> reportStuck(repo, c))
            .compose(v -> diagnose(conn, repo, c))
            .compose(v -> repo.addCounters(c.counters()))
            .compose(ignored -> repo.recordCycle(c.summary().put("node", nodeId).put("trigger", trigger)))
            .map(at -> {
              c.finishedAt = at;
              return true;
            });
      });
    }).compose(ran -> ran ? afterCommit(c, trigger, startedNanos) : Future.succeededFuture(new JsonObject()
        .put("status", "skipped").put("trigger", trigger).put("node", nodeId)
        .put("message", "another healer holds the cycle lock; it is healing now")));
  }

  /** Step 1: running jobs and publishing items whose lease expired are handed back (or failed at the cap). */
  private Future<Void> rescue(SqlConnection conn, CycleResult c) {
    return jobs.rescueExpiredLeases(conn, BATCH)
        .compose(rescued -> {
          c.rescued = rescued;
          return new PublishRepository(conn).rescueExpiredLeases(BATCH);
        })
        .map(rescuedItems -> {
          c.rescuedItems = rescuedItems;
          return null;
        });
  }

  /** Step 2: jobs pending past their start budget get one notification each; all of them are counted. */
  private Future<Void> reportStuck(HealingRepository repo, CycleResult c) {
    return repo.newlyStuck(startBudgetMs, BATCH)
        .compose(stuck -> repo.markStuck(stuck, stuck.stream().map(this::stuckReason).toList()))
        .compose(notes -> {
          c.stuckNotes = notes;
          return repo.stuckNow(startBudgetMs);
        })
        .map(stuckNow -> {
          c.stuckNow = stuckNow;
          return null;
        });
  }

  /** Steps 3 and 4: each unhandled failure is retried (within the queue limit), waits for a reset, or is permanent. */
  private Future<Void> diagnose(SqlConnection conn, HealingRepository repo, CycleResult c) {
    return repo.unhandledFailures(FAILURE_WINDOW_HOURS, BATCH).compose(failed -> {
      c.diagnosed = failed.size();
      List<FailedJob> retry = new ArrayList<>();
      List<RetryPolicy.Decision> retryDecisions = new ArrayList<>();
      List<FailedJob> permanent = new ArrayList<>();
      List<RetryPolicy.Decision> permanentDecisions = new ArrayList<>();
      for (FailedJob job : failed) {
        RetryPolicy.Decision decision = policy.decide(job);
        boolean isPermanent = decision.outcome() == RetryPolicy.Outcome.PERMANENT;
        (isPermanent ? permanent : retry).add(job);
        (isPermanent ? permanentDecisions : retryDecisions).add(decision);
      }
      return jobs.scheduleRetries(conn, retry, retryDecisions)
          .compose(retries -> {
            c.retried = retries.retried();
            c.deferred = retries.deferred();
            return repo.markPermanent(permanent, permanentDecisions);
          })
          .map(permanentNotes -> {
            c.permanentNotes = permanentNotes;
            return null;
          });
    });
  }

  /** Effects outside the database, only once the cycle's writes are committed. */
  private Future<JsonObject> afterCommit(CycleResult c, String trigger, long startedNanos) {
    long stuck = c.stuckNow[0];
    Readiness.problem(vertx, "queue", stuck == 0 ? null : stuck + " job(s) pending longer than the start budget of "
        + startBudgetMs + " ms (oldest waiting " + c.stuckNow[1] / 1000 + " s): no worker is taking work");
    List<JsonObject> requeued = new ArrayList<>();
    for (JsonObject job : c.rescued) {
      if ("failed".equals(job.getString("status"))) {
        jobs.finished(job);
      } else {
        requeued.add(job);
      }
    }
    if (!c.rescuedItems.isEmpty()) {
      vertx.eventBus().publish(Addresses.SCHEDULE_CHANGED, new JsonObject());
    }
    for (JsonObject job : c.retried) {
      requeued.add(job);
      Metrics.healerRetries(metrics, job.getString("healed_category"),
          CycleResult.waitsForReset(job) ? "wait_reset" : "backoff").increment();
    }
    jobs.requeued(requeued);
    if (!c.deferred.isEmpty()) {
      LOG.info("Healing cycle deferred {} retr(y/ies) past limits.maxQueuedJobs; they stay failed for a later cycle: {}",
          c.deferred.size(), c.deferred.stream().map(FailedJob::jobId).toList());
    }
    JsonObject report = c.report(trigger, nodeId, startedNanos, BATCH);
    List<Entry> entries = c.activity();
    if (!entries.isEmpty()) {
      LOG.info("Healing cycle: {}", report.getJsonObject("counts").encode());
    }
    return activity.recordAll(entries)
        .map(report)
        .otherwise(e -> {
          LOG.warn("Healing cycle done, but its activity entries were not stored: {}", e.getMessage());
          return report;
        });
  }

  private String stuckReason(HealingRepository.StuckJob job) {
    return "pending for " + job.waitedMs() / 1000 + " s since it became due, past the start budget of "
        + startBudgetMs / 1000 + " s: no worker is taking work";
  }
}
