package rdsmemcached.caching;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.inject.Inject;
import jakarta.transaction.UserTransaction;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import rdsmemcached.caching.Quotes.Quote;
import rdsmemcached.caching.boundary.CacheOutcome;
import rdsmemcached.caching.boundary.CacheStatus;
import rdsmemcached.it.Stack;

/**
 * The caching machinery in the container, on a bean of the test's own, against the stack's real
 * memcached nodes: what is loaded and what is served from the cache, negative entries, invalidation
 * after commit only, and concurrent misses sharing one load. Each test takes ids no earlier run
 * used, so memcached need not be flushed.
 */
@ExtendWith(Stack.Required.class)
@ExtendWith(ArquillianExtension.class)
class CacheAsideIT {

  private static final AtomicLong IDS =
      new AtomicLong(ThreadLocalRandom.current().nextLong(1, 1L << 40) * 1000);

  @Deployment
  static WebArchive deployment() {
    return CachingDeployment.of(
        CacheAsideIT.class,
        Map.of(
            "CACHE_HOSTS",
            Stack.env("CACHE_HOSTS"),
            // the checks are about what is cached, not about a busy machine's memcached latency
            "CACHE_OP_TIMEOUT_MS",
            "2000"));
  }

  @Inject Quotes quotes;
  @Inject CacheStatus status;
  @Inject Herd herd;
  @Inject UserTransaction transaction;
  @Inject MetricRegistry metrics;

  @Test
  void aMissLoadsOnceAndTheNextCallsAreServedFromTheCache() throws Exception {
    long id = IDS.incrementAndGet();
    long other = IDS.incrementAndGet();
    quotes.insert(id, "first");
    quotes.insert(other, "second");

    assertServed(id, "first", CacheOutcome.MISS);
    assertServed(id, "first", CacheOutcome.HIT);
    assertServed(id, "first", CacheOutcome.HIT);
    assertEquals(1, quotes.loads(id), "loads of a cached id");

    assertServed(other, "second", CacheOutcome.MISS);
    assertEquals(1, quotes.loads(other), "another id is an entry of its own");
    assertEquals(1, quotes.loads(id));
  }

  @Test
  void aMissingRowIsRememberedAsANegativeEntryUntilEvicted() throws Exception {
    long id = IDS.incrementAndGet();
    double negativeHits = counter("cache.negative.hits");

    assertEquals(Optional.empty(), quotes.find(id));
    assertEquals(CacheOutcome.MISS, status.outcome());
    assertEquals(Optional.empty(), quotes.find(id));
    assertEquals(CacheOutcome.HIT, status.outcome());
    assertEquals(1, quotes.loads(id), "a missing row is not looked up again");
    assertEquals(negativeHits + 1, counter("cache.negative.hits"));

    quotes.insert(id, "arrived");
    assertEquals(Optional.empty(), quotes.find(id), "the negative entry is served until it goes");
    assertEquals(1, quotes.loads(id));

    quotes.evict(id);
    assertServed(id, "arrived", CacheOutcome.MISS);
    assertEquals(2, quotes.loads(id));
  }

  @Test
  void aWriteInvalidatesTheEntryOnlyOnceItsTransactionCommits() throws Exception {
    long id = IDS.incrementAndGet();
    quotes.insert(id, "before");
    assertServed(id, "before", CacheOutcome.MISS);
    double invalidations = counter("cache.invalidations");

    transaction.begin();
    try {
      quotes.write(id, "after");
      assertServed(id, "before", CacheOutcome.HIT); // the entry stays until the commit
      assertEquals(invalidations, counter("cache.invalidations"));
    } finally {
      transaction.commit();
    }
    assertEquals(invalidations + 1, counter("cache.invalidations"));
    assertServed(id, "after", CacheOutcome.MISS);
    assertEquals(2, quotes.loads(id));
    assertServed(id, "after", CacheOutcome.HIT);
  }

  @Test
  void aRolledBackWriteLeavesTheEntry() throws Exception {
    long id = IDS.incrementAndGet();
    quotes.insert(id, "kept");
    assertServed(id, "kept", CacheOutcome.MISS);
    double invalidations = counter("cache.invalidations");

    transaction.begin();
    quotes.write(id, "rolled back");
    transaction.rollback();

    assertServed(id, "kept", CacheOutcome.HIT);
    assertEquals(1, quotes.loads(id));
    assertEquals(invalidations, counter("cache.invalidations"));
  }

  @Test
  void aWriteOutsideATransactionInvalidatesAtOnce() throws Exception {
    long id = IDS.incrementAndGet();
    quotes.insert(id, "before");
    assertServed(id, "before", CacheOutcome.MISS);

    quotes.write(id, "after"); // @Transactional starts and commits its own

    assertServed(id, "after", CacheOutcome.MISS);
    assertEquals(2, quotes.loads(id));
  }

  @Test
  void concurrentMissesInOneJvmShareOneLoad() throws Exception {
    long id = IDS.incrementAndGet();

    herd.assertOneLoadServes(id, 8, CacheOutcome.MISS);

    assertServed(id, "shared", CacheOutcome.HIT);
    assertEquals(1, quotes.loads(id));
  }

  private void assertServed(long id, String text, CacheOutcome outcome) throws Exception {
    assertEquals(Optional.of(new Quote(id, text)), quotes.find(id));
    assertEquals(outcome, status.outcome(), "X-Cache of id " + id);
  }

  private double counter(String name) {
    return metrics.counter(name, new Tag("cache", "quote")).getCount();
  }
}
