package io.maestro.jobs;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

/**
 * The messages between the dispatcher and its workers ({@link ClaimedJob} in; {@link JobProgress}, {@link JobOutcome}
 * and {@link WorkerAddress} back) are records that never leave the node, so they travel by reference: no JSON is
 * written or parsed per job. The records are not changed after they are sent (ClaimedJob's row is read-only; the
 * worker renders from a copy), which is what makes sharing them safe.
 */
final class WorkerProtocol {
  /** Every message of the protocol is local: a clustered event bus must not look for it on other nodes. */
  static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private WorkerProtocol() {}

  /** Once per event bus; the dispatcher and every worker call it, whichever starts first registers. */
  static synchronized void registerOn(EventBus bus) {
    register(bus, ClaimedJob.class);
    register(bus, JobProgress.class);
    register(bus, JobOutcome.class);
    register(bus, WorkerAddress.class);
  }

  private static <T> void register(EventBus bus, Class<T> type) {
    try {
      bus.registerDefaultCodec(type, new ByReference<>(type));
    } catch (IllegalStateException alreadyRegistered) {
      // this event bus has it from an earlier start (a redeployed worker, a second verticle instance)
    }
  }

  record ByReference<T>(Class<T> type) implements MessageCodec<T, T> {
    @Override
    public void encodeToWire(Buffer buffer, T body) {
      throw new IllegalStateException(type.getSimpleName() + " is a node-local message and cannot be sent to"
          + " another node");
    }

    @Override
    public T decodeFromWire(int pos, Buffer buffer) {
      throw new IllegalStateException(type.getSimpleName() + " is a node-local message and cannot come from"
          + " another node");
    }

    @Override
    public T transform(T body) {
      return body;
    }

    @Override
    public String name() {
      return "maestro.local." + type.getSimpleName();
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
