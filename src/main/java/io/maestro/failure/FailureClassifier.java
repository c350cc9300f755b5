package io.maestro.failure;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.VertxException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpClosedException;
import java.io.FileNotFoundException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Classifies a failure where it happens, from the exception itself. The exception type is far more reliable than the
 * words in its message; the seed's keyword table is only the last resort here, and the main path for text-only errors
 * ({@link #classifyText}).
 *
 * <p>Two promises: the message is never blank, and UNKNOWN comes only from {@link #classifyText}. An exception has a
 * class and a stack, so when nothing else matches it is a bug we can name (INTERNAL_ERROR), not a mystery.
 */
public final class FailureClassifier {

  static final int MAX_STACK_LINES = 40;
  static final int MAX_STACK_CHARS = 4000;
  // Per section, so a deep recursion in the outer exception cannot push the root cause out of the stored stack.
  static final int MAX_FRAMES_PER_SECTION = 10;
  // Far beyond any real chain; only a bound against pathological ones.
  private static final int MAX_CHAIN = 64;

  private FailureClassifier() {}

  public static Failure of(FailureCode code, String message) {
    return new Failure(code, message, null);
  }

  /** For errors that exist only as text: old rows, external systems. */
  public static Failure classifyText(String text) {
    String message = text == null || text.isBlank() ? "no error message was recorded" : text;
    return new Failure(KeywordClassifier.classify(text), message, null);
  }

  public static Failure classify(Throwable t) {
    if (t == null) {
      // Some callbacks hand over a null cause; that is our bug, and it still must say something.
      return new Failure(FailureCode.INTERNAL_ERROR, "failure reported without an exception", null);
    }
    List<Throwable> chain = chain(t);
    String stack = stack(chain);

    Optional<MaestroException> explicit = maestroException(chain);
    if (explicit.isPresent()) {
      return new Failure(explicit.get().code(), explicit.get().getMessage(), stack, explicit.get().resetAt());
    }
    for (Throwable link : chain) {
      FailureCode code = byType(link);
      if (code != null) {
        return new Failure(code, message(chain), stack);
      }
    }
    FailureCode byText = KeywordClassifier.classify(joinedMessages(chain));
    return new Failure(byText == FailureCode.UNKNOWN ? FailureCode.INTERNAL_ERROR : byText, message(chain), stack);
  }

  /** When a rate limit or quota in the chain resets, if the code that threw it knew. */
  public static Optional<Instant> resetAt(Throwable t) {
    return t == null ? Optional.empty() : maestroException(chain(t)).map(MaestroException::resetAt);
  }

  private static Optional<MaestroException> maestroException(List<Throwable> chain) {
    return chain.stream().filter(MaestroException.class::isInstance).map(MaestroException.class::cast).findFirst();
  }

  private static FailureCode byType(Throwable t) {
    if (t instanceof ReplyException reply) {
      return byReply(reply);
    }
    if (t instanceof TimeoutException
        || t instanceof SocketTimeoutException
        || t instanceof HttpClosedException
        || t instanceof ConnectException
        || t instanceof UnknownHostException
        || t instanceof NoRouteToHostException
        || t instanceof ConnectTimeoutException) {
      return FailureCode.API_ERROR;
    }
    // Vert.x sometimes reports a dropped connection as a bare VertxException; only its text says so.
    if (t instanceof VertxException && t.getMessage() != null && t.getMessage().contains("Connection was closed")) {
      return FailureCode.API_ERROR;
    }
    if (t instanceof FileNotFoundException || t instanceof NoSuchFileException) {
      return FailureCode.FILE_NOT_FOUND;
    }
    // Our workers are interrupted only by their deadline.
    if (t instanceof InterruptedException) {
      return FailureCode.JOB_TIMEOUT;
    }
    return null;
  }

  private static FailureCode byReply(ReplyException reply) {
    switch (reply.failureType()) {
      case NO_HANDLERS:
        return FailureCode.DISPATCH_NO_WORKER;
      case TIMEOUT:
        return FailureCode.REPLY_TIMEOUT;
      case RECIPIENT_FAILURE:
      default:
        return FailureCode.fromCode(reply.failureCode()).orElseGet(() -> {
          // A recipient that replied outside our taxonomy did not go through Failures.fail: a bug, never "unknown".
          FailureCode byText = KeywordClassifier.classify(reply.getMessage());
          return byText == FailureCode.UNKNOWN ? FailureCode.INTERNAL_ERROR : byText;
        });
    }
  }

  /** The outer exception's message, or failing that one that still says what happened and where. */
  private static String message(List<Throwable> chain) {
    Throwable t = chain.get(0);
    if (!isBlank(t.getMessage())) {
      return t.getMessage();
    }
    String name = simpleName(t);
    for (Throwable cause : chain.subList(1, chain.size())) {
      if (!isBlank(cause.getMessage())) {
        return name + ": " + cause.getMessage();
      }
    }
    StackTraceElement[] frames = t.getStackTrace();
    return frames.length == 0 ? name + " with no message" : name + " with no message at " + frames[0];
  }

  private static String simpleName(Throwable t) {
    String simple = t.getClass().getSimpleName();
    return simple.isEmpty() ? t.getClass().getName() : simple; // anonymous classes have no simple name
  }

  private static String joinedMessages(List<Throwable> chain) {
    StringBuilder text = new StringBuilder();
    for (Throwable link : chain) {
      if (!isBlank(link.getMessage())) {
        text.append(link.getMessage()).append('\n');
      }
    }
    return text.toString();
  }

  /** The cause chain, outermost first; stops at the first repeat, so a cyclic chain terminates. */
  private static List<Throwable> chain(Throwable t) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Throwable> chain = new ArrayList<>();
    for (Throwable link = t; link != null && chain.size() < MAX_CHAIN && seen.add(link); link = link.getCause()) {
      chain.add(link);
    }
    return chain;
  }

  /**
   * A stack short enough to store on every failed job row: each section (the exception and each "Caused by:") keeps
   * its first frames, then the whole is capped in lines and characters.
   */
  private static String stack(List<Throwable> chain) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < chain.size(); i++) {
      Throwable link = chain.get(i);
      lines.add((i == 0 ? "" : "Caused by: ") + link);
      StackTraceElement[] frames = link.getStackTrace();
      int shown = Math.min(frames.length, MAX_FRAMES_PER_SECTION);
      for (int f = 0; f < shown; f++) {
        lines.add("\tat " + frames[f]);
      }
      if (frames.length > shown) {
        lines.add("\t... " + (frames.length - shown) + " more");
      }
    }
    if (lines.size() > MAX_STACK_LINES) {
      int dropped = lines.size() - (MAX_STACK_LINES - 1);
      lines = new ArrayList<>(lines.subList(0, MAX_STACK_LINES - 1));
      lines.add("\t... " + dropped + " lines trimmed");
    }
    String stack = String.join("\n", lines);
    if (stack.length() > MAX_STACK_CHARS) {
      String marker = "\n\t... trimmed";
      stack = stack.substring(0, MAX_STACK_CHARS - marker.length()) + marker;
    }
    return stack;
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
