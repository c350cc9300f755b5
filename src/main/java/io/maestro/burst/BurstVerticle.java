package io.maestro.burst;

import io.maestro.activity.ActivityLog;
import io.maestro.agents.AgentRepository;
import io.maestro.brands.BrandRepository;
import io.maestro.bus.Addresses;
import io.maestro.config.MaestroConfig;
import io.maestro.failure.FailureCode;
import io.maestro.failure.Failures;
import io.maestro.failure.MaestroException;
import io.maestro.node.NodeContext;
import io.maestro.textmodel.TextModels;
import io.maestro.variant.ContentType;
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
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The burst coordinator. A trigger decides what to make (test counts, the full day with force, or what is left of
 * today), takes the user's burst lock (a settings row, so it holds across nodes and restarts), answers at once, and
 * hands the burst to {@link BurstRun}. The daily timer makes what is left of the day once per local day, claiming
 * the day in the database first.
 */
public class BurstVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(BurstVerticle.class);

  private BurstRepository repository;
  private AgentRepository agents;
  private BrandRepository brands;
  private ActivityLog activity;
  private MaestroConfig config;
  private String node;
  private long lockTtl;
  private BurstRun runner;
  private boolean ticking;

  private final NodeContext context;

  public BurstVerticle(NodeContext context) {
    this.context = context;
  }

  @Override
  public Future<?> start() {
    config = context.config();
    Pool pool = context.pool();
    repository = new BurstRepository(pool);
    agents = new AgentRepository(pool);
    brands = new BrandRepository(pool);
    activity = new ActivityLog(vertx, pool);
    node = context.nodeId();
    lockTtl = config.longValue(MaestroConfig.BURST_LOCK_TTL);
    long budget = TextModels.callBudgetMs(config);
    runner = new BurstRun(vertx, repository, agents, activity, lockTtl,
        new DeliveryOptions().setSendTimeout(budget * TextModels.AGENT_CALLS),
        new DeliveryOptions().setSendTimeout(budget * TextModels.EXAMINATION_CALLS));
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
      Future.all(repository.settings(userId), brands.activeIds(userId), agents.proposalsSince(userId,
              BurstOrder.dayStart(config.string(MaestroConfig.BURST_TIME_ZONE)).toOffsetDateTime()))
          .compose(all -> decide(userId, req, all.resultAt(0), all.resultAt(1), all.resultAt(2)))
          .onSuccess(message::reply)
          .onFailure(e -> Failures.fail(message, e));
    } catch (RuntimeException e) {
      Failures.fail(message, e);
    }
  }

  /**
   * Counts: a test burst of exactly those. No counts: {@code force} runs the full daily burst; without it only what
   * is left of today's quota per brand runs, or the answer is that the day is complete (the replaced system's rule).
   */
  private Future<JsonObject> decide(String userId, JsonObject req, JsonObject settings, Set<String> active,
      JsonArray today) {
    int posts = req.getInteger("posts", 0);
    int reels = req.getInteger("reels", 0);
    boolean force = req.getBoolean("force", false);
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
    String source = req.getString("source", "api");
    if (posts > 0 || reels > 0) {
      return start(userId, BurstOrder.spread(true, reels, posts, target.isEmpty() ? List.of("healthycollege") : target),
          source, false);
    }
    if (target.isEmpty()) {
      target.addAll(active);
    }
    int reelsPerBrand = config.integer(MaestroConfig.BURST_REELS_PER_BRAND);
    int postsPerBrand = settings.getBoolean(BurstRepository.POSTS_PAUSED, false) ? 0
        : config.integer(MaestroConfig.BURST_POSTS_PER_BRAND);
    if (force) {
      return start(userId, BurstOrder.spread(false, reelsPerBrand * target.size(), postsPerBrand * target.size(),
          target), source, true);
    }
    BurstOrder left = BurstOrder.remaining(target, reelsPerBrand, postsPerBrand, today);
    if (left.isEmpty()) {
      return Future.succeededFuture(complete(target, reelsPerBrand, postsPerBrand, today));
    }
    return start(userId, left, source, false).map(reply -> reply.put("remaining_reels", left.reels())
        .put("remaining_posts", left.posts()).put("today_reels", BurstOrder.made(today, null, ContentType.REEL))
        .put("today_posts", BurstOrder.made(today, null, ContentType.POST)));
  }

  private static JsonObject complete(List<String> target, int reelsPerBrand, int postsPerBrand, JsonArray today) {
    return new JsonObject().put("status", "complete").put("message", "All proposals for today are complete!")
        .put("today_reels", BurstOrder.made(today, null, ContentType.REEL)).put("today_posts", BurstOrder.made(today, null, ContentType.POST))
        .put("target_reels", reelsPerBrand * target.size()).put("target_posts", postsPerBrand * target.size())
        .put("ready_scheduled", 0);
  }

  /**
   * Takes the lock and starts the burst; "busy" when one is already running for this user. A full burst claims the
   * day, so the daily timer does not run a second one. {@code ready_scheduled} is always 0: the old system parked
   * finished reels until a burst scheduled them, here the scheduler books every finished job at once.
   */
  private Future<JsonObject> start(String userId, BurstOrder order, String source, boolean full) {
    String burstId = "burst-" + UUID.randomUUID().toString().substring(0, 8);
    JsonObject lock = lockRow(burstId, source, order);
    return repository.tryLock(userId, lock, lockTtl).compose(acquired -> {
      if (!acquired) {
        return repository.settings(userId).map(s -> {
          JsonObject running = s.getJsonObject(BurstRepository.LOCK, new JsonObject());
          return new JsonObject().put("status", "busy").put("message", "a burst is already running ("
              + running.getString("burst_id", "?") + ", " + running.getString("current_phase", "?")
              + "); try again when it has finished").put("burst_id", running.getString("burst_id"));
        });
      }
      Future<Boolean> claimed = full ? repository.claimDailyRun(userId, BurstOrder.dayStart(
          config.string(MaestroConfig.BURST_TIME_ZONE)).toLocalDate().toString()) : Future.succeededFuture(false);
      return claimed.map(ignored -> {
        runner.run(userId, burstId, order, source, lock);
        String what = order.test() ? "Test burst: " : full ? "Full burst: " : "What is left of today: ";
        return new JsonObject().put("status", "triggered").put("burst_id", burstId)
            .put("message", what + order.reels() + " reel(s) and " + order.posts() + " post(s) over "
                + String.join(", ", order.brands()))
            .put("test_mode", order.test()).put("reels", order.reels()).put("posts", order.posts())
            .put("brands", new JsonArray(order.brands())).put("ready_scheduled", 0);
      });
    });
  }

  private JsonObject lockRow(String burstId, String source, BurstOrder order) {
    return new JsonObject().put("burst_id", burstId).put("node", node).put("source", source)
        .put("test_mode", order.test()).put("posts", order.posts()).put("reels", order.reels())
        .put("brands", new JsonArray(order.brands())).put("per_brand", order.perBrandJson())
        .put("started_at", java.time.Instant.now().toString()).put("current_phase", "planning")
        .putNull("current_agent");
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
   * wins; the loser hands the lock back. The daily burst makes what is left of the day's quota, so a day already
   * filled by earlier triggers gets no duplicates.
   */
  private Future<Void> daily(String userId, String today) {
    return repository.settings(userId).compose(settings -> {
      if (settings.getBoolean(BurstRepository.PAUSED, false) || today.equals(settings.getValue(BurstRepository.LAST_DAILY_RUN))) {
        return Future.succeededFuture();
      }
      return Future.all(brands.activeIds(userId), agents.proposalsSince(userId,
          BurstOrder.dayStart(config.string(MaestroConfig.BURST_TIME_ZONE)).toOffsetDateTime())).compose(all -> {
        Set<String> active = all.resultAt(0);
        int postsPerBrand = settings.getBoolean(BurstRepository.POSTS_PAUSED, false) ? 0
            : config.integer(MaestroConfig.BURST_POSTS_PER_BRAND);
        BurstOrder order = BurstOrder.remaining(new ArrayList<>(active), config.integer(MaestroConfig.BURST_REELS_PER_BRAND),
            postsPerBrand, all.resultAt(1));
        String burstId = "daily-" + today + "-" + UUID.randomUUID().toString().substring(0, 4);
        JsonObject lock = lockRow(burstId, "daily", order);
        return repository.tryLock(userId, lock, lockTtl).compose(locked -> !locked ? Future.<Void>succeededFuture()
            : repository.claimDailyRun(userId, today).compose(won -> {
              if (!won || order.isEmpty()) {
                Future<Void> note = !won ? Future.succeededFuture() : activity.record(userId, "maestro",
                    "Daily burst skipped", "today's quota was already made by earlier bursts", "✅",
                    ActivityLog.Level.INFO).mapEmpty();
                return note.eventually(() -> repository.releaseLock(userId, burstId));
              }
              LOG.info("Daily burst {} for {}: {} reel(s), {} post(s)", burstId, userId, order.reels(), order.posts());
              runner.run(userId, burstId, order, "daily", lock);
              return Future.<Void>succeededFuture();
            }));
      });
    });
  }
}
