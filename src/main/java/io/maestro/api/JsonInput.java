package io.maestro.api;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * Strict reading of a JSON request body: malformed JSON is a 400, a wrong type, a missing required field, an
 * out-of-range value or a field the route does not know is a 422 naming the field. Validation happens before
 * anything is written.
 */
public final class JsonInput {
  private final JsonObject body;

  private JsonInput(JsonObject body) {
    this.body = body;
  }

  /** The body as a JSON object; an empty body counts as {} when {@code emptyAllowed}. */
  public static JsonInput of(RoutingContext ctx, boolean emptyAllowed, Set<String> knownFields) {
    String raw = ctx.body() == null ? null : ctx.body().asString();
    JsonObject body;
    if (raw == null || raw.isBlank()) {
      if (!emptyAllowed) {
        throw ApiError.badRequest("request body must be a JSON object");
      }
      body = new JsonObject();
    } else {
      Object parsed;
      try {
        parsed = io.vertx.core.json.Json.decodeValue(raw);
      } catch (DecodeException e) {
        throw ApiError.badRequest("request body is not valid JSON: " + firstLine(e.getMessage()));
      }
      if (!(parsed instanceof JsonObject object)) {
        throw ApiError.badRequest("request body must be a JSON object");
      }
      body = object;
    }
    for (String field : body.fieldNames()) {
      if (!knownFields.contains(field)) {
        throw ApiError.invalid(field, "unknown field (accepted: " + String.join(", ", knownFields) + ")");
      }
    }
    return new JsonInput(body);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unparseable";
    }
    String line = message.lines().findFirst().orElse("unparseable");
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }

  public String string(String field, boolean required, int maxLength) {
    Object value = body.getValue(field);
    if (value == null) {
      if (required) {
        throw ApiError.invalid(field, "is required");
      }
      return null;
    }
    if (!(value instanceof String s)) {
      throw ApiError.invalid(field, "must be a string");
    }
    if (required && s.isBlank()) {
      throw ApiError.invalid(field, "must not be blank");
    }
    checkText(field, s, maxLength);
    return s;
  }

  public String oneOf(String field, boolean required, Set<String> allowed) {
    String value = string(field, required, 64);
    if (value != null && !allowed.contains(value)) {
      throw ApiError.invalid(field, "must be one of " + String.join(", ", allowed) + ", got \"" + value + "\"");
    }
    return value;
  }

  public JsonArray strings(String field, boolean required, int maxItems, int maxLength) {
    Object value = body.getValue(field);
    if (value == null) {
      if (required) {
        throw ApiError.invalid(field, "is required");
      }
      return new JsonArray();
    }
    if (!(value instanceof JsonArray array)) {
      throw ApiError.invalid(field, "must be an array of strings");
    }
    if (required && array.isEmpty()) {
      throw ApiError.invalid(field, "must not be empty");
    }
    if (array.size() > maxItems) {
      throw ApiError.invalid(field, "has " + array.size() + " items; at most " + maxItems + " are allowed");
    }
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String s)) {
        throw ApiError.invalid(field + "[" + i + "]", "must be a string");
      }
      checkText(field + "[" + i + "]", s, maxLength);
    }
    return array.copy();
  }

  public boolean bool(String field, boolean defaultValue) {
    Object value = body.getValue(field);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof Boolean b)) {
      throw ApiError.invalid(field, "must be true or false");
    }
    return b;
  }

  public int integer(String field, int defaultValue, int min, int max) {
    Object value = body.getValue(field);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw ApiError.invalid(field, "must be a whole number");
    }
    if (n.doubleValue() < min || n.doubleValue() > max) {
      throw ApiError.invalid(field, "must be between " + min + " and " + max + ", got " + n);
    }
    return n.intValue();
  }

  private static void checkText(String field, String s, int maxLength) {
    if (s.length() > maxLength) {
      throw ApiError.invalid(field, "is " + s.length() + " characters long; at most " + maxLength + " are allowed");
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 && c != '\n' && c != '\t' && c != '\r' || c == 0x7f) {
        throw ApiError.invalid(field, "contains a control character (U+" + String.format("%04X", (int) c) + ")");
      }
      // JSON's \uD800-style escapes can smuggle half a surrogate pair; it has no UTF-8 form and would be stored
      // as '?', so it is refused rather than silently changed
      if (Character.isHighSurrogate(c) && (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1)))
          || Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)))) {
        throw ApiError.invalid(field, "contains an unpaired UTF-16 surrogate (U+" + String.format("%04X", (int) c)
            + ")");
      }
    }
  }
}
