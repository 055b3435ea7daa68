package rdsmemcached.caching.control;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;
import java.lang.System.Logger.Level;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import net.spy.memcached.MemcachedClientIF;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import rdsmemcached.caching.boundary.CacheAside;
import rdsmemcached.caching.boundary.CacheOutcome;
import rdsmemcached.caching.boundary.CacheStatus;

/**
 * Cache-aside around any {@link CacheAside} method: read memcached, on a miss call the method and
 * store its result with a jittered TTL. Every memcached failure degrades to calling the method.
 */
@CacheAside
@Interceptor
@Priority(Interceptor.Priority.APPLICATION)
public class CacheAsideInterceptor {

  static final System.Logger LOG = System.getLogger(CacheAsideInterceptor.class.getName());
  private static final Map<Method, CachedMethod> METHODS = new ConcurrentHashMap<>();
  private static final Jsonb JSON = JsonbBuilder.create();

  @Inject MemcachedClientIF memcached;
  @Inject CacheAvailability availability;
  @Inject CacheStatus status;

  /** Seconds an entry lives; a random jitter is added so entries written together expire apart. */
  @Inject
  @ConfigProperty(name = "CACHE_TTL_SECONDS", defaultValue = "300")
  int ttlSeconds;

  /** Up to this percentage of the TTL is added at random to each entry's TTL. */
  @Inject
  @ConfigProperty(name = "CACHE_TTL_JITTER_PERCENT", defaultValue = "10")
  int ttlJitterPercent;

  /** Seconds a "no such row" answer is remembered. */
  @Inject
  @ConfigProperty(name = "CACHE_NEGATIVE_TTL_SECONDS", defaultValue = "30")
  int negativeTtlSeconds;

  @AroundInvoke
  public Object cacheAside(InvocationContext call) throws Exception {
    CachedMethod method = METHODS.computeIfAbsent(call.getMethod(), CachedMethod::of);
    String key = CacheKeys.of(method.keyPrefix(), call.getParameters());
    Object stored;
    try {
      stored = memcached.get(key);
      availability.succeeded(key);
    } catch (RuntimeException unavailable) {
      availability.failed(key, unavailable);
      status.record(CacheOutcome.BYPASS);
      return call.proceed();
    }
    if (stored instanceof String json) {
      try {
        Object cached = method.decode(JSON, json);
        status.record(CacheOutcome.HIT);
        return cached;
      } catch (JsonbException unreadable) {
        LOG.log(
            Level.WARNING, "unreadable cache entry {0} replaced: {1}", key, unreadable.toString());
      }
    }
    status.record(CacheOutcome.MISS);
    Object result = call.proceed();
    store(key, method, result);
    return result;
  }

  private void store(String key, CachedMethod method, Object result) {
    int ttl = method.isNegative(result) ? negativeTtlSeconds : jittered(ttlSeconds);
    try {
      memcached.set(key, ttl, method.encode(JSON, result));
    } catch (RuntimeException unavailable) {
      availability.failed(key, unavailable);
    }
  }

  private int jittered(int seconds) {
    int jitter = seconds * ttlJitterPercent / 100;
    return jitter <= 0 ? seconds : seconds + ThreadLocalRandom.current().nextInt(jitter + 1);
  }
}
