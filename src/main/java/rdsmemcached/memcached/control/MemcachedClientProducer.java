package rdsmemcached.memcached.control;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import java.util.stream.Stream;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.MemcachedClientIF;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import rdsmemcached.lifecycle.control.ShuttingDown;

/**
 * The one memcached client of the application: ketama consistent hashing over all nodes, short
 * operation timeouts, and failure mode Cancel.
 *
 * <p>Cancel, not spymemcached's default Redistribute: a dead node's keys then fail fast and are
 * served from the database ({@code BYPASS}) instead of moving to another node, from which a stale
 * copy could later be read once the node returns and the ring maps the key back.
 */
@ApplicationScoped
public class MemcachedClientProducer {

  static final System.Logger LOG = System.getLogger(MemcachedClientProducer.class.getName());

  // spymemcached logs every reconnect attempt with a stack trace; NodeBreakers logs
  // outages once instead. Held here so java.util.logging cannot forget the level.
  private static final Logger SPYMEMCACHED_LOG = Logger.getLogger("net.spy.memcached");

  /** Comma-separated {@code host:port} list; overrides CACHE_HOST1 and CACHE_HOST2. */
  @Inject
  @ConfigProperty(name = "CACHE_HOSTS")
  Optional<String> hosts;

  @Inject
  @ConfigProperty(name = "CACHE_HOST1")
  Optional<String> host1;

  @Inject
  @ConfigProperty(name = "CACHE_HOST2")
  Optional<String> host2;

  /** Milliseconds an operation may take while this process runs (enforced by CacheEntries). */
  @Inject
  @ConfigProperty(name = "CACHE_OP_TIMEOUT_MS")
  long operationTimeoutMillis;

  /**
   * spymemcached's own operation timeout: it drops an operation queued longer than this. Set to the
   * longest wait CacheEntries allows (the operation timeout stretched by this process's own
   * stalls), so that a stall alone never makes the client give up an operation.
   */
  @Inject
  @ConfigProperty(name = "CACHE_OP_MAX_WAIT_MS")
  long maxWaitMillis;

  /** Upper bound of the back-off between reconnect attempts to a dead node. */
  @Inject
  @ConfigProperty(name = "CACHE_RECONNECT_MAX_SECONDS")
  long maxReconnectDelaySeconds;

  @Inject NodeBreakers availability;

  @Inject DirectReads directReads;

  /** Seconds between DNS lookups of the node names (0: never look again). */
  @Inject
  @ConfigProperty(name = "CACHE_DNS_REFRESH_SECONDS")
  long dnsRefreshSeconds;

  @Resource ManagedScheduledExecutorService scheduler;

  private ScheduledFuture<?> dnsRefresh;
  private volatile MemcachedClientIF produced;
  private final AtomicBoolean closed = new AtomicBoolean();

  @Produces
  @ApplicationScoped
  MemcachedClientIF memcached() {
    System.setProperty("net.spy.log.LoggerImpl", SpymemcachedLogger.class.getName());
    SPYMEMCACHED_LOG.setLevel(java.util.logging.Level.SEVERE);
    String names = nodeList();
    var client = new ReResolvingClient(() -> AddrUtil.getAddresses(names), this::connect);
    if (dnsRefreshSeconds > 0) {
      dnsRefresh =
          scheduler.scheduleWithFixedDelay(
              () -> {
                if (client.refresh()) {
                  availability.clientBuilt();
                  directReads.clientBuilt();
                }
              },
              dnsRefreshSeconds,
              dnsRefreshSeconds,
              TimeUnit.SECONDS);
    }
    produced = client.proxy();
    return produced;
  }

  void close(@Disposes MemcachedClientIF memcached) {
    closeOnce(memcached);
  }

  /** On SIGTERM the container disposes the client too late for the log: close it here. */
  void closeOnShutdown(@Observes ShuttingDown shuttingDown) {
    MemcachedClientIF memcached = produced;
    if (memcached != null) {
      closeOnce(memcached);
    }
  }

  private void closeOnce(MemcachedClientIF memcached) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (dnsRefresh != null) {
      dnsRefresh.cancel(false);
    }
    boolean clean = memcached.shutdown(1, TimeUnit.SECONDS);
    LOG.log(Level.INFO, "memcached client closed{0}", clean ? "" : " (queued operations dropped)");
  }

  MemcachedClientIF connect(List<InetSocketAddress> nodes) {
    LOG.log(
        Level.INFO,
        "memcached nodes {0}, operation timeout {1} ms (up to {2} ms while this process is"
            + " descheduled)",
        nodes,
        operationTimeoutMillis,
        maxWaitMillis);
    var connections =
        new ConnectionFactoryBuilder()
            .setLocatorType(ConnectionFactoryBuilder.Locator.CONSISTENT)
            .setHashAlg(DefaultHashAlgorithm.KETAMA_HASH)
            .setFailureMode(FailureMode.Cancel)
            .setOpTimeout(maxWaitMillis)
            .setMaxReconnectDelay(maxReconnectDelaySeconds)
            .setDaemon(true)
            .setInitialObservers(List.of(availability))
            .build();
    try {
      return new MemcachedClient(connections, nodes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String nodeList() {
    Stream<String> configured =
        hosts
            .map(list -> Arrays.stream(list.split(",")))
            .orElseGet(() -> Stream.concat(host1.stream(), host2.stream()));
    String list =
        String.join(" ", configured.map(String::strip).filter(h -> !h.isEmpty()).toList());
    if (list.isEmpty()) {
      throw new IllegalStateException(
          "no memcached node: set CACHE_HOSTS or CACHE_HOST1/CACHE_HOST2");
    }
    return list;
  }
}
