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

  /**
   * The brand's recent proposals written before this one and not rejected (titles and lines), for the repetition
   * rules. Not later ones: a burst writes in parallel lanes, and two near-duplicates examined while both exist would
   * reject each other, leaving neither (seen in the fat-jar IT: a two-reel burst made no reel). Not rejected ones:
   * they never reach the audience, so repeating them repeats nothing.
   */
  public Future<JsonObject> otherRecent(String userId, String brand, String proposalId) {
    return pool.preparedQuery("""
            SELECT title, content_lines FROM proposals
             WHERE user_id = $1 AND brand = $2 AND status <> 'rejected'
               AND id < (SELECT id FROM proposals WHERE user_id = $1 AND proposal_id = $3)
             ORDER BY created_at DESC LIMIT 30""")
        .execute(Tuple.of(userId, brand, proposalId))
        .map(rows -> {
          JsonArray titles = new JsonArray();
          JsonArray lines = new JsonArray();
          rows.forEach(row -> {
            titles.add(row.getString(0));
            if (row.getValue(1) instanceof JsonArray l) {
              lines.addAll(l);
            }
          });
          return new JsonObject().put("titles", titles).put("lines", lines);
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

  /**
   * The replaced system's examiner statistics over the last {@code days}: totals, acceptance rate (0 when nothing
   * was examined), average scores of the accepted, the rejected and all, per agent, per brand (one grouping query),
   * and the 20 lowest-scored rejections (a second query). "Rejected" is every verdict but accept (hard rejects too).
   */
  public Future<JsonObject> stats(String userId, int days) {
    Future<io.vertx.sqlclient.RowSet<Row>> groups = pool.preparedQuery("""
            SELECT agent_name, brand, GROUPING(agent_name) AS g_agent, GROUPING(brand) AS g_brand,
                   count(*) AS examined,
                   count(*) FILTER (WHERE examiner_verdict = 'accept') AS accepted,
                   count(*) FILTER (WHERE examiner_verdict = 'hard_reject') AS hard_rejected,
                   count(*) FILTER (WHERE examiner_score IS NULL) AS scoring_failures,
                   %s, %s, %s
              FROM proposals
             WHERE user_id = $1 AND created_at > now() - $2 * interval '1 day' AND examiner_verdict IS NOT NULL
             GROUP BY GROUPING SETS ((), (agent_name), (brand))""".formatted(averages("all", "true"),
            averages("accepted", "examiner_verdict = 'accept'"), averages("rejected", "examiner_verdict <> 'accept'")))
        .execute(Tuple.of(userId, days));
    Future<io.vertx.sqlclient.RowSet<Row>> rejections = pool.preparedQuery("""
            SELECT proposal_id, brand, content_type, examiner_score, examiner_reason, examiner_red_flags, title
              FROM proposals
             WHERE user_id = $1 AND created_at > now() - $2 * interval '1 day' AND examiner_verdict <> 'accept'
               AND examiner_reason IS NOT NULL
             ORDER BY examiner_score ASC NULLS FIRST, id DESC LIMIT 20""")
        .execute(Tuple.of(userId, days));
    return Future.all(groups, rejections).map(all -> {
      JsonObject result = new JsonObject().put("period_days", days).mergeIn(summary(null));
      JsonObject perAgent = new JsonObject();
      JsonObject perBrand = new JsonObject();
      for (Row row : groups.result()) {
        if (row.getInteger("g_agent") == 1 && row.getInteger("g_brand") == 1) {
          result.mergeIn(summary(row));
        } else if (row.getInteger("g_agent") == 0) {
          perAgent.put(row.getString("agent_name"), breakdown(row).put("avg_score", avgOrZero(row, "all_composite")));
        } else {
          perBrand.put(row.getString("brand"), breakdown(row));
        }
      }
      if (result.getLong("total_examined") == 0) {
        result.put("message", "No examined proposals found");
      }
      return result.put("per_agent", perAgent).put("per_brand", perBrand)
          .put("recent_rejections", recentRejections(rejections.result()));
    });
  }

  /** avg of the composite and each dimension for one verdict group, as {group}_{dimension} columns. */
  private static String averages(String group, String filter) {
    String[][] dims = {{"composite", "examiner_score"}, {"avatar_fit", "(examiner_scores->>'avatar_fit')::numeric"},
        {"engagement", "(examiner_scores->>'engagement_potential')::numeric"},
        {"content_quality", "(examiner_scores->>'content_quality')::numeric"}};
    List<String> out = new ArrayList<>();
    for (String[] d : dims) {
      out.add("avg(" + d[1] + ") FILTER (WHERE " + filter + ") AS " + group + "_" + d[0]);
    }
    out.add("count(examiner_score) FILTER (WHERE " + filter + ") AS " + group + "_scored");
    return String.join(", ", out);
  }

  private static JsonObject summary(Row row) {
    long examined = row == null ? 0 : row.getLong("examined");
    long accepted = row == null ? 0 : row.getLong("accepted");
    return new JsonObject()
        .put("total_examined", examined)
        .put("total_accepted", accepted)
        .put("total_rejected", examined - accepted)
        .put("hard_rejected", row == null ? 0 : row.getLong("hard_rejected"))
        .put("scoring_failures", row == null ? 0 : row.getLong("scoring_failures"))
        .put("acceptance_rate", rate(accepted, examined))
        .put("avg_scores_accepted", row == null ? null : avgScores(row, "accepted"))
        .put("avg_scores_rejected", row == null ? null : avgScores(row, "rejected"))
        .put("avg_scores_all", row == null ? null : avgScores(row, "all"));
  }

  private static JsonObject breakdown(Row row) {
    long examined = row.getLong("examined");
    long accepted = row.getLong("accepted");
    return new JsonObject().put("examined", examined).put("accepted", accepted).put("rejected", examined - accepted)
        .put("acceptance_rate", rate(accepted, examined));
  }

  /** null when the group has no scored proposal (the replaced system's None). */
  private static JsonObject avgScores(Row row, String group) {
    if (row.getLong(group + "_scored") == 0) {
      return null;
    }
    return new JsonObject().put("composite", avgOrZero(row, group + "_composite"))
        .put("avatar_fit", avgOrZero(row, group + "_avatar_fit")).put("engagement", avgOrZero(row, group + "_engagement"))
        .put("content_quality", avgOrZero(row, group + "_content_quality"));
  }

  private static JsonArray recentRejections(io.vertx.sqlclient.RowSet<Row> rows) {
    JsonArray out = new JsonArray();
    for (Row row : rows) {
      String title = row.getString("title");
      BigDecimal score = row.getBigDecimal("examiner_score");
      out.add(new JsonObject().put("proposal_id", row.getString("proposal_id")).put("brand", row.getString("brand"))
          .put("content_type", row.getString("content_type")).put("score", score == null ? null : score.doubleValue())
          .put("reason", row.getString("examiner_reason"))
          .put("red_flags", row.getValue("examiner_red_flags") instanceof JsonArray a ? a : new JsonArray())
          .put("title", title == null ? null : title.substring(0, Math.min(80, title.length()))));
    }
    return out;
  }

  private static double rate(long part, long whole) {
    return whole == 0 ? 0.0 : Math.round(part * 1000.0 / whole) / 10.0;
  }

  private static double avgOrZero(Row row, String column) {
    Double v = avg(row, column);
    return v == null ? 0.0 : v;
  }

  private static Double avg(Row row, String column) {
    BigDecimal value = row.getBigDecimal(column);
    return value == null ? null : Math.round(value.doubleValue() * 100) / 100.0;
  }

  /** Recent proposals the examiner rejected (whatever happened to them later), newest first. */
  public Future<JsonArray> rejected(String userId, int limit, String brand, String contentType) {
    return pool.preparedQuery("""
            SELECT * FROM proposals
             WHERE user_id = $1 AND examiner_verdict IS NOT NULL AND examiner_verdict <> 'accept'
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
