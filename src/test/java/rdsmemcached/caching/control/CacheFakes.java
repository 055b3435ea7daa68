package rdsmemcached.caching.control;

import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Histogram;

/** In-memory stand-ins for the metrics registry's instruments, for unit tests of the cache core. */
final class CacheFakes {

  private CacheFakes() {}

  /** Counters by name, as {@link CacheMetrics} would register them for every namespace. */
  static final class Metrics extends CacheMetrics {
    final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final Instruments instruments =
        new Instruments(
            counter("hits"),
            counter("misses"),
            counter("bypasses"),
            counter("negativeHits"),
            counter("loads"),
            counter("coalescedWaits"),
            counter("coalescedTimeouts"),
            counter("leaseWaits"),
            counter("leaseTimeouts"),
            counter("earlyRefreshes"),
            counter("staleSetsPrevented"),
            counter("invalidations"),
            (Histogram)
                Proxy.newProxyInstance(
                    Histogram.class.getClassLoader(),
                    new Class<?>[] {Histogram.class},
                    (proxy, method, arguments) -> null));

    long count(String name) {
      return counts.getOrDefault(name, new AtomicLong()).get();
    }

    @Override
    Instruments of(String namespace) {
      return instruments;
    }

    private Counter counter(String name) {
      AtomicLong count = counts.computeIfAbsent(name, n -> new AtomicLong());
      return (Counter)
          Proxy.newProxyInstance(
              Counter.class.getClassLoader(),
              new Class<?>[] {Counter.class},
              (proxy, method, arguments) -> {
                if (method.getName().equals("inc")) {
                  count.addAndGet(arguments == null ? 1 : (Long) arguments[0]);
                } else if (method.getName().equals("getCount")) {
                  return count.get();
                }
                return null;
              });
    }
  }
}
