package io.maestro.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.XmlConfigBuilder;
import io.maestro.StartupFailure;
import io.maestro.config.MaestroConfig;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Clustered mode: Hazelcast with TCP-IP join on the configured members (never multicast), a cluster name that
 * keeps separate deployments apart, and the event bus bound to the configured host. Used by the launcher for
 * {@code -cluster} and by the cluster tests.
 */
public final class ClusterSetup {
  private static final String BUNDLED = "/maestro-cluster.xml";

  private ClusterSetup() {}

  public static ClusterManager clusterManager(MaestroConfig config) {
    return new HazelcastClusterManager(hazelcastConfig(config));
  }

  public static Config hazelcastConfig(MaestroConfig config) {
    Config hz = baseConfig(config.string(MaestroConfig.CLUSTER_CONFIG));
    hz.setClusterName(config.string(MaestroConfig.CLUSTER_NAME));
    String host = config.string(MaestroConfig.CLUSTER_HOST);
    NetworkConfig network = hz.getNetworkConfig();
    network.setPort(config.integer(MaestroConfig.CLUSTER_PORT)).setPortAutoIncrement(true);
    network.getInterfaces().setEnabled(true).setInterfaces(List.of(host));
    network.setPublicAddress(host);
    hz.setProperty("hazelcast.local.localAddress", host);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    List<String> members = Arrays.stream(config.string(MaestroConfig.CLUSTER_MEMBERS).split(","))
        .map(String::trim).filter(m -> !m.isEmpty()).toList();
    join.getTcpIpConfig().setEnabled(true).setMembers(members.isEmpty() ? List.of(host) : members);
    return hz;
  }

  private static Config baseConfig(String path) {
    try {
      if (!path.isBlank() && Files.exists(Path.of(path))) {
        try (InputStream in = Files.newInputStream(Path.of(path))) {
          return new XmlConfigBuilder(in).build();
        }
      }
      try (InputStream in = ClusterSetup.class.getResourceAsStream(BUNDLED)) {
        return new XmlConfigBuilder(in).build();
      }
    } catch (Exception e) {
      throw new StartupFailure("cluster.config (MAESTRO_CLUSTER_CONFIG): cannot read Hazelcast config " + path + ": "
          + e.getMessage(), e);
    }
  }

  /** The event bus listens where the other nodes can reach it. */
  public static VertxOptions applyEventBus(VertxOptions options, MaestroConfig config) {
    EventBusOptions bus = options.getEventBusOptions();
    bus.setHost(config.string(MaestroConfig.CLUSTER_HOST)).setPort(config.integer(MaestroConfig.CLUSTER_EVENT_BUS_PORT));
    bus.setClusterPublicHost(config.string(MaestroConfig.CLUSTER_HOST));
    return options;
  }
}
