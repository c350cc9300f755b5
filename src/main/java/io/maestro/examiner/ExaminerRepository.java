package io.maestro.examiner;

import io.maestro.agents.ProposalJson;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** All SQL of the examiner: what it reads to score, what it records, and its statistics. */
public final class ExaminerRepository {
  private final Pool pool;

  public ExaminerRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<Optional<JsonObject>> pending(String userId, String proposalId) {
    return pool.preparedQuery("SELECT * FROM proposals WHERE user_id = $1 AND proposal_id = $2")
        .execute(Tuple.of(userId, proposalId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(ProposalJson.from(rows.iterator().next())));
  }

  /** The brand's other recent titles, for the duplicate rule. */
  public Future<List<String>> otherRecentTitles(String userId, String brand, String proposalId) {
    return pool.preparedQuery("""
            SELECT title FROM proposals WHERE user_id = $1 AND brand = $2 AND proposal_id <> $3
             ORDER BY created_at DESC LIMIT 30""")
        .execute(Tuple.of(userId, brand, proposalId))
        .map(rows -> {
          List<String> titles = new ArrayList<>();
          rows.forEach(row -> titles.add(row.getString(0)));
          return titles;
        });
  }

  /**
   * Stores the examination on a still-pending proposal. A rejection also sets the status; an acceptance leaves it
   * pending until the job exists (the agents actor flips it), so "accepted" always has a job.
   */
  public Future<Boolean> record(String userId, String proposalId, Double score, JsonObject scores, String verdict,
      String reason, JsonArray redFlags) {
    return pool.preparedQuery("""
            UPDATE proposals SET examiner_score = $3, quality_score = $3, examiner_scores = $4, examiner_verdict = $5,
                   examiner_reason = $6, examiner_red_flags = $7, reviewed_at = now(),
                   status = CASE WHEN $5 = 'accept' THEN status ELSE 'rejected' END
             WHERE user_id = $1 AND proposal_id = $2 AND status = 'pending'""")
        .execute(Tuple.from(new Object[] {userId, proposalId, score == null ? null : BigDecimal.valueOf(score), scores,
            verdict, reason, redFlags}))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Acceptance rate and average scores over the last {@code days}: overall, per agent, per brand (one query). */
  public Future<JsonObject> stats(String userId, int days) {
    return pool.preparedQuery("""
            SELECT agent_name, brand, GROUPING(agent_name) AS g_agent, GROUPING(brand) AS g_brand,
                   count(*) AS examined,
                   count(*) FILTER (WHERE examiner_verdict = 'accept') AS accepted,
                   count(*) FILTER (WHERE examiner_verdict <> 'accept') AS rejected,
                   count(*) FILTER (WHERE examiner_verdict = 'hard_reject') AS hard_rejected,
                   count(*) FILTER (WHERE examiner_score IS NULL) AS scoring_failures,
                   avg(examiner_score) AS avg_all,
                   avg(examiner_score) FILTER (WHERE examiner_verdict = 'accept') AS avg_accepted,
                   avg(examiner_score) FILTER (WHERE examiner_verdict <> 'accept') AS avg_rejected,
                   avg((examiner_scores->>'avatar_fit')::numeric) AS avg_avatar_fit,
                   avg((examiner_scores->>'engagement_potential')::numeric) AS avg_engagement_potential,
                   avg((examiner_scores->>'content_quality')::numeric) AS avg_content_quality
              FROM proposals
             WHERE user_id = $1 AND created_at > now() - $2 * interval '1 day' AND examiner_verdict IS NOT NULL
             GROUP BY GROUPING SETS ((), (agent_name), (brand))""")
        .execute(Tuple.of(userId, days))
        .map(rows -> {
          JsonObject result = new JsonObject().put("days", days).put("total_examined", 0).put("accepted", 0)
              .put("rejected", 0).put("acceptance_rate", null);
          JsonObject perAgent = new JsonObject();
          JsonObject perBrand = new JsonObject();
          for (Row row : rows) {
            JsonObject s = summary(row);
            if (row.getInteger("g_agent") == 1 && row.getInteger("g_brand") == 1) {
              result.mergeIn(s);
            } else if (row.getInteger("g_agent") == 0) {
              perAgent.put(row.getString("agent_name"), s);
            } else {
              perBrand.put(row.getString("brand"), s);
            }
          }
          return result.put("per_agent", perAgent).put("per_brand", perBrand);
        });
  }

  private static JsonObject summary(Row row) {
    long examined = row.getLong("examined");
    long accepted = row.getLong("accepted");
    return new JsonObject()
        .put("total_examined", examined)
        .put("accepted", accepted)
        .put("rejected", row.getLong("rejected"))
        .put("hard_rejected", row.getLong("hard_rejected"))
        .put("scoring_failures", row.getLong("scoring_failures"))
        .put("acceptance_rate", examined == 0 ? null : Math.round(accepted * 1000.0 / examined) / 10.0)
        .put("avg_score", new JsonObject().put("all", avg(row, "avg_all")).put("accepted", avg(row, "avg_accepted"))
            .put("rejected", avg(row, "avg_rejected")))
        .put("avg_scores", new JsonObject().put("avatar_fit", avg(row, "avg_avatar_fit"))
            .put("engagement_potential", avg(row, "avg_engagement_potential"))
            .put("content_quality", avg(row, "avg_content_quality")));
  }

  private static Double avg(Row row, String column) {
    BigDecimal value = row.getBigDecimal(column);
    return value == null ? null : Math.round(value.doubleValue() * 100) / 100.0;
  }

  /** Recent proposals the examiner rejected, newest first. */
  public Future<JsonArray> rejected(String userId, int limit, String brand, String contentType) {
    return pool.preparedQuery("""
            SELECT * FROM proposals
             WHERE user_id = $1 AND status = 'rejected' AND examiner_verdict IS NOT NULL
               AND ($2::text IS NULL OR brand = $2) AND ($3::text IS NULL OR content_type = $3)
             ORDER BY created_at DESC, id DESC LIMIT $4""")
        .execute(Tuple.of(userId, brand, contentType, limit))
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(row -> out.add(ProposalJson.from(row)));
          return out;
        });
  }
}
