package rdsmemcached.health.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import net.spy.memcached.MemcachedClientIF;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import rdsmemcached.memcached.control.NodeBreakers;

/**
 * Each memcached node's state as this instance sees it, for readiness's data and the gauges {@code
 * memcached.node.up{node="host:port"}} (1 or 0) and {@code memcached.nodes.down}.
 */
@ApplicationScoped
public class CacheNodes {

  public enum Status {
    CONNECTED("connected"),
    /** Connected, but its breaker is open after failures in a row: its keys skip memcached. */
    SKIPPED("connected, not answering: skipped"),
    UNAVAILABLE("unavailable");

    public final String text;

    Status(String text) {
      this.text = text;
    }
  }

  /** A node, named {@code host:port} as configured (stable across DNS re-resolution). */
  public record Node(String name, Status status) {}

  static final Metadata NODE_UP =
      Metadata.builder()
          .withName("memcached.node.up")
          .withDescription("1 while the node is connected and answering, 0 while it is not")
          .build();

  static final Metadata NODES_DOWN =
      Metadata.builder()
          .withName("memcached.nodes.down")
          .withDescription(
              "memcached nodes unavailable or skipped; their keys are served from the"
                  + " database (X-Cache: BYPASS)")
          .build();

  @Inject MemcachedClientIF memcached;
  @Inject NodeBreakers breakers;
  @Inject MetricRegistry registry;

  void register(@Observes @Initialized(ApplicationScoped.class) Object started) {
    for (String node : nodes().stream().map(Node::name).distinct().toList()) {
      registry.gauge(NODE_UP, () -> up(node), new Tag("node", node));
    }
    registry.gauge(
        NODES_DOWN, () -> nodes().stream().filter(n -> n.status() != Status.CONNECTED).count());
  }

  public List<Node> nodes() {
    List<Node> nodes = new ArrayList<>();
    for (SocketAddress node : memcached.getAvailableServers()) {
      nodes.add(new Node(name(node), breakers.isSkipped(node) ? Status.SKIPPED : Status.CONNECTED));
    }
    for (SocketAddress node : memcached.getUnavailableServers()) {
      nodes.add(new Node(name(node), Status.UNAVAILABLE));
    }
    return nodes;
  }

  private int up(String name) {
    return nodes().stream().anyMatch(n -> n.name().equals(name) && n.status() == Status.CONNECTED)
        ? 1
        : 0;
  }

  static String name(SocketAddress node) {
    if (node instanceof InetSocketAddress address) {
      return address.getHostString() + ":" + address.getPort();
    }
    return node.toString();
  }
}
