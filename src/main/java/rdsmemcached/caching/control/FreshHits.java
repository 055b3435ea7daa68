package rdsmemcached.caching.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.lang.reflect.Method;
import rdsmemcached.caching.control.CacheEntries.Found;
import rdsmemcached.caching.control.FastLaneHandOff.Prefetched;
import rdsmemcached.memcached.control.CacheUnavailableException;

/**
 * The fast lane of a {@link rdsmemcached.caching.boundary.CacheAside} read, for an HTTP layer that
 * can write JSON itself: a fresh, positive entry's JSON straight from memcached, with no
 * interceptor chain, no EJB call and no JSON-B round trip (what is stored is what the slow lane
 * would answer).
 *
 * <p>An entry due for an early refresh is answered here too, unless this read claims the refresh
 * ({@link EarlyRefreshes}: one read per key at a time). Anything else — absent, a lease marker, a
 * negative entry, the read that refreshes, memcached failing or skipped — returns null and leaves
 * what was read in this request's {@link FastLaneHandOff}, from which the {@link
 * CacheAsideInterceptor} continues.
 */
@ApplicationScoped
public class FreshHits {

  @Inject CacheEntries entries;
  @Inject CacheMetrics metrics;
  @Inject CachedMethods methods;
  @Inject FastLaneHandOff handOff;
  @Inject EarlyRefreshes refreshes;

  /** What one look at memcached found: the JSON to answer with, or what the slow lane gets. */
  record Lookup(String json, Prefetched leftOver) {}

  /**
   * The JSON of a fresh positive entry of {@code cachedMethod} for these arguments (all of the
   * method's arguments, as for a call), or null: then call the method in the same request.
   */
  public String json(Method cachedMethod, Object... arguments) {
    Lookup lookup = lookup(true, cachedMethod, arguments);
    if (lookup.json() == null) {
      handOff.leave(lookup.leftOver());
    }
    return lookup.json();
  }

  /**
   * Whether that entry is fresh now (not due for a refresh); for callers outside an HTTP request
   * (the warm-up), which never claim a refresh.
   */
  public boolean isFresh(Method cachedMethod, Object... arguments) {
    return lookup(false, cachedMethod, arguments).json() != null;
  }

  /**
   * The next read of that entry on the fast lane refreshes it early, whatever its age (the warm-up
   * runs the load path once this way); {@link #refreshAsked} tells whether a read has taken it.
   */
  public void refreshNext(Method cachedMethod, Object... arguments) {
    refreshes.refreshNext(methods.describe(cachedMethod).key(arguments));
  }

  /** Whether a refresh asked for by {@link #refreshNext} is still waiting for a read to make it. */
  public boolean refreshAsked(Method cachedMethod, Object... arguments) {
    return refreshes.isAsked(methods.describe(cachedMethod).key(arguments));
  }

  /** One read; {@code refreshing}: this read may claim a refresh that is due (and then do it). */
  Lookup lookup(boolean refreshing, Method cachedMethod, Object... arguments) {
    CachedMethod method = methods.describe(cachedMethod);
    String key = method.key(arguments);
    Found found;
    try {
      found = entries.readHere(key);
    } catch (CacheUnavailableException down) {
      return new Lookup(null, new Prefetched(key, null, false, true, down.failedAt));
    }
    if (found == null || found.entry().isLease()) {
      return new Lookup(null, new Prefetched(key, found, false, false, 0));
    }
    boolean refreshDue =
        (refreshing && refreshes.asked(key))
            || found.entry().refreshDue(System.currentTimeMillis());
    if (refreshDue && !refreshing) {
      return new Lookup(null, null);
    }
    boolean claimed = refreshDue && refreshes.claim(key);
    if (claimed || CachedMethod.NEGATIVE.equals(found.entry().json())) {
      return new Lookup(null, new Prefetched(key, found, claimed, false, 0));
    }
    metrics.of(method.namespace()).hits().inc();
    return new Lookup(found.entry().json(), null);
  }
}
