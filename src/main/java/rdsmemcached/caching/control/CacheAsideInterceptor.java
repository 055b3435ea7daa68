package rdsmemcached.caching.control;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.json.bind.JsonbException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import rdsmemcached.caching.boundary.CacheAside;
import rdsmemcached.caching.boundary.CacheOutcome;
import rdsmemcached.caching.boundary.CacheStatus;
import rdsmemcached.caching.control.CacheEntries.Fill;
import rdsmemcached.caching.control.CacheEntries.Found;
import rdsmemcached.memcached.control.CacheUnavailableException;

/**
 * Cache-aside around any {@link CacheAside} method, safe under concurrency:
 *
 * <ul>
 *   <li>a hit is served from memcached, refreshed early by one reader now and then (XFetch);
 *   <li>concurrent misses in this JVM share one load ({@link SingleFlight});
 *   <li>across instances, the loader holds a lease in the key itself; the others poll with back-off
 *       and load on their own only once the lease has expired;
 *   <li>the loader stores its result only if no invalidation happened meanwhile (CAS);
 *   <li>when memcached fails, the method is called directly ({@code BYPASS}), still coalesced.
 * </ul>
 */
@CacheAside
@Interceptor
@Priority(Interceptor.Priority.APPLICATION)
public class CacheAsideInterceptor {

  static final long MAX_POLL_MILLIS = 100;

  /** A load's result, whether it is safe to hand to waiters that joined late, and its outcome. */
  record Loaded(Object result, boolean fresh, CacheOutcome outcome) {}

  @Inject CacheEntries entries;
  @Inject CacheStatus status;
  @Inject CacheMetrics metrics;
  @Inject CachedMethods methods;
  @Inject LoadFlights flights;
  @Inject FastLaneHandOff handOff;
  @Inject EarlyRefreshes refreshes;

  /** Seconds an entry is fresh; a random jitter is added so entries written together differ. */
  @Inject
  @ConfigProperty(name = "CACHE_TTL_SECONDS")
  int ttlSeconds;

  /** Up to this percentage of the TTL is added at random to each entry's TTL. */
  @Inject
  @ConfigProperty(name = "CACHE_TTL_JITTER_PERCENT")
  int ttlJitterPercent;

  /** Seconds a "no such row" answer is remembered. */
  @Inject
  @ConfigProperty(name = "CACHE_NEGATIVE_TTL_SECONDS")
  int negativeTtlSeconds;

  /** Milliseconds a request waits for another request's load in this JVM before loading itself. */
  @Inject
  @ConfigProperty(name = "CACHE_COALESCE_WAIT_MS")
  long coalesceWaitMillis;

  @AroundInvoke
  public Object cacheAside(InvocationContext call) throws Exception {
    CachedMethod method = methods.describe(call.getMethod());
    String key = method.key(call.getParameters());
    CacheMetrics.Instruments counters = metrics.of(method.namespace());
    // what FreshHits read for this request on its fast lane, if it ran: not read again
    FastLaneHandOff.Prefetched prefetched = prefetched(key);
    for (int attempt = 1; ; attempt++) {
      Found found;
      boolean refreshDue;
      if (prefetched != null && attempt == 1) {
        if (prefetched.unavailable()) {
          return bypass(call, key, method, counters, prefetched.failedAt());
        }
        found = prefetched.found();
        refreshDue = prefetched.refreshDue(); // the fast lane claimed the refresh for this read
      } else {
        try {
          found = entries.read(key);
        } catch (CacheUnavailableException down) {
          return bypass(call, key, method, counters, down.failedAt);
        }
        refreshDue =
            found != null
                && !found.entry().isLease()
                && found.entry().refreshDue(System.currentTimeMillis())
                && refreshes.claim(key);
      }
      if (found != null && !found.entry().isLease()) {
        if (refreshDue && mayRefresh(key)) {
          counters.earlyRefreshes().inc();
          status.record(CacheOutcome.MISS);
          return report(refresh(call, key, method, found, counters));
        }
        try {
          return report(hit(method, found, counters));
        } catch (JsonbException unreadable) {
          entries.invalidate(key);
          continue;
        }
      }
      status.record(CacheOutcome.MISS); // shown even if the load fails; a waiter may still HIT
      var flight = flights.run(key, coalesceWaitMillis, () -> lead(call, key, method, counters));
      switch (flight.joined()) {
        case LED:
          return report(flight.value());
        case FOLLOWED:
          counters.coalescedWaits().inc();
          if (flight.value().fresh() || attempt > 1) {
            return report(flight.value());
          }
          continue; // the load raced a write: read again rather than hand out what it read
        default:
          counters.coalescedTimeouts().inc();
          return report(direct(call, counters, CacheOutcome.MISS));
      }
    }
  }

  /** The fast lane's read of this key in this request; none outside an HTTP request. */
  private FastLaneHandOff.Prefetched prefetched(String key) {
    try {
      return handOff.take(key);
    } catch (ContextNotActiveException noRequest) {
      return null;
    }
  }

  /**
   * memcached failed for this key: the method is called directly, coalesced. The requests waiting
   * for that load read memcached again as soon as the key's node has answered anyone since their
   * failure: after a hiccup (a scheduling or GC stall, a breaker opened by it) they are served the
   * cached value within milliseconds instead of waiting out a slow query. A node that stays silent
   * costs them nothing more.
   */
  private Object bypass(
      InvocationContext call,
      String key,
      CachedMethod method,
      CacheMetrics.Instruments counters,
      long failedAt)
      throws Exception {
    counters.bypasses().inc();
    status.record(CacheOutcome.BYPASS); // shown even if the load fails
    // join a regular load of the key if one runs (its result is safe to share); otherwise load in
    // a flight of its own: a request that reaches memcached must never join a load that could not
    // see a write's invalidation
    var regular = flights.join(key, coalesceWaitMillis);
    if (regular != null && regular.joined() == SingleFlight.Joined.FOLLOWED) {
      counters.coalescedWaits().inc();
      if (regular.value().fresh()) {
        return report(regular.value());
      }
    }
    try {
      var flight =
          flights.run(
              LoadFlights.bypassKey(key),
              coalesceWaitMillis,
              () -> direct(call, counters, CacheOutcome.BYPASS),
              rescue(key, method, counters, failedAt));
      switch (flight.joined()) {
        case TIMED_OUT:
          counters.coalescedTimeouts().inc();
          return report(direct(call, counters, CacheOutcome.BYPASS));
        case FOLLOWED:
          counters.coalescedWaits().inc();
          return report(flight.value());
        default:
          return report(flight.value());
      }
    } catch (Exception loadFailed) {
      // the database failed too: what memcached holds now beats an error (seen on a busy machine:
      // one slow memcached answer while the database was down turned cached ids into 503s)
      Loaded cached = cachedAfterAll(key, method, counters);
      if (cached == null) {
        throw loadFailed;
      }
      return report(cached);
    }
  }

  /** The key's cached value if memcached answers now, else null. */
  private Loaded cachedAfterAll(
      String key, CachedMethod method, CacheMetrics.Instruments counters) {
    try {
      Found found = entries.read(key);
      return found != null && !found.entry().isLease() ? hit(method, found, counters) : null;
    } catch (CacheUnavailableException | JsonbException stillUnavailable) {
      return null;
    }
  }

  /** For a bypassed request waiting on a load: the cached value once its node answers again. */
  private SingleFlight.Rescue<Loaded> rescue(
      String key, CachedMethod method, CacheMetrics.Instruments counters, long failedAt) {
    long[] since = {failedAt};
    boolean[] answered = {false};
    return () -> {
      if (answered[0] || !entries.answeredSince(key, since[0])) {
        return null;
      }
      try {
        Found found = entries.read(key);
        answered[0] = true; // absent or a lease: the load's result is the answer
        return found != null && !found.entry().isLease() ? hit(method, found, counters) : null;
      } catch (CacheUnavailableException again) {
        since[0] = again.failedAt;
        return null;
      } catch (JsonbException unreadable) {
        answered[0] = true;
        return null;
      }
    };
  }

  /** The one request of this JVM that resolves a miss: lease, wait for another's, or load. */
  private Loaded lead(
      InvocationContext call, String key, CachedMethod method, CacheMetrics.Instruments counters)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(entries.leaseSeconds());
    long pause = 5;
    boolean waiting = false;
    while (System.nanoTime() < deadline) {
      String token = token();
      try {
        var leasing = entries.lease(key, token);
        if (leasing.taken()) {
          return loadAndFill(call, key, method, token, counters);
        }
        Found found = leasing.found();
        if (found != null && !found.entry().isLease()) {
          return hit(method, found, counters);
        }
      } catch (CacheUnavailableException down) {
        counters.bypasses().inc();
        return direct(call, counters, CacheOutcome.BYPASS);
      } catch (JsonbException unreadable) {
        entries.invalidate(key);
        continue;
      }
      if (!waiting) {
        counters.leaseWaits().inc();
        waiting = true;
      }
      Thread.sleep(pause);
      pause = Math.min(pause * 2, MAX_POLL_MILLIS);
    }
    counters.leaseTimeouts().inc();
    return direct(call, counters, CacheOutcome.MISS);
  }

  private Loaded loadAndFill(
      InvocationContext call,
      String key,
      CachedMethod method,
      String token,
      CacheMetrics.Instruments counters)
      throws Exception {
    long started = System.nanoTime();
    Object result;
    try {
      result = call.proceed();
    } catch (Exception failure) {
      entries.releaseLease(key, token);
      throw failure;
    }
    long took = System.nanoTime() - started;
    counters.misses().inc();
    counters.loaded(took);
    int logical = logicalTtl(method, result);
    String value;
    try {
      value = stored(method, result, took, logical);
    } catch (JsonbException unwritable) {
      // served uncached: left to lead(), which retries after an unreadable entry, the method ran
      // again and again until the lease ran out
      entries.releaseLease(key, token);
      return new Loaded(result, true, CacheOutcome.MISS);
    }
    Fill fill;
    try {
      fill = entries.fillLease(key, token, value, physicalTtl(logical));
    } catch (CacheUnavailableException down) {
      entries.releaseLease(key, token); // else every reader of the key waits the lease out
      return new Loaded(result, true, CacheOutcome.MISS);
    }
    if (fill == Fill.SUPERSEDED) {
      counters.staleSetsPrevented().inc();
    }
    return new Loaded(result, fill == Fill.STORED, CacheOutcome.MISS);
  }

  /**
   * An early refresh: reload, and swap only if the entry read is still there unchanged. When the
   * load fails the entry read is the answer: it is still cached, and an error would not be better.
   */
  private Loaded refresh(
      InvocationContext call,
      String key,
      CachedMethod method,
      Found found,
      CacheMetrics.Instruments counters)
      throws Exception {
    long started = System.nanoTime();
    Object result;
    try {
      result = call.proceed();
    } catch (Exception loadFailed) {
      return hit(method, found, counters); // the claim stays until the lease's time, as the lease
    }
    long took = System.nanoTime() - started;
    counters.loaded(took);
    try {
      int logical = logicalTtl(method, result);
      if (entries.swap(
              key, found.cas(), stored(method, result, took, logical), physicalTtl(logical))
          == Fill.SUPERSEDED) {
        counters.staleSetsPrevented().inc();
      }
    } catch (CacheUnavailableException down) {
      // the entry read stays until it expires
    }
    refreshes.release(key);
    return new Loaded(result, true, CacheOutcome.MISS);
  }

  private boolean mayRefresh(String key) {
    try {
      return entries.refreshLease(key, token());
    } catch (CacheUnavailableException down) {
      return false;
    }
  }

  private Loaded hit(CachedMethod method, Found found, CacheMetrics.Instruments counters) {
    Object cached = methods.decode(method, found.entry().json());
    (method.isNegative(cached) ? counters.negativeHits() : counters.hits()).inc();
    return new Loaded(cached, true, CacheOutcome.HIT);
  }

  private Loaded direct(
      InvocationContext call, CacheMetrics.Instruments counters, CacheOutcome outcome)
      throws Exception {
    long started = System.nanoTime();
    Object result = call.proceed();
    counters.loaded(System.nanoTime() - started);
    return new Loaded(result, true, outcome);
  }

  private Object report(Loaded loaded) {
    status.record(loaded.outcome());
    return loaded.result();
  }

  private String stored(CachedMethod method, Object result, long loadNanos, int logicalTtl) {
    long fresh = TimeUnit.SECONDS.toMillis(logicalTtl);
    return StoredEntry.value(
        System.currentTimeMillis() + fresh,
        TimeUnit.NANOSECONDS.toMillis(loadNanos),
        methods.encode(method, result));
  }

  private int logicalTtl(CachedMethod method, Object result) {
    if (method.isNegative(result)) {
      return negativeTtlSeconds;
    }
    int jitter = ttlSeconds * ttlJitterPercent / 100;
    return jitter <= 0 ? ttlSeconds : ttlSeconds + ThreadLocalRandom.current().nextInt(jitter + 1);
  }

  /**
   * memcached keeps an entry past its logical expiry, jitter included, so one reader can refresh it
   * meanwhile (from the TTL without its jitter, the window shrank to nothing at full jitter).
   */
  private int physicalTtl(int logicalTtl) {
    return logicalTtl + Math.max(entries.leaseSeconds(), logicalTtl / 10);
  }

  private static String token() {
    var random = ThreadLocalRandom.current();
    return Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
  }
}
