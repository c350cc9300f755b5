package io.maestro.api;

import io.maestro.burst.BurstOrder;
import io.maestro.burst.BurstRepository;
import io.maestro.config.MaestroConfig;
import io.maestro.variant.ContentType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;

/**
 * Assembles GET /api/maestro/status in the replaced UI's shape (its MaestroStatus type) from the few rows
 * MaestroRoutes read. The meanings are that UI's: {@code is_running} = not paused; {@code current_phase} is null when
 * idle, "generating" while a burst makes proposals and "processing" while jobs are still running;
 * {@code last_daily_run} is a datetime; activity levels are action/detail. Our finer figures ride along as extra
 * fields ({@code burst_running}, {@code burst_phase}, {@code current_burst}, {@code severity}).
 */
final class StatusView {
  private StatusView() {}

  /** The rows one status call reads. */
  record Rows(JsonObject settings, JsonArray counts, JsonArray today, JsonArray recent, List<JsonObject> agents,
      Set<String> brands, int activeJobs) {}

  static JsonObject build(MaestroConfig config, Instant startedAt, Rows rows) {
    Instant now = Instant.now();
    JsonObject settings = rows.settings();
    JsonObject lock = settings.getJsonObject(BurstRepository.LOCK);
    boolean bursting = lock != null && lock.getString("expires_at") != null
        && OffsetDateTime.parse(lock.getString("expires_at")).toInstant().isAfter(now);
    JsonObject last = settings.getJsonObject(BurstRepository.LAST_BURST, new JsonObject());
    JsonObject stats = settings.getJsonObject(BurstRepository.STATS, new JsonObject());
    boolean paused = settings.getBoolean(BurstRepository.PAUSED, false);
    String lastDailyAt = settings.getString(BurstRepository.LAST_DAILY_RUN + ".updated_at");
    Duration uptime = Duration.between(startedAt, now);
    return new JsonObject()
        .put("is_running", !paused)
        .put("is_paused", paused)
        .put("posts_paused", settings.getBoolean(BurstRepository.POSTS_PAUSED, false))
        .put("started_at", startedAt.toString())
        .put("uptime_seconds", uptime.getSeconds())
        .put("uptime_human", MaestroRoutes.human(uptime))
        .put("current_agent", bursting ? lock.getString("current_agent") : null)
        .put("current_phase", bursting ? "generating" : rows.activeJobs() > 0 ? "processing" : null)
        .put("active_jobs", rows.activeJobs())
        .put("burst_started_at", bursting ? lock.getString("started_at") : last.getString("started_at"))
        .put("burst_running", bursting)
        .put("burst_phase", bursting ? lock.getString("current_phase") : null)
        .put("current_burst", bursting ? lock.copy() : null)
        .put("last_daily_run", lastDailyAt)
        .put("last_daily_run_human", lastDailyAt == null ? "never"
            : MaestroRoutes.human(Duration.between(Instant.parse(lastDailyAt), now)) + " ago")
        .put("total_cycles", stats.getLong("total_cycles", 0L))
        .put("total_proposals_generated", stats.getLong("total_proposals_generated", 0L))
        .put("total_jobs_dispatched", stats.getLong("total_jobs_dispatched", 0L))
        // the replaced system's metrics and trend scans have no counterpart here: 0 is the honest figure
        .put("total_metrics_collected", 0L)
        .put("total_trends_found", 0L)
        .put("errors", stats.getLong("errors", 0L))
        .put("agents", agentView(rows, stats))
        .put("recent_activity", activity(rows.recent()))
        .put("proposal_stats", proposalStats(rows))
        .put("daily_config", dailyConfig(config, rows));
  }

  /** Per agent: name, today's proposals, the newest reasoning as its last thought, errors. */
  private static JsonObject agentView(Rows rows, JsonObject stats) {
    JsonObject totals = perAgentTotals(rows);
    JsonObject view = new JsonObject();
    for (JsonObject agent : rows.agents()) {
      String id = agent.getString("agent_id");
      view.put(id, new JsonObject().put("name", agent.getString("display_name")).put("proposals_today", 0)
          .put("total_proposals", totals.getJsonObject(id).getLong("total"))
          .putNull("last_thought").putNull("last_thought_at")
          .put("errors", stats.getLong("agent_errors." + id, 0L)));
    }
    for (Object o : rows.today()) { // newest first
      JsonObject p = (JsonObject) o;
      JsonObject a = view.getJsonObject(p.getString("agent"));
      if (a != null) {
        a.put("proposals_today", a.getInteger("proposals_today") + 1);
        if (a.getValue("last_thought") == null) {
          a.put("last_thought", p.getString("reasoning") != null ? p.getString("reasoning") : p.getString("title"))
              .put("last_thought_at", p.getString("created_at"));
        }
      }
    }
    return view;
  }

  /** Counts by status per agent, every active agent present; acceptance_rate = accepted / total, 0 when none. */
  private static JsonObject perAgentTotals(Rows rows) {
    JsonObject perAgent = new JsonObject();
    rows.agents().forEach(agent -> agentStats(perAgent, agent.getString("agent_id")));
    for (Object o : rows.counts()) {
      JsonObject c = (JsonObject) o;
      JsonObject a = agentStats(perAgent, c.getString("agent"));
      a.put("total", a.getLong("total") + c.getLong("count"));
      if (a.containsKey(c.getString("status"))) {
        a.put(c.getString("status"), a.getLong(c.getString("status")) + c.getLong("count"));
      }
    }
    for (Object o : rows.today()) {
      JsonObject a = agentStats(perAgent, ((JsonObject) o).getString("agent"));
      a.put("today", a.getLong("today") + 1);
    }
    perAgent.forEach(e -> {
      JsonObject a = (JsonObject) e.getValue();
      long total = a.getLong("total");
      a.put("acceptance_rate", total == 0 ? 0.0 : Math.round(a.getLong("accepted") * 1000.0 / total) / 10.0);
    });
    return perAgent;
  }

  private static JsonObject proposalStats(Rows rows) {
    JsonObject perAgent = perAgentTotals(rows);
    JsonObject totals = new JsonObject().put("total", 0L).put("pending", 0L).put("accepted", 0L).put("rejected", 0L);
    for (Object o : rows.counts()) {
      JsonObject c = (JsonObject) o;
      totals.put("total", totals.getLong("total") + c.getLong("count"));
      if (totals.containsKey(c.getString("status"))) {
        totals.put(c.getString("status"), totals.getLong(c.getString("status")) + c.getLong("count"));
      }
    }
    return totals.put("agents", perAgent);
  }

  private static JsonObject agentStats(JsonObject perAgent, String agent) {
    JsonObject a = perAgent.getJsonObject(agent);
    if (a == null) {
      a = new JsonObject().put("total", 0L).put("pending", 0L).put("accepted", 0L).put("rejected", 0L).put("today", 0L);
      perAgent.put(agent, a);
    }
    return a;
  }

  /**
   * The replaced UI knows the levels action, detail, api and data: our info, warning and error entries are actions
   * (they are what happened), debug entries are details. The stored level rides along as {@code severity}.
   */
  static JsonArray activity(JsonArray recent) {
    JsonArray out = new JsonArray();
    recent.forEach(o -> {
      JsonObject entry = ((JsonObject) o).copy();
      String severity = entry.getString("level", "info");
      out.add(entry.put("severity", severity).put("level", "debug".equals(severity) ? "detail" : "action"));
    });
    return out;
  }

  /** The day's quota and what today's bursts made of it: today_* count original proposals, as the trigger does. */
  /** The registry's variants, reels first as everywhere in the status (the replaced UI listed light, dark, post). */
  private static JsonArray variants() {
    JsonArray out = new JsonArray();
    for (ContentType type : List.of(ContentType.REEL, ContentType.POST)) {
      type.variants().forEach(v -> out.add(v.id()));
    }
    return out;
  }

  private static JsonObject dailyConfig(MaestroConfig config, Rows rows) {
    int reelsPerBrand = config.integer(MaestroConfig.BURST_REELS_PER_BRAND);
    int postsPerBrand = config.integer(MaestroConfig.BURST_POSTS_PER_BRAND);
    int brands = rows.brands().size();
    JsonArray agents = new JsonArray();
    rows.agents().forEach(a -> agents.add(new JsonObject().put("id", a.getString("agent_id"))
        .put("name", a.getString("display_name")).put("variant", a.getString("variant"))
        .put("proposals_per_brand", a.getInteger("proposals_per_brand"))));
    return new JsonObject()
        .put("total_proposals", (reelsPerBrand + postsPerBrand) * brands)
        .put("total_reels", reelsPerBrand * brands)
        .put("total_posts", postsPerBrand * brands)
        .put("today_reels", BurstOrder.made(rows.today(), null, ContentType.REEL))
        .put("today_posts", BurstOrder.made(rows.today(), null, ContentType.POST))
        .put("reels_per_brand", reelsPerBrand)
        .put("posts_per_brand", postsPerBrand)
        .put("posts_paused", rows.settings().getBoolean(BurstRepository.POSTS_PAUSED, false))
        .put("variants", variants())
        .put("brands", new JsonArray(List.copyOf(rows.brands())))
        .put("agents", agents)
        .put("total_agents", rows.agents().size())
        .put("total_brands", brands)
        .put("jobs_per_day", (reelsPerBrand + postsPerBrand) * brands)
        .put("daily_time", config.string(MaestroConfig.BURST_DAILY_TIME))
        .put("time_zone", config.string(MaestroConfig.BURST_TIME_ZONE));
  }
}
