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
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Per memcached node: a circuit breaker, and outage logging once when it starts and once when it
 * ends instead of once per request.
 *
 * <p>A dead node already fails fast (failure mode Cancel: its connection is down). A node that is
 * up but does not answer (overloaded, paused, a half-open network) would cost every request the
 * full operation timeout; after {@code CACHE_BREAKER_FAILURES} failures in a row its keys skip
 * memcached for {@code CACHE_BREAKER_OPEN_MS}, then one request probes it (half-open) and its
 * success closes the breaker. Hand-written rather than MicroProfile Fault Tolerance because the
 * breaker must be per node (one slow node must not switch off the healthy ones) and the node is
 * only known from the key.
 */
@ApplicationScoped
public class CacheAvailability implements ConnectionObserver {

  static final System.Logger LOG = System.getLogger(CacheAvailability.class.getName());

  /** A node is forgotten (logged as back) once it has answered this long after its last failure. */
  static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(5);

  @Inject MemcachedClientIF memcached;

  /** Failures in a row that open a node's breaker. */
  @Inject
  @ConfigProperty(name = "CACHE_BREAKER_FAILURES", defaultValue = "3")
  int breakerFailures;

  /** Milliseconds an open breaker skips its node before one request probes it again. */
  @Inject
  @ConfigProperty(name = "CACHE_BREAKER_OPEN_MS", defaultValue = "1000")
  long breakerOpenMillis;

  private final Map<SocketAddress, NodeState> troubled = new ConcurrentHashMap<>();

  /** False while the key's node is skipped: the caller serves from the source without waiting. */
  boolean allows(String key) {
    if (troubled.isEmpty()) {
      return true;
    }
    NodeState state = troubled.get(nodeOf(key));
    return state == null || state.allows(System.nanoTime());
  }

  /** Whether the node failed recently and has not been quiet since (for readiness data). */
  public boolean isFailing(SocketAddress node) {
    return troubled.containsKey(node);
  }

  void failed(String key, RuntimeException cause) {
    SocketAddress node = nodeOf(key);
    NodeState state =
        troubled.computeIfAbsent(
            node,
            failing -> {
              LOG.log(
                  Level.WARNING,
                  "memcached node {0} failing ({1}); its keys are served from the database"
                      + " (X-Cache: BYPASS) until it answers again",
                  failing,
                  cause.toString());
              return new NodeState();
            });
    if (state.failed(
        System.nanoTime(), breakerFailures, TimeUnit.MILLISECONDS.toNanos(breakerOpenMillis))) {
      LOG.log(
          Level.WARNING,
          "memcached node {0} skipped after {1} failures in a row; probing it every {2} ms",
          node,
          breakerFailures,
          breakerOpenMillis);
    }
  }

  void succeeded(String key) {
    if (troubled.isEmpty()) {
      return;
    }
    SocketAddress node = nodeOf(key);
    NodeState state = troubled.get(node);
    if (state != null && state.succeeded(System.nanoTime()) && troubled.remove(node, state)) {
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

  /** One troubled node: closed, open until a time, or half-open with one probe out. */
  static final class NodeState {
    private int failuresInARow;
    private long lastFailure;
    private long openUntil;
    private boolean probing;
    private boolean opened;

    synchronized boolean allows(long now) {
      if (openUntil == 0) {
        return true;
      }
      if (now < openUntil || probing) {
        return false;
      }
      probing = true;
      return true;
    }

    /** Records a failure; true the first time it opens the breaker (worth a log line). */
    synchronized boolean failed(long now, int threshold, long openNanos) {
      lastFailure = now;
      failuresInARow++;
      if (probing || failuresInARow >= threshold) {
        probing = false;
        openUntil = now + openNanos;
        boolean first = !opened;
        opened = true;
        return first;
      }
      return false;
    }

    /** Records a success, closing the breaker; true once the node has been quiet long enough. */
    synchronized boolean succeeded(long now) {
      failuresInARow = 0;
      probing = false;
      openUntil = 0;
      return now - lastFailure > QUIET_NANOS;
    }
  }
}
