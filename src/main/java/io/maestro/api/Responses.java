package io.maestro.api;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** JSON responses. */
final class Responses {
  private Responses() {}

  static void json(RoutingContext ctx, int status, Object body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
        .end(body instanceof JsonObject o ? o.encode() : io.vertx.core.json.Json.encode(body));
  }

  /** A client-supplied value, shortened and stripped of control characters, for echoing in an error message. */
  static String safe(String value) {
    if (value == null) {
      return "(none)";
    }
    String clean = value.replaceAll("\\p{Cntrl}", "?");
    return clean.length() > 80 ? clean.substring(0, 80) + "…" : clean;
  }
}
