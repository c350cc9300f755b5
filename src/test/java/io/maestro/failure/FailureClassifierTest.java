package io.maestro.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.VertxException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpClosedException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("FailureClassifier: classifies a failure from the exception and its cause chain")
class FailureClassifierTest {

  @Nested
  @DisplayName("an explicit MaestroException")
  class Explicit {

    @Test
    @DisplayName("deep in a cause chain wins over everything around it, with its own code and message")
    void deepMaestroExceptionWins() {
      MaestroException root = new MaestroException(FailureCode.API_AUTH, "key rejected by provider",
          new ConnectException("refused"));
      Throwable t = new IllegalStateException("ffmpeg wrapper failed",
          new RuntimeException(new java.io.UncheckedIOException("timeout", new IOException(root))));

      Failure f = FailureClassifier.classify(t);

      assertThat(f.code()).isEqualTo(FailureCode.API_AUTH);
      assertThat(f.message()).isEqualTo("key rejected by provider");
    }

    @Test
    @DisplayName("a rate limit exposes when it resets")
    void resetAt() {
      Instant reset = Instant.parse("2030-01-01T00:00:00Z");
      Throwable t = new RuntimeException(
          MaestroException.rateLimited(FailureCode.API_RATE_LIMITED, "429 from provider", reset));

      assertThat(FailureClassifier.classify(t).code()).isEqualTo(FailureCode.API_RATE_LIMITED);
      assertThat(FailureClassifier.resetAt(t)).contains(reset);
    }
  }

  @Nested
  @DisplayName("an event-bus ReplyException")
  class Replies {

    @Test
    @DisplayName("NO_HANDLERS means no worker was listening")
    void noHandlers() {
      Failure f = FailureClassifier.classify(new ReplyException(ReplyFailure.NO_HANDLERS, "No handlers for jobs.x"));
      assertThat(f.code()).isEqualTo(FailureCode.DISPATCH_NO_WORKER);
      assertThat(f.message()).isEqualTo("No handlers for jobs.x");
    }

    @Test
    @DisplayName("TIMEOUT means the worker did not reply in time")
    void timeout() {
      assertThat(FailureClassifier.classify(new ReplyException(ReplyFailure.TIMEOUT, "Timed out")).code())
          .isEqualTo(FailureCode.REPLY_TIMEOUT);
    }

    @Test
    @DisplayName("RECIPIENT_FAILURE with one of our codes is that code")
    void recipientKnownCode() {
      Failure f = FailureClassifier.classify(
          new ReplyException(ReplyFailure.RECIPIENT_FAILURE, FailureCode.CONTENT_ERROR.code(), "no lines"));
      assertThat(f.code()).isEqualTo(FailureCode.CONTENT_ERROR);
      assertThat(f.message()).isEqualTo("no lines");
    }

    @Test
    @DisplayName("RECIPIENT_FAILURE with a foreign code falls back to keywords on its message")
    void recipientUnknownCodeKeywords() {
      assertThat(FailureClassifier.classify(
          new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 500, "ffmpeg exited with 1")).code())
          .isEqualTo(FailureCode.FFMPEG_OTHER);
    }

    @Test
    @DisplayName("RECIPIENT_FAILURE with a foreign code and no keyword is an internal error, never unknown")
    void recipientUnknownCodeIsInternal() {
      assertThat(FailureClassifier.classify(
          new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 7, "boom")).code())
          .isEqualTo(FailureCode.INTERNAL_ERROR);
    }
  }

  static Stream<Throwable> networkFailures() {
    return Stream.of(
        new TimeoutException("gave up"),
        new SocketTimeoutException("Read timed out"),
        new HttpClosedException("Connection was closed"),
        new VertxException("Connection was closed"),
        new ConnectException("Connection refused"),
        new UnknownHostException("api.example.invalid"),
        new NoRouteToHostException("no route"),
        new ConnectTimeoutException("connection timed out: api.example.invalid/1.2.3.4:443"));
  }

  @DisplayName("network failures are API_ERROR, also when wrapped")
  @ParameterizedTest(name = "{0}")
  @MethodSource("networkFailures")
  void network(Throwable t) {
    assertThat(FailureClassifier.classify(t).code()).isEqualTo(FailureCode.API_ERROR);
    assertThat(FailureClassifier.classify(new RuntimeException("step failed", t)).code())
        .isEqualTo(FailureCode.API_ERROR);
  }

  @Test
  @DisplayName("network exception types are recognised by type, not by their words")
  void networkByTypeNotText() {
    assertThat(FailureClassifier.classify(new UnknownHostException("x.invalid")).code())
        .isEqualTo(FailureCode.API_ERROR);
  }

  @Test
  @DisplayName("missing files are FILE_NOT_FOUND")
  void files() {
    assertThat(FailureClassifier.classify(new FileNotFoundException("/media/a.mp4")).code())
        .isEqualTo(FailureCode.FILE_NOT_FOUND);
    assertThat(FailureClassifier.classify(new IOException("render", new NoSuchFileException("/media/b.png"))).code())
        .isEqualTo(FailureCode.FILE_NOT_FOUND);
  }

  @Test
  @DisplayName("an interrupted worker hit its deadline: JOB_TIMEOUT")
  void interrupted() {
    assertThat(FailureClassifier.classify(new InterruptedException()).code()).isEqualTo(FailureCode.JOB_TIMEOUT);
  }

  @Test
  @DisplayName("a plain exception with no recognisable type or keyword is an INTERNAL_ERROR, never UNKNOWN")
  void plainIsInternal() {
    Failure f = FailureClassifier.classify(new IllegalStateException("boom"));
    assertThat(f.code()).isEqualTo(FailureCode.INTERNAL_ERROR);
    assertThat(f.message()).isEqualTo("boom");
  }

  @Test
  @DisplayName("a plain exception whose message has a keyword gets that keyword's category")
  void plainWithKeyword() {
    assertThat(FailureClassifier.classify(new RuntimeException("Upload to bucket failed")).code())
        .isEqualTo(FailureCode.STORAGE_ERROR);
  }

  @Test
  @DisplayName("an exception with a null message gets a message naming its class and where it was thrown")
  void nullMessage() {
    Failure f = FailureClassifier.classify(new NullPointerException());
    assertThat(f.code()).isEqualTo(FailureCode.INTERNAL_ERROR);
    assertThat(f.message()).startsWith("NullPointerException with no message at ")
        .contains(FailureClassifierTest.class.getName());
  }

  @Test
  @DisplayName("an exception with a blank message borrows its cause's message")
  void blankMessageUsesCause() {
    Failure f = FailureClassifier.classify(new IllegalStateException("  ", new IOException("disk said no")));
    assertThat(f.message()).isEqualTo("IllegalStateException: disk said no");
  }

  @Test
  @DisplayName("a cyclic cause chain terminates")
  void cyclicChain() {
    RuntimeException a = new RuntimeException("a");
    RuntimeException b = new RuntimeException("b", a);
    a.initCause(b);

    Failure f = FailureClassifier.classify(b);

    assertThat(f.code()).isEqualTo(FailureCode.INTERNAL_ERROR);
    assertThat(f.message()).isEqualTo("b");
    assertThat(f.stack()).contains("Caused by: java.lang.RuntimeException: a");
  }

  @Test
  @DisplayName("a null throwable is still a named, non-blank failure")
  void nullThrowable() {
    Failure f = FailureClassifier.classify(null);
    assertThat(f.code()).isEqualTo(FailureCode.INTERNAL_ERROR);
    assertThat(f.message()).isNotBlank();
  }

  @Test
  @DisplayName("classifyText of empty text is UNKNOWN and still has a message")
  void classifyTextEmpty() {
    Failure f = FailureClassifier.classifyText("");
    assertThat(f.code()).isEqualTo(FailureCode.UNKNOWN);
    assertThat(f.message()).isEqualTo("no error message was recorded");
    assertThat(f.stack()).isNull();
  }

  @Test
  @DisplayName("classifyText uses the keyword table and keeps the text")
  void classifyTextKeywords() {
    Failure f = FailureClassifier.classifyText("Cannot allocate memory");
    assertThat(f.code()).isEqualTo(FailureCode.FFMPEG_MEMORY);
    assertThat(f.message()).isEqualTo("Cannot allocate memory");
  }

  @Test
  @DisplayName("of() builds a failure with the given code and a non-blank message")
  void of() {
    assertThat(FailureClassifier.of(FailureCode.NOT_FOUND, "job 7")).isEqualTo(
        new Failure(FailureCode.NOT_FOUND, "job 7", null));
    assertThat(FailureClassifier.of(FailureCode.NOT_FOUND, null).message()).isEqualTo("not_found failure with no message");
  }

  @Test
  @DisplayName("the stack of a deep recursion is trimmed to 40 lines and 4000 characters and keeps the root cause")
  void stackTrimmed() {
    StackOverflowError deep = recurse(0);
    Throwable t = new RuntimeException("outer", new IllegalStateException("middle", deep));

    String stack = FailureClassifier.classify(t).stack();

    assertThat(deep.getStackTrace().length).isGreaterThan(100);
    assertThat(stack.lines().count()).isLessThanOrEqualTo(40);
    assertThat(stack.length()).isLessThanOrEqualTo(4000);
    assertThat(stack).startsWith("java.lang.RuntimeException: outer")
        .contains("Caused by: java.lang.IllegalStateException: middle")
        .contains("Caused by: java.lang.StackOverflowError");
  }

  @Test
  @DisplayName("a stack with many long lines is capped at 4000 characters")
  void stackCharCap() {
    Throwable t = new RuntimeException("x".repeat(10_000));
    String stack = FailureClassifier.classify(t).stack();
    assertThat(stack.length()).isLessThanOrEqualTo(4000);
    assertThat(FailureClassifier.classify(t).message()).hasSize(Failure.MAX_MESSAGE_CHARS);
  }

  private static StackOverflowError recurse(int depth) {
    try {
      return recurse(depth + 1);
    } catch (StackOverflowError e) {
      return e;
    }
  }

  @Test
  @DisplayName("a classified failure survives a JSON round trip")
  void jsonRoundTrip() {
    Failure f = FailureClassifier.classify(new ConnectException("Connection refused"));
    Failure back = Failure.fromJson(f.toJson());
    assertThat(back).isEqualTo(f);
    assertThat(f.toJson().getInteger("code")).isEqualTo(1006);
    assertThat(f.toJson().getString("category")).isEqualTo("api_error");
    assertThat(f.toJson().getBoolean("retryable")).isTrue();
    assertThat(f.toJson().getString("suggested_action")).isEqualTo(FailureCode.API_ERROR.suggestedAction());
  }
}
