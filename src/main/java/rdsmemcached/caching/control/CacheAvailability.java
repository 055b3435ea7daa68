package rdsmemcached.caching.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.ConnectionObserver;
import net.spy.memcached.MemcachedClientIF;

/**
 * Logs a memcached outage once when it starts and once when it ends, per node, instead of once per
 * request.
 */
@ApplicationScoped
public class CacheAvailability implements ConnectionObserver {

  static final System.Logger LOG = System.getLogger(CacheAvailability.class.getName());

  @Inject MemcachedClientIF memcached;

  static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(5);

  /** Failing nodes and when they last failed. */
  private final Map<SocketAddress, Long> failingNodes = new ConcurrentHashMap<>();

  void failed(String key, RuntimeException cause) {
    SocketAddress node = nodeOf(key);
    if (failingNodes.put(node, System.nanoTime()) == null) {
      LOG.log(
          Level.WARNING,
          "memcached node {0} failing ({1}); its keys are served from the database"
              + " (X-Cache: BYPASS) until it answers again",
          node,
          cause.toString());
    }
  }

  void succeeded(String key) {
    if (failingNodes.isEmpty()) {
      return;
    }
    SocketAddress node = nodeOf(key);
    Long lastFailure = failingNodes.get(node);
    if (lastFailure != null
        && System.nanoTime() - lastFailure > QUIET_NANOS
        && failingNodes.remove(node, lastFailure)) {
      LOG.log(Level.INFO, "memcached node {0} answers again; caching resumed", node);
    }
  }

  private SocketAddress nodeOf(String key) {
    return memcached.getNodeLocator().getPrimary(key).getSocketAddress();
  }

  @Override
  public void connectionEstablished(SocketAddress node, int reconnectCount) {
    if (reconnectCount > 0) {
      LOG.log(Level.INFO, "memcached node {0} reconnected", node);
    }
  }

  @Override
  public void connectionLost(SocketAddress node) {
    LOG.log(
        Level.WARNING, "memcached node {0} connection lost; reconnecting in the background", node);
  }
}
