package io.maestro.api;

import io.maestro.config.MaestroConfig;
import io.maestro.jobs.JobFilter;
import io.maestro.jobs.JobJson;
import io.maestro.jobs.JobRepository;
import io.maestro.jobs.JobService;
import io.maestro.jobs.JobSpec;
import io.maestro.variant.Variant;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The /jobs routes of the Observatory contract. Creating a job only queues it; workers pick it up at once. Every
 * change goes through the job service (queue limit, brand check, events); reads come straight from the repository.
 */
final class JobRoutes {
  private static final Set<String> CREATE_FIELDS = Set.of("title", "content_lines", "brands", "variant", "ai_prompt",
      "cta_type", "platforms", "fixed_title", "caption", "slide_texts");
  static final Set<String> VARIANTS = Variant.ids();
  static final Set<String> STATUSES = Set.of("pending", "generating", "completed", "failed", "cancelled");
  private static final Pattern JOB_ID = Pattern.compile("GEN-\\d{6,12}");

  private final JobService service;
  private final JobRepository jobs;
  private final int maxRetries;
  private final Limits limits;

  JobRoutes(JobService service, JobRepository jobs, MaestroConfig config) {
    this.service = service;
    this.jobs = jobs;
    this.maxRetries = config.integer(MaestroConfig.MAX_RETRIES);
    this.limits = new Limits(config);
  }

  void mount(Router router) {
    router.post("/jobs/create").handler(limits.rateLimit()).handler(this::create);
    router.get("/jobs").handler(this::list);
    router.get("/jobs/").handler(this::list);
    router.get("/jobs/:job_id").handler(ctx -> withJob(ctx, job -> JobJson.publicView(job)));
    router.get("/jobs/:job_id/status").handler(ctx -> withJob(ctx, job -> new JsonObject()
        .put("job_id", job.getString("job_id")).put("status", job.getString("status"))
        .put("current_step", job.getString("current_step")).put("progress_percent", job.getInteger("progress_percent"))
        .put("error_message", job.getString("error_message")).put("error_code", job.getInteger("error_code"))
        .put("error_category", job.getString("error_category"))));
    router.get("/jobs/:job_id/attempts").handler(this::attempts);
    router.post("/jobs/:job_id/cancel").handler(this::cancel);
    router.delete("/jobs/:job_id").handler(this::delete);
    router.post("/jobs/:job_id/regenerate").handler(this::regenerate);
  }

  private void create(RoutingContext ctx) {
    JsonInput in = JsonInput.of(ctx, false, CREATE_FIELDS);
    String title = in.string("title", true, 500);
    String variant = in.oneOf("variant", true, VARIANTS);
    JsonArray brandIds = in.strings("brands", true, 20, 64);
    JobSpec spec = new JobSpec(title.strip(), in.strings("content_lines", false, 50, 1000), variant,
        in.string("ai_prompt", false, 2000), in.string("cta_type", false, 100), distinct(brandIds),
        in.strings("platforms", false, 10, 50), in.bool("fixed_title", false), in.string("caption", false, 5000),
        in.strings("slide_texts", false, 20, 1000), null, maxRetries);
    service.enqueue(Auth.userId(ctx), spec)
        .onSuccess(job -> Responses.json(ctx, 200, new JsonObject().put("status", "created")
            .put("job_id", job.getString("job_id"))
            .put("message", "Job " + job.getString("job_id") + " queued for " + spec.brands().size() + " brand(s)")
            .put("job", JobJson.publicView(job))))
        .onFailure(ctx::fail);
  }

  private static JsonArray distinct(JsonArray values) {
    JsonArray out = new JsonArray();
    values.forEach(v -> {
      if (!out.contains(v)) {
        out.add(v);
      }
    });
    return out;
  }

  private void list(RoutingContext ctx) {
    JobFilter filter = new JobFilter(
        Query.oneOf(ctx, "status", STATUSES),
        Query.oneOf(ctx, "variant", VARIANTS),
        Query.text(ctx, "brand", 64),
        Query.integer(ctx, "limit", 50, 1, 200),
        Query.integer(ctx, "offset", 0, 0, 1_000_000));
    jobs.list(Auth.userId(ctx), filter)
        .onSuccess(page -> {
          page.getJsonArray("jobs").forEach(j -> ((JsonObject) j).remove(JobJson.INTERNAL_PK));
          Responses.json(ctx, 200, page);
        })
        .onFailure(ctx::fail);
  }

  private void withJob(RoutingContext ctx, Function<JsonObject, JsonObject> view) {
    jobs.find(Auth.userId(ctx), jobId(ctx)).onSuccess(job -> respond(ctx, job.map(view), 200)).onFailure(ctx::fail);
  }

  private void attempts(RoutingContext ctx) {
    String jobId = jobId(ctx);
    jobs.attempts(Auth.userId(ctx), jobId)
        .onSuccess(attempts -> respond(ctx, attempts.map(a -> new JsonObject().put("job_id", jobId)
            .put("attempts", a)), 200))
        .onFailure(ctx::fail);
  }

  private void cancel(RoutingContext ctx) {
    String userId = Auth.userId(ctx);
    String jobId = jobId(ctx);
    service.cancel(userId, jobId)
        .compose(cancelled -> cancelled.isPresent() ? Future.succeededFuture(cancelled)
            : explainRefusal(userId, jobId, "cancelled", "it has already completed or been cancelled"))
        .onSuccess(job -> respond(ctx, job.map(j -> new JsonObject().put("status", "cancelled").put("job_id", jobId)
            .put("message", "Job " + jobId + " cancelled")), 200))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    String jobId = jobId(ctx);
    service.delete(Auth.userId(ctx), jobId)
        .onSuccess(deleted -> respond(ctx, deleted ? Optional.of(new JsonObject().put("status", "deleted")
            .put("job_id", jobId).put("message", "Job " + jobId + " deleted")) : Optional.empty(), 200))
        .onFailure(ctx::fail);
  }

  private void regenerate(RoutingContext ctx) {
    String userId = Auth.userId(ctx);
    String jobId = jobId(ctx);
    service.regenerate(userId, jobId)
        .compose(job -> job.isPresent() ? Future.succeededFuture(job)
            : explainRefusal(userId, jobId, "regenerated", "it is still pending or generating"))
        .onSuccess(job -> respond(ctx, job.map(j -> new JsonObject().put("status", "queued").put("job_id", jobId)
            .put("message", "Job " + jobId + " queued for regeneration").put("job", JobJson.publicView(j))), 200))
        .onFailure(ctx::fail);
  }

  /** 404 when the job is not the user's (or does not exist), 409 when its state does not allow the action. */
  private Future<Optional<JsonObject>> explainRefusal(String userId, String jobId, String action, String why) {
    return jobs.find(userId, jobId).compose(job -> job.isEmpty() ? Future.succeededFuture(Optional.empty())
        : Future.failedFuture(ApiError.conflict("job " + jobId + " is " + job.get().getString("status")
            + " and cannot be " + action + ": " + why)));
  }

  private static String jobId(RoutingContext ctx) {
    String id = ctx.pathParam("job_id");
    if (id == null || !JOB_ID.matcher(id).matches()) {
      throw ApiError.notFound("job " + Responses.safe(id));
    }
    return id;
  }

  private static void respond(RoutingContext ctx, Optional<JsonObject> body, int status) {
    if (body.isEmpty()) {
      ctx.fail(ApiError.notFound("job " + Responses.safe(ctx.pathParam("job_id"))));
    } else {
      Responses.json(ctx, status, body.get());
    }
  }
}
