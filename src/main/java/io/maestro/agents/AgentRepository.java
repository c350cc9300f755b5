package io.maestro.agents;

import io.maestro.variant.ContentType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** All SQL about agents, proposals and proposal ids. Every statement is scoped by user_id. */
public final class AgentRepository {
  private static final String AGENT_COLUMNS = """
      agent_id, display_name, personality, temperature, variant, proposal_prefix, strategy_names, strategy_weights,
      risk_tolerance, proposals_per_brand, content_types, active, is_builtin, created_at""";

  private final Pool pool;

  public AgentRepository(Pool pool) {
    this.pool = pool;
  }

  // ---- agents

  public Future<JsonArray> list(String userId, boolean includeInactive) {
    return pool.preparedQuery("SELECT " + AGENT_COLUMNS + " FROM agents WHERE user_id = $1 AND (active OR $2)"
            + " ORDER BY is_builtin DESC, created_at, agent_id")
        .execute(Tuple.of(userId, includeInactive))
        .map(rows -> {
          JsonArray agents = new JsonArray();
          rows.forEach(row -> agents.add(agent(row)));
          return agents;
        });
  }

  public Future<List<JsonObject>> active(String userId) {
    return list(userId, false).map(agents -> agents.stream().map(a -> (JsonObject) a).toList());
  }

  public Future<Optional<JsonObject>> find(String userId, String agentId) {
    return pool.preparedQuery("SELECT " + AGENT_COLUMNS + " FROM agents WHERE user_id = $1 AND agent_id = $2")
        .execute(Tuple.of(userId, agentId)).map(rows -> first(rows, AgentRepository::agent));
  }

  /** Empty when an agent with that id already exists. */
  public Future<Optional<JsonObject>> insert(String userId, JsonObject a) {
    return pool.preparedQuery("""
            INSERT INTO agents (user_id, agent_id, display_name, personality, temperature, variant, proposal_prefix,
                                strategy_names, strategy_weights, risk_tolerance, proposals_per_brand, content_types, active)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            ON CONFLICT (user_id, agent_id) DO NOTHING
            RETURNING\s""" + AGENT_COLUMNS)
        .execute(Tuple.from(new Object[] {userId, a.getString("agent_id"), a.getString("display_name"),
            a.getString("personality", ""), new java.math.BigDecimal(String.valueOf(a.getDouble("temperature", 0.8))),
            a.getString("variant", "auto"), a.getString("proposal_prefix"),
            a.getJsonArray("strategy_names", new JsonArray()), a.getJsonObject("strategy_weights", new JsonObject()),
            a.getString("risk_tolerance", "medium"), a.getInteger("proposals_per_brand", 1),
            a.getJsonArray("content_types", new JsonArray(List.copyOf(ContentType.ids()))), a.getBoolean("active", true)}))
        .map(rows -> first(rows, AgentRepository::agent));
  }

  /** Changes only the fields present in {@code changes}; empty when the agent does not exist. */
  public Future<Optional<JsonObject>> update(String userId, String agentId, JsonObject c) {
    Double temperature = c.getDouble("temperature");
    return pool.preparedQuery("""
            UPDATE agents SET display_name = coalesce($3, display_name), personality = coalesce($4, personality),
                   temperature = coalesce($5, temperature), variant = coalesce($6, variant),
                   proposal_prefix = coalesce($7, proposal_prefix), strategy_names = coalesce($8, strategy_names),
                   strategy_weights = coalesce($9, strategy_weights), risk_tolerance = coalesce($10, risk_tolerance),
                   proposals_per_brand = coalesce($11, proposals_per_brand), content_types = coalesce($12, content_types),
                   active = coalesce($13, active)
             WHERE user_id = $1 AND agent_id = $2
            RETURNING\s""" + AGENT_COLUMNS)
        .execute(Tuple.from(new Object[] {userId, agentId, c.getString("display_name"), c.getString("personality"),
            temperature == null ? null : new java.math.BigDecimal(String.valueOf(temperature)), c.getString("variant"),
            c.getString("proposal_prefix"), c.getJsonArray("strategy_names"), c.getJsonObject("strategy_weights"),
            c.getString("risk_tolerance"), c.getInteger("proposals_per_brand"), c.getJsonArray("content_types"),
            c.getBoolean("active")}))
        .map(rows -> first(rows, AgentRepository::agent));
  }

  public Future<Optional<JsonObject>> deactivate(String userId, String agentId) {
    return update(userId, agentId, new JsonObject().put("active", false));
  }

  private static JsonObject agent(Row row) {
    return new JsonObject()
        .put("agent_id", row.getString("agent_id"))
        .put("display_name", row.getString("display_name"))
        .put("personality", row.getString("personality"))
        .put("temperature", ProposalJson.number(row.getValue("temperature")))
        .put("variant", row.getString("variant"))
        .put("proposal_prefix", row.getString("proposal_prefix"))
        .put("strategy_names", row.getValue("strategy_names"))
        .put("strategy_weights", row.getValue("strategy_weights"))
        .put("risk_tolerance", row.getString("risk_tolerance"))
        .put("proposals_per_brand", row.getInteger("proposals_per_brand"))
        .put("content_types", row.getValue("content_types"))
        .put("active", row.getBoolean("active"))
        .put("is_builtin", row.getBoolean("is_builtin"))
        .put("created_at", ProposalJson.time(row.getOffsetDateTime("created_at")));
  }

  // ---- proposal ids and proposals

  /** The next number of a prefix: the upsert takes a row lock, so concurrent agents never get the same number. */
  public Future<Integer> nextNumber(String userId, String prefix) {
    return pool.preparedQuery("""
            INSERT INTO proposal_counters (user_id, prefix, last_num) VALUES ($1, $2, 1)
            ON CONFLICT (user_id, prefix) DO UPDATE SET last_num = proposal_counters.last_num + 1
            RETURNING last_num""")
        .execute(Tuple.of(userId, prefix)).map(rows -> rows.iterator().next().getInteger(0));
  }

  public Future<JsonObject> insertProposal(String userId, JsonObject p) {
    return pool.preparedQuery("""
            INSERT INTO proposals (proposal_id, user_id, agent_name, content_type, brand, variant, strategy, reasoning,
                                   title, content_lines, slide_texts, image_prompt, caption, topic_bucket, burst_id,
                                   replaces_proposal)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
            RETURNING *""")
        .execute(Tuple.from(new Object[] {p.getString("proposal_id"), userId, p.getString("agent_name"),
            p.getString("content_type"), p.getString("brand"), p.getString("variant"), p.getString("strategy"),
            p.getString("reasoning"), p.getString("title"), p.getJsonArray("content_lines"),
            p.getJsonArray("slide_texts"), p.getString("image_prompt"), p.getString("caption"),
            p.getString("topic_bucket"), p.getString("burst_id"), p.getString("replaces_proposal")}))
        .map(rows -> ProposalJson.from(rows.iterator().next()));
  }

  /** Newest titles proposed for a brand (what the model is told not to repeat). */
  public Future<List<String>> recentTitles(String userId, String brand, int limit) {
    return pool.preparedQuery("""
            SELECT title FROM proposals WHERE user_id = $1 AND brand = $2 ORDER BY created_at DESC LIMIT $3""")
        .execute(Tuple.of(userId, brand, limit))
        .map(rows -> {
          List<String> titles = new ArrayList<>();
          rows.forEach(row -> titles.add(row.getString(0)));
          return titles;
        });
  }

  /** Which of these (lower-cased, trimmed) titles the brand already had in the last 60 days. */
  public Future<Set<String>> duplicates(String userId, String brand, List<String> normalTitles) {
    return pool.preparedQuery("""
            SELECT DISTINCT lower(title) FROM proposals
             WHERE user_id = $1 AND brand = $2 AND lower(title) = ANY($3)
               AND created_at > now() - interval '60 days'""")
        .execute(Tuple.of(userId, brand, normalTitles.toArray(String[]::new)))
        .map(rows -> {
          Set<String> found = new HashSet<>();
          rows.forEach(row -> found.add(row.getString(0)));
          return found;
        });
  }

  public Future<Optional<JsonObject>> findProposal(String userId, String proposalId) {
    return pool.preparedQuery("SELECT * FROM proposals WHERE user_id = $1 AND proposal_id = $2")
        .execute(Tuple.of(userId, proposalId)).map(rows -> first(rows, ProposalJson::from));
  }

  public Future<JsonArray> listProposals(String userId, String status, String agent, String contentType, int limit) {
    return pool.preparedQuery("""
            SELECT * FROM proposals
             WHERE user_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR agent_name = $3)
               AND ($4::text IS NULL OR content_type = $4)
             ORDER BY created_at DESC, id DESC LIMIT $5""")
        .execute(Tuple.of(userId, status, agent, contentType, limit))
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(row -> out.add(ProposalJson.from(row)));
          return out;
        });
  }

  /**
   * Marks a pending (or examiner-rejected) proposal accepted, once: a second accept finds nothing to claim. The job
   * id is filled in by {@link #setAcceptedJob}.
   */
  public Future<Optional<JsonObject>> claimForAcceptance(String userId, String proposalId, String notes) {
    return pool.preparedQuery("""
            UPDATE proposals SET status = 'accepted', reviewed_at = now(), reviewer_notes = coalesce($3, reviewer_notes)
             WHERE user_id = $1 AND proposal_id = $2 AND status IN ('pending', 'rejected') AND accepted_job_id IS NULL
            RETURNING *""")
        .execute(Tuple.of(userId, proposalId, notes)).map(rows -> first(rows, ProposalJson::from));
  }

  public Future<Void> setAcceptedJob(String userId, String proposalId, String jobId) {
    return pool.preparedQuery("UPDATE proposals SET accepted_job_id = $3 WHERE user_id = $1 AND proposal_id = $2")
        .execute(Tuple.of(userId, proposalId, jobId)).mapEmpty();
  }

  /** Undoes {@link #claimForAcceptance} when the job could not be created. */
  public Future<Void> revertAcceptance(String userId, String proposalId, String previousStatus) {
    return pool.preparedQuery("""
            UPDATE proposals SET status = $3 WHERE user_id = $1 AND proposal_id = $2 AND accepted_job_id IS NULL""")
        .execute(Tuple.of(userId, proposalId, previousStatus)).mapEmpty();
  }

  public Future<Optional<JsonObject>> reject(String userId, String proposalId, String notes) {
    return pool.preparedQuery("""
            UPDATE proposals SET status = 'rejected', reviewed_at = now(), reviewer_notes = $3
             WHERE user_id = $1 AND proposal_id = $2 AND status = 'pending'
            RETURNING *""")
        .execute(Tuple.of(userId, proposalId, notes)).map(rows -> first(rows, ProposalJson::from));
  }

  /** Deletes every proposal of the user except accepted ones (their jobs still point at them). */
  public Future<Integer> clear(String userId) {
    return pool.preparedQuery("DELETE FROM proposals WHERE user_id = $1 AND status <> 'accepted'")
        .execute(Tuple.of(userId)).map(RowSet::rowCount);
  }

  /** Proposal counts per agent and status from the trigger-maintained proposal_stats (no scan of proposals). */
  public Future<JsonArray> proposalCounts(String userId) {
    return pool.preparedQuery("SELECT agent_name, status, count FROM proposal_stats WHERE user_id = $1 AND count > 0")
        .execute(Tuple.of(userId))
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(row -> out.add(new JsonObject().put("agent", row.getString(0)).put("status", row.getString(1))
              .put("count", row.getLong(2))));
          return out;
        });
  }

  /** Today's proposals (an index range on created_at), newest first: the status's day figures and what is left of the day. */
  public Future<JsonArray> proposalsSince(String userId, java.time.OffsetDateTime since) {
    return pool.preparedQuery("""
            SELECT agent_name, brand, content_type, status, reasoning, title, replaces_proposal, created_at FROM proposals
             WHERE user_id = $1 AND created_at >= $2 ORDER BY created_at DESC""")
        .execute(Tuple.of(userId, since))
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(row -> out.add(new JsonObject().put("agent", row.getString("agent_name"))
              .put("brand", row.getString("brand")).put("content_type", row.getString("content_type"))
              .put("status", row.getString("status")).put("replaces_proposal", row.getString("replaces_proposal"))
              .put("reasoning", row.getString("reasoning")).put("title", row.getString("title"))
              .put("created_at", ProposalJson.time(row.getOffsetDateTime("created_at")))));
          return out;
        });
  }

  private static Optional<JsonObject> first(RowSet<Row> rows, java.util.function.Function<Row, JsonObject> map) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(map.apply(rows.iterator().next()));
  }
}
