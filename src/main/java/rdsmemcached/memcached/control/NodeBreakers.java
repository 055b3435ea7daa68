package rdsmemcached.memcached.control;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.ConnectionObserver;
import net.spy.memcached.MemcachedClientIF;
import net.spy.memcached.NodeLocator;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Per memcached node: a circuit breaker, and outage logging once when it starts and once when it
 * ends instead of once per request.
 *
 * <p>A dead node already fails fast (failure mode Cancel: its connection is down). A node that is
 * up but does not answer (overloaded, paused, a half-open network) would cost every request the
 * full operation timeout; after {@code CACHE_BREAKER_FAILURES} failures in a row its keys skip
 * memcached, and a background probe asks the node again every {@code CACHE_BREAKER_OPEN_MS}; its
 * first success closes the breaker. The probe is not a user request, so while a node is out no
 * request waits for it: measured with a paused node, requests paying a timeout pushed the p99 above
 * one database query when user requests probed (half-open). Hand-written rather than MicroProfile
 * Fault Tolerance because the breaker must be per node (one slow node must not switch off the
 * healthy ones) and the node is only known from the key.
 */
@ApplicationScoped
public class NodeBreakers implements ConnectionObserver {

  static final System.Logger LOG = System.getLogger(NodeBreakers.class.getName());

  /** A node is forgotten (logged as back) once it has answered this long after its last failure. */
  static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(5);

  @Inject MemcachedClientIF memcached;

  @Resource ManagedScheduledExecutorService scheduler;

  /** Failures in a row that open a node's breaker. */
  @Inject
  @ConfigProperty(name = "CACHE_BREAKER_FAILURES")
  int breakerFailures;

  /** Milliseconds between background probes of a node whose breaker is open. */
  @Inject
  @ConfigProperty(name = "CACHE_BREAKER_OPEN_MS")
  long breakerOpenMillis;

  private final Map<SocketAddress, NodeState> troubled = new ConcurrentHashMap<>();

  // spymemcached's getNodeLocator() copies the whole ketama ring on every call (measured: 10 % of
  // the CPU at 10,000 req/s while a node was troubled); the ring only changes with a new client
  private volatile NodeLocator locator;

  /** False while the key's node is skipped: the caller serves from the source without waiting. */
  public boolean allows(String key) {
    if (troubled.isEmpty()) {
      return true;
    }
    NodeState state = troubled.get(nodeOf(key));
    return state == null || state.allows();
  }

  /** Whether the node's breaker is open, i.e. its keys skip memcached (for readiness data). */
  public boolean isSkipped(SocketAddress node) {
    NodeState state = troubled.get(node);
    return state != null && !state.allows();
  }

  /**
   * An operation on the key's node, started at {@code startedAt} ({@link System#nanoTime()}),
   * failed.
   */
  public void failed(String key, long startedAt, RuntimeException cause) {
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
    if (state.failed(startedAt, System.nanoTime(), breakerFailures, key)) {
      if (state.firstOpening()) {
        LOG.log(
            Level.WARNING,
            "memcached node {0} skipped after {1} failures in a row; probing it every {2} ms",
            node,
            breakerFailures,
            breakerOpenMillis);
      }
      state.probeWith(
          scheduler.scheduleWithFixedDelay(
              () -> probe(state), breakerOpenMillis, breakerOpenMillis, TimeUnit.MILLISECONDS));
    }
  }

  private void probe(NodeState state) {
    String key = state.probeKey();
    try {
      memcached.get(key);
    } catch (RuntimeException stillFailing) {
      return;
    }
    succeeded(key);
  }

  /**
   * Whether the key's node answered an operation after {@code nanos} ({@link System#nanoTime()}),
   * i.e. a failure seen then was a hiccup or is over.
   */
  public boolean answeredSince(String key, long nanos) {
    if (troubled.isEmpty()) {
      return true;
    }
    NodeState state = troubled.get(nodeOf(key));
    return state == null || state.answeredSince(nanos);
  }

  public void succeeded(String key) {
    if (troubled.isEmpty()) {
      return;
    }
    SocketAddress node = nodeOf(key);
    NodeState state = troubled.get(node);
    if (state != null && state.succeeded(System.nanoTime()) && troubled.remove(node, state)) {
      LOG.log(Level.INFO, "memcached node {0} answers again; caching resumed", node);
    }
  }

  /** The node that holds the key: spymemcached's ketama ring, read once per client. */
  SocketAddress nodeOf(String key) {
    NodeLocator ring = locator;
    if (ring == null) {
      ring = memcached.getNodeLocator();
      locator = ring;
    }
    return ring.getPrimary(key).getSocketAddress();
  }

  /** The client was (re)built: the ring is read again on next use. */
  void clientBuilt() {
    locator = null;
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

  /** One troubled node: breaker closed or open; while open, a background probe runs. */
  static final class NodeState {
    private int failuresInARow;
    private long lastFailure;
    private long lastSuccess;
    private boolean answered;
    private boolean open;
    private int openings;
    private String probeKey;
    private ScheduledFuture<?> probe;

    synchronized boolean allows() {
      return !open;
    }

    /**
     * Records a failure of an operation started at {@code startedAt}; true when it opens the
     * breaker now (the caller starts the probe). Operations that were already waiting when the last
     * failure was seen fail in the same incident and count once: with eight requests in flight, one
     * hiccup of 50 ms used to open the breaker at once (measured on a 0.25 vCPU task, each time
     * sending a few hundred requests to the database), while a node that stays silent still fails
     * the requests that start after each failure and is taken out after {@code threshold} of them.
     */
    synchronized boolean failed(long startedAt, long now, int threshold, String key) {
      boolean sameIncident = failuresInARow > 0 && startedAt - lastFailure <= 0;
      lastFailure = now;
      probeKey = key;
      if (sameIncident) {
        return false;
      }
      failuresInARow++;
      if (!open && failuresInARow >= threshold) {
        open = true;
        openings++;
        return true;
      }
      return false;
    }

    synchronized boolean firstOpening() {
      return openings == 1;
    }

    synchronized String probeKey() {
      return probeKey;
    }

    synchronized void probeWith(ScheduledFuture<?> scheduled) {
      probe = scheduled;
    }

    /** Records a success, closing the breaker; true once the node has been quiet long enough. */
    synchronized boolean answeredSince(long nanos) {
      return answered && lastSuccess - nanos > 0;
    }

    synchronized boolean succeeded(long now) {
      lastSuccess = now;
      answered = true;
      failuresInARow = 0;
      open = false;
      if (probe != null) {
        probe.cancel(false);
        probe = null;
      }
      return now - lastFailure > QUIET_NANOS;
    }
  }
}
