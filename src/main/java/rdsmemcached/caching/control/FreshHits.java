package rdsmemcached.caching.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.lang.reflect.Method;
import rdsmemcached.caching.control.CacheEntries.Found;

/**
 * The fast lane of a {@link rdsmemcached.caching.boundary.CacheAside} read, for an HTTP layer that
 * can write JSON itself: a fresh, positive entry's JSON straight from memcached, with no
 * interceptor chain, no EJB call and no JSON-B round trip (what is stored is what the slow lane
 * would answer).
 *
 * <p>Anything else — absent, a lease marker, a negative entry, an entry due for an early refresh,
 * memcached failing or skipped — returns null and leaves what was read for the {@link
 * CacheAsideInterceptor} running next on the same thread. It continues from there: it does not ask
 * memcached again, so a slow node costs one timeout, not two, and XFetch's early refresh is decided
 * once. The caller must call {@link #done()} when the request ends.
 */
@ApplicationScoped
public class FreshHits {

  /** What the fast lane read and left to the slow lane of this thread's request. */
  record Prefetched(
      String key, Found found, boolean refreshDue, boolean unavailable, long failedAt) {}

  private static final ThreadLocal<Prefetched> PREFETCHED = new ThreadLocal<>();

  @Inject CacheEntries entries;
  @Inject CacheMetrics metrics;

  /**
   * The JSON of a fresh positive entry of {@code cachedMethod} for these arguments (all of the
   * method's arguments, as for a call), or null: then call the method.
   */
  public String json(Method cachedMethod, Object... arguments) {
    CachedMethod method = CacheAsideInterceptor.describe(cachedMethod);
    String key = method.key(arguments);
    Found found;
    try {
      found = entries.read(key);
    } catch (CacheUnavailableException down) {
      PREFETCHED.set(new Prefetched(key, null, false, true, down.failedAt));
      return null;
    }
    if (found == null || found.entry().isLease()) {
      PREFETCHED.set(new Prefetched(key, found, false, false, 0));
      return null;
    }
    boolean refreshDue = found.entry().refreshDue(System.currentTimeMillis());
    if (refreshDue || CachedMethod.NEGATIVE.equals(found.entry().json())) {
      PREFETCHED.set(new Prefetched(key, found, refreshDue, false, 0));
      return null;
    }
    metrics.of(method.namespace()).hits().inc();
    return found.entry().json();
  }

  /** Forgets what this thread's request read (call in a finally block around the slow lane). */
  public void done() {
    PREFETCHED.remove();
  }

  /** What the fast lane read for {@code key} in this thread's request, once; or null. */
  static Prefetched take(String key) {
    Prefetched prefetched = PREFETCHED.get();
    if (prefetched == null || !prefetched.key().equals(key)) {
      return null;
    }
    PREFETCHED.remove();
    return prefetched;
  }
}
