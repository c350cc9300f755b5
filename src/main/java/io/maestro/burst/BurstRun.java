package io.maestro.burst;

import io.maestro.activity.ActivityLog;
import io.maestro.agents.AgentRepository;
import io.maestro.bus.Addresses;
import io.maestro.failure.Failure;
import io.maestro.failure.FailureClassifier;
import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one burst for the burst coordinator (on its event loop): agent requests in lanes, each proposal examined (the
 * examiner accepts into jobs and replaces rejections once), the lock renewed with progress, and at the end the
 * counters, the last-burst record and a summary in the activity log, then the lock released.
 */
final class BurstRun {
  private static final Logger LOG = LoggerFactory.getLogger(BurstRun.class);
  /** Agent requests in flight per burst: enough to overlap model latency, few enough not to flood the model. */
  private static final int LANES = 2;
  /** A failure of these kinds will fail every remaining request too: the burst stops instead. */
  private static final Set<FailureCode> STOPS_BURST = EnumSet.of(FailureCode.API_AUTH, FailureCode.API_QUOTA_EXHAUSTED,
      FailureCode.CONFIG_ERROR);

  private final Vertx vertx;
  private final BurstRepository repository;
  private final AgentRepository agents;
  private final ActivityLog activity;
  private final long lockTtl;
  private final DeliveryOptions agentCall;
  private final DeliveryOptions examinerCall;

  BurstRun(Vertx vertx, BurstRepository repository, AgentRepository agents, ActivityLog activity, long lockTtl,
      DeliveryOptions agentCall, DeliveryOptions examinerCall) {
    this.vertx = vertx;
    this.repository = repository;
    this.agents = agents;
    this.activity = activity;
    this.lockTtl = lockTtl;
    this.agentCall = agentCall;
    this.examinerCall = examinerCall;
  }

  void run(String userId, String burstId, BurstOrder order, String source, JsonObject lock) {
    Tally tally = new Tally();
    long heartbeat = vertx.setPeriodic(Math.max(500, lockTtl / 3), id -> repository.renewLock(userId, burstId, lockTtl,
        tally.progress()).onFailure(e -> LOG.warn("could not renew burst lock {}: {}", burstId, e.getMessage())));
    activity.record(userId, "maestro", "Burst started", burstId + " (" + source + (order.test() ? ", test" : "") + "): "
            + order.reels() + " reel(s), " + order.posts() + " post(s) over " + String.join(", ", order.brands()), "🚀",
            ActivityLog.Level.INFO)
        .compose(v -> agents.active(userId))
        .compose(active -> {
          List<BurstPlan.Task> tasks;
          try {
            tasks = order.tasks(active);
          } catch (IllegalArgumentException e) {
            throw new MaestroException(FailureCode.CONFIG_ERROR, e.getMessage());
          }
          tally.phase = "proposing";
          List<Future<Void>> lanes = new ArrayList<>();
          java.util.Iterator<BurstPlan.Task> queue = tasks.iterator();
          for (int i = 0; i < LANES; i++) {
            lanes.add(lane(userId, burstId, queue, tally));
          }
          return Future.join(lanes);
        })
        .recover(e -> {
          Failure f = FailureClassifier.classify(e);
          tally.errors++;
          return activity.record(userId, "maestro", "Burst failed", burstId + ": " + f.category() + ": " + f.message(),
              "❌", ActivityLog.Level.ERROR).mapEmpty();
        })
        .eventually(() -> finish(userId, burstId, tally, lock))
        .onComplete(done -> {
          vertx.cancelTimer(heartbeat);
          if (done.failed()) {
            LOG.error("burst {} of {} did not finish cleanly", burstId, userId, done.cause());
          }
        });
  }

  /** Takes tasks one after another until none are left or the burst is stopped. */
  private Future<Void> lane(String userId, String burstId, java.util.Iterator<BurstPlan.Task> queue, Tally tally) {
    if (tally.stopped != null || !queue.hasNext()) {
      return Future.succeededFuture();
    }
    BurstPlan.Task task = queue.next();
    tally.agent = task.agentId();
    JsonObject ask = new JsonObject().put("user_id", userId).put("agent_id", task.agentId()).put("brand", task.brand())
        .put("content_type", task.contentType()).put("count", task.count()).put("burst_id", burstId);
    return vertx.eventBus().<JsonObject>request(Addresses.AGENTS_PROPOSE, ask, agentCall)
        .compose(reply -> examineAll(userId, reply.body().getJsonArray("proposals"), 0, tally))
        .recover(e -> taskFailed(userId, burstId, task, e, tally))
        .compose(v -> lane(userId, burstId, queue, tally));
  }

  private Future<Void> examineAll(String userId, JsonArray proposals, int index, Tally tally) {
    if (index >= proposals.size()) {
      return Future.succeededFuture();
    }
    tally.proposals++;
    tally.phase = "examining";
    String proposalId = proposals.getJsonObject(index).getString("proposal_id");
    return vertx.eventBus().<JsonObject>request(Addresses.EXAMINER_EXAMINE,
            new JsonObject().put("user_id", userId).put("proposal_id", proposalId), examinerCall)
        .map(reply -> {
          JsonArray results = reply.body().getJsonArray("results");
          tally.proposals += results.size() - 1; // replacements
          results.forEach(r -> {
            JsonObject result = (JsonObject) r;
            if (result.getString("job_id") != null) {
              tally.jobs++;
            } else if ("accept".equals(result.getString("verdict"))) {
              tally.errors++;
            } else {
              tally.rejected++;
            }
          });
          return (Void) null;
        })
        .recover(e -> {
          Failure f = FailureClassifier.classify(e);
          tally.errors++;
          return activity.record(userId, "examiner", "Examination failed", proposalId + ": " + f.category() + ": "
              + f.message(), "❌", ActivityLog.Level.ERROR).mapEmpty();
        })
        .compose(v -> examineAll(userId, proposals, index + 1, tally));
  }

  private Future<Void> taskFailed(String userId, String burstId, BurstPlan.Task task, Throwable e, Tally tally) {
    Failure f = FailureClassifier.classify(e);
    tally.errors++;
    tally.agentErrors.merge(task.agentId(), 1, Integer::sum);
    boolean stop = STOPS_BURST.contains(f.code()) && tally.stopped == null;
    if (stop) {
      tally.stopped = f.category();
    }
    return activity.record(userId, task.agentId(), "Proposal failed", task.count() + " " + task.contentType() + "(s) for "
            + task.brand() + ": " + f.category() + ": " + f.message() + (stop ? " — burst " + burstId
            + " stops: every further request would fail the same way" : ""), "❌", ActivityLog.Level.ERROR)
        .mapEmpty();
  }

  private Future<Void> finish(String userId, String burstId, Tally tally, JsonObject lock) {
    JsonObject deltas = new JsonObject().put("total_cycles", 1).put("total_proposals_generated", tally.proposals)
        .put("total_jobs_dispatched", tally.jobs).put("errors", tally.errors);
    tally.agentErrors.forEach((agent, n) -> deltas.put("agent_errors." + agent, n));
    String summary = burstId + ": " + tally.proposals + " proposal(s), " + tally.jobs + " accepted into jobs, "
        + tally.rejected + " rejected, " + tally.errors + " error(s)" + (tally.stopped == null ? ""
        : "; stopped early (" + tally.stopped + ")");
    return repository.bump(userId, deltas)
        .compose(v -> repository.recordLastBurst(userId, lock.copy().mergeIn(tally.progress()).putNull("current_phase")
            .put("finished_at", java.time.Instant.now().toString())))
        .compose(v -> activity.record(userId, "maestro", "Burst finished", summary, "🏁",
            tally.errors > 0 ? ActivityLog.Level.WARNING : ActivityLog.Level.INFO))
        .<Void>mapEmpty()
        .eventually(() -> repository.releaseLock(userId, burstId));
  }

  /** What one burst has done so far (touched only on this verticle's event loop). */
  private static final class Tally {
    int proposals;
    int jobs;
    int rejected;
    int errors;
    String phase = "planning";
    String agent;
    String stopped;
    final java.util.Map<String, Integer> agentErrors = new java.util.TreeMap<>();

    JsonObject progress() {
      return new JsonObject().put("current_phase", phase).put("current_agent", agent).put("proposals", proposals)
          .put("jobs", jobs).put("rejected", rejected).put("errors", errors);
    }
  }
}
