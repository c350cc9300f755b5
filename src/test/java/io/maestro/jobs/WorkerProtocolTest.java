package io.maestro.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("WorkerProtocol: the dispatcher's and workers' records travel by reference and never leave the node")
class WorkerProtocolTest {
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("a claimed job sent to a worker and the outcome it replies arrive as the very objects sent: nothing is"
      + " written to JSON and parsed again per job")
  void recordsArriveAsSent() throws Exception {
    WorkerProtocol.registerOn(vertx.eventBus());
    ClaimedJob claimed = ClaimedJob.of(new JsonObject().put(JobJson.INTERNAL_PK, 7L).put("attempt", 1)
        .put("job_id", "GEN-7").put("user_id", "local").put("variant", "post"), 60_000);
    JobOutcome outcome = new JobOutcome("done", List.of(new BrandOutput("healthycollege",
        Map.of("status", BrandOutput.COMPLETED), null)));
    Object[] received = new Object[1];
    vertx.eventBus().<ClaimedJob>localConsumer("maestro.jobs.worker.test", message -> {
      received[0] = message.body();
      message.reply(outcome, WorkerProtocol.LOCAL);
    }).completion().await(10, TimeUnit.SECONDS);

    var reply = vertx.eventBus().<JobOutcome>request("maestro.jobs.worker.test", claimed, WorkerProtocol.LOCAL)
        .await(10, TimeUnit.SECONDS);

    assertThat(received[0]).isSameAs(claimed);
    assertThat(reply.body()).isSameAs(outcome);
  }

  @Test
  @DisplayName("the claimed job's row cannot be changed by whoever receives it: renderers work on a copy")
  void claimedRowIsReadOnly() {
    ClaimedJob claimed = ClaimedJob.of(new JsonObject().put(JobJson.INTERNAL_PK, 7L).put("attempt", 1)
        .put("title", "as claimed"), 60_000);
    assertThatThrownBy(() -> claimed.row().put("title", "changed")).isInstanceOf(UnsupportedOperationException.class);
    JsonObject copy = claimed.job().put("title", "changed by a renderer");
    assertThat(copy.getString("title")).isEqualTo("changed by a renderer");
    assertThat(claimed.row().get("title")).isEqualTo("as claimed");
  }

  @Test
  @DisplayName("registering again (a second worker instance, a redeploy) is harmless, and a protocol record bound for"
      + " another node fails loudly instead of going out half-encoded")
  void registersOnceAndStaysLocal() {
    WorkerProtocol.registerOn(vertx.eventBus());
    WorkerProtocol.registerOn(vertx.eventBus());
    MessageCodec<WorkerAddress, WorkerAddress> codec = new WorkerProtocol.ByReference<>(WorkerAddress.class);
    assertThatThrownBy(() -> codec.encodeToWire(Buffer.buffer(), new WorkerAddress("maestro.jobs.worker.a")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot be sent to another node");
  }
}
