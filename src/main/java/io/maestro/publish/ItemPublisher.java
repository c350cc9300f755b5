package io.maestro.publish;

import io.maestro.activity.ActivityLog;
import io.maestro.bus.Addresses;
import io.maestro.failure.Failure;
import io.maestro.failure.FailureClassifier;
import io.maestro.failure.FailureCode;
import io.maestro.variant.ContentType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes one claimed item: fixes its platform list, sends the platforms that still need it (one after another,
 * each result stored as soon as it is known), then ends the claim with the {@link OutcomePolicy}'s verdict and
 * tells the user's browsers. Dry run: one outbox line for the item, every platform "published (dry run)".
 */
final class ItemPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(ItemPublisher.class);
  static final String AGENT = "publisher";

  private final Vertx vertx;
  private final PublishRepository repo;
  private final ActivityLog activity;
  private final OutcomePolicy policy;
  private final String node;
  private final Outbox outbox;
  private final Map<String, Platform> platforms;
  private final CredentialStore credentials;

  /** {@code outbox} for dry run, else {@code platforms} with their {@code credentials}. */
  ItemPublisher(Vertx vertx, PublishRepository repo, ActivityLog activity, OutcomePolicy policy, String node,
      Outbox outbox, Map<String, Platform> platforms, CredentialStore credentials) {
    this.vertx = vertx;
    this.repo = repo;
    this.activity = activity;
    this.policy = policy;
    this.node = node;
    this.outbox = outbox;
    this.platforms = platforms;
    this.credentials = credentials;
  }

  Future<Void> publish(JsonObject item) {
    // a bug below must end the claim as a classified failure, not leave the item publishing until its lease ends
    return Future.<Void>succeededFuture().compose(x -> attempt(item));
  }

  private Future<Void> attempt(JsonObject item) {
    live(item.put("status", "publishing"));
    return platformsOf(item)
        .compose(list -> repo.results(item.getLong("id")).compose(results -> send(item, list, results)
            .compose(ignored -> repo.results(item.getLong("id")))
            .compose(after -> finish(item, list, after))))
        .recover(e -> {
          Failure failure = FailureClassifier.classify(e);
          LOG.warn("Publishing item {} failed before any platform answered: {}", item.getLong("id"), failure.message());
          return end(item, new Outcome("failed", null, false, false, failure));
        });
  }

  /** The platforms stored at the first claim; else the job's; else the brand's connected ones (dry run: all). */
  private Future<List<String>> platformsOf(JsonObject item) {
    JsonArray stored = item.getJsonArray("platforms");
    if (stored != null && !stored.isEmpty()) {
      return Future.succeededFuture(strings(stored));
    }
    String type = item.getString("content_type");
    List<String> fromJob = new ArrayList<>();
    for (String p : strings(item.getJsonArray("job_platforms"))) {
      if (List.of(Platform.INSTAGRAM, Platform.FACEBOOK, Platform.YOUTUBE).contains(p) && supports(p, type)
          && !fromJob.contains(p)) {
        fromJob.add(p);
      }
    }
    Future<List<String>> chosen = !fromJob.isEmpty() ? Future.succeededFuture(fromJob)
        : outbox != null ? Future.succeededFuture(defaults(type))
        : credentials.connected(item.getString("user_id"), item.getString("brand"))
            .map(connected -> connected.stream().filter(p -> supports(p, type)).toList());
    return chosen.compose(list -> repo.setPlatforms(item.getLong("id"), list).map(list));
  }

  private static List<String> defaults(String contentType) {
    return ContentType.REEL.id().equals(contentType) ? List.of(Platform.INSTAGRAM, Platform.FACEBOOK, Platform.YOUTUBE)
        : List.of(Platform.INSTAGRAM, Platform.FACEBOOK);
  }

  private static boolean supports(String platform, String contentType) {
    return !Platform.YOUTUBE.equals(platform) || ContentType.REEL.id().equals(contentType);
  }

  private Future<Void> send(JsonObject item, List<String> list, JsonObject results) {
    List<String> due = list.stream().filter(p -> OutcomePolicy.toSend(results.getJsonObject(p))).toList();
    if (due.isEmpty()) {
      return Future.succeededFuture();
    }
    if (outbox != null) {
      return outbox.append(item, item.getString("caption"), due, node).compose(ignored -> {
        Future<Void> chain = Future.succeededFuture();
        for (String p : due) {
          chain = chain.compose(x -> repo.published(item, p, true, null, null));
        }
        return chain;
      });
    }
    Platform.PublishRequest request = new Platform.PublishRequest(item.getLong("id"), item.getString("brand"),
        item.getString("content_type"), item.getString("title"), item.getString("caption"),
        item.getString("media_url"));
    return credentials.open(item.getString("user_id"), item.getString("brand")).transform(opened -> {
      Future<Void> chain = Future.succeededFuture();
      for (String p : due) {
        chain = chain.compose(x -> opened.failed() ? recordFailure(item, p, opened.cause())
            : sendOne(item, platforms.get(p), request, opened.result()));
      }
      return chain;
    });
  }

  private Future<Void> sendOne(JsonObject item, Platform platform, Platform.PublishRequest request,
      BrandCredentials creds) {
    // a client that throws (e.g. a config_error found before any call) fails only its own platform
    return Future.<Void>succeededFuture().compose(x -> platform.publish(request, creds))
        .compose(ref -> repo.published(item, platform.name(), false, ref.postId(), ref.permalink()))
        .recover(e -> recordFailure(item, platform.name(), e));
  }

  private Future<Void> recordFailure(JsonObject item, String platform, Throwable e) {
    Failure failure = FailureClassifier.classify(e);
    LOG.info("Item {} on {} failed: {} ({})", item.getLong("id"), platform, failure.message(), failure.category());
    Future<Void> stored = repo.failed(item, platform, failure);
    if (failure.code() == FailureCode.PUBLISH_AUTH) {
      String brand = item.getString("brand");
      stored = stored.compose(x -> repo.notify(item, failure, platform + " rejected the access token of brand "
          + brand + ": brand " + brand + " must reconnect its " + platform + " account",
          "Reconnect brand " + brand + " (PUT /api/publishing/credentials/" + brand + "), then retry the item"));
    }
    return stored;
  }

  private Future<Void> finish(JsonObject item, List<String> list, JsonObject results) {
    if (list.isEmpty()) {
      return end(item, new Outcome("failed", null, false, false, new Failure(FailureCode.CONFIG_ERROR, "brand "
          + item.getString("brand") + " has no connected platform for a " + item.getString("content_type")
          + ": set its credentials (PUT /api/publishing/credentials/" + item.getString("brand") + ")", null)));
    }
    Outcome outcome = policy.decide(list, results, item.getInteger("retry_count", 0),
        item.getInteger("publish_attempts", 1), Instant.now());
    return end(item, outcome);
  }

  private Future<Void> end(JsonObject item, Outcome outcome) {
    return repo.finish(item, node, outcome).compose(row -> {
      if (row.isEmpty()) {
        LOG.warn("Item {} was handed on while this node published it (lease expired); its results are kept",
            item.getLong("id"));
        return Future.succeededFuture();
      }
      return repo.view(item.getString("user_id"), item.getLong("id"), null, null, 1, 0).compose(view -> {
        if (!view.isEmpty()) {
          live(view.get(0));
        }
        return record(item, outcome);
      });
    });
  }

  private Future<Void> record(JsonObject item, Outcome outcome) {
    String what = item.getString("content_type") + " #" + item.getLong("id") + " of " + item.getString("brand");
    String text = switch (outcome.status()) {
      case "published" -> what + (outcome.dryRun() ? " published (dry run)" : " published");
      case "scheduled" -> what + ": sending again at " + outcome.releaseAt() + " — " + outcome.error().message();
      default -> what + " " + outcome.status().replace('_', ' ') + ": " + outcome.error().message();
    };
    ActivityLog.Level level = switch (outcome.status()) {
      case "published" -> ActivityLog.Level.INFO;
      case "scheduled" -> ActivityLog.Level.WARNING;
      default -> ActivityLog.Level.ERROR;
    };
    return activity.record(item.getString("user_id"), AGENT, "published".equals(outcome.status()) ? "Published"
            : "Publishing " + outcome.status().replace('_', ' '), text, "published".equals(outcome.status()) ? "📣"
            : "⚠️", level).<Void>mapEmpty().otherwise(e -> null);
  }

  /** Tells the user's browsers; a raw claimed row is shown through the same view as the REST list. */
  private void live(JsonObject row) {
    vertx.eventBus().publish(Addresses.publishingUpdates(row.getString("user_id")), PublishView.item(row));
  }

  private static List<String> strings(JsonArray array) {
    List<String> out = new ArrayList<>();
    if (array == null) {
      return out;
    }
    array.forEach(v -> {
      if (v instanceof String s) {
        out.add(s);
      }
    });
    return out;
  }
}
