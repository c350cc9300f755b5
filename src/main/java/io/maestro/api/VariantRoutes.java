package io.maestro.api;

import io.maestro.variant.ContentType;
import io.maestro.variant.Variant;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/** {@code GET /api/variants}: the variant registry as the UI and API clients read it (the same for every user). */
final class VariantRoutes {
  private final JsonObject body = registry();

  void mount(Router router) {
    router.get("/api/variants").handler(ctx -> Responses.json(ctx, 200, body.copy()));
  }

  static JsonObject registry() {
    JsonArray variants = new JsonArray();
    for (Variant v : Variant.values()) {
      JsonArray hours = new JsonArray();
      for (int hour : v.slotHours()) {
        hours.add(hour);
      }
      variants.add(new JsonObject()
          .put("variant", v.id())
          .put("label", v.label())
          .put("content_type", v.contentType().id())
          .put("media", v.media().id())
          .put("dark", v.dark())
          .put("slot_hours_utc", hours)
          .put("agent_choosable", v.agentChoosable()));
    }
    return new JsonObject()
        .put("count", variants.size())
        .put("variants", variants)
        .put("content_types", new JsonArray(ContentType.ids().stream().toList()))
        .put("agent_variants", new JsonArray(Variant.agentChoices().stream().toList()));
  }
}
