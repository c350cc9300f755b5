package io.maestro.api;

import io.maestro.activity.ActivityLog;
import io.maestro.bus.Addresses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * What the Observatory needs beyond the existing REST contract: who the caller is and which live addresses are
 * theirs ({@code GET /api/me}), the persisted activity log ({@code GET /api/maestro/activity?limit}), and the UI
 * itself, served from the jar's {@code webroot} at {@code /}.
 */
final class ObservatoryRoutes {
  private final ActivityLog activity;
  private final Auth auth;

  ObservatoryRoutes(ActivityLog activity, Auth auth) {
    this.activity = activity;
    this.auth = auth;
  }

  void mount(Router router) {
    router.get("/api/me").handler(ctx -> {
      String user = Auth.userId(ctx);
      Responses.json(ctx, 200, new JsonObject()
          .put("user_id", user)
          .put("auth", auth.jwt() == null ? "local" : "jwt")
          .put("addresses", new JsonObject()
              .put("jobs", Addresses.jobUpdates(user))
              .put("activity", Addresses.activityUpdates(user))));
    });
    router.get("/api/maestro/activity").handler(ctx -> {
      int limit = Query.integer(ctx, "limit", 50, 1, 500);
      activity.recent(Auth.userId(ctx), limit)
          .onSuccess(entries -> Responses.json(ctx, 200,
              new JsonObject().put("count", entries.size()).put("activity", entries)))
          .onFailure(ctx::fail);
    });
    // after every API route: an unknown /api path still ends in the JSON 404, a UI file is served from the jar
    router.route("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false).setIndexPage("index.html"));
  }
}
