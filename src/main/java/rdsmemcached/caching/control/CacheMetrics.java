package rdsmemcached.caching.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Histogram;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;

/** The cache's counters at /metrics, one set per {@code @CacheAside} namespace. */
@ApplicationScoped
public class CacheMetrics {

  @Inject MetricRegistry registry;

  // A unit-less histogram named in milliseconds: Payara's Prometheus output showed a Timer's
  // nanoseconds as seconds (a 1.1 s load as 1.1E9 s) and a millisecond histogram as 0 s.
  static final Metadata LOAD_DURATION =
      Metadata.builder()
          .withName("cache.load.duration.milliseconds")
          .withDescription("time the cached method took to load a missing entry, in ms")
          .withUnit(MetricUnits.NONE)
          .build();

  private final Map<String, Instruments> sets = new ConcurrentHashMap<>();

  Instruments of(String namespace) {
    return sets.computeIfAbsent(namespace, this::register);
  }

  private Instruments register(String namespace) {
    Tag tag = new Tag("cache", namespace);
    return new Instruments(
        registry.counter("cache.hits", tag),
        registry.counter("cache.misses", tag),
        registry.counter("cache.bypasses", tag),
        registry.counter("cache.negative.hits", tag),
        registry.counter("cache.loads", tag),
        registry.counter("cache.coalesced.waits", tag),
        registry.counter("cache.coalesced.timeouts", tag),
        registry.counter("cache.lease.waits", tag),
        registry.counter("cache.lease.timeouts", tag),
        registry.counter("cache.early.refreshes", tag),
        registry.counter("cache.stale.sets.prevented", tag),
        registry.counter("cache.invalidations", tag),
        registry.histogram(LOAD_DURATION, tag));
  }

  /** One namespace's instruments. */
  record Instruments(
      Counter hits,
      Counter misses,
      Counter bypasses,
      Counter negativeHits,
      Counter loads,
      Counter coalescedWaits,
      Counter coalescedTimeouts,
      Counter leaseWaits,
      Counter leaseTimeouts,
      Counter earlyRefreshes,
      Counter staleSetsPrevented,
      Counter invalidations,
      Histogram loadDuration) {

    void loaded(long nanos) {
      loads.inc();
      loadDuration.update(TimeUnit.NANOSECONDS.toMillis(nanos));
    }
  }
}
