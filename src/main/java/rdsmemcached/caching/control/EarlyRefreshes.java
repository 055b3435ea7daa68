package rdsmemcached.caching.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Which keys this instance is refreshing early, or found being refreshed by another instance (the
 * refresh lease in memcached taken), until when: one read per key claims the refresh; the others
 * that come due meanwhile are served the entry they read, on the fast lane.
 *
 * <p>Why: a read due for an early refresh used to leave the fast lane (JAX-RS, the slow lane, the
 * EJB call, the lease's memcached {@code add}, JSON-B) only to find the lease taken, and near
 * expiry most reads of a hot key come due. Seen in a simulated 0.25 vCPU task (JFR): around the hot
 * key's refresh 26 reads went that way in 2.6 s, each on a slow-lane thread started for it, while
 * the refresh itself waited 1.4 s for its turn at the CPU; every 30 s slice holding a refresh had a
 * p99 of 1.5–2.6 s. A claim lasts as long as the lease ({@code CACHE_LEASE_SECONDS}), which bounds
 * what a lost claimant (a request that failed before asking for the lease) costs: the next read
 * after it claims again.
 */
@ApplicationScoped
public class EarlyRefreshes {

  /** Claims kept before expired ones are swept (keys that were never read again). */
  static final int SWEEP_ABOVE = 10_000;

  @Inject
  @ConfigProperty(name = "CACHE_LEASE_SECONDS")
  int leaseSeconds;

  /** {@link System#nanoTime()}; a test's clock can move on. */
  LongSupplier clock = System::nanoTime;

  private final ConcurrentHashMap<String, Long> claimedUntil = new ConcurrentHashMap<>();

  /** Keys whose next read on the fast lane refreshes them, due or not (the warm-up's). */
  private final Set<String> asked = ConcurrentHashMap.newKeySet();

  /** The next read of {@code key} on the fast lane refreshes it, if it can claim the refresh. */
  void refreshNext(String key) {
    asked.add(key);
  }

  /** Whether a refresh of {@code key} was asked of this read; true for one read. */
  boolean asked(String key) {
    return !asked.isEmpty() && asked.remove(key);
  }

  /** Whether a refresh asked for is still waiting for a read to make it. */
  boolean isAsked(String key) {
    return asked.contains(key);
  }

  /**
   * Whether this read refreshes {@code key}: true for one read per key until the claim is released
   * or its lease's time has passed; false while another read holds it.
   */
  boolean claim(String key) {
    long now = clock.getAsLong();
    long until = now + TimeUnit.SECONDS.toNanos(leaseSeconds);
    Long held = claimedUntil.putIfAbsent(key, until);
    if (held == null) {
      sweepIfLarge(now);
      return true;
    }
    return now - held >= 0 && claimedUntil.replace(key, held, until);
  }

  /** Whether a claim on {@code key} is held now. */
  boolean claimed(String key) {
    Long held = claimedUntil.get(key);
    return held != null && clock.getAsLong() - held < 0;
  }

  /** The refresh is done (stored, superseded or failed): the next read due may claim again. */
  void release(String key) {
    claimedUntil.remove(key);
  }

  int size() {
    return claimedUntil.size();
  }

  private void sweepIfLarge(long now) {
    if (claimedUntil.size() > SWEEP_ABOVE) {
      claimedUntil.values().removeIf(until -> now - until >= 0);
    }
  }
}
