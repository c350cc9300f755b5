package io.maestro.api;

import io.vertx.core.json.JsonObject;

/**
 * A client-facing error: HTTP status, a stable machine code, a message that says what is wrong, optional details.
 * Rendered as {@code {"error":{"code","message","details"}}}.
 */
public class ApiError extends RuntimeException {
  private final int status;
  private final String code;
  private final JsonObject details;

  public ApiError(int status, String code, String message, JsonObject details) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.details = details;
  }

  public static ApiError badRequest(String message) {
    return new ApiError(400, "bad_request", message, null);
  }

  public static ApiError invalid(String field, String message) {
    return new ApiError(422, "invalid_field", field + ": " + message, new JsonObject().put("field", field));
  }

  public static ApiError notFound(String what) {
    return new ApiError(404, "not_found", what + " not found", null);
  }

  public static ApiError conflict(String message) {
    return new ApiError(409, "conflict", message, null);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public JsonObject toJson() {
    JsonObject error = new JsonObject().put("code", code).put("message", getMessage());
    if (details != null) {
      error.put("details", details);
    }
    return new JsonObject().put("error", error);
  }
}
