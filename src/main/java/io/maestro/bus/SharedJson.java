package io.maestro.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

/**
 * A JSON object published to local consumers without a copy. Vert.x's own JSON codec deep-copies the object for every
 * local consumer, so that one consumer's change cannot show in another's; for JOB_FINISHED, published once per job,
 * that copy was 7% of the dispatcher's event loop at full load. Messages sent with {@link #PUBLISH} share one object:
 * the publisher hands it over and every consumer only reads it. Between nodes it travels as the JSON text, as with the
 * default codec.
 */
public final class SharedJson implements MessageCodec<JsonObject, JsonObject> {
  public static final String NAME = "maestro.json.shared";
  /** Delivery options of a message whose body is shared, not copied, among local consumers. */
  public static final DeliveryOptions PUBLISH = new DeliveryOptions().setCodecName(NAME);

  /** Once per event bus, on every node that sends or receives such messages; later calls do nothing. */
  public static synchronized void registerOn(EventBus bus) {
    try {
      bus.registerCodec(new SharedJson());
    } catch (IllegalStateException alreadyRegistered) {
      // this event bus has it from an earlier start (a second actor on the node, a redeployed verticle)
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, JsonObject body) {
    Buffer json = body.toBuffer();
    buffer.appendInt(json.length()).appendBuffer(json);
  }

  @Override
  public JsonObject decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    return new JsonObject(buffer.getBuffer(pos + 4, pos + 4 + length));
  }

  @Override
  public JsonObject transform(JsonObject body) {
    return body;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
