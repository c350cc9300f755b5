package io.maestro.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SharedJson: one JSON object for every local consumer, its text between nodes")
class SharedJsonTest {

  @Test
  @DisplayName("every local consumer of a publish gets the very object published, not a copy each")
  void localConsumersShareTheObject() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      SharedJson.registerOn(vertx.eventBus());
      SharedJson.registerOn(vertx.eventBus()); // a second actor on the node registers again: nothing happens
      List<JsonObject> received = new CopyOnWriteArrayList<>();
      CountDownLatch both = new CountDownLatch(2);
      for (int i = 0; i < 2; i++) {
        vertx.eventBus().<JsonObject>consumer("shared.test", m -> {
          received.add(m.body());
          both.countDown();
        }).completion().await(10, TimeUnit.SECONDS);
      }
      JsonObject job = new JsonObject().put("job_id", "GEN-000001").put("status", "completed");
      vertx.eventBus().publish("shared.test", job, SharedJson.PUBLISH);
      assertThat(both.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(received).hasSize(2).allSatisfy(body -> assertThat(body).isSameAs(job));
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("on the wire it is the object's JSON behind its length, read back equal from any position of a buffer")
  void wireRoundTrip() {
    SharedJson codec = new SharedJson();
    JsonObject job = new JsonObject().put("job_id", "GEN-000002").put("progress_percent", 100)
        .put("brand_outputs", new JsonObject().put("healthycollege", new JsonObject().put("title", "Sleep — well")))
        .put("brands", new JsonArray().add("healthycollege")).putNull("error_message");
    Buffer wire = Buffer.buffer().appendString("header");
    codec.encodeToWire(wire, job);
    codec.encodeToWire(wire, new JsonObject());
    JsonObject first = codec.decodeFromWire(6, wire);
    assertThat(first).isEqualTo(job);
    assertThat(codec.decodeFromWire(6 + 4 + wire.getInt(6), wire)).isEqualTo(new JsonObject());
    assertThat(codec.transform(job)).isSameAs(job);
  }
}
