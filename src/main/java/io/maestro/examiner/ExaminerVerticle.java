package io.maestro.examiner;

import io.maestro.activity.ActivityLog;
import io.maestro.brands.BrandRepository;
import io.maestro.bus.Addresses;
import io.maestro.config.MaestroConfig;
import io.maestro.node.NodeContext;
import io.maestro.failure.Failure;
import io.maestro.failure.FailureClassifier;
import io.maestro.failure.FailureCode;
import io.maestro.failure.Failures;
import io.maestro.failure.MaestroException;
import io.maestro.textmodel.Prompts;
import io.maestro.textmodel.TextModel;
import io.maestro.textmodel.TextModels;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.Locale;

/**
 * The examiner: scores a proposal (avatar_fit 0.35, engagement_potential 0.35, content_quality 0.30), lets the
 * composite decide, accepts (the agents actor turns it into a job) or rejects it — and for a rejection examines ONE
 * replacement from the same agent for the same brand. When scoring itself fails, {@code examiner.onScoringFailure}
 * decides, and the proposal records that it was a scoring failure and why: never a silent pass.
 */
public class ExaminerVerticle extends VerticleBase {
  private ExaminerRepository repository;
  private BrandRepository brands;
  private ActivityLog activity;
  private TextModel model;
  private boolean acceptOnFailure;
  private DeliveryOptions agentCall;

  private final NodeContext node;

  public ExaminerVerticle(NodeContext node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    MaestroConfig config = node.config();
    Pool pool = node.pool();
    repository = new ExaminerRepository(pool);
    brands = new BrandRepository(pool);
    activity = new ActivityLog(vertx, pool);
    model = TextModels.create(vertx, config);
    acceptOnFailure = config.string(MaestroConfig.EXAMINER_ON_FAILURE).equals("accept");
    agentCall = new DeliveryOptions().setSendTimeout(TextModels.callBudgetMs(config) * TextModels.AGENT_CALLS);
    return vertx.eventBus().<JsonObject>consumer(Addresses.EXAMINER_EXAMINE, this::examine).completion();
  }

  private void examine(Message<JsonObject> message) {
    try {
      String userId = message.body().getString("user_id");
      String proposalId = message.body().getString("proposal_id");
      boolean replace = message.body().getBoolean("replace", true);
      examineOne(userId, proposalId, replace, new JsonArray())
          .onSuccess(results -> message.reply(new JsonObject().put("results", results)))
          .onFailure(e -> Failures.fail(message, e));
    } catch (RuntimeException e) {
      Failures.fail(message, e);
    }
  }

  private Future<JsonArray> examineOne(String userId, String proposalId, boolean replace, JsonArray results) {
    return repository.pending(userId, proposalId).compose(found -> {
      JsonObject p = found.orElseThrow(() -> new MaestroException(FailureCode.NOT_FOUND,
          "proposal " + proposalId + " not found"));
      if (!p.getString("status").equals("pending")) {
        throw new MaestroException(FailureCode.CONFLICT, "proposal " + proposalId + " is " + p.getString("status")
            + "; only pending proposals are examined");
      }
      return Future.all(brands.findActive(userId, p.getString("brand")),
              repository.otherRecent(userId, p.getString("brand"), proposalId))
          .compose(all -> {
            JsonObject brand = all.<java.util.Optional<JsonObject>>resultAt(0).orElse(new JsonObject()
                .put("brand_id", p.getString("brand")).put("display_name", p.getString("brand"))
                .put("topics", new JsonArray()));
            JsonObject input = new JsonObject()
                .put("proposal", new JsonObject().put("title", p.getString("title"))
                    .put("content_lines", p.getJsonArray("content_lines")).put("slide_texts", p.getJsonArray("slide_texts"))
                    .put("caption", p.getString("caption")).put("image_prompt", p.getString("image_prompt"))
                    .put("content_type", p.getString("content_type")))
                .put("brand", brand)
                .put("recent_titles", all.<JsonObject>resultAt(1).getJsonArray("titles"))
                .put("recent_lines", all.<JsonObject>resultAt(1).getJsonArray("lines"));
            return model.complete(Prompts.examination(input)).map(Verdict::of)
                .map(v -> new Examined(v, null))
                .recover(e -> Future.succeededFuture(new Examined(null, FailureClassifier.classify(e))));
          })
          .compose(examined -> record(userId, p, examined))
          .compose(outcome -> after(userId, p, outcome, replace, results));
    });
  }

  private record Examined(Verdict verdict, Failure failure) {}

  private Future<JsonObject> record(String userId, JsonObject p, Examined examined) {
    String id = p.getString("proposal_id");
    Future<Boolean> stored;
    JsonObject outcome = new JsonObject().put("proposal_id", id).put("brand", p.getString("brand"))
        .put("content_type", p.getString("content_type")).put("agent", p.getString("agent_name"));
    String detail;
    if (examined.verdict() != null) {
      Verdict v = examined.verdict();
      stored = repository.record(userId, id, v.composite(), v.scores(), v.verdict(), v.reason(), v.redFlags());
      outcome.put("verdict", v.verdict()).put("score", v.composite()).put("scoring_failed", false);
      detail = String.format(Locale.ROOT, "%s %.2f/10 %s (fit %.1f, engagement %.1f, quality %.1f): %s", id,
          v.composite(), v.verdict(), v.avatarFit(), v.engagement(), v.quality(), v.reason());
    } else {
      Failure f = examined.failure();
      String verdict = acceptOnFailure ? "accept" : "reject";
      String reason = "scoring failed (" + f.category() + "): " + f.message() + " — policy examiner.onScoringFailure="
          + verdict + (acceptOnFailure ? ", accepted unscored" : ", rejected unscored");
      stored = repository.record(userId, id, null, null, verdict, reason, new JsonArray().add("scoring_failed"));
      outcome.put("verdict", verdict).putNull("score").put("scoring_failed", true)
          .put("error", new JsonObject().put("code", f.code().code()).put("category", f.category())
              .put("message", f.message()));
      detail = id + " " + reason;
    }
    boolean accepted = outcome.getString("verdict").equals("accept");
    return stored.compose(ok -> {
      if (!ok) {
        throw new MaestroException(FailureCode.CONFLICT, "proposal " + id + " changed while it was examined");
      }
      return activity.record(userId, "examiner", accepted ? "Passed" : "Rejected", detail,
          accepted ? "🧐" : "🚫", examined.failure() != null ? ActivityLog.Level.WARNING : ActivityLog.Level.INFO);
    }).map(ignored -> outcome);
  }

  private Future<JsonArray> after(String userId, JsonObject p, JsonObject outcome, boolean replace, JsonArray results) {
    results.add(outcome);
    if (outcome.getString("verdict").equals("accept")) {
      return vertx.eventBus().<JsonObject>request(Addresses.PROPOSALS_ACCEPT, new JsonObject().put("user_id", userId)
              .put("proposal_id", p.getString("proposal_id")))
          .map(reply -> {
            outcome.put("job_id", reply.body().getString("job_id"));
            return results;
          });
    }
    // Scoring failures get no replacement: the model that could not score would not score a replacement either.
    if (!replace || outcome.getBoolean("scoring_failed") || p.getString("replaces_proposal") != null) {
      return Future.succeededFuture(results);
    }
    JsonObject ask = new JsonObject().put("user_id", userId).put("agent_id", p.getString("agent_name"))
        .put("brand", p.getString("brand")).put("content_type", p.getString("content_type")).put("count", 1)
        .put("burst_id", p.getString("burst_id")).put("replaces", p.getString("proposal_id"));
    return vertx.eventBus().<JsonObject>request(Addresses.AGENTS_PROPOSE, ask, agentCall)
        .compose(reply -> {
          JsonArray made = reply.body().getJsonArray("proposals");
          String replacement = made.getJsonObject(0).getString("proposal_id");
          outcome.put("replaced_by", replacement);
          return examineOne(userId, replacement, false, results);
        })
        .recover(e -> {
          Failure f = FailureClassifier.classify(e);
          outcome.put("replacement_error", new JsonObject().put("code", f.code().code()).put("category", f.category())
              .put("message", f.message()));
          return activity.record(userId, p.getString("agent_name"), "Replacement failed", p.getString("proposal_id")
                  + ": " + f.category() + ": " + f.message(), "⚠️", ActivityLog.Level.ERROR)
              .map(ignored -> results);
        });
  }

  @Override
  public Future<?> stop() {
    return model == null ? Future.succeededFuture() : model.close();
  }
}
