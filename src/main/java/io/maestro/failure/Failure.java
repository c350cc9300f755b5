package io.maestro.failure;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * A classified failure as it is stored on the job row and shown to operators.
 *
 * @param stack trimmed stack trace, or null when the failure only ever existed as text
 * @param resetAt when a rate limit or quota resets (only those have one), or null; the healer parks the job until
 *     then instead of spending a retry
 */
public record Failure(FailureCode code, String message, String stack, Instant resetAt) {

  public Failure(FailureCode code, String message, String stack) {
    this(code, message, stack, null);
  }

  /** Long enough for any real error line; bounded because it is persisted and rendered in lists. */
  public static final int MAX_MESSAGE_CHARS = 2000;

  public Failure {
    Objects.requireNonNull(code, "code");
    // An empty message is never acceptable: the operator must always be told something.
    if (message == null || message.isBlank()) {
      message = code.category() + " failure with no message";
    } else {
      message = message.strip();
      if (message.length() > MAX_MESSAGE_CHARS) {
        message = message.substring(0, MAX_MESSAGE_CHARS);
      }
    }
  }

  public String category() {
    return code.category();
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("code", code.code())
        .put("category", code.category())
        .put("message", message)
        .put("retryable", code.retryable())
        .put("suggested_action", code.suggestedAction());
    if (stack != null) {
      json.put("stack", stack);
    }
    if (resetAt != null) {
      json.put("reset_at", resetAt.toString());
    }
    return json;
  }

  /**
   * Reads what {@link #toJson()} wrote. The numeric code is authoritative; the category is a fallback for rows written
   * by hand or by other systems, and anything unrecognisable is UNKNOWN rather than an exception on read.
   */
  public static Failure fromJson(JsonObject json) {
    Integer number = json.getInteger("code");
    FailureCode code = (number == null ? java.util.Optional.<FailureCode>empty() : FailureCode.fromCode(number))
        .or(() -> FailureCode.fromCategory(json.getString("category")))
        .orElse(FailureCode.UNKNOWN);
    return new Failure(code, json.getString("message"), json.getString("stack"), instant(json.getValue("reset_at")));
  }

  /** A reset time that cannot be read is dropped: the healer then falls back to its backoff, never to an error. */
  private static Instant instant(Object value) {
    if (!(value instanceof String text)) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
