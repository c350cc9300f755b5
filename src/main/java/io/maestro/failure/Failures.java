package io.maestro.failure;

import io.vertx.core.eventbus.Message;

/**
 * Event-bus replies for failures. Always replying through here means the numeric code the requester sees in its
 * {@code ReplyException} is one of ours, so {@link FailureClassifier} can map it back without guessing.
 */
public final class Failures {

  private Failures() {}

  public static void fail(Message<?> message, Throwable t) {
    Failure f = FailureClassifier.classify(t);
    message.fail(f.code().code(), f.message());
  }

  public static void fail(Message<?> message, FailureCode code, String text) {
    Failure f = FailureClassifier.of(code, text);
    message.fail(f.code().code(), f.message());
  }
}
