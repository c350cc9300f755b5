package io.maestro.api;

import io.maestro.burst.BurstRepository;
import io.maestro.config.MaestroConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Assembles GET /api/maestro/status in the contract's shape from the few rows MaestroRoutes read. */
final class StatusView {
  private StatusView() {}

  static JsonObject build(MaestroConfig config, Instant startedAt, JsonObject settings, JsonArray counts,
      JsonArray today, JsonArray recent, List<JsonObject> agents, Set<String> brands) {
    Instant now = Instant.now();
    JsonObject lock = settings.getJsonObject(BurstRepository.LOCK);
    boolean running = lock != null && lock.getString("expires_at") != null
        && java.time.OffsetDateTime.parse(lock.getString("expires_at")).toInstant().isAfter(now);
    JsonObject stats = settings.getJsonObject(BurstRepository.STATS, new JsonObject());
    String lastDaily = settings.getValue(BurstRepository.LAST_DAILY_RUN) instanceof String s ? s : null;
    String lastDailyAt = settings.getString(BurstRepository.LAST_DAILY_RUN + ".updated_at");

    JsonObject totals = new JsonObject().put("total", 0L).put("pending", 0L).put("accepted", 0L).put("rejected", 0L);
    JsonObject perAgent = new JsonObject();
    agents.forEach(agent -> agentStats(perAgent, agent.getString("agent_id")));
    for (Object o : counts) {
      JsonObject c = (JsonObject) o;
      JsonObject a = agentStats(perAgent, c.getString("agent"));
      long n = c.getLong("count");
      a.put("total", a.getLong("total") + n);
      totals.put("total", totals.getLong("total") + n);
      if (a.containsKey(c.getString("status"))) {
        a.put(c.getString("status"), a.getLong(c.getString("status")) + n);
        totals.put(c.getString("status"), totals.getLong(c.getString("status")) + n);
      }
    }
    int todayReels = 0;
    int todayPosts = 0;
    JsonObject agentView = new JsonObject();
    for (JsonObject agent : agents) {
      String id = agent.getString("agent_id");
      agentView.put(id, new JsonObject().put("name", agent.getString("display_name")).put("proposals_today", 0)
          .put("total_proposals", perAgent.containsKey(id) ? perAgent.getJsonObject(id).getLong("total") : 0L)
          .putNull("last_thought").putNull("last_thought_at")
          .put("errors", stats.getLong("agent_errors." + id, 0L)));
    }
    for (Object o : today) {
      JsonObject p = (JsonObject) o;
      JsonObject a = agentView.getJsonObject(p.getString("agent"));
      if (a != null) {
        a.put("proposals_today", a.getInteger("proposals_today") + 1);
        if (a.getValue("last_thought") == null) { // newest first
          a.put("last_thought", p.getString("reasoning") != null ? p.getString("reasoning") : p.getString("title"))
              .put("last_thought_at", p.getString("created_at"));
        }
      }
      agentStats(perAgent, p.getString("agent")).put("today", agentStats(perAgent, p.getString("agent"))
          .getLong("today") + 1);
      if ("accepted".equals(p.getString("status"))) {
        if ("reel".equals(p.getString("content_type"))) {
          todayReels++;
        } else {
          todayPosts++;
        }
      }
    }
    perAgent.forEach(e -> {
      JsonObject a = (JsonObject) e.getValue();
      long decided = a.getLong("accepted") + a.getLong("rejected");
      a.put("acceptance_rate", decided == 0 ? null : Math.round(a.getLong("accepted") * 1000.0 / decided) / 10.0);
    });

    int reelsPerBrand = config.integer(MaestroConfig.BURST_REELS_PER_BRAND);
    int postsPerBrand = config.integer(MaestroConfig.BURST_POSTS_PER_BRAND);
    Duration uptime = Duration.between(startedAt, now);
    return new JsonObject()
        .put("is_running", running)
        .put("is_paused", settings.getBoolean(BurstRepository.PAUSED, false))
        .put("posts_paused", settings.getBoolean(BurstRepository.POSTS_PAUSED, false))
        .put("started_at", startedAt.toString())
        .put("uptime_seconds", uptime.getSeconds())
        .put("uptime_human", MaestroRoutes.human(uptime))
        .put("current_agent", running ? lock.getString("current_agent") : null)
        .put("current_phase", running ? lock.getString("current_phase") : "idle")
        .put("current_burst", running ? lock.copy() : null)
        .put("last_daily_run", lastDaily)
        .put("last_daily_run_human", lastDailyAt == null ? "never"
            : MaestroRoutes.human(Duration.between(Instant.parse(lastDailyAt), now)) + " ago")
        .put("total_cycles", stats.getLong("total_cycles", 0L))
        .put("total_proposals_generated", stats.getLong("total_proposals_generated", 0L))
        .put("total_jobs_dispatched", stats.getLong("total_jobs_dispatched", 0L))
        .put("errors", stats.getLong("errors", 0L))
        .put("agents", agentView)
        .put("recent_activity", recent)
        .put("proposal_stats", totals.copy().put("agents", perAgent))
        .put("daily_config", new JsonObject()
            .put("total_proposals", (reelsPerBrand + postsPerBrand) * brands.size())
            .put("total_reels", reelsPerBrand * brands.size())
            .put("total_posts", postsPerBrand * brands.size())
            .put("today_reels", todayReels)
            .put("today_posts", todayPosts)
            .put("reels_per_brand", reelsPerBrand)
            .put("posts_per_brand", postsPerBrand)
            .put("brands", new JsonArray(List.copyOf(brands)))
            .put("total_agents", agents.size())
            .put("total_brands", brands.size())
            .put("jobs_per_day", (reelsPerBrand + postsPerBrand) * brands.size())
            .put("daily_time", config.string(MaestroConfig.BURST_DAILY_TIME))
            .put("time_zone", config.string(MaestroConfig.BURST_TIME_ZONE)));
  }

  private static JsonObject agentStats(JsonObject perAgent, String agent) {
    JsonObject a = perAgent.getJsonObject(agent);
    if (a == null) {
      a = new JsonObject().put("total", 0L).put("pending", 0L).put("accepted", 0L).put("rejected", 0L).put("today", 0L);
      perAgent.put(agent, a);
    }
    return a;
  }
}
