package rdsmemcached.caching;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import rdsmemcached.caching.boundary.CacheAside;
import rdsmemcached.caching.boundary.CacheInvalidate;
import rdsmemcached.caching.boundary.CacheKey;

/**
 * A bean of the tests' own, cached the way an application caches: rows kept in memory, every load
 * counted, and a load held on a latch when a test asks for it.
 */
@ApplicationScoped
public class Quotes {

  public record Quote(long id, String text) {}

  /** A held load of one id: {@code started} once it runs, it returns once {@code release} opens. */
  public record Hold(long id, CountDownLatch started, CountDownLatch release) {}

  /**
   * Longer than a test waits for the callers of a held load, so that its message is the one seen.
   */
  static final long HOLD_SECONDS = 2 * Herd.WAIT_SECONDS;

  private final Map<Long, String> rows = new ConcurrentHashMap<>();
  private final Map<Long, AtomicInteger> loads = new ConcurrentHashMap<>();
  private volatile Hold hold;

  @CacheAside(namespace = "quote")
  public Optional<Quote> find(long id) throws InterruptedException {
    loads.computeIfAbsent(id, counted -> new AtomicInteger()).incrementAndGet();
    Hold held = hold;
    if (held != null && held.id() == id) {
      held.started().countDown();
      if (!held.release().await(HOLD_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException("held load of " + id + " never released");
      }
    }
    return Optional.ofNullable(rows.get(id)).map(text -> new Quote(id, text));
  }

  /**
   * Changes the row; its entry goes once the transaction commits. The row in memory is not
   * transactional: what the tests watch is the cache entry.
   */
  @Transactional
  @CacheInvalidate(namespace = "quote")
  public void write(@CacheKey long id, String text) {
    rows.put(id, text);
  }

  /** Plain eviction, outside any transaction. */
  @CacheInvalidate(namespace = "quote")
  public void evict(long id) {}

  /** Adds a row behind the cache's back: an entry already cached does not notice. */
  public void insert(long id, String text) {
    rows.put(id, text);
  }

  public int loads(long id) {
    AtomicInteger counted = loads.get(id);
    return counted == null ? 0 : counted.get();
  }

  /** The next loads of {@code id} wait until the hold's release opens. */
  public Hold holdLoadsOf(long id) {
    Hold held = new Hold(id, new CountDownLatch(1), new CountDownLatch(1));
    hold = held;
    return held;
  }
}
