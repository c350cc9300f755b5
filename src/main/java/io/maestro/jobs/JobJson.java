package io.maestro.jobs;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;

/** Rows to the /jobs contract's JSON (snake_case, ISO-8601 times), plus the queue fields the contract adds. */
public final class JobJson {
  private JobJson() {}

  public static JsonObject from(Row row) {
    JsonObject job = new JsonObject()
        .put("job_id", row.getString("job_id"))
        .put("user_id", row.getString("user_id"))
        .put("status", row.getString("status"))
        .put("title", row.getString("title"))
        .put("content_lines", json(row.getValue("content_lines"), new JsonArray()))
        .put("variant", row.getString("variant"))
        .put("ai_prompt", row.getString("ai_prompt"))
        .put("cta_type", row.getString("cta_type"))
        .put("brands", json(row.getValue("brands"), new JsonArray()))
        .put("platforms", json(row.getValue("platforms"), new JsonArray()))
        .put("fixed_title", row.getBoolean("fixed_title"))
        .put("caption", row.getString("caption"))
        .put("slide_texts", json(row.getValue("slide_texts"), new JsonArray()))
        .put("proposal_id", row.getString("proposal_id"))
        .put("brand_outputs", json(row.getValue("brand_outputs"), new JsonObject()))
        .put("current_step", row.getString("current_step"))
        .put("progress_percent", row.getInteger("progress_percent"))
        .put("created_at", time(row, "created_at"))
        .put("updated_at", time(row, "updated_at"))
        .put("started_at", time(row, "started_at"))
        .put("completed_at", time(row, "completed_at"))
        .put("error_message", row.getString("error_message"))
        .put("error_code", row.getInteger("error_code"))
        .put("error_category", row.getString("error_category"))
        .put("attempt", row.getInteger("attempt"))
        .put("retry_count", row.getInteger("retry_count"))
        .put("max_retries", row.getInteger("max_retries"))
        .put("run_at", time(row, "run_at"))
        .put("queued_at", time(row, "queued_at"))
        .put("claimed_at", time(row, "claimed_at"))
        .put("lease_owner", row.getString("lease_owner"))
        .put("lease_expires_at", time(row, "lease_expires_at"))
        .put("healing_state", row.getString("healing_state"));
    // internal key for the dispatcher; stripped before anything leaves the node
    job.put(INTERNAL_PK, row.getLong("id"));
    return job;
  }

  /** Primary key, used between dispatcher and worker; never shown to clients. */
  public static final String INTERNAL_PK = "_pk";

  /** What clients see: the job without internal keys. */
  public static JsonObject publicView(JsonObject job) {
    JsonObject copy = job.copy();
    copy.remove(INTERNAL_PK);
    return copy;
  }

  /** The live update the Observatory receives for a job. */
  public static JsonObject update(JsonObject job) {
    return new JsonObject()
        .put("job_id", job.getString("job_id"))
        .put("status", job.getString("status"))
        .put("progress_percent", job.getInteger("progress_percent"))
        .put("current_step", job.getString("current_step"))
        .put("attempt", job.getInteger("attempt"))
        .put("error_code", job.getInteger("error_code"))
        .put("error_category", job.getString("error_category"))
        .put("error_message", job.getString("error_message"))
        .put("updated_at", job.getString("updated_at"));
  }

  static JsonObject attempt(Row row) {
    return new JsonObject()
        .put("attempt", row.getInteger("attempt"))
        .put("node", row.getString("node"))
        .put("started_at", time(row, "started_at"))
        .put("finished_at", time(row, "finished_at"))
        .put("outcome", row.getString("outcome"))
        .put("code", row.getInteger("code"))
        .put("category", row.getString("category"))
        .put("message", row.getString("message"))
        .put("stack", row.getString("stack"));
  }

  private static Object json(Object value, Object fallback) {
    return value == null ? fallback : value;
  }

  private static String time(Row row, String column) {
    OffsetDateTime t = row.getOffsetDateTime(column);
    return t == null ? null : t.toInstant().toString();
  }
}
