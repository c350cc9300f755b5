package io.maestro.failure;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Objects;

/**
 * An exception that already knows its place in the taxonomy. Code that understands a failure (a 429 from an API, a
 * missing config key) throws this so the classifier never has to guess from text; the first one in a cause chain wins.
 */
public class MaestroException extends RuntimeException {

  private final FailureCode code;
  // Only rate limits and quotas have one; the healer parks the job until then instead of spending a retry.
  private final Instant resetAt;
  // What a client needs to act on a refusal (the limit and the count of a queue_full); null when there is nothing.
  private final JsonObject details;

  public MaestroException(FailureCode code, String message) {
    this(code, message, null, null, null);
  }

  public MaestroException(FailureCode code, String message, Throwable cause) {
    this(code, message, cause, null, null);
  }

  private MaestroException(FailureCode code, String message, Throwable cause, Instant resetAt, JsonObject details) {
    // A blank message is what made the old healer say "unknown"; the code's advice is always better than nothing.
    super(nonBlank(Objects.requireNonNull(code, "code"), message), cause);
    this.code = code;
    this.resetAt = resetAt;
    this.details = details;
  }

  /** A rate-limit or quota failure; {@code resetAt} may be null when the API did not say when it resets. */
  public static MaestroException rateLimited(FailureCode code, String message, Instant resetAt) {
    return new MaestroException(code, message, null, resetAt, null);
  }

  /** A refusal with machine-readable details (rendered as the HTTP error's {@code details}). */
  public static MaestroException withDetails(FailureCode code, String message, JsonObject details) {
    return new MaestroException(code, message, null, null, details);
  }

  public FailureCode code() {
    return code;
  }

  /** When the limit resets, or null if unknown or not a limit. */
  public Instant resetAt() {
    return resetAt;
  }

  /** Machine-readable details of a refusal, or null. */
  public JsonObject details() {
    return details;
  }

  private static String nonBlank(FailureCode code, String message) {
    return message == null || message.isBlank() ? code.suggestedAction() : message;
  }
}
