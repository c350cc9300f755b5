package io.maestro.burst;

import io.maestro.activity.ActivityLog;
import io.maestro.agents.AgentRepository;
import io.maestro.brands.BrandRepository;
import io.maestro.bus.Addresses;
import io.maestro.config.MaestroConfig;
import io.maestro.db.Database;
import io.maestro.failure.Failure;
import io.maestro.failure.FailureClassifier;
import io.maestro.failure.FailureCode;
import io.maestro.failure.Failures;
import io.maestro.failure.MaestroException;
import io.maestro.jobs.DispatcherVerticle;
import io.maestro.textmodel.TextModels;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The burst coordinator. A trigger takes the user's burst lock (a settings row, so it holds across nodes and
 * restarts), answers at once, and then runs the plan: agent requests, each proposal examined (the examiner accepts
 * into jobs and replaces rejections once). Progress, verdict counts and every failure go to the activity log. The
 * daily timer fires the full burst once per local day, claiming the day in the database first.
 */
public class BurstVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(BurstVerticle.class);
  /** Agent requests in flight per burst: enough to overlap model latency, few enough not to flood the model. */
  private static final int LANES = 2;
  /** A failure of these kinds will fail every remaining request too: the burst stops instead. */
  private static final Set<FailureCode> STOPS_BURST = EnumSet.of(FailureCode.API_AUTH, FailureCode.API_QUOTA_EXHAUSTED,
      FailureCode.CONFIG_ERROR);

  private BurstRepository repository;
  private AgentRepository agents;
  private BrandRepository brands;
  private ActivityLog activity;
  private MaestroConfig config;
  private String node;
  private long lockTtl;
  private DeliveryOptions agentCall;
  private DeliveryOptions examinerCall;
  private boolean ticking;

  @Override
  public Future<?> start() {
    config = MaestroConfig.from(config());
    Pool pool = Database.pool(vertx, config().getString(Database.RUNTIME_URL), config);
    repository = new BurstRepository(pool);
    agents = new AgentRepository(pool);
    brands = new BrandRepository(pool);
    activity = new ActivityLog(vertx, pool);
    node = config().getString(DispatcherVerticle.RUNTIME_NODE_ID, "node");
    lockTtl = config.longValue(MaestroConfig.BURST_LOCK_TTL);
    long budget = TextModels.callBudgetMs(config);
    agentCall = new DeliveryOptions().setSendTimeout(budget * TextModels.AGENT_CALLS);
    examinerCall = new DeliveryOptions().setSendTimeout(budget * TextModels.EXAMINATION_CALLS);
    if (config.bool(MaestroConfig.BURST_DAILY_ENABLED)) {
      vertx.setPeriodic(0, config.longValue(MaestroConfig.BURST_CHECK_INTERVAL), id -> dailyTick());
      LOG.info("Daily burst at {} {} ({} reels and {} posts per brand)", config.string(MaestroConfig.BURST_DAILY_TIME),
          config.string(MaestroConfig.BURST_TIME_ZONE), config.integer(MaestroConfig.BURST_REELS_PER_BRAND),
          config.integer(MaestroConfig.BURST_POSTS_PER_BRAND));
    }
    return vertx.eventBus().<JsonObject>consumer(Addresses.BURST_TRIGGER, this::trigger).completion();
  }

  // ---- triggers

  private void trigger(Message<JsonObject> message) {
    try {
      JsonObject req = message.body();
      String userId = req.getString("user_id");
      Future.all(repository.settings(userId), brands.activeIds(userId))
          .compose(all -> decide(userId, req, all.resultAt(0), all.resultAt(1)))
          .onSuccess(message::reply)
          .onFailure(e -> Failures.fail(message, e));
    } catch (RuntimeException e) {
      Failures.fail(message, e);
    }
  }

  private Future<JsonObject> decide(String userId, JsonObject req, JsonObject settings, Set<String> active) {
    int posts = req.getInteger("posts", 0);
    int reels = req.getInteger("reels", 0);
    boolean force = req.getBoolean("force", false);
    boolean test = posts > 0 || reels > 0;
    JsonArray given = req.getJsonArray("brands", new JsonArray());
    List<String> unknown = given.stream().map(String::valueOf).filter(b -> !active.contains(b)).toList();
    if (!unknown.isEmpty()) {
      throw new MaestroException(FailureCode.INVALID_REQUEST, "unknown brand(s): " + String.join(", ", unknown)
          + " (known: " + String.join(", ", active) + ")");
    }
    List<String> target = new ArrayList<>(given.stream().map(String::valueOf).distinct().toList());
    if (!force && settings.getBoolean(BurstRepository.PAUSED, false)) {
      return Future.succeededFuture(new JsonObject().put("status", "paused")
          .put("message", "Maestro is paused; resume it, or trigger with force=true"));
    }
    if (test) {
      if (target.isEmpty()) {
        target.add("healthycollege");
      }
    } else {
      if (target.isEmpty()) {
        target.addAll(active);
      }
      reels = config.integer(MaestroConfig.BURST_REELS_PER_BRAND) * target.size();
      posts = settings.getBoolean(BurstRepository.POSTS_PAUSED, false) ? 0
          : config.integer(MaestroConfig.BURST_POSTS_PER_BRAND) * target.size();
    }
    return start(userId, test, posts, reels, target, req.getString("source", "api"));
  }

  /** Takes the lock and starts the burst; "busy" when one is already running for this user. */
  private Future<JsonObject> start(String userId, boolean test, int posts, int reels, List<String> target, String source) {
    String burstId = "burst-" + UUID.randomUUID().toString().substring(0, 8);
    JsonObject lock = new JsonObject().put("burst_id", burstId).put("node", node).put("source", source)
        .put("test_mode", test).put("posts", posts).put("reels", reels).put("brands", new JsonArray(target))
        .put("started_at", java.time.Instant.now().toString()).put("current_phase", "planning").putNull("current_agent");
    return repository.tryLock(userId, lock, lockTtl).compose(acquired -> {
      if (!acquired) {
        return repository.settings(userId).map(s -> {
          JsonObject running = s.getJsonObject(BurstRepository.LOCK, new JsonObject());
          return new JsonObject().put("status", "busy").put("message", "a burst is already running ("
              + running.getString("burst_id", "?") + ", " + running.getString("current_phase", "?")
              + "); try again when it has finished").put("burst_id", running.getString("burst_id"));
        });
      }
      run(userId, burstId, test, posts, reels, target, source);
      return Future.succeededFuture(new JsonObject().put("status", "triggered").put("burst_id", burstId)
          .put("message", (test ? "Test burst: " : "Full burst: ") + reels + " reel(s) and " + posts
              + " post(s) over " + String.join(", ", target))
          .put("test_mode", test).put("reels", reels).put("posts", posts).put("brands", new JsonArray(target)));
    });
  }

  // ---- running a burst

  private void run(String userId, String burstId, boolean test, int posts, int reels, List<String> target,
      String source) {
    Tally tally = new Tally();
    long heartbeat = vertx.setPeriodic(Math.max(500, lockTtl / 3), id -> repository.renewLock(userId, burstId, lockTtl,
        tally.progress()).onFailure(e -> LOG.warn("could not renew burst lock {}: {}", burstId, e.getMessage())));
    activity.record(userId, "maestro", "Burst started", burstId + " (" + source + (test ? ", test" : "") + "): " + reels
            + " reel(s), " + posts + " post(s) over " + String.join(", ", target), "🚀", ActivityLog.Level.INFO)
        .compose(v -> agents.active(userId))
        .compose(active -> {
          List<BurstPlan.Task> tasks;
          try {
            tasks = BurstPlan.plan(target, active, posts, reels);
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
        .eventually(() -> finish(userId, burstId, tally))
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

  private Future<Void> finish(String userId, String burstId, Tally tally) {
    JsonObject deltas = new JsonObject().put("total_cycles", 1).put("total_proposals_generated", tally.proposals)
        .put("total_jobs_dispatched", tally.jobs).put("errors", tally.errors);
    tally.agentErrors.forEach((agent, n) -> deltas.put("agent_errors." + agent, n));
    String summary = burstId + ": " + tally.proposals + " proposal(s), " + tally.jobs + " accepted into jobs, "
        + tally.rejected + " rejected, " + tally.errors + " error(s)" + (tally.stopped == null ? ""
        : "; stopped early (" + tally.stopped + ")");
    return repository.bump(userId, deltas)
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

  // ---- daily burst

  private void dailyTick() {
    if (ticking) {
      return;
    }
    ZoneId zone = ZoneId.of(config.string(MaestroConfig.BURST_TIME_ZONE));
    ZonedDateTime now = ZonedDateTime.now(zone);
    if (now.toLocalTime().isBefore(LocalTime.parse(config.string(MaestroConfig.BURST_DAILY_TIME)))) {
      return;
    }
    String today = now.toLocalDate().toString();
    ticking = true;
    repository.usersWithAgents()
        .compose(users -> {
          Future<Void> chain = Future.succeededFuture();
          for (String user : users) {
            chain = chain.compose(v -> daily(user, today).recover(e -> {
              LOG.warn("daily burst check for {} failed: {}", user, e.getMessage());
              return Future.succeededFuture();
            }));
          }
          return chain;
        })
        .onComplete(done -> ticking = false);
  }

  /**
   * Paused: nothing is claimed, so a resume later the same day still gets its burst. Otherwise the lock first (a
   * running test burst makes the daily one wait for the next tick), then the day's claim, which exactly one node
   * wins; the loser hands the lock back.
   */
  private Future<Void> daily(String userId, String today) {
    return repository.settings(userId).compose(settings -> {
      if (settings.getBoolean(BurstRepository.PAUSED, false) || today.equals(settings.getValue(BurstRepository.LAST_DAILY_RUN))) {
        return Future.succeededFuture();
      }
      return brands.activeIds(userId).compose(active -> {
        List<String> target = new ArrayList<>(active);
        int reels = config.integer(MaestroConfig.BURST_REELS_PER_BRAND) * target.size();
        int posts = settings.getBoolean(BurstRepository.POSTS_PAUSED, false) ? 0
            : config.integer(MaestroConfig.BURST_POSTS_PER_BRAND) * target.size();
        String burstId = "daily-" + today + "-" + UUID.randomUUID().toString().substring(0, 4);
        JsonObject lock = new JsonObject().put("burst_id", burstId).put("node", node).put("source", "daily")
            .put("test_mode", false).put("posts", posts).put("reels", reels).put("brands", new JsonArray(target))
            .put("started_at", java.time.Instant.now().toString()).put("current_phase", "planning");
        return repository.tryLock(userId, lock, lockTtl).compose(locked -> !locked ? Future.<Void>succeededFuture()
            : repository.claimDailyRun(userId, today).compose(won -> {
              if (!won) {
                return repository.releaseLock(userId, burstId);
              }
              LOG.info("Daily burst {} for {}: {} reel(s), {} post(s)", burstId, userId, reels, posts);
              run(userId, burstId, false, posts, reels, target, "daily");
              return Future.<Void>succeededFuture();
            }));
      });
    });
  }
}
