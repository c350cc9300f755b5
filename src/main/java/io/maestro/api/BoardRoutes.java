package io.maestro.api;

import io.maestro.activity.ActivityLog;
import io.maestro.agents.AgentRepository;
import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.maestro.jobs.JobBoard;
import io.maestro.jobs.JobJson;
import io.maestro.jobs.JobRepository;
import io.maestro.jobs.JobService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The Observatory's jobs view: one filtered page newest first (keyset cursor), counts per status from the database
 * (never from what a page loaded), one job's whole story, and bulk retry/cancel/delete of a selection. Reads only,
 * except the bulk action, which runs the same statements as the single-job routes, one job at a time, for the user.
 */
final class BoardRoutes {
  /** A selection larger than this is a 422: a bulk request stays one short, bounded piece of work. */
  static final int MAX_BULK = 100;
  private static final Set<String> BULK_FIELDS = Set.of("action", "job_ids");
  private static final Set<String> ACTIONS = Set.of("retry", "cancel", "delete");
  private static final Pattern JOB_ID = Pattern.compile("GEN-\\d{6,12}");
  private static final Set<String> CATEGORIES = new TreeSet<>(Arrays.stream(FailureCode.values())
      .map(FailureCode::category).toList());

  private final JobBoard board;
  private final JobRepository jobs;
  private final JobService service;
  private final AgentRepository agents;
  private final ActivityLog activity;

  BoardRoutes(Vertx vertx, Pool pool, JobService service) {
    this.board = new JobBoard(pool);
    this.jobs = new JobRepository(pool);
    this.service = service;
    this.agents = new AgentRepository(pool);
    this.activity = new ActivityLog(vertx, pool);
  }

  void mount(Router router) {
    router.get("/api/observatory/jobs").handler(this::page);
    router.get("/api/observatory/jobs/counts").handler(this::counts);
    router.get("/api/observatory/jobs/:job_id").handler(this::detail);
    router.post("/api/observatory/jobs/bulk").handler(this::bulk);
  }

  private JobBoard.Filter filter(RoutingContext ctx) {
    String search = Query.text(ctx, "q", 200);
    return new JobBoard.Filter(Query.oneOf(ctx, "status", JobRoutes.STATUSES), Query.text(ctx, "brand", 64),
        Query.oneOf(ctx, "variant", JobRoutes.VARIANTS), category(ctx),
        search == null || search.isBlank() ? null : search.strip());
  }

  /** Any category word, not only today's taxonomy: rows written under an older taxonomy stay findable. */
  private static String category(RoutingContext ctx) {
    String category = Query.text(ctx, "category", 64);
    if (category != null && !category.matches("[a-z0-9_]+")) {
      throw ApiError.invalid("category", "must be a failure category such as " + String.join(", ", CATEGORIES));
    }
    return category;
  }

  private void page(RoutingContext ctx) {
    JobBoard.Filter filter = filter(ctx);
    int limit = Query.integer(ctx, "limit", 50, 1, 200);
    String rawCursor = Query.text(ctx, "cursor", 60);
    JobBoard.Cursor cursor = JobBoard.decode(rawCursor);
    if (rawCursor != null && cursor == null) {
      throw ApiError.invalid("cursor", "is not a cursor this API returned (use next_cursor of the previous page)");
    }
    board.page(Auth.userId(ctx), filter, cursor, limit)
        .onSuccess(page -> Responses.json(ctx, 200, page))
        .onFailure(ctx::fail);
  }

  private void counts(RoutingContext ctx) {
    board.counts(Auth.userId(ctx), filter(ctx))
        .onSuccess(counts -> Responses.json(ctx, 200, counts.put("failure_categories", new JsonArray(
            CATEGORIES.stream().toList()))))
        .onFailure(ctx::fail);
  }

  /** The job, every attempt (stack included), the proposal and verdict behind it, and its schedule rows. */
  private void detail(RoutingContext ctx) {
    String userId = Auth.userId(ctx);
    String jobId = jobId(ctx.pathParam("job_id"));
    jobs.find(userId, jobId).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(ApiError.notFound("job " + jobId));
      }
      JsonObject job = JobJson.publicView(found.get());
      String proposalId = job.getString("proposal_id");
      Future<Optional<JsonObject>> proposal = proposalId == null ? Future.succeededFuture(Optional.empty())
          : agents.findProposal(userId, proposalId);
      Future<Optional<JsonArray>> attempts = jobs.attempts(userId, jobId);
      Future<JsonArray> schedule = board.scheduleOf(userId, jobId);
      return Future.all(proposal, attempts, schedule).map(all -> new JsonObject().put("job", job)
          .put("attempts", attempts.result().orElse(new JsonArray()))
          .put("proposal", proposal.result().orElse(null))
          .put("schedule", schedule.result()));
    }).onSuccess(body -> Responses.json(ctx, 200, body)).onFailure(ctx::fail);
  }

  private void bulk(RoutingContext ctx) {
    JsonInput in = JsonInput.of(ctx, false, BULK_FIELDS);
    String action = in.oneOf("action", true, ACTIONS);
    JsonArray ids = in.strings("job_ids", true, MAX_BULK, 20);
    Set<String> distinct = new java.util.LinkedHashSet<>();
    for (int i = 0; i < ids.size(); i++) {
      if (!JOB_ID.matcher(ids.getString(i)).matches()) {
        throw ApiError.invalid("job_ids[" + i + "]", "must be a job id like GEN-000123");
      }
      distinct.add(ids.getString(i));
    }
    String userId = Auth.userId(ctx);
    JsonArray results = new JsonArray();
    Future<Void> chain = Future.succeededFuture();
    for (String jobId : distinct) {
      // one at a time: a selection never holds more than one pool connection of a shared API node
      chain = chain.compose(v -> one(userId, action, jobId).map(result -> {
        results.add(result);
        return null;
      }));
    }
    chain.compose(v -> {
      long ok = results.stream().filter(r -> ((JsonObject) r).getBoolean("ok")).count();
      JsonObject body = new JsonObject().put("action", action).put("requested", distinct.size())
          .put("succeeded", ok).put("failed", distinct.size() - ok).put("results", results);
      return ok == 0 ? Future.succeededFuture(body) : activity.record(userId, "observatory", "Bulk " + action,
              "bulk " + action + " of " + ok + " job(s) from the Observatory", "", ActivityLog.Level.INFO)
          .map(body).otherwise(body);
    }).onSuccess(body -> Responses.json(ctx, 200, body)).onFailure(ctx::fail);
  }

  /**
   * One job of a bulk action: {job_id, ok, status} or {job_id, ok:false, error} (not found / wrong state / a retry
   * past the queue limit, which leaves the job failed).
   */
  private Future<JsonObject> one(String userId, String action, String jobId) {
    Future<Optional<JsonObject>> done = switch (action) {
      case "retry" -> service.retry(userId, jobId);
      case "cancel" -> service.cancel(userId, jobId);
      default -> service.delete(userId, jobId).map(deleted -> deleted
          ? Optional.of(new JsonObject().put("job_id", jobId).put("status", "deleted")) : Optional.empty());
    };
    return done.compose(job -> {
      if (job.isPresent()) {
        return Future.succeededFuture(new JsonObject().put("job_id", jobId).put("ok", true)
            .put("status", job.get().getString("status")));
      }
      return jobs.find(userId, jobId).map(found -> new JsonObject().put("job_id", jobId).put("ok", false)
          .put("error", found.isEmpty() ? "not_found" : "conflict")
          .put("message", found.isEmpty() ? "job " + jobId + " not found"
              : "job " + jobId + " is " + found.get().getString("status") + " and cannot be "
                  + ("retry".equals(action) ? "retried: only failed jobs can" : action + "led")));
    }, e -> e instanceof MaestroException m && m.code() == FailureCode.QUEUE_FULL
        ? Future.succeededFuture(new JsonObject().put("job_id", jobId).put("ok", false).put("error", "queue_full")
            .put("message", m.getMessage()))
        : Future.failedFuture(e));
  }

  private static String jobId(String id) {
    if (id == null || !JOB_ID.matcher(id).matches()) {
      throw ApiError.notFound("job " + Responses.safe(id));
    }
    return id;
  }
}
