package io.maestro.schedule;

import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * All SQL about the publishing schedule. Booking relies on the table's UNIQUE (user_id, brand, slot_at): a slot is
 * claimed with INSERT … ON CONFLICT DO NOTHING and a taken one simply moves the booking on to the next candidate,
 * so concurrent completions (on any number of nodes) never share a slot and never need a lock. A second unique
 * index (user_id, job_id, brand) makes booking the same output twice a no-op.
 */
public final class ScheduleRepository {
  private static final int BATCH = 48;
  private static final int MAX_BATCHES = 20;

  private final Pool pool;

  public ScheduleRepository(Pool pool) {
    this.pool = pool;
  }

  /** A booking request for one completed brand output. */
  public record Booking(String userId, String brand, String variant, int offsetHours, String jobId, String title,
      String mediaUrl) {}

  /**
   * Books the first free slot after {@code after}; an output booked before (a regenerated job, a re-delivered
   * event) keeps its slot and gets its new title and media URL.
   */
  public Future<JsonObject> book(Booking booking, Instant after) {
    return refreshExisting(booking).compose(found -> found.isPresent() ? Future.succeededFuture(found.get())
        : tryBatch(booking, SlotPlan.next(booking.variant(), booking.offsetHours(), after, BATCH), 0, 0));
  }

  private Future<Optional<JsonObject>> refreshExisting(Booking booking) {
    return pool.preparedQuery("""
            UPDATE schedule SET title = $4, media_url = $5
             WHERE user_id = $1 AND job_id = $2 AND brand = $3 RETURNING *""")
        .execute(Tuple.of(booking.userId(), booking.jobId(), booking.brand(), booking.title(), booking.mediaUrl()))
        .map(ScheduleRepository::first);
  }

  private Future<JsonObject> tryBatch(Booking booking, List<Instant> candidates, int index, int batch) {
    if (index == candidates.size()) {
      if (batch + 1 >= MAX_BATCHES) {
        return Future.failedFuture(new MaestroException(FailureCode.CONFLICT, "no free " + booking.variant()
            + " slot for brand " + booking.brand() + " in the next " + MAX_BATCHES * BATCH + " slots"));
      }
      Instant last = candidates.get(candidates.size() - 1);
      return tryBatch(booking, SlotPlan.next(booking.variant(), booking.offsetHours(), last, BATCH), 0, batch + 1);
    }
    Instant slot = candidates.get(index);
    return pool.preparedQuery("""
            INSERT INTO schedule (user_id, brand, content_type, variant, slot_at, job_id, title, media_url)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT DO NOTHING
            RETURNING *""")
        .execute(Tuple.from(new Object[] {booking.userId(), booking.brand(), SlotPlan.contentType(booking.variant()),
            booking.variant(), slot.atOffset(ZoneOffset.UTC), booking.jobId(), booking.title(), booking.mediaUrl()}))
        .compose(rows -> {
          if (rows.size() == 1) {
            return Future.succeededFuture(json(rows.iterator().next()));
          }
          // taken — by another output, or by this very output booked concurrently elsewhere
          return existing(booking).compose(found -> found.isPresent() ? Future.succeededFuture(found.get())
              : tryBatch(booking, candidates, index + 1, batch));
        });
  }

  private Future<Optional<JsonObject>> existing(Booking booking) {
    return pool.preparedQuery("SELECT * FROM schedule WHERE user_id = $1 AND job_id = $2 AND brand = $3")
        .execute(Tuple.of(booking.userId(), booking.jobId(), booking.brand())).map(ScheduleRepository::first);
  }

  public Future<JsonArray> list(String userId, String brand, String status, Instant from, Instant to, int limit,
      int offset) {
    List<Object> params = new ArrayList<>(List.of(userId));
    StringBuilder where = new StringBuilder("user_id = $1");
    if (brand != null) {
      params.add(brand);
      where.append(" AND brand = $").append(params.size());
    }
    if (status != null) {
      params.add(status);
      where.append(" AND status = $").append(params.size());
    }
    if (from != null) {
      params.add(from.atOffset(ZoneOffset.UTC));
      where.append(" AND slot_at >= $").append(params.size());
    }
    if (to != null) {
      params.add(to.atOffset(ZoneOffset.UTC));
      where.append(" AND slot_at < $").append(params.size());
    }
    params.add(limit);
    params.add(offset);
    return pool.preparedQuery("SELECT * FROM schedule WHERE " + where + " ORDER BY slot_at, id LIMIT $"
            + (params.size() - 1) + " OFFSET $" + params.size())
        .execute(Tuple.from(params))
        .map(rows -> {
          JsonArray items = new JsonArray();
          rows.forEach(row -> items.add(json(row)));
          return items;
        });
  }

  public Future<Optional<JsonObject>> find(String userId, long id) {
    return pool.preparedQuery("SELECT * FROM schedule WHERE user_id = $1 AND id = $2")
        .execute(Tuple.of(userId, id)).map(ScheduleRepository::first);
  }

  /** Moves a scheduled item; fails with CONFLICT when the brand already has something in that slot. */
  public Future<Optional<JsonObject>> reschedule(String userId, long id, Instant slot) {
    return pool.preparedQuery("""
            UPDATE schedule SET slot_at = $3 WHERE user_id = $1 AND id = $2 AND status = 'scheduled' RETURNING *""")
        .execute(Tuple.of(userId, id, slot.atOffset(ZoneOffset.UTC)))
        .map(ScheduleRepository::first)
        .recover(e -> e instanceof PgException pg && "23505".equals(pg.getSqlState())
            ? Future.failedFuture(new MaestroException(FailureCode.CONFLICT, "brand already has an item scheduled at "
                + slot))
            : Future.failedFuture(e));
  }

  /** Removes the item, which frees its slot for the next booking. */
  public Future<Optional<JsonObject>> delete(String userId, long id) {
    return pool.preparedQuery("DELETE FROM schedule WHERE user_id = $1 AND id = $2 AND status = 'scheduled' RETURNING *")
        .execute(Tuple.of(userId, id)).map(ScheduleRepository::first);
  }

  private static Optional<JsonObject> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(json(rows.iterator().next()));
  }

  static JsonObject json(Row row) {
    OffsetDateTime slot = row.getOffsetDateTime("slot_at");
    return new JsonObject()
        .put("id", row.getLong("id"))
        .put("brand", row.getString("brand"))
        .put("content_type", row.getString("content_type"))
        .put("variant", row.getString("variant"))
        .put("slot_at", slot.toInstant().toString())
        .put("job_id", row.getString("job_id"))
        .put("title", row.getString("title"))
        .put("media_url", row.getString("media_url"))
        .put("status", row.getString("status"))
        .put("created_at", row.getOffsetDateTime("created_at").toInstant().toString());
  }
}
