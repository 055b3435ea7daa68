package rdsmemcached.caching.control;

import jakarta.interceptor.InvocationContext;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Histogram;
import rdsmemcached.caching.boundary.CacheAside;
import rdsmemcached.caching.boundary.CacheInvalidate;
import rdsmemcached.memcached.control.InMemoryMemcached;
import rdsmemcached.memcached.control.ProcessStalls;

/**
 * In-memory stand-ins for unit tests of the cache core: the metrics registry's instruments, a
 * cached bean's methods, the interceptor's invocation, and {@link CacheEntries} wired to a fake
 * memcached.
 */
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

  /** The methods the interceptors act on; their bodies never run (a {@link Call} stands in). */
  static class Things {
    static final Method FIND = method("find");
    static final Method MAYBE = method("maybe");
    static final Method UPDATE = method("update");
    static final Method UNWRITABLE = method("unwritable");

    @CacheAside(namespace = "thing")
    String find(long id) {
      throw new UnsupportedOperationException();
    }

    @CacheAside(namespace = "maybe")
    Optional<String> maybe(long id) {
      throw new UnsupportedOperationException();
    }

    @CacheAside(namespace = "unwritable")
    Object unwritable(long id) {
      throw new UnsupportedOperationException();
    }

    @CacheInvalidate(namespace = "thing")
    void update(long id) {
      throw new UnsupportedOperationException();
    }

    private static Method method(String name) {
      try {
        return Things.class.getDeclaredMethod(name, long.class);
      } catch (NoSuchMethodException missing) {
        throw new IllegalStateException(missing);
      }
    }
  }

  /** What the intercepted method does instead of its body: the database, as far as a test cares. */
  interface Body {
    Object run() throws Exception;
  }

  /** One intercepted call of {@code method} with {@code arguments}. */
  static final class Call implements InvocationContext {
    private final Method method;
    private final Object[] arguments;
    private final Body body;

    Call(Method method, Body body, Object... arguments) {
      this.method = method;
      this.body = body;
      this.arguments = arguments;
    }

    @Override
    public Object proceed() throws Exception {
      return body.run();
    }

    @Override
    public Method getMethod() {
      return method;
    }

    @Override
    public Object[] getParameters() {
      return arguments.clone();
    }

    @Override
    public void setParameters(Object[] parameters) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Object getTarget() {
      return null;
    }

    @Override
    public Object getTimer() {
      return null;
    }

    @Override
    public Constructor<?> getConstructor() {
      return null;
    }

    @Override
    public Map<String, Object> getContextData() {
      return new HashMap<>();
    }
  }

  /**
   * {@link CacheEntries} on the fake, with a breaker per node and timeouts short enough for a test;
   * a wait is never taken for a stall of this process.
   */
  static <E extends CacheEntries> E entries(E entries, InMemoryMemcached memcached) {
    entries.memcached = memcached.client;
    entries.breakers = memcached.breakers(3, new InMemoryMemcached.Probes());
    entries.direct = memcached.directReads();
    entries.stalls =
        new ProcessStalls() {
          @Override
          public long stalledWithin(long start, long end) {
            return 0;
          }
        };
    entries.operationTimeoutMillis = 20;
    entries.maxWaitMillis = 1_000;
    entries.leaseSeconds = 15;
    entries.lateWake = Long.MAX_VALUE / 4;
    return entries;
  }
}
