package io.maestro.jobs;

import io.maestro.bus.Addresses;
import io.maestro.config.MaestroConfig;
import io.maestro.failure.Failure;
import io.maestro.failure.FailureClassifier;
import io.maestro.failure.FailureCode;
import io.maestro.node.NodeContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per node. Claims due jobs from PostgreSQL in one statement per batch — one for each idle worker plus at most
 * one prefetched job per worker — and hands each to one idle worker as a local request. A freed worker takes a
 * prefetched job at once, with no claim round trip between jobs, and the next claim refills what was taken. A new
 * job wakes the dispatcher through the event bus; a short poll is the backstop and also rescues jobs whose node
 * stopped heartbeating. What a worker answers goes to the {@link OutcomeRecorder}; leases (heartbeat of running and
 * prefetched jobs, rescue, hand-back on stop) are {@link Leases}'.
 */
public class DispatcherVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(DispatcherVerticle.class);
  /** Extra time the dispatcher gives a worker beyond the job deadline before it stops waiting for the reply. */
  private static final long REPLY_GRACE_MS = 5_000;

  private final NodeContext node;
  private final Set<String> idleWorkers = new LinkedHashSet<>();
  private final Map<String, RunningJob> busyWorkers = new HashMap<>();
  private final Map<Long, RunningJob> runningByPk = new HashMap<>();
  /** Claimed, leased and not yet started: at most one per worker, oldest first. */
  private final Deque<Prefetched> prefetched = new ArrayDeque<>();
  private JobRepository jobs;
  /** The same SQL on the claim connection (statement kept, plan pinned): see {@code Database.claimPool}. */
  private JobRepository claims;
  private JobEvents events;
  private OutcomeRecorder recorder;
  private Leases leases;
  private ProgressRelay progress;
  private DispatchLatency dispatchLatency;
  private MeterRegistry metrics;
  private String nodeId;
  private long leaseMs;
  private long deadlineMs;
  private long shutdownGraceMs;
  private boolean prefetch;
  private boolean claiming;
  private boolean claimAgain;
  private boolean stopping;

  public DispatcherVerticle(NodeContext node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    MaestroConfig config = node.config();
    jobs = new JobRepository(node.pool());
    claims = new JobRepository(node.claimPool());
    metrics = node.metrics();
    nodeId = node.nodeId();
    leaseMs = config.longValue(MaestroConfig.LEASE);
    deadlineMs = config.longValue(MaestroConfig.JOB_DEADLINE);
    shutdownGraceMs = config.longValue(MaestroConfig.SHUTDOWN_GRACE);
    prefetch = config.bool(MaestroConfig.PREFETCH);
    events = new JobEvents(vertx);
    recorder = new OutcomeRecorder(jobs, events, metrics, nodeId);
    leases = new Leases(jobs, events, nodeId, leaseMs, config.integer(MaestroConfig.MAX_ATTEMPTS));
    dispatchLatency = new DispatchLatency(metrics);
    progress = new ProgressRelay(vertx, jobs, nodeId, runningByPk::get);
    long pollMs = config.longValue(MaestroConfig.POLL_INTERVAL);

    var bus = vertx.eventBus();
    WorkerProtocol.registerOn(bus);
    vertx.setPeriodic(pollMs, pollMs, id -> rescueThenFill());
    vertx.setPeriodic(leases.heartbeatIntervalMs(), id -> leases.heartbeat(held()));
    return Future.all(
        bus.<WorkerAddress>localConsumer(Addresses.WORKER_READY, this::workerReady).completion(),
        bus.<WorkerAddress>localConsumer(Addresses.WORKER_GONE, this::workerGone).completion(),
        bus.<JobProgress>localConsumer(Addresses.JOB_PROGRESS, progress::relay).completion(),
        bus.consumer(Addresses.JOBS_QUEUED, message -> fill()).completion())
        .onSuccess(ignored -> rescueThenFill());
  }

  private void rescueThenFill() {
    leases.rescue().onComplete(ignored -> fill());
  }

  private void workerReady(Message<WorkerAddress> message) {
    String address = message.body().address();
    if (address == null || busyWorkers.containsKey(address)) {
      return; // a busy worker becomes idle when its reply arrives
    }
    idleWorkers.add(address);
    fill();
  }

  private void workerGone(Message<WorkerAddress> message) {
    idleWorkers.remove(message.body().address());
    // fewer workers, fewer prefetch slots: the newest claims go back for any node to take
    List<JsonObject> excess = new ArrayList<>();
    while (prefetched.size() > workerCount()) {
      excess.add(prefetched.pollLast().job());
    }
    leases.handBackUnstarted(excess, "lost a worker before dispatch");
  }

  /** Workers this node can hand jobs to: idle ones and those running a job. */
  private int workerCount() {
    return idleWorkers.size() + busyWorkers.size();
  }

  /** Every job whose lease this node holds: running or prefetched. */
  private Long[] held() {
    Long[] pks = new Long[busyWorkers.size() + prefetched.size()];
    int i = 0;
    for (RunningJob running : busyWorkers.values()) {
      pks[i++] = running.pk;
    }
    for (Prefetched job : prefetched) {
      pks[i++] = job.pk();
    }
    return pks;
  }

  /**
   * Starts prefetched jobs on idle workers, then claims, in one statement, a job for every worker still idle plus one
   * to keep prefetched for every worker; coalesces wake-ups that arrive while a claim runs.
   */
  private void fill() {
    if (stopping) {
      return;
    }
    startPrefetched();
    int wanted = Math.min(JobRepository.MAX_CLAIM,
        idleWorkers.size() + (prefetch ? workerCount() - prefetched.size() : 0));
    if (wanted <= 0) {
      return;
    }
    if (claiming) {
      claimAgain = true;
      return;
    }
    claiming = true;
    claimAgain = false;
    claims.claim(nodeId, leaseMs, wanted)
        .onComplete(result -> {
          claiming = false;
          if (result.failed()) {
            LOG.warn("Claiming jobs failed (will retry on the next wake-up or poll): {}", result.cause().getMessage());
            return;
          }
          if (stopping) {
            leases.handBackUnstarted(result.result().stream().map(JobRepository.Claimed::job).toList(),
                "stopped before dispatch");
            return;
          }
          long now = System.nanoTime();
          result.result().forEach(claimed -> prefetched.add(new Prefetched(claimed.job(), claimed.waited(), now)));
          startPrefetched();
          if (claimAgain || result.result().size() == wanted) {
            fill();
          }
        });
  }

  private void startPrefetched() {
    List<JsonObject> atRisk = new ArrayList<>();
    while (!idleWorkers.isEmpty() && !prefetched.isEmpty()) {
      Prefetched next = prefetched.poll();
      if (leases.leaseAtRisk(next.claimedNanos(), System.nanoTime())) {
        atRisk.add(next.job());
      } else {
        dispatch(next);
      }
    }
    leases.handBackUnstarted(atRisk, "could not renew the lease before dispatch");
  }

  private void dispatch(Prefetched next) {
    JsonObject job = next.job();
    String worker = idleWorkers.iterator().next();
    idleWorkers.remove(worker);
    ClaimedJob claimed = ClaimedJob.of(job, deadlineMs);
    RunningJob running = new RunningJob(claimed, job);
    dispatchLatency.record(running, next.waited(), System.nanoTime() - next.claimedNanos());
    busyWorkers.put(worker, running);
    runningByPk.put(running.pk, running);
    events.update(job);
    if (LOG.isDebugEnabled()) {
      try (JobMdc mdc = JobMdc.of(running.jobId, running.attempt)) {
        LOG.debug("Dispatched {} attempt {} to {}", running.jobId, running.attempt, worker);
      }
    }
    DeliveryOptions options = new DeliveryOptions().setLocalOnly(true).setSendTimeout(deadlineMs + REPLY_GRACE_MS);
    vertx.eventBus().<JobOutcome>request(worker, claimed, options)
        .onComplete(reply -> {
          busyWorkers.remove(worker);
          runningByPk.remove(running.pk, running); // a rescued job's next attempt may run meanwhile
          if (reply.succeeded()) {
            idleWorkers.add(worker);
            recorder.record(running, reply.result().body(), null, null);
          } else {
            workerFailed(worker, running, reply.cause());
          }
          fill();
        });
  }

  /**
   * A failed reply: the job failed (no brand succeeded; the brands' outputs and first failure arrived as progress),
   * the worker failed it itself, or it never answered.
   */
  private void workerFailed(String worker, RunningJob running, Throwable cause) {
    Failure failure = FailureClassifier.classify(cause);
    String step = "failed: " + failure.category();
    if (cause instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.NO_HANDLERS) {
        failure = FailureClassifier.of(FailureCode.DISPATCH_NO_WORKER, "no worker was listening at " + worker
            + " when job " + running.jobId + " was dispatched on node " + nodeId);
        step = "failed: " + failure.category();
      } else if (reply.failureType() == ReplyFailure.TIMEOUT) {
        // not idle again here: it is still stuck; it comes back when it announces itself idle again
        failure = FailureClassifier.of(FailureCode.REPLY_TIMEOUT, "worker " + worker + " did not reply within "
            + (deadlineMs + REPLY_GRACE_MS) + " ms (deadline " + deadlineMs + " ms) for job " + running.jobId);
        step = "failed: " + failure.category();
      } else {
        idleWorkers.add(worker); // it replied, with a failure: it is alive and free
        if (running.firstFailure != null && running.firstFailure.code() == failure.code()) {
          failure = running.firstFailure; // the brand's own failure: with its stack and reset time
        }
        step = running.failedBrands > 0 ? "failed: all " + running.brandCount + " brand(s) failed; "
            + running.outputs.fieldNames().iterator().next() + ": " + failure.category()
            : "failed: " + failure.message();
      }
    }
    recorder.record(running, null, failure, step);
  }

  /**
   * Graceful stop: claim nothing more and hand prefetched jobs back at once (they never started), let running jobs
   * finish within the grace period, wait for their outcomes to be written, then hand the leases of whatever still
   * runs back to the queue so that another node (or the next start) takes those jobs at once instead of waiting for
   * the leases to expire.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    List<JsonObject> unstarted = prefetched.stream().map(Prefetched::job).toList();
    prefetched.clear();
    leases.handBackUnstarted(unstarted, "stopped before dispatch");
    long deadline = System.nanoTime() + shutdownGraceMs * 1_000_000L;
    Promise<Void> drained = Promise.promise();
    awaitDrained(deadline, drained);
    // handed back (or not, if the database is gone): either way no job of this node may keep the stop waiting
    return drained.future().compose(ignored -> leases.releaseRemaining(List.copyOf(busyWorkers.values())))
        .onComplete(ignored -> vertx.eventBus().publish(Addresses.WORKERS_ABORT, new JsonObject(),
            new DeliveryOptions().setLocalOnly(true)));
  }

  private void awaitDrained(long deadline, Promise<Void> drained) {
    boolean idle = busyWorkers.isEmpty() && !claiming && !leases.releasing() && recorder.idle();
    if (idle || System.nanoTime() >= deadline) {
      drained.complete();
      return;
    }
    vertx.setTimer(25, id -> awaitDrained(deadline, drained));
  }

  /**
   * A claimed job waiting for a worker: how long it had been due when claimed, and when its claim returned
   * ({@code claimedNanos}, local clock).
   */
  private record Prefetched(JsonObject job, Duration waited, long claimedNanos) {
    long pk() {
      return job.getLong(JobJson.INTERNAL_PK);
    }
  }
}
