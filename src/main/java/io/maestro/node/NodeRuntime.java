package io.maestro.node;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a node learns only while it starts: the port the HTTP API actually bound (http.port may be 0) and the text
 * model the agents started with. Written once by the actor that learns it, read by anyone (thread-safe).
 */
public final class NodeRuntime {
  private final AtomicInteger httpPort = new AtomicInteger(-1);
  private final AtomicReference<String> textModel = new AtomicReference<>();

  /** The bound HTTP port, or -1 before the HTTP API listens. */
  public int httpPort() {
    return httpPort.get();
  }

  public void httpPort(int port) {
    httpPort.set(port);
  }

  /** The active text model's description, or null before the agents started one. */
  public String textModel() {
    return textModel.get();
  }

  public void textModel(String description) {
    textModel.set(description);
  }
}
