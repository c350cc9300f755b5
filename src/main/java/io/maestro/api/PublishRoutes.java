package io.maestro.api;

import io.maestro.brands.BrandRepository;
import io.maestro.bus.Addresses;
import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.maestro.publish.BrandCredentials;
import io.maestro.publish.CredentialSealer;
import io.maestro.publish.CredentialStore;
import io.maestro.publish.PublishRepository;
import io.maestro.publish.PublishView;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Publishing: the items with their state per platform, publish now, retry the failed platforms, and the brands'
 * platform credentials (write-only: reading them back shows ids and masked tokens, never a token).
 */
final class PublishRoutes {
  private static final Set<String> STATUSES = new LinkedHashSet<>(List.of("scheduled", "publishing", "published",
      "partially_published", "failed", "cancelled"));
  private static final int MAX_SECRET = 4096;

  private final Vertx vertx;
  private final PublishRepository repo;
  private final CredentialStore credentials;
  private final BrandRepository brands;

  PublishRoutes(Vertx vertx, PublishRepository repo, CredentialStore credentials, BrandRepository brands) {
    this.vertx = vertx;
    this.repo = repo;
    this.credentials = credentials;
    this.brands = brands;
  }

  static PublishRoutes create(Vertx vertx, io.vertx.sqlclient.Pool pool, io.maestro.config.MaestroConfig config) {
    PublishRepository repo = new PublishRepository(pool);
    return new PublishRoutes(vertx, repo, new CredentialStore(repo, CredentialSealer.fromConfig(config)),
        new BrandRepository(pool));
  }

  void mount(Router router) {
    router.get("/api/publishing/items").handler(this::list);
    router.get("/api/publishing/items/:schedule_id").handler(this::get);
    router.post("/api/publishing/items/:schedule_id/publish-now").handler(ctx -> change(ctx, true));
    router.post("/api/publishing/items/:schedule_id/retry").handler(ctx -> change(ctx, false));
    router.get("/api/publishing/credentials").handler(this::credentials);
    router.put("/api/publishing/credentials/:brand").handler(this::saveCredentials);
    router.delete("/api/publishing/credentials/:brand").handler(this::deleteCredentials);
  }

  private void list(RoutingContext ctx) {
    repo.view(Auth.userId(ctx), null, Query.oneOf(ctx, "status", STATUSES), Query.text(ctx, "brand", 64),
            Query.integer(ctx, "limit", 100, 1, 500), Query.integer(ctx, "offset", 0, 0, 1_000_000))
        .onSuccess(rows -> {
          JsonArray items = new JsonArray();
          rows.forEach(row -> items.add(PublishView.item(row)));
          Responses.json(ctx, 200, new JsonObject().put("count", items.size()).put("items", items));
        })
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    long id = id(ctx);
    repo.view(Auth.userId(ctx), id, null, null, 1, 0)
        .onSuccess(rows -> {
          if (rows.isEmpty()) {
            ctx.fail(ApiError.notFound("publishing item " + id));
          } else {
            Responses.json(ctx, 200, PublishView.item(rows.get(0)));
          }
        })
        .onFailure(ctx::fail);
  }

  /** publish-now (a scheduled item becomes due now) or retry (the failed platforms of a finished item). */
  private void change(RoutingContext ctx, boolean now) {
    JsonInput.of(ctx, true, Set.of());
    String userId = Auth.userId(ctx);
    long id = id(ctx);
    (now ? repo.publishNow(userId, id) : repo.retry(userId, id))
        .compose(changed -> changed.isPresent() ? repo.view(userId, id, null, null, 1, 0).map(Optional::of)
            : repo.find(userId, id).compose(found -> Future.failedFuture(found.isEmpty()
                ? ApiError.notFound("publishing item " + id)
                : ApiError.conflict("item " + id + " is " + found.get().getString("status") + "; "
                    + (now ? "only a scheduled item can be published now"
                        : "only a failed or partially_published item can be retried")))))
        .onSuccess(view -> {
          JsonObject item = PublishView.item(view.get().get(0));
          vertx.eventBus().publish(Addresses.publishingUpdates(userId), item);
          vertx.eventBus().publish(Addresses.SCHEDULE_CHANGED, new JsonObject());
          Responses.json(ctx, 202, new JsonObject().put("status", "queued").put("message", now
              ? "item " + id + " is due now; a publisher takes it within moments"
              : "the failed platforms of item " + id + " are sent again; published ones are not").put("item", item));
        })
        .onFailure(ctx::fail);
  }

  private void credentials(RoutingContext ctx) {
    credentials.list(Auth.userId(ctx))
        .onSuccess(list -> Responses.json(ctx, 200, new JsonObject().put("key_configured", credentials.available())
            .put("credentials", list)))
        .onFailure(ctx::fail);
  }

  private void saveCredentials(RoutingContext ctx) {
    JsonInput in = JsonInput.of(ctx, false, new LinkedHashSet<>(BrandCredentials.FIELDS));
    JsonObject changes = new JsonObject();
    for (String field : BrandCredentials.FIELDS) {
      String value = in.string(field, false, MAX_SECRET);
      if (value != null) {
        changes.put(field, value);
      }
    }
    if (changes.isEmpty()) {
      throw ApiError.invalid("body", "give at least one of " + String.join(", ", BrandCredentials.FIELDS));
    }
    String userId = Auth.userId(ctx);
    String brand = brand(ctx);
    if (!credentials.available()) {
      throw new MaestroException(FailureCode.CONFIG_ERROR, "credentials cannot be stored without publish.credentialsKey "
          + "(MAESTRO_PUBLISH_CREDENTIALS_KEY): set it to base64 of 32 random bytes (openssl rand -base64 32)");
    }
    brands.find(userId, brand)
        .compose(found -> found.isEmpty() ? Future.failedFuture(ApiError.notFound("brand " + brand))
            : credentials.save(userId, brand, changes))
        .onSuccess(saved -> Responses.json(ctx, 200, new JsonObject().put("status", "saved").put("credentials", saved)))
        .onFailure(ctx::fail);
  }

  private void deleteCredentials(RoutingContext ctx) {
    String brand = brand(ctx);
    credentials.delete(Auth.userId(ctx), brand)
        .onSuccess(deleted -> {
          if (deleted) {
            Responses.json(ctx, 200, new JsonObject().put("status", "deleted").put("brand", brand));
          } else {
            ctx.fail(ApiError.notFound("credentials of brand " + brand));
          }
        })
        .onFailure(ctx::fail);
  }

  private static String brand(RoutingContext ctx) {
    String raw = ctx.pathParam("brand");
    if (raw == null || !raw.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
      throw ApiError.notFound("brand " + Responses.safe(raw));
    }
    return raw;
  }

  private static long id(RoutingContext ctx) {
    String raw = ctx.pathParam("schedule_id");
    try {
      long id = Long.parseLong(raw);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException ignored) {
      // falls through to 404
    }
    throw ApiError.notFound("publishing item " + Responses.safe(raw));
  }
}
