package io.maestro.agents;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.math.BigDecimal;
import java.time.OffsetDateTime;

/** Proposal rows in the contract's shape (snake_case, ISO-8601 times, scores as numbers). */
public final class ProposalJson {
  private ProposalJson() {}

  public static JsonObject from(Row row) {
    return new JsonObject()
        .put("id", row.getLong("id"))
        .put("proposal_id", row.getString("proposal_id"))
        .put("status", row.getString("status"))
        .put("agent_name", row.getString("agent_name"))
        .put("content_type", row.getString("content_type"))
        .put("brand", row.getString("brand"))
        .put("variant", row.getString("variant"))
        .put("strategy", row.getString("strategy"))
        .put("reasoning", row.getString("reasoning"))
        .put("title", row.getString("title"))
        .put("content_lines", json(row.getValue("content_lines"), new JsonArray()))
        .put("slide_texts", json(row.getValue("slide_texts"), new JsonArray()))
        .put("image_prompt", row.getString("image_prompt"))
        .put("caption", row.getString("caption"))
        .put("topic_bucket", row.getString("topic_bucket"))
        // the replaced system's trend-sourced proposals: ours are never based on a scraped source, so null
        .putNull("source_type").putNull("source_title").putNull("source_performance_score").putNull("source_account")
        .put("quality_score", number(row.getValue("quality_score")))
        .put("reviewed_at", time(row.getOffsetDateTime("reviewed_at")))
        .put("reviewer_notes", row.getString("reviewer_notes"))
        .put("accepted_job_id", row.getString("accepted_job_id"))
        .put("created_at", time(row.getOffsetDateTime("created_at")))
        .put("burst_id", row.getString("burst_id"))
        .put("replaces_proposal", row.getString("replaces_proposal"))
        .put("examiner_score", number(row.getValue("examiner_score")))
        .put("examiner_verdict", row.getString("examiner_verdict"))
        .put("examiner_reason", row.getString("examiner_reason"))
        .put("examiner_red_flags", json(row.getValue("examiner_red_flags"), new JsonArray()))
        .put("examiner_scores", json(row.getValue("examiner_scores"), null));
  }

  static Object json(Object value, Object fallback) {
    return value == null ? fallback : value;
  }

  static Double number(Object value) {
    if (value instanceof BigDecimal d) {
      return d.doubleValue();
    }
    return value instanceof Number n ? n.doubleValue() : null;
  }

  static String time(OffsetDateTime time) {
    return time == null ? null : time.toInstant().toString();
  }
}
