package io.maestro.api;

import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** Strict query-parameter reading: a bad value is a 422 naming the parameter. */
final class Query {
  private Query() {}

  static String text(RoutingContext ctx, String name, int maxLength) {
    String value = ctx.queryParams().get(name);
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (value.length() > maxLength) {
      throw ApiError.invalid(name, "is longer than " + maxLength + " characters");
    }
    return value;
  }

  static String oneOf(RoutingContext ctx, String name, Set<String> allowed) {
    String value = text(ctx, name, 64);
    if (value != null && !allowed.contains(value)) {
      throw ApiError.invalid(name, "must be one of " + String.join(", ", allowed));
    }
    return value;
  }

  static int integer(RoutingContext ctx, String name, int defaultValue, int min, int max) {
    String value = text(ctx, name, 12);
    if (value == null) {
      return defaultValue;
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n < min || n > max) {
        throw ApiError.invalid(name, "must be between " + min + " and " + max);
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiError.invalid(name, "must be a whole number");
    }
  }
}
