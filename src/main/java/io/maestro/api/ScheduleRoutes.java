package io.maestro.api;

import io.maestro.bus.Addresses;
import io.maestro.jobs.JobService;
import io.maestro.schedule.ScheduleRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;

/**
 * The publishing calendar: list, reschedule, unschedule. Rescheduling keeps the one-item-per-slot rule (409 when the
 * brand's slot is taken) and writes the new time back into the job's brand output. Either change tells the publishers
 * (maestro.schedule.changed): each has armed its timer for the next due item it knew of, and an item moved earlier
 * must go out at its new time, not at the next backstop poll.
 */
final class ScheduleRoutes {
  private static final Set<String> STATUSES = Set.of("scheduled", "published", "cancelled");
  private static final Set<String> RESCHEDULE_FIELDS = Set.of("slot_at");

  private final Vertx vertx;
  private final ScheduleRepository schedule;
  private final JobService jobs;

  ScheduleRoutes(Vertx vertx, ScheduleRepository schedule, JobService jobs) {
    this.vertx = vertx;
    this.schedule = schedule;
    this.jobs = jobs;
  }

  void mount(Router router) {
    router.get("/api/schedule").handler(this::list);
    router.get("/api/schedule/:id").handler(this::get);
    router.post("/api/schedule/:id/reschedule").handler(this::reschedule);
    router.post("/api/schedule/:id/unschedule").handler(this::unschedule);
    router.delete("/api/schedule/:id").handler(this::unschedule);
  }

  private void list(RoutingContext ctx) {
    Instant from = time(Query.text(ctx, "from", 40), "from");
    Instant to = time(Query.text(ctx, "to", 40), "to");
    schedule.list(Auth.userId(ctx), Query.text(ctx, "brand", 64), Query.oneOf(ctx, "status", STATUSES), from, to,
            Query.integer(ctx, "limit", 100, 1, 500), Query.integer(ctx, "offset", 0, 0, 1_000_000))
        .onSuccess(items -> Responses.json(ctx, 200, new JsonObject().put("count", items.size()).put("items", items)))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    schedule.find(Auth.userId(ctx), id(ctx)).onSuccess(item -> respond(ctx, item, i -> i)).onFailure(ctx::fail);
  }

  private void reschedule(RoutingContext ctx) {
    JsonInput in = JsonInput.of(ctx, false, RESCHEDULE_FIELDS);
    Instant slot = time(in.string("slot_at", true, 40), "slot_at");
    if (!slot.isAfter(Instant.now())) {
      throw ApiError.invalid("slot_at", "must be in the future, got " + slot);
    }
    String userId = Auth.userId(ctx);
    long id = id(ctx);
    schedule.reschedule(userId, id, slot)
        .compose(item -> item.isEmpty() ? Future.succeededFuture(item)
            : jobs.setScheduledTime(userId, item.get().getString("job_id"), item.get().getString("brand"),
                item.get().getString("slot_at")).map(item))
        .onSuccess(this::scheduleChanged)
        .onSuccess(item -> respond(ctx, item, i -> new JsonObject().put("status", "rescheduled").put("item", i)))
        .onFailure(ctx::fail);
  }

  private void unschedule(RoutingContext ctx) {
    String userId = Auth.userId(ctx);
    schedule.delete(userId, id(ctx))
        .compose(item -> item.isEmpty() ? Future.succeededFuture(item)
            : jobs.setScheduledTime(userId, item.get().getString("job_id"), item.get().getString("brand"), null)
                .map(item))
        .onSuccess(this::scheduleChanged)
        .onSuccess(item -> respond(ctx, item, i -> new JsonObject().put("status", "unscheduled").put("item", i)))
        .onFailure(ctx::fail);
  }

  private void scheduleChanged(Optional<JsonObject> item) {
    if (item.isPresent()) {
      vertx.eventBus().publish(Addresses.SCHEDULE_CHANGED, new JsonObject());
    }
  }

  private static void respond(RoutingContext ctx, Optional<JsonObject> item,
      java.util.function.Function<JsonObject, JsonObject> view) {
    if (item.isEmpty()) {
      ctx.fail(ApiError.notFound("scheduled item " + Responses.safe(ctx.pathParam("id"))));
    } else {
      Responses.json(ctx, 200, view.apply(item.get()));
    }
  }

  private static long id(RoutingContext ctx) {
    String raw = ctx.pathParam("id");
    try {
      long id = Long.parseLong(raw);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException ignored) {
      // falls through to 404
    }
    throw ApiError.notFound("scheduled item " + Responses.safe(raw));
  }

  private static Instant time(String value, String field) {
    if (value == null) {
      return null;
    }
    try {
      return java.time.OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw ApiError.invalid(field, "must be an ISO-8601 time with offset, e.g. 2026-01-31T08:00:00Z");
    }
  }
}
