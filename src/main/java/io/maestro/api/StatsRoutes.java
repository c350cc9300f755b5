package io.maestro.api;

import io.maestro.brands.BrandRepository;
import io.maestro.jobs.JobBoard;
import io.maestro.schedule.SlotPlan;
import io.maestro.variant.Variant;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * The Observatory's read-only numbers and calendar: throughput and failures per hour from the attempts table, the
 * queue's depth and oldest pending age ({@code GET /api/observatory/stats}), and a brand's week of publishing slots
 * with the item booked in each ({@code GET /api/observatory/calendar}).
 */
final class StatsRoutes {
  /** The longest calendar window one request may ask for. */
  static final Duration MAX_WINDOW = Duration.ofDays(31);

  private final JobBoard board;
  private final BrandRepository brands;

  StatsRoutes(Pool pool) {
    this.board = new JobBoard(pool);
    this.brands = new BrandRepository(pool);
  }

  void mount(Router router) {
    router.get("/api/observatory/stats").handler(ctx -> board.stats(Auth.userId(ctx))
        .onSuccess(stats -> Responses.json(ctx, 200, stats.put("generated_at", Instant.now().toString())))
        .onFailure(ctx::fail));
    router.get("/api/observatory/calendar").handler(this::calendar);
  }

  private void calendar(RoutingContext ctx) {
    String brand = Query.text(ctx, "brand", 64);
    if (brand == null) {
      throw ApiError.invalid("brand", "is required");
    }
    Instant from = time(Query.text(ctx, "from", 40), "from");
    Instant to = time(Query.text(ctx, "to", 40), "to");
    if (from == null) {
      from = Instant.now().truncatedTo(ChronoUnit.DAYS);
    }
    if (to == null) {
      to = from.plus(Duration.ofDays(7));
    }
    if (!to.isAfter(from) || Duration.between(from, to).compareTo(MAX_WINDOW) > 0) {
      throw ApiError.invalid("to", "must be after from and at most " + MAX_WINDOW.toDays() + " days later");
    }
    String userId = Auth.userId(ctx);
    Instant start = from;
    Instant end = to;
    brands.find(userId, brand).compose(found -> {
      if (found.isEmpty()) {
        return io.vertx.core.Future.failedFuture(ApiError.notFound("brand " + Responses.safe(brand)));
      }
      int offset = found.get().getInteger("schedule_offset", 0);
      return board.calendar(userId, brand, start.atOffset(ZoneOffset.UTC), end.atOffset(ZoneOffset.UTC))
          .map(items -> new JsonObject().put("brand", brand).put("schedule_offset", offset)
              .put("from", start.toString()).put("to", end.toString())
              .put("slots", slots(offset, start, end)).put("items", items));
    }).onSuccess(body -> Responses.json(ctx, 200, body)).onFailure(ctx::fail);
  }

  /** Every publishing slot of the brand in the window: its time, the variant it is for and the content type. */
  private static JsonArray slots(int offset, Instant from, Instant to) {
    JsonArray out = new JsonArray();
    int perVariant = (int) (Duration.between(from, to).toDays() + 2) * 3;
    for (Variant variant : Variant.values()) {
      for (Instant slot : SlotPlan.next(variant.id(), offset, from.minusSeconds(1), perVariant)) {
        if (slot.isBefore(to)) {
          out.add(new JsonObject().put("slot_at", slot.toString()).put("variant", variant.id())
              .put("content_type", variant.contentType().id()));
        }
      }
    }
    return out;
  }

  private static Instant time(String value, String field) {
    if (value == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw ApiError.invalid(field, "must be an ISO-8601 time with offset, e.g. 2026-01-31T08:00:00Z");
    }
  }
}
