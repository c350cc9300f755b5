package io.maestro.agents;

import io.maestro.activity.ActivityLog;
import io.maestro.brands.BrandRepository;
import io.maestro.bus.Addresses;
import io.maestro.config.MaestroConfig;
import io.maestro.failure.FailureCode;
import io.maestro.failure.Failures;
import io.maestro.failure.MaestroException;
import io.maestro.jobs.JobService;
import io.maestro.node.NodeContext;
import io.maestro.textmodel.Prompts;
import io.maestro.textmodel.TextModel;
import io.maestro.textmodel.TextModels;
import io.maestro.variant.ContentType;
import io.maestro.variant.Variant;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The proposal agents. On {@link Addresses#AGENTS_PROPOSE} an agent writes proposals for one brand and content type
 * through the text model: strategies drawn by its weights, the brand's recent titles passed to avoid repeats,
 * duplicates of the last 60 days dropped before anyone examines them, ids PREFIX-nnn from a race-free counter.
 * On {@link Addresses#PROPOSALS_ACCEPT} a proposal becomes a queued job carrying exactly what was examined.
 */
public class ProposalAgentVerticle extends VerticleBase {
  /** Model rounds per request: the first, plus two to make up for dropped duplicates or unusable items. */
  private static final int MAX_ROUNDS = 3;

  private AgentRepository agents;
  private BrandRepository brands;
  private ActivityLog activity;
  private ProposalAcceptance acceptance;
  private TextModel model;
  private long seed;

  private final NodeContext node;

  public ProposalAgentVerticle(NodeContext node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    MaestroConfig config = node.config();
    Pool pool = node.pool();
    agents = new AgentRepository(pool);
    brands = new BrandRepository(pool);
    activity = new ActivityLog(vertx, pool);
    acceptance = new ProposalAcceptance(agents, new JobService(vertx, node), activity,
        config.integer(MaestroConfig.MAX_RETRIES));
    model = TextModels.create(vertx, config);
    seed = config.longValue(MaestroConfig.TEXT_MODEL_SEED);
    node.runtime().textModel(model.describe());
    return Future.join(
        vertx.eventBus().<JsonObject>consumer(Addresses.AGENTS_PROPOSE, this::propose).completion(),
        vertx.eventBus().<JsonObject>consumer(Addresses.PROPOSALS_ACCEPT, this::accept).completion());
  }

  private void propose(Message<JsonObject> message) {
    try {
      JsonObject req = message.body();
      String userId = req.getString("user_id");
      String agentId = req.getString("agent_id");
      String brandId = req.getString("brand");
      String type = req.getString("content_type");
      int count = req.getInteger("count", 1);
      Future.all(agents.find(userId, agentId), brands.findActive(userId, brandId), agents.recentTitles(userId, brandId, 30))
          .compose(all -> {
            JsonObject agent = all.<java.util.Optional<JsonObject>>resultAt(0).filter(a -> a.getBoolean("active"))
                .orElseThrow(() -> new MaestroException(FailureCode.NOT_FOUND, "no active agent " + agentId));
            JsonObject brand = all.<java.util.Optional<JsonObject>>resultAt(1)
                .orElseThrow(() -> new MaestroException(FailureCode.NOT_FOUND, "no active brand " + brandId));
            if (!agent.getJsonArray("content_types").contains(type)) {
              throw new MaestroException(FailureCode.INVALID_REQUEST, "agent " + agentId + " does not make " + type + "s");
            }
            return write(userId, agent, brand, type, count, all.resultAt(2), req, new ArrayList<>(), 0, 0);
          })
          .onSuccess(message::reply)
          .onFailure(e -> Failures.fail(message, e));
    } catch (RuntimeException e) {
      Failures.fail(message, e);
    }
  }

  /** One model round; further rounds only for what duplicates or unusable items left missing. */
  private Future<JsonObject> write(String userId, JsonObject agent, JsonObject brand, String type, int count,
      List<String> recent, JsonObject req, List<JsonObject> saved, int round, int dropped) {
    int need = count - saved.size();
    if (need <= 0 || round == MAX_ROUNDS) {
      return done(userId, agent, brand, type, count, saved, dropped);
    }
    List<String> avoid = new ArrayList<>(recent);
    saved.forEach(p -> avoid.add(0, p.getString("title")));
    JsonObject input = new JsonObject()
        .put("agent", agent)
        .put("brand", brand)
        .put("content_type", type)
        .put("count", need)
        .put("strategies", Strategies.draw(seed, agent, brand, type, need, avoid.size(), round))
        .put("recent_titles", new JsonArray(avoid.subList(0, Math.min(30, avoid.size()))))
        .put("round", round);
    return model.complete(Prompts.proposals(input)).compose(answer -> {
      List<JsonObject> candidates = ProposalAnswers.usable(answer);
      Map<String, JsonObject> unique = new LinkedHashMap<>();
      for (JsonObject c : candidates) {
        String key = ProposalAnswers.normal(c.getString("title"));
        boolean repeat = avoid.stream().anyMatch(t -> ProposalAnswers.normal(t).equals(key));
        if (!repeat && !unique.containsKey(key) && unique.size() < need) {
          unique.put(key, c);
        }
      }
      int droppedNow = candidates.size() - unique.size();
      return agents.duplicates(userId, brand.getString("brand_id"), new ArrayList<>(unique.keySet()))
          .compose(old -> {
            unique.keySet().removeAll(old);
            int lost = droppedNow + old.size();
            Future<Void> chain = Future.succeededFuture();
            for (JsonObject c : unique.values()) {
              chain = chain.compose(v -> save(userId, agent, brand, type, c, req).map(p -> {
                saved.add(p);
                return null;
              }));
            }
            return chain.compose(v -> write(userId, agent, brand, type, count, recent, req, saved, round + 1,
                dropped + Math.max(0, lost)));
          });
    });
  }

  private Future<JsonObject> done(String userId, JsonObject agent, JsonObject brand, String type, int count,
      List<JsonObject> saved, int dropped) {
    String name = agent.getString("agent_id");
    if (saved.isEmpty()) {
      return Future.failedFuture(new MaestroException(FailureCode.CONTENT_ERROR, "agent " + name + " produced no usable "
          + type + " for " + brand.getString("brand_id") + " (" + dropped + " duplicate or incomplete item(s) dropped)"));
    }
    String detail = saved.size() + " " + type + "(s) for " + brand.getString("brand_id") + ": "
        + String.join(", ", saved.stream().map(p -> p.getString("proposal_id") + " \"" + p.getString("title") + "\"").toList())
        + (dropped > 0 ? "; " + dropped + " duplicate/incomplete dropped" : "")
        + (saved.size() < count ? "; " + (count - saved.size()) + " short of " + count : "");
    return activity.record(userId, name, "Proposed", detail, "💡", saved.size() < count
            ? ActivityLog.Level.WARNING : ActivityLog.Level.INFO)
        .map(ignored -> new JsonObject().put("proposals", new JsonArray(new ArrayList<>(saved))).put("requested", count)
            .put("dropped", dropped));
  }

  private Future<JsonObject> save(String userId, JsonObject agent, JsonObject brand, String type, JsonObject c,
      JsonObject req) {
    String prefix = agent.getString("proposal_prefix");
    return agents.nextNumber(userId, prefix).compose(n -> {
      String variant = Variant.forProposal(ContentType.find(type).orElseThrow(() -> new MaestroException(
          FailureCode.INVALID_REQUEST, "no content type " + type)), agent.getString("variant"), n).id();
      JsonObject row = c.copy()
          .put("proposal_id", String.format(Locale.ROOT, "%s-%03d", prefix, n))
          .put("agent_name", agent.getString("agent_id"))
          .put("content_type", type)
          .put("brand", brand.getString("brand_id"))
          .put("variant", variant)
          .put("burst_id", req.getString("burst_id"))
          .put("replaces_proposal", req.getString("replaces"));
      return agents.insertProposal(userId, row);
    });
  }

  private void accept(Message<JsonObject> message) {
    try {
      JsonObject body = message.body();
      acceptance.accept(body.getString("user_id"), body.getString("proposal_id"), body.getString("notes"))
          .onSuccess(message::reply)
          .onFailure(e -> Failures.fail(message, e));
    } catch (RuntimeException e) {
      Failures.fail(message, e);
    }
  }

  @Override
  public Future<?> stop() {
    return model == null ? Future.succeededFuture() : model.close();
  }
}
