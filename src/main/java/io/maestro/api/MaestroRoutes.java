package io.maestro.api;

import io.maestro.activity.ActivityLog;
import io.maestro.agents.AgentRepository;
import io.maestro.brands.BrandRepository;
import io.maestro.burst.BurstOrder;
import io.maestro.burst.BurstRepository;
import io.maestro.bus.Addresses;
import io.maestro.config.MaestroConfig;
import io.maestro.examiner.ExaminerRepository;
import io.maestro.jobs.JobRepository;
import io.maestro.variant.ContentType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * /api/maestro of the contract, except healing. Commands go to the actors over the event bus; reads come straight
 * from the repositories. The status is a handful of primary-key and index-range reads (settings rows, the
 * trigger-maintained proposal counts, today's proposals, the newest 30 activity entries), cheap enough to poll.
 */
final class MaestroRoutes {
  private static final Set<String> TRIGGER_FIELDS = Set.of("test_mode", "posts", "reels", "brands");
  private static final Set<String> STATUSES = Set.of("pending", "accepted", "rejected", "expired");
  private static final Set<String> TYPES = ContentType.ids();

  private final Vertx vertx;
  private final AgentRepository agents;
  private final ExaminerRepository examiner;
  private final BurstRepository bursts;
  private final BrandRepository brands;
  private final JobRepository jobs;
  private final ActivityLog activity;
  private final MaestroConfig config;
  private final Limits limits;
  private final Instant startedAt = Instant.now();

  MaestroRoutes(Vertx vertx, io.vertx.sqlclient.Pool pool, MaestroConfig config) {
    this.vertx = vertx;
    this.agents = new AgentRepository(pool);
    this.examiner = new ExaminerRepository(pool);
    this.bursts = new BurstRepository(pool);
    this.brands = new BrandRepository(pool);
    this.jobs = new JobRepository(pool);
    this.activity = new ActivityLog(vertx, pool);
    this.config = config;
    this.limits = new Limits(config);
  }

  void mount(Router router) {
    router.get("/api/maestro/status").handler(this::status);
    router.post("/api/maestro/pause").handler(ctx -> pause(ctx, true));
    router.post("/api/maestro/resume").handler(ctx -> pause(ctx, false));
    router.post("/api/maestro/trigger-burst").handler(limits.rateLimit()).handler(this::triggerBurst);
    router.get("/api/maestro/proposals").handler(this::proposals);
    router.delete("/api/maestro/proposals/clear").handler(this::clear);
    router.get("/api/maestro/proposals/:id").handler(this::proposal);
    router.post("/api/maestro/proposals/:id/accept").handler(this::accept);
    router.post("/api/maestro/proposals/:id/reject").handler(this::reject);
    router.get("/api/maestro/examiner/stats").handler(this::examinerStats);
    router.get("/api/maestro/examiner/rejected").handler(this::examinerRejected);
  }

  // ---- commands

  /** {@code ?scope=posts} pauses or resumes only posts (posts_paused); the default is all of Maestro (is_paused). */
  private void pause(RoutingContext ctx, boolean paused) {
    JsonInput.of(ctx, true, Set.of()); // no body fields: malformed JSON or an unknown field is refused, not ignored
    boolean posts = "posts".equals(Query.oneOf(ctx, "scope", Set.of("all", "posts")));
    String key = posts ? BurstRepository.POSTS_PAUSED : BurstRepository.PAUSED;
    String what = posts ? "Posts" : "Maestro";
    bursts.setFlag(Auth.userId(ctx), key, paused)
        .onSuccess(changed -> Responses.json(ctx, 200, new JsonObject()
            .put("status", paused ? (changed ? "paused" : "already_paused") : (changed ? "resumed" : "already_running"))
            .put("message", what + (paused ? (changed ? " paused: no daily burst until resumed"
                : " was already paused") : (changed ? " resumed" : " was already running")))))
        .onFailure(ctx::fail);
  }

  private void triggerBurst(RoutingContext ctx) {
    boolean force = "true".equals(Query.oneOf(ctx, "force", Set.of("true", "false")));
    JsonInput in = JsonInput.of(ctx, true, TRIGGER_FIELDS);
    boolean test = in.bool("test_mode", false);
    int posts = in.integer("posts", 0, 0, 200);
    int reels = in.integer("reels", 0, 0, 200);
    limits.checkBurstSize(posts, reels);
    JsonArray brandIds = in.strings("brands", false, 50, 64);
    JsonObject request = new JsonObject().put("user_id", Auth.userId(ctx)).put("force", force).put("test_mode", test)
        .put("posts", posts).put("reels", reels).put("brands", brandIds).put("source", "api");
    vertx.eventBus().<JsonObject>request(Addresses.BURST_TRIGGER, request)
        .onSuccess(reply -> Responses.json(ctx, 200, reply.body()))
        .onFailure(ctx::fail);
  }

  private void accept(RoutingContext ctx) {
    JsonInput in = JsonInput.of(ctx, true, Set.of("notes"));
    JsonObject request = new JsonObject().put("user_id", Auth.userId(ctx)).put("proposal_id", proposalId(ctx))
        .put("notes", in.string("notes", false, 2000));
    vertx.eventBus().<JsonObject>request(Addresses.PROPOSALS_ACCEPT, request)
        .onSuccess(reply -> Responses.json(ctx, 200, reply.body()))
        .onFailure(ctx::fail);
  }

  private void reject(RoutingContext ctx) {
    JsonInput in = JsonInput.of(ctx, true, Set.of("notes"));
    String notes = in.string("notes", false, 2000);
    String userId = Auth.userId(ctx);
    String id = proposalId(ctx);
    agents.reject(userId, id, notes)
        .compose(rejected -> rejected.isPresent() ? Future.succeededFuture(rejected.get())
            : agents.findProposal(userId, id).compose(p -> Future.failedFuture(p.isEmpty()
                ? ApiError.notFound("proposal " + id)
                : ApiError.conflict("proposal " + id + " is " + p.get().getString("status") + "; only pending "
                    + "proposals can be rejected"))))
        .compose(p -> activity.record(userId, "reviewer", "Rejected", id + (notes == null ? "" : ": " + notes), "👎",
            ActivityLog.Level.INFO).map(p))
        .onSuccess(p -> Responses.json(ctx, 200, new JsonObject().put("status", "rejected").put("proposal_id", id)
            .put("proposal", p)))
        .onFailure(ctx::fail);
  }

  private void clear(RoutingContext ctx) {
    agents.clear(Auth.userId(ctx))
        .onSuccess(n -> Responses.json(ctx, 200, new JsonObject().put("status", "cleared").put("deleted", n)
            .put("message", n + " proposal(s) deleted; accepted ones are kept because their jobs refer to them")))
        .onFailure(ctx::fail);
  }

  // ---- reads

  private void proposals(RoutingContext ctx) {
    String status = Query.oneOf(ctx, "status", STATUSES);
    String agent = Query.text(ctx, "agent", 64);
    String type = Query.oneOf(ctx, "content_type", TYPES);
    int limit = Query.integer(ctx, "limit", 50, 1, 200);
    agents.listProposals(Auth.userId(ctx), status, agent, type, limit)
        .onSuccess(list -> Responses.json(ctx, 200, new JsonObject().put("count", list.size()).put("proposals", list)))
        .onFailure(ctx::fail);
  }

  private void proposal(RoutingContext ctx) {
    String id = proposalId(ctx);
    agents.findProposal(Auth.userId(ctx), id)
        .onSuccess(p -> {
          if (p.isEmpty()) {
            ctx.fail(ApiError.notFound("proposal " + id));
          } else {
            Responses.json(ctx, 200, p.get());
          }
        })
        .onFailure(ctx::fail);
  }

  private void examinerStats(RoutingContext ctx) {
    int days = Query.integer(ctx, "days", 7, 1, 365);
    examiner.stats(Auth.userId(ctx), days).onSuccess(s -> Responses.json(ctx, 200, s)).onFailure(ctx::fail);
  }

  private void examinerRejected(RoutingContext ctx) {
    int limit = Query.integer(ctx, "limit", 50, 1, 200);
    String brand = Query.text(ctx, "brand", 64);
    String type = Query.oneOf(ctx, "content_type", TYPES);
    examiner.rejected(Auth.userId(ctx), limit, brand, type)
        .onSuccess(list -> Responses.json(ctx, 200, new JsonObject().put("count", list.size()).put("proposals", list)))
        .onFailure(ctx::fail);
  }

  private void status(RoutingContext ctx) {
    String userId = Auth.userId(ctx);
    Future.all(java.util.List.of(bursts.settings(userId), agents.proposalCounts(userId),
            agents.proposalsSince(userId, BurstOrder.dayStart(config.string(MaestroConfig.BURST_TIME_ZONE))
                .toOffsetDateTime()),
            activity.recent(userId, 30), agents.active(userId), brands.activeIds(userId), jobs.queuedCount(userId)))
        .onSuccess(all -> Responses.json(ctx, 200, StatusView.build(config, startedAt, new StatusView.Rows(
            all.resultAt(0), all.resultAt(1), all.resultAt(2), all.resultAt(3), all.resultAt(4), all.resultAt(5),
            all.resultAt(6)))))
        .onFailure(ctx::fail);
  }

  private static String proposalId(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (id == null || !id.matches("[A-Z][A-Z0-9]{0,9}-\\d{1,9}")) {
      throw ApiError.notFound("proposal " + Responses.safe(id));
    }
    return id;
  }

  static String human(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return (s / 60) + "m " + (s % 60) + "s";
    }
    if (s < 86_400) {
      return (s / 3600) + "h " + (s % 3600 / 60) + "m";
    }
    return (s / 86_400) + "d " + (s % 86_400 / 3600) + "h";
  }

}
