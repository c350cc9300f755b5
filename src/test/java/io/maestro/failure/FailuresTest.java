package io.maestro.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.net.ConnectException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Failures: event-bus failure replies the requester can classify back exactly")
class FailuresTest {

  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private ReplyException request(String address) throws Exception {
    Future<io.vertx.core.eventbus.Message<Object>> reply = vertx.eventBus().request(address, "go");
    Throwable thrown = catchThrowable(() -> reply.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertThat(thrown).isInstanceOf(ExecutionException.class).cause().isInstanceOf(ReplyException.class);
    return (ReplyException) thrown.getCause();
  }

  @Test
  @DisplayName("failing with an exception replies with its classified code, which classifies back to the same code")
  void failWithThrowable() throws Exception {
    vertx.eventBus().consumer("t.throwable", m -> Failures.fail(m, new ConnectException("Connection refused")))
        .completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    ReplyException e = request("t.throwable");

    assertThat(e.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
    assertThat(e.failureCode()).isEqualTo(FailureCode.API_ERROR.code());
    assertThat(e.getMessage()).isEqualTo("Connection refused");
    assertThat(FailureClassifier.classify(e).code()).isEqualTo(FailureCode.API_ERROR);
  }

  @Test
  @DisplayName("failing with a code and blank text still replies with a non-blank message")
  void failWithCode() throws Exception {
    vertx.eventBus().consumer("t.code", m -> Failures.fail(m, FailureCode.CONTENT_ERROR, ""))
        .completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    ReplyException e = request("t.code");

    assertThat(e.failureCode()).isEqualTo(FailureCode.CONTENT_ERROR.code());
    assertThat(e.getMessage()).isNotBlank();
    assertThat(FailureClassifier.classify(e).code()).isEqualTo(FailureCode.CONTENT_ERROR);
  }
}
