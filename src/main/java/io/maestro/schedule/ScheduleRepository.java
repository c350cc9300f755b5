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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * All SQL about the publishing schedule. Booking relies on the table's UNIQUE (user_id, brand, slot_at): one
 * statement picks the first free candidate slot and inserts it with ON CONFLICT DO NOTHING, so concurrent
 * completions (on any number of nodes) never share a slot and never need a lock — the loser of a race simply runs
 * the statement again and finds the next slot. A second unique index (user_id, job_id, brand) makes booking the
 * same output twice a no-op.
 *
 * <p>Cost per booking is flat however long the brand's schedule is: the statement starts its search at the end of
 * the run of taken slots remembered in schedule_frontier (V9), so it probes a bounded window of candidates with
 * one index lookup each (O(log n)) instead of walking the whole backlog.
 */
public final class ScheduleRepository {
  /** Days of candidate slots one booking statement looks at; a full window moves the search on by as much. */
  static final int WINDOW_DAYS = 16;
  /** Enough for years of backlog behind a stale hint, and for a few dozen racing bookers of one brand. */
  private static final int MAX_ATTEMPTS = 200;

  /*
   * $1 user, $2 brand, $3 content type, $4 variant, $5 job, $6 title, $7 media URL, $8 after (the booking's lower
   * bound), $9 from (>= $8: every candidate in ($8, $9] is known to be taken), $10 the variant's hours,
   * $11 the brand's offset. The frontier is used when it covers $9, and is extended only if no one moved it
   * since this statement read it (a concurrent cut by an unschedule wins). Returns one row: the booked item's
   * columns (null when nothing was inserted), the candidate tried and the end of the window searched.
   */
  private static final String BOOK = """
      WITH f AS (
        SELECT low, high FROM schedule_frontier WHERE user_id = $1 AND brand = $2 AND variant = $4),
      s AS (
        SELECT CASE WHEN f.low <= $9 AND $9 <= f.high THEN f.high ELSE $9 END AS start,
               CASE WHEN f.low <= $9 AND $9 <= f.high THEN LEAST(f.low, $8) ELSE $8 END AS low,
               f.high AS seen
          FROM (SELECT 1) one LEFT JOIN f ON true),
      w AS (
        SELECT start, low, seen, date_trunc('day', start AT TIME ZONE 'UTC') AS day0 FROM s),
      cand AS (
        SELECT c.slot
          FROM w,
               generate_series(w.day0 - interval '2 days', w.day0 + make_interval(days => $12), interval '1 day') d(day),
               unnest($10::int[]) h(hour),
               LATERAL (SELECT (d.day + make_interval(hours => h.hour + $11)) AT TIME ZONE 'UTC' AS slot) c
         WHERE c.slot > w.start
           AND c.slot <= (w.day0 + make_interval(days => $12)) AT TIME ZONE 'UTC'
           -- OFFSET 0 keeps this a per-candidate index probe: as an anti-join the planner would hash the whole
           -- schedule of the brand, O(n) per booking
           AND NOT EXISTS (SELECT 1 FROM schedule t WHERE t.user_id = $1 AND t.brand = $2 AND t.slot_at = c.slot
                           OFFSET 0)
         ORDER BY c.slot
         LIMIT 1),
      ins AS (
        INSERT INTO schedule (user_id, brand, content_type, variant, slot_at, job_id, title, media_url)
        SELECT $1, $2, $3, $4, cand.slot, $5, $6, $7 FROM cand
        ON CONFLICT DO NOTHING
        RETURNING *),
      fr AS (
        INSERT INTO schedule_frontier AS old (user_id, brand, variant, low, high)
        SELECT $1, $2, $4, w.low, ins.slot_at FROM ins, w
        ON CONFLICT (user_id, brand, variant) DO UPDATE SET low = EXCLUDED.low, high = EXCLUDED.high
         WHERE old.high IS NOT DISTINCT FROM (SELECT seen FROM w))
      SELECT ins.*, (SELECT slot FROM cand) AS candidate,
             (SELECT (day0 + make_interval(days => $12)) AT TIME ZONE 'UTC' FROM w) AS window_end
        FROM (SELECT 1) one LEFT JOIN ins ON true""";

  /*
   * Many outputs of one brand and variant at once (a backlog of completions): the first k free candidates paired
   * with the k outputs in order. $5..$7 are arrays; $12 is a window wide enough for k candidates. The frontier moves
   * only if every output got its slot (then every candidate up to the last one is taken). Outputs that did not get
   * a slot (a race, a full window, booked meanwhile) are left to single bookings.
   */
  private static final String BOOK_MANY = """
      WITH f AS (
        SELECT low, high FROM schedule_frontier WHERE user_id = $1 AND brand = $2 AND variant = $4),
      s AS (
        SELECT CASE WHEN f.low <= $9 AND $9 <= f.high THEN f.high ELSE $9 END AS start,
               CASE WHEN f.low <= $9 AND $9 <= f.high THEN LEAST(f.low, $8) ELSE $8 END AS low,
               f.high AS seen
          FROM (SELECT 1) one LEFT JOIN f ON true),
      w AS (
        SELECT start, low, seen, date_trunc('day', start AT TIME ZONE 'UTC') AS day0 FROM s),
      items AS (
        SELECT * FROM unnest($5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS i(job_id, title, media_url, n)),
      cand AS (
        SELECT c.slot, row_number() OVER (ORDER BY c.slot) AS n
          FROM w,
               generate_series(w.day0 - interval '2 days', w.day0 + make_interval(days => $12), interval '1 day') d(day),
               unnest($10::int[]) h(hour),
               LATERAL (SELECT (d.day + make_interval(hours => h.hour + $11)) AT TIME ZONE 'UTC' AS slot) c
         WHERE c.slot > w.start
           AND c.slot <= (w.day0 + make_interval(days => $12)) AT TIME ZONE 'UTC'
           AND NOT EXISTS (SELECT 1 FROM schedule t WHERE t.user_id = $1 AND t.brand = $2 AND t.slot_at = c.slot
                           OFFSET 0)
         ORDER BY c.slot
         LIMIT cardinality($5::text[])),
      ins AS (
        INSERT INTO schedule (user_id, brand, content_type, variant, slot_at, job_id, title, media_url)
        SELECT $1, $2, $3, $4, cand.slot, items.job_id, items.title, items.media_url
          FROM items JOIN cand ON cand.n = items.n
        ON CONFLICT DO NOTHING
        RETURNING *),
      fr AS (
        INSERT INTO schedule_frontier AS old (user_id, brand, variant, low, high)
        SELECT $1, $2, $4, w.low, max(ins.slot_at) FROM ins, w GROUP BY w.low
        HAVING count(*) = cardinality($5::text[])
        ON CONFLICT (user_id, brand, variant) DO UPDATE SET low = EXCLUDED.low, high = EXCLUDED.high
         WHERE old.high IS NOT DISTINCT FROM (SELECT seen FROM w))
      SELECT * FROM ins""";

  private static final String REFRESH_MANY = """
      UPDATE schedule s SET title = u.title, media_url = u.media_url
        FROM unnest($3::text[], $4::text[], $5::text[]) AS u(job_id, title, media_url)
       WHERE s.user_id = $1 AND s.brand = $2 AND s.job_id = u.job_id
      RETURNING s.*""";

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
        : attempt(booking, after, after, 0));
  }

  /**
   * Books many outputs of one brand, variant and offset in two statements: those booked before keep their slot
   * (and get their new title and media URL), the others take the first free slots in order. Returns the items by
   * job id; an output missing from the result is left for {@link #book}, which always finds it a slot.
   */
  public Future<Map<String, JsonObject>> bookBatch(List<Booking> batch, Instant after) {
    Booking first = batch.get(0);
    String[] jobIds = batch.stream().map(Booking::jobId).toArray(String[]::new);
    String[] titles = batch.stream().map(Booking::title).toArray(String[]::new);
    String[] mediaUrls = batch.stream().map(Booking::mediaUrl).toArray(String[]::new);
    Map<String, JsonObject> booked = new HashMap<>();
    return pool.preparedQuery(REFRESH_MANY)
        .execute(Tuple.of(first.userId(), first.brand(), jobIds, titles, mediaUrls))
        .compose(refreshed -> {
          refreshed.forEach(row -> booked.put(row.getString("job_id"), json(row)));
          List<Booking> rest = batch.stream().filter(b -> !booked.containsKey(b.jobId())).toList();
          if (rest.isEmpty()) {
            return Future.succeededFuture(booked);
          }
          Integer[] hours = Arrays.stream(SlotPlan.hours(first.variant())).boxed().toArray(Integer[]::new);
          return pool.preparedQuery(BOOK_MANY)
              .execute(Tuple.from(new Object[] {first.userId(), first.brand(), SlotPlan.contentType(first.variant()),
                  first.variant(), rest.stream().map(Booking::jobId).toArray(String[]::new),
                  rest.stream().map(Booking::title).toArray(String[]::new),
                  rest.stream().map(Booking::mediaUrl).toArray(String[]::new), utc(after), utc(after), hours,
                  first.offsetHours(), WINDOW_DAYS + rest.size()}))
              .map(rows -> {
                rows.forEach(row -> booked.put(row.getString("job_id"), json(row)));
                return booked;
              });
        });
  }

  private Future<Optional<JsonObject>> refreshExisting(Booking booking) {
    return pool.preparedQuery("""
            UPDATE schedule SET title = $4, media_url = $5
             WHERE user_id = $1 AND job_id = $2 AND brand = $3 RETURNING *""")
        .execute(Tuple.of(booking.userId(), booking.jobId(), booking.brand(), booking.title(), booking.mediaUrl()))
        .map(ScheduleRepository::first);
  }

  private Future<JsonObject> attempt(Booking booking, Instant after, Instant from, int attempts) {
    if (attempts >= MAX_ATTEMPTS) {
      return Future.failedFuture(new MaestroException(FailureCode.CONFLICT, "no free " + booking.variant()
          + " slot for brand " + booking.brand() + " after " + MAX_ATTEMPTS + " attempts"));
    }
    Integer[] hours = Arrays.stream(SlotPlan.hours(booking.variant())).boxed().toArray(Integer[]::new);
    return pool.preparedQuery(BOOK)
        .execute(Tuple.from(new Object[] {booking.userId(), booking.brand(), SlotPlan.contentType(booking.variant()),
            booking.variant(), booking.jobId(), booking.title(), booking.mediaUrl(), utc(after), utc(from), hours,
            booking.offsetHours(), WINDOW_DAYS}))
        .compose(rows -> {
          Row row = rows.iterator().next();
          if (row.getValue("id") != null) {
            return Future.succeededFuture(json(row));
          }
          if (row.getValue("candidate") == null) { // every slot in the window is taken: search the next one
            return attempt(booking, after, row.getOffsetDateTime("window_end").toInstant(), attempts + 1);
          }
          // lost a race for the slot — to another output, or to this very output booked concurrently elsewhere
          return refreshExisting(booking).compose(found -> found.isPresent() ? Future.succeededFuture(found.get())
              : attempt(booking, after, from, attempts + 1));
        });
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
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
