package io.maestro.api;

import io.maestro.agents.AgentRepository;
import io.maestro.variant.ContentType;
import io.maestro.variant.Variant;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** /api/agents of the contract: list, get, create, update, and DELETE = deactivate (proposals keep their agent). */
final class AgentRoutes {
  private static final Set<String> FIELDS = Set.of("agent_id", "display_name", "personality", "temperature", "variant",
      "proposal_prefix", "strategy_names", "strategy_weights", "risk_tolerance", "proposals_per_brand", "content_types",
      "active");
  /** What GET returns and a client may send back unchanged with PUT; agent_id must match the path. */
  private static final Set<String> UPDATE_FIELDS = union(FIELDS, Set.of("is_builtin", "created_at"));
  private static final Pattern AGENT_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  private static final Pattern PREFIX = Pattern.compile("[A-Z][A-Z0-9]{0,9}");

  private final AgentRepository agents;

  AgentRoutes(AgentRepository agents) {
    this.agents = agents;
  }

  void mount(Router router) {
    router.get("/api/agents").handler(this::list);
    router.post("/api/agents").handler(this::create);
    router.get("/api/agents/:agent_id").handler(this::get);
    router.put("/api/agents/:agent_id").handler(this::update);
    router.delete("/api/agents/:agent_id").handler(this::deactivate);
  }

  private void list(RoutingContext ctx) {
    boolean all = "true".equals(Query.oneOf(ctx, "include_inactive", Set.of("true", "false")));
    agents.list(Auth.userId(ctx), all)
        .onSuccess(list -> Responses.json(ctx, 200, new JsonObject().put("count", list.size()).put("agents", list)))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    String id = agentId(ctx);
    agents.find(Auth.userId(ctx), id)
        .onSuccess(agent -> respond(ctx, agent, id))
        .onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    JsonInput in = JsonInput.of(ctx, false, FIELDS);
    String id = in.string("agent_id", true, 64);
    if (!AGENT_ID.matcher(id).matches()) {
      throw ApiError.invalid("agent_id", "must be lower-case letters, digits, - or _ (at most 64), got \""
          + Responses.safe(id) + "\"");
    }
    in.string("display_name", true, 100);
    JsonObject agent = validated(in, ctx.body().asJsonObject(), new JsonObject());
    if (!agent.containsKey("proposal_prefix")) {
      String derived = id.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "");
      derived = derived.substring(0, Math.min(10, derived.length()));
      if (!PREFIX.matcher(derived).matches()) {
        throw ApiError.invalid("proposal_prefix", "is required when agent_id does not start with a letter");
      }
      agent.put("proposal_prefix", derived);
    }
    agent.put("agent_id", id);
    agents.insert(Auth.userId(ctx), agent)
        .onSuccess(created -> {
          if (created.isEmpty()) {
            ctx.fail(ApiError.conflict("agent " + id + " already exists (a deactivated agent can be re-activated "
                + "with PUT {\"active\": true})"));
          } else {
            Responses.json(ctx, 201, created.get());
          }
        })
        .onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    String id = agentId(ctx);
    JsonInput in = JsonInput.of(ctx, false, UPDATE_FIELDS);
    String bodyId = in.string("agent_id", false, 64);
    if (bodyId != null && !bodyId.equals(id)) {
      throw ApiError.invalid("agent_id", "cannot be changed (path says " + id + ")");
    }
    in.string("display_name", false, 100);
    JsonObject raw = ctx.body().asJsonObject();
    String userId = Auth.userId(ctx);
    agents.find(userId, id)
        .compose(existing -> {
          if (existing.isEmpty()) {
            throw ApiError.notFound("agent " + id);
          }
          JsonObject changes = validated(in, raw, existing.get());
          return agents.update(userId, id, changes);
        })
        .onSuccess(agent -> respond(ctx, agent, id))
        .onFailure(ctx::fail);
  }

  private void deactivate(RoutingContext ctx) {
    String id = agentId(ctx);
    agents.deactivate(Auth.userId(ctx), id)
        .onSuccess(agent -> respond(ctx, agent.map(a -> new JsonObject().put("status", "deactivated")
            .put("agent_id", id).put("agent", a)), id))
        .onFailure(ctx::fail);
  }

  /**
   * The fields present in the body, checked one by one and together (weights name known strategies). Checks the
   * strategy pair against {@code existing} when only one of the two is sent. Throws before anything is written.
   */
  private static JsonObject validated(JsonInput in, JsonObject raw, JsonObject existing) {
    JsonObject out = new JsonObject();
    putIfPresent(out, "display_name", in.string("display_name", false, 100));
    if (out.containsKey("display_name") && out.getString("display_name").isBlank()) {
      throw ApiError.invalid("display_name", "must not be blank");
    }
    putIfPresent(out, "personality", in.string("personality", false, 2000));
    if (raw.containsKey("temperature")) {
      out.put("temperature", decimal(raw, "temperature", 0, 2));
    }
    putIfPresent(out, "variant", in.oneOf("variant", false, Variant.agentChoices()));
    String prefix = in.string("proposal_prefix", false, 10);
    if (prefix != null && !PREFIX.matcher(prefix).matches()) {
      throw ApiError.invalid("proposal_prefix", "must be 1–10 upper-case letters or digits starting with a letter");
    }
    putIfPresent(out, "proposal_prefix", prefix);
    putIfPresent(out, "risk_tolerance", in.oneOf("risk_tolerance", false, Set.of("low", "medium", "high")));
    if (raw.containsKey("proposals_per_brand")) {
      out.put("proposals_per_brand", in.integer("proposals_per_brand", 1, 0, 50));
    }
    if (raw.containsKey("active")) {
      out.put("active", in.bool("active", true));
    }
    if (raw.containsKey("content_types")) {
      out.put("content_types", contentTypes(in));
    }
    strategies(in, raw, existing, out);
    return out;
  }

  /** The registry's content types only, each once. */
  private static JsonArray contentTypes(JsonInput in) {
    JsonArray types = in.strings("content_types", true, 2, 10);
    for (Object t : types) {
      if (ContentType.find((String) t).isEmpty()) {
        throw ApiError.invalid("content_types", "may only contain " + String.join(" and ", ContentType.ids())
            + ", got \"" + Responses.safe((String) t) + "\"");
      }
    }
    return new JsonArray(types.stream().distinct().toList());
  }

  /**
   * strategy_names and strategy_weights into {@code out}, as a consistent pair: names alone keep the old weights
   * when those still fit, else get equal weights; weights alone must weigh the agent's existing strategies (on
   * create, they name them).
   */
  private static void strategies(JsonInput in, JsonObject raw, JsonObject existing, JsonObject out) {
    JsonArray names = raw.containsKey("strategy_names") ? in.strings("strategy_names", true, 20, 40) : null;
    JsonObject weights = raw.containsKey("strategy_weights") ? weights(raw) : null;
    if (names != null && weights == null && !raw.containsKey("strategy_weights")) {
      weights = weightsForNewNames(names, existing);
    }
    if (weights != null && names == null) {
      names = existing.containsKey("strategy_names") ? existing.getJsonArray("strategy_names")
          : new JsonArray(weights.fieldNames().stream().sorted().toList());
    }
    if (weights != null) {
      for (String name : weights.fieldNames()) {
        if (!names.contains(name)) {
          throw ApiError.invalid("strategy_weights", "names strategy \"" + Responses.safe(name)
              + "\" that is not in strategy_names");
        }
      }
      if (weights.stream().mapToDouble(e -> ((Number) e.getValue()).doubleValue()).sum() <= 0) {
        throw ApiError.invalid("strategy_weights", "must have at least one weight above 0");
      }
      out.put("strategy_weights", weights);
    }
    if (names != null) {
      out.put("strategy_names", new JsonArray(names.stream().distinct().toList()));
    }
  }

  /** Null (keep the agent's weights) when they weigh only strategies still named; else equal weights. */
  private static JsonObject weightsForNewNames(JsonArray names, JsonObject existing) {
    JsonObject old = existing.getJsonObject("strategy_weights", new JsonObject());
    if (!old.isEmpty() && old.fieldNames().stream().allMatch(names::contains)) {
      return null;
    }
    JsonObject weights = new JsonObject();
    for (Object n : names) {
      weights.put((String) n, Math.round(1000.0 / names.size()) / 1000.0);
    }
    return weights;
  }

  private static JsonObject weights(JsonObject raw) {
    if (!(raw.getValue("strategy_weights") instanceof JsonObject weights)) {
      throw ApiError.invalid("strategy_weights", "must be an object of strategy name to weight");
    }
    if (weights.size() > 20) {
      throw ApiError.invalid("strategy_weights", "has more than 20 strategies");
    }
    JsonObject out = new JsonObject();
    for (String name : weights.fieldNames()) {
      if (name.isBlank() || name.length() > 40) {
        throw ApiError.invalid("strategy_weights", "strategy names must be 1–40 characters");
      }
      out.put(name, decimal(weights, name, 0, 100));
    }
    return out;
  }

  private static double decimal(JsonObject raw, String field, double min, double max) {
    if (!(raw.getValue(field) instanceof Number n) || Double.isNaN(n.doubleValue())) {
      throw ApiError.invalid(field, "must be a number");
    }
    if (n.doubleValue() < min || n.doubleValue() > max) {
      throw ApiError.invalid(field, "must be between " + min + " and " + max + ", got " + n);
    }
    return Math.round(n.doubleValue() * 100) / 100.0;
  }

  private static void putIfPresent(JsonObject out, String field, Object value) {
    if (value != null) {
      out.put(field, value);
    }
  }

  private static String agentId(RoutingContext ctx) {
    String id = ctx.pathParam("agent_id");
    if (id == null || !AGENT_ID.matcher(id).matches()) {
      throw ApiError.notFound("agent " + Responses.safe(id));
    }
    return id;
  }

  private static void respond(RoutingContext ctx, java.util.Optional<JsonObject> body, String id) {
    if (body.isEmpty()) {
      ctx.fail(ApiError.notFound("agent " + id));
    } else {
      Responses.json(ctx, 200, body.get());
    }
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    java.util.Set<String> all = new java.util.TreeSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }
}
