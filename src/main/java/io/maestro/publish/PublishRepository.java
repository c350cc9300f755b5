package io.maestro.publish;

import io.maestro.failure.Failure;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * All SQL of publishing. An item is claimed with {@code FOR UPDATE SKIP LOCKED} and flipped to {@code publishing}
 * under a lease in the same statement, so on any number of nodes exactly one publisher holds it; every later write
 * of the item re-checks that lease. Platform results are written as soon as each platform answers, independent of
 * the lease: a post that went out is recorded even if the lease was lost meanwhile, so it is never sent again.
 */
public final class PublishRepository {
  /** Due time of an item: its slot, unless publish-now, a backoff or a limit's reset moved it. */
  static final String DUE = "coalesce(release_at, slot_at)";

  static final String CLAIM = """
      WITH due AS (
        SELECT id FROM schedule
         WHERE status = 'scheduled' AND coalesce(release_at, slot_at) <= now()
         ORDER BY coalesce(release_at, slot_at), id
         LIMIT $2
           FOR UPDATE SKIP LOCKED
      )
      UPDATE schedule s
         SET status = 'publishing', lease_owner = $1, lease_expires_at = now() + $3 * interval '1 millisecond',
             publish_attempts = s.publish_attempts + 1, updated_at = now()
        FROM due
       WHERE s.id = due.id
      RETURNING s.*,
        (SELECT coalesce(j.brand_outputs -> s.brand ->> 'caption', j.caption) FROM jobs j
          WHERE j.user_id = s.user_id AND j.job_id = s.job_id) AS caption,
        (SELECT j.platforms FROM jobs j WHERE j.user_id = s.user_id AND j.job_id = s.job_id) AS job_platforms""";

  static final String NEXT_DUE = "SELECT min(" + DUE + ") FROM schedule WHERE status = 'scheduled'";

  static final String RECORD_RESULT = """
      INSERT INTO publish_results (schedule_id, user_id, platform, status, dry_run, post_id, permalink, error_code,
                                   error_category, error_message, reset_at, published_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, CASE WHEN $4 = 'published' THEN now() END)
      ON CONFLICT (schedule_id, platform) DO UPDATE
         SET status = EXCLUDED.status, dry_run = EXCLUDED.dry_run, post_id = EXCLUDED.post_id,
             permalink = EXCLUDED.permalink, error_code = EXCLUDED.error_code,
             error_category = EXCLUDED.error_category, error_message = EXCLUDED.error_message,
             reset_at = EXCLUDED.reset_at, published_at = EXCLUDED.published_at,
             attempts = publish_results.attempts + 1, updated_at = now()
       WHERE publish_results.status <> 'published'""";

  /** Ends a claim: only the lease holder may, and only while the item is still publishing. */
  static final String FINISH = """
      UPDATE schedule
         SET status = $3, release_at = $4, retry_count = retry_count + $5, dry_run = $6,
             published_at = CASE WHEN $3 IN ('published', 'partially_published') THEN coalesce(published_at, now())
                            END,
             error_code = $7, error_category = $8, error_message = $9,
             lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
       WHERE id = $1 AND status = 'publishing' AND lease_owner = $2
      RETURNING *""";

  /** The healer's rescue: items whose publisher went away go back to due now; published platforms stay done. */
  static final String RESCUE = """
      UPDATE schedule s
         SET status = 'scheduled', release_at = now(), error_code = $2, error_category = $3,
             error_message = 'the publisher on ' || s.lease_owner || ' did not finish within its lease; the platforms '
                             || 'not yet published are sent again',
             lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
       WHERE s.id IN (SELECT id FROM schedule WHERE status = 'publishing' AND lease_expires_at < now()
                       ORDER BY lease_expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING s.*""";

  static final String SET_PLATFORMS = "UPDATE schedule SET platforms = $2 WHERE id = $1";

  static final String RESULTS = "SELECT * FROM publish_results WHERE schedule_id = $1";

  /** A manual retry: the failed platforms are queued again (their last error is kept), published ones stay done. */
  static final String RETRY = """
      WITH item AS (
        UPDATE schedule SET status = 'scheduled', release_at = now(), retry_count = 0, publish_attempts = 0,
                            updated_at = now()
         WHERE user_id = $1 AND id = $2 AND status IN ('failed', 'partially_published')
        RETURNING *
      ), queued AS (
        UPDATE publish_results r SET status = 'queued', updated_at = now()
          FROM item WHERE r.schedule_id = item.id AND r.status = 'failed'
      )
      SELECT * FROM item""";

  static final String PUBLISH_NOW = """
      UPDATE schedule SET release_at = now(), updated_at = now()
       WHERE user_id = $1 AND id = $2 AND status = 'scheduled'
      RETURNING *""";

  static final String ITEM_VIEW = """
      SELECT s.*, coalesce((SELECT jsonb_object_agg(r.platform, to_jsonb(r) - 'user_id' - 'schedule_id')
                              FROM publish_results r WHERE r.schedule_id = s.id), '{}'::jsonb) AS results
        FROM schedule s""";

  static final String NOTIFY = """
      INSERT INTO healing_notifications (user_id, job_id, brand, title, category, reason, error_snippet, retry_count,
                                         action)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""";

  private final SqlClient client;

  public PublishRepository(SqlClient client) {
    this.client = client;
  }

  public Future<List<JsonObject>> claim(String node, int limit, long leaseMs) {
    return client.preparedQuery(CLAIM).execute(Tuple.of(node, limit, leaseMs)).map(PublishRepository::all);
  }

  /** When the next scheduled item is due, if any. */
  public Future<Optional<Instant>> nextDue() {
    return client.query(NEXT_DUE).execute().map(rows -> {
      OffsetDateTime next = rows.iterator().next().getOffsetDateTime(0);
      return Optional.ofNullable(next).map(OffsetDateTime::toInstant);
    });
  }

  public Future<Void> setPlatforms(long id, List<String> platforms) {
    return client.preparedQuery(SET_PLATFORMS).execute(Tuple.of(id, new JsonArray(new ArrayList<>(platforms))))
        .mapEmpty();
  }

  /** Results so far by platform. */
  public Future<JsonObject> results(long id) {
    return client.preparedQuery(RESULTS).execute(Tuple.of(id)).map(rows -> {
      JsonObject out = new JsonObject();
      rows.forEach(row -> out.put(row.getString("platform"), row.toJson()));
      return out;
    });
  }

  public Future<Void> published(JsonObject item, String platform, boolean dryRun, String postId, String permalink) {
    return client.preparedQuery(RECORD_RESULT).execute(Tuple.from(new Object[] {item.getLong("id"),
        item.getString("user_id"), platform, "published", dryRun, postId, permalink, null, null, null, null}))
        .mapEmpty();
  }

  public Future<Void> failed(JsonObject item, String platform, Failure failure) {
    OffsetDateTime reset = failure.resetAt() == null ? null : failure.resetAt().atOffset(ZoneOffset.UTC);
    return client.preparedQuery(RECORD_RESULT).execute(Tuple.from(new Object[] {item.getLong("id"),
        item.getString("user_id"), platform, "failed", false, null, null, failure.code().code(),
        failure.category(), failure.message(), reset})).mapEmpty();
  }

  /** The item's new state; empty when this node no longer holds its lease (the healer handed it on). */
  public Future<Optional<JsonObject>> finish(JsonObject item, String node, Outcome outcome) {
    Failure error = outcome.error();
    return client.preparedQuery(FINISH).execute(Tuple.from(new Object[] {item.getLong("id"), node, outcome.status(),
        outcome.releaseAt() == null ? null : outcome.releaseAt().atOffset(ZoneOffset.UTC), outcome.retrySpent() ? 1 : 0,
        outcome.dryRun(), error == null ? null : error.code().code(), error == null ? null : error.category(),
        error == null ? null : error.message()})).map(PublishRepository::first);
  }

  public Future<List<JsonObject>> rescueExpiredLeases(int limit) {
    io.maestro.failure.FailureCode lost = io.maestro.failure.FailureCode.WORKER_LOST;
    return client.preparedQuery(RESCUE).execute(Tuple.of(limit, lost.code(), lost.category()))
        .map(PublishRepository::all);
  }

  public Future<Optional<JsonObject>> retry(String userId, long id) {
    return client.preparedQuery(RETRY).execute(Tuple.of(userId, id)).map(PublishRepository::first);
  }

  public Future<Optional<JsonObject>> publishNow(String userId, long id) {
    return client.preparedQuery(PUBLISH_NOW).execute(Tuple.of(userId, id)).map(PublishRepository::first);
  }

  public Future<Optional<JsonObject>> find(String userId, long id) {
    return client.preparedQuery("SELECT * FROM schedule WHERE user_id = $1 AND id = $2")
        .execute(Tuple.of(userId, id)).map(PublishRepository::first);
  }

  /** Items with their per-platform state, in slot order. */
  public Future<List<JsonObject>> view(String userId, Long id, String status, String brand, int limit, int offset) {
    List<Object> params = new ArrayList<>(List.of(userId));
    StringBuilder where = new StringBuilder(" WHERE s.user_id = $1");
    if (id != null) {
      params.add(id);
      where.append(" AND s.id = $").append(params.size());
    }
    if (status != null) {
      params.add(status);
      where.append(" AND s.status = $").append(params.size());
    }
    if (brand != null) {
      params.add(brand);
      where.append(" AND s.brand = $").append(params.size());
    }
    params.add(limit);
    params.add(offset);
    return client.preparedQuery(ITEM_VIEW + where + " ORDER BY s.slot_at, s.id LIMIT $" + (params.size() - 1)
        + " OFFSET $" + params.size()).execute(Tuple.from(params)).map(PublishRepository::all);
  }

  public Future<Void> notify(JsonObject item, Failure failure, String reason, String action) {
    return client.preparedQuery(NOTIFY).execute(Tuple.from(new Object[] {item.getString("user_id"),
        item.getString("job_id"), item.getString("brand"), item.getString("title"), failure.category(), reason,
        failure.message(), item.getInteger("retry_count", 0), action})).mapEmpty();
  }

  // credentials

  public Future<Optional<byte[]>> sealedCredentials(String userId, String brand) {
    return client.preparedQuery("SELECT sealed FROM publish_credentials WHERE user_id = $1 AND brand = $2")
        .execute(Tuple.of(userId, brand)).map(rows -> rows.size() == 0 ? Optional.<byte[]>empty()
            : Optional.of(rows.iterator().next().getBuffer("sealed").getBytes()));
  }

  public Future<JsonObject> saveCredentials(String userId, String brand, byte[] sealed, JsonObject summary) {
    return client.preparedQuery("""
            INSERT INTO publish_credentials (user_id, brand, sealed, summary) VALUES ($1, $2, $3, $4)
            ON CONFLICT (user_id, brand) DO UPDATE SET sealed = EXCLUDED.sealed, summary = EXCLUDED.summary,
                                                       updated_at = now()
            RETURNING brand, summary, updated_at""")
        .execute(Tuple.of(userId, brand, Buffer.buffer(sealed), summary)).map(rows -> credentialView(
            rows.iterator().next()));
  }

  public Future<JsonArray> listCredentials(String userId) {
    return client.preparedQuery("SELECT brand, summary, updated_at FROM publish_credentials WHERE user_id = $1"
            + " ORDER BY brand").execute(Tuple.of(userId)).map(rows -> {
              JsonArray out = new JsonArray();
              rows.forEach(row -> out.add(credentialView(row)));
              return out;
            });
  }

  public Future<Boolean> deleteCredentials(String userId, String brand) {
    return client.preparedQuery("DELETE FROM publish_credentials WHERE user_id = $1 AND brand = $2")
        .execute(Tuple.of(userId, brand)).map(rows -> rows.rowCount() > 0);
  }

  private static JsonObject credentialView(Row row) {
    return new JsonObject().put("brand", row.getString("brand"))
        .put("platforms", row.getJsonObject("summary"))
        .put("updated_at", row.getOffsetDateTime("updated_at").toInstant().toString());
  }

  private static List<JsonObject> all(RowSet<Row> rows) {
    List<JsonObject> out = new ArrayList<>();
    rows.forEach(row -> out.add(row.toJson()));
    return out;
  }

  private static Optional<JsonObject> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().toJson());
  }
}
