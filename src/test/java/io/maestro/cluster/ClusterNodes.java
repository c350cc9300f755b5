package io.maestro.cluster;

import io.maestro.MainVerticle;
import io.maestro.config.MaestroConfig;
import io.maestro.jobs.ScriptedRenderer;
import io.maestro.testing.TestApp;
import io.maestro.testing.VertxClose;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Clustered Maestro nodes in this JVM: real Hazelcast on 127.0.0.1, a unique cluster name per test run. */
final class ClusterNodes {
  final String clusterName = "maestro-test-" + UUID.randomUUID();
  final int[] hazelcastPorts;

  ClusterNodes(int nodes) throws IOException {
    hazelcastPorts = new int[nodes];
    for (int i = 0; i < nodes; i++) {
      hazelcastPorts[i] = freePort();
    }
  }

  String members() {
    StringBuilder members = new StringBuilder();
    for (int port : hazelcastPorts) {
      members.append(members.length() == 0 ? "" : ",").append("127.0.0.1:").append(port);
    }
    return members.toString();
  }

  JsonObject clusterConfig(int index) {
    return new JsonObject().put("cluster.name", clusterName).put("cluster.members", members())
        .put("cluster.host", "127.0.0.1").put("cluster.port", hazelcastPorts[index]);
  }

  static final class Node implements AutoCloseable {
    final Vertx vertx;
    final WebClient http;
    final String name;
    final io.maestro.node.NodeContext context;

    Node(Vertx vertx, int port, String name, io.maestro.node.NodeContext context) {
      this.vertx = vertx;
      this.context = context;
      this.name = name;
      this.http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    }

    @Override
    public void close() throws Exception {
      http.close();
      // Once in CI a close took over 60 s. Leaving waits for the cluster manager's monitor, which the remaining
      // member holds while it handles the previous departure with blocking map operations, and those retry while
      // partitions migrate (Hazelcast's operation timeout is 60 s). Hence a bound above that, and a thread dump
      // that shows what held the close if it happens again.
      VertxClose.within(vertx, java.time.Duration.ofSeconds(150));
    }
  }

  Node start(int index, String dbUrl, JsonObject overrides) throws Exception {
    JsonObject cluster = clusterConfig(index);
    MaestroConfig config = MaestroConfig.from(cluster);
    VertxOptions options = ClusterSetup.applyEventBus(new VertxOptions(), config);
    Vertx vertx = Vertx.builder().with(options).withClusterManager(ClusterSetup.clusterManager(config))
        .buildClustered().await(60, TimeUnit.SECONDS);
    String name = "node-" + (char) ('a' + index);
    JsonObject deployment = TestApp.config(dbUrl, cluster.copy().put("node.id", name).mergeIn(overrides));
    MainVerticle main = new MainVerticle(ScriptedRenderer::all);
    try {
      vertx.deployVerticle(main, new DeploymentOptions().setConfig(deployment)).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      throw e;
    }
    int port = main.context().runtime().httpPort();
    return new Node(vertx, port, name, main.context());
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
