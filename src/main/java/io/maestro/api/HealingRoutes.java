package io.maestro.api;

import io.maestro.activity.ActivityLog;
import io.maestro.bus.Addresses;
import io.maestro.failure.FailureCode;
import io.maestro.healing.HealingRepository;
import io.maestro.failure.RetryPolicy;
import io.maestro.jobs.JobRepository;
import io.maestro.jobs.JobService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The healer's routes: its state in the Observatory contract's shape, a cycle on demand (through the healer actor,
 * so it takes the same cluster-wide lock), an operator's retry of one failed job, and a report over a window.
 */
final class HealingRoutes {
  private static final Pattern JOB_ID = Pattern.compile("GEN-\\d{6,12}");
  private static final int RECENT_NOTIFICATIONS = 20;
  private static final int FAILED_LIST_LIMIT = 200;
  private static final int SNIPPET_CHARS = 300;
  /** A cycle over a large backlog may take a while; the HTTP caller waits for its report. */
  private static final long CYCLE_REPLY_TIMEOUT_MS = 120_000;

  private final Vertx vertx;
  private final HealingRepository healing;
  private final JobRepository jobs;
  private final JobService service;
  private final ActivityLog activity;

  HealingRoutes(Vertx vertx, Pool pool, JobService service) {
    this.vertx = vertx;
    this.healing = new HealingRepository(pool);
    this.jobs = new JobRepository(pool);
    this.service = service;
    this.activity = new ActivityLog(vertx, pool);
  }

  void mount(Router router) {
    router.get("/api/maestro/healing").handler(this::state);
    router.post("/api/maestro/trigger-healing").handler(this::trigger);
    router.post("/api/maestro/retry-job/:job_id").handler(this::retry);
    router.get("/api/healing/report").handler(this::report);
  }

  private void state(RoutingContext ctx) {
    String userId = Auth.userId(ctx);
    Future.all(healing.counters(userId), healing.recentNotifications(userId, RECENT_NOTIFICATIONS),
            healing.failedSince(userId, 24, FAILED_LIST_LIMIT))
        .onSuccess(all -> {
          JsonObject state = all.resultAt(0);
          JsonArray notes = new JsonArray();
          ((JsonArray) all.resultAt(1)).forEach(n -> {
            JsonObject note = ((JsonObject) n).copy();
            note.remove("user_id");
            notes.add(note);
          });
          List<Row> failed = all.resultAt(2);
          JsonArray failedJobs = new JsonArray();
          failed.forEach(row -> failedJobs.add(failedJob(row)));
          long total = failed.isEmpty() ? 0 : failed.get(0).getLong("total_failed");
          long byMaestro = failed.isEmpty() ? 0 : failed.get(0).getLong("maestro_created_failures");
          Responses.json(ctx, 200, new JsonObject()
              .put("healing", state.put("recent_notifications", notes))
              .put("failed_jobs_24h", failedJobs)
              .put("total_failed", total)
              .put("maestro_created_failures", byMaestro));
        })
        .onFailure(ctx::fail);
  }

  private static JsonObject failedJob(Row row) {
    FailureCode code = RetryPolicy.diagnose(row.getInteger("error_code"), row.getString("error_message"));
    boolean permanent = "permanent".equals(row.getString("healing_state"));
    String message = row.getString("error_message");
    OffsetDateTime created = row.getOffsetDateTime("created_at");
    return new JsonObject()
        .put("job_id", row.getString("job_id"))
        .put("brand", row.getString("brand"))
        .put("variant", row.getString("variant"))
        .put("title", row.getString("title"))
        .put("error_snippet", message == null || message.length() <= SNIPPET_CHARS ? message
            : message.substring(0, SNIPPET_CHARS))
        .put("created_at", created == null ? null : created.toInstant().toString())
        .put("is_maestro_created", row.getString("proposal_id") != null)
        .put("agent", row.getString("agent_name"))
        .put("diagnosis", new JsonObject()
            .put("category", code.category())
            .put("retryable", code.retryable())
            .put("suggested_action", permanent ? RetryPolicy.permanentAction(code) : code.suggestedAction()))
        .put("retry_count", row.getInteger("retry_count"))
        .put("max_retries", row.getInteger("max_retries"))
        .put("healing_state", row.getString("healing_state"));
  }

  private void trigger(RoutingContext ctx) {
    JsonInput.of(ctx, true, Set.of()); // no body fields: an unexpected one is a 422, not silently ignored
    vertx.eventBus().<JsonObject>request(Addresses.HEALER_RUN, new JsonObject().put("trigger", "api"),
            new DeliveryOptions().setSendTimeout(CYCLE_REPLY_TIMEOUT_MS))
        .compose(reply -> ownView(Auth.userId(ctx), reply.body()))
        .onSuccess(report -> Responses.json(ctx, 200, report))
        .onFailure(ctx::fail);
  }

  /**
   * The cycle is node-wide (it heals every user's jobs), so its report is cut down to the caller's own jobs: the
   * counts stay (numbers only), the per-job lists keep only jobs the caller owns.
   */
  private Future<JsonObject> ownView(String userId, JsonObject report) {
    java.util.List<String> ids = new java.util.ArrayList<>();
    for (String list : REPORT_LISTS) {
      report.getJsonArray(list, new io.vertx.core.json.JsonArray())
          .forEach(item -> ids.add(((JsonObject) item).getString("job_id")));
    }
    return jobs.owned(userId, ids.toArray(String[]::new)).map(owned -> {
      JsonObject view = report.copy();
      for (String list : REPORT_LISTS) {
        io.vertx.core.json.JsonArray mine = new io.vertx.core.json.JsonArray();
        report.getJsonArray(list, new io.vertx.core.json.JsonArray())
            .forEach(item -> {
              if (owned.contains(((JsonObject) item).getString("job_id"))) {
                mine.add(item);
              }
            });
        view.put(list, mine);
      }
      return view;
    });
  }

  private static final java.util.List<String> REPORT_LISTS = java.util.List.of("rescued", "queued_too_long",
      "retried", "waiting_reset", "permanent", "deferred");

  private void retry(RoutingContext ctx) {
    String userId = Auth.userId(ctx);
    String jobId = ctx.pathParam("job_id");
    if (jobId == null || !JOB_ID.matcher(jobId).matches()) {
      throw ApiError.notFound("job " + Responses.safe(jobId));
    }
    JsonInput.of(ctx, true, Set.of());
    service.retry(userId, jobId)
        .compose(retried -> retried.isPresent() ? Future.succeededFuture(retried.get())
            : jobs.find(userId, jobId).compose(job -> Future.failedFuture(job.isEmpty()
                ? ApiError.notFound("job " + jobId)
                : ApiError.conflict("job " + jobId + " is " + job.get().getString("status")
                    + " and cannot be retried: only failed jobs can"))))
        .onSuccess(job -> {
          int retryNumber = job.getInteger("retry_count");
          String message = "Job " + jobId + " queued for manual retry " + retryNumber + " (last error: "
              + job.getString("error_category") + ")";
          activity.record(userId, "healer", "Manual retry", message, "🔁", ActivityLog.Level.INFO)
              .onComplete(ignored -> Responses.json(ctx, 200, new JsonObject().put("success", true)
                  .put("job_id", jobId).put("retry_number", retryNumber).put("message", message)));
        })
        .onFailure(ctx::fail);
  }

  private void report(RoutingContext ctx) {
    int hours = Query.integer(ctx, "hours", 24, 1, 24 * 90);
    healing.report(Auth.userId(ctx), hours)
        .onSuccess(rows -> {
          JsonObject byCategory = new JsonObject();
          TreeMap<String, Long> byOutcome = new TreeMap<>();
          JsonArray counts = new JsonArray();
          long total = 0;
          for (Row row : rows) {
            String category = row.getString("category");
            String outcome = row.getString("outcome");
            long count = row.getLong("count");
            total += count;
            JsonObject perCategory = byCategory.getJsonObject(category);
            if (perCategory == null) {
              perCategory = new JsonObject();
              byCategory.put(category, perCategory);
            }
            perCategory.put(outcome, count);
            byOutcome.merge(outcome, count, Long::sum);
            counts.add(new JsonObject().put("category", category).put("outcome", outcome).put("count", count));
          }
          Responses.json(ctx, 200, new JsonObject().put("hours", hours).put("total", total)
              .put("by_category", byCategory).put("by_outcome", new JsonObject(new java.util.LinkedHashMap<>(byOutcome)))
              .put("counts", counts));
        })
        .onFailure(ctx::fail);
  }
}
