package io.maestro.api;

import io.maestro.failure.FailureCode;
import io.maestro.failure.MaestroException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * The one mapping from the failure taxonomy to HTTP. Routes fail their context with whatever the job service, a
 * repository or an actor's reply gave them; {@link HttpApiVerticle}'s failure handler renders it through here, so a
 * code means the same status on every route.
 */
final class HttpFailures {
  private HttpFailures() {}

  /**
   * The HTTP error of a classified failure: a {@link MaestroException} raised in this node, or an actor's
   * {@code fail(code, message)} reply. Null for anything else, and for a local failure that is not the caller's
   * (a bug or an outage here stays a 500 with a reference, or the handler's database branch).
   */
  static ApiError of(Throwable failure) {
    if (failure instanceof MaestroException m) {
      return answered(m.code()) ? of(m.code(), m.getMessage(), m.details()) : null;
    }
    if (failure instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        return of(FailureCode.fromCode(reply.failureCode()).orElse(FailureCode.INTERNAL_ERROR), reply.getMessage(),
            null);
      }
      // no handler or no reply in time: the actor is not there (yet), and the client may simply ask again
      return new ApiError(503, "unavailable", "the actor did not answer: " + (reply.getMessage() == null
          ? reply.getClass().getSimpleName() : reply.getMessage()), null);
    }
    return null;
  }

  /**
   * Status and error code per taxonomy code. The request-level codes and a missing configuration the operator must
   * set have a status of their own; anything else an actor failed with on its side is a bad gateway.
   */
  static ApiError of(FailureCode code, String message, JsonObject details) {
    return switch (code) {
      case NOT_FOUND -> new ApiError(404, "not_found", message, details);
      case CONFLICT -> new ApiError(409, "conflict", message, details);
      case CONFIG_ERROR -> new ApiError(409, "config_error", message, details);
      case INVALID_REQUEST -> new ApiError(422, "invalid_field", message, details);
      case QUEUE_FULL -> new ApiError(429, "queue_full", message, details);
      default -> new ApiError(502, code.category(), message, details);
    };
  }

  /** Codes a route answers with their own status when raised in this node; the rest are ours to log as a 500. */
  private static boolean answered(FailureCode code) {
    return code == FailureCode.NOT_FOUND || code == FailureCode.CONFLICT || code == FailureCode.CONFIG_ERROR
        || code == FailureCode.INVALID_REQUEST || code == FailureCode.QUEUE_FULL;
  }
}
