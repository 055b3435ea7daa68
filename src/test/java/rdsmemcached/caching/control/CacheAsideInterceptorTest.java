package rdsmemcached.caching.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static rdsmemcached.memcached.control.InMemoryMemcached.Op.ADD;
import static rdsmemcached.memcached.control.InMemoryMemcached.Op.CAS;
import static rdsmemcached.memcached.control.InMemoryMemcached.Op.GETS;
import static rdsmemcached.memcached.control.InMemoryMemcached.Op.SET;

import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import rdsmemcached.caching.boundary.CacheOutcome;
import rdsmemcached.caching.boundary.CacheStatus;
import rdsmemcached.caching.control.CacheFakes.Call;
import rdsmemcached.caching.control.CacheFakes.Things;
import rdsmemcached.memcached.control.InMemoryMemcached;
import rdsmemcached.memcached.control.InMemoryMemcached.Failure;

/**
 * Every path of cache-aside through the interceptor, with the real {@link CacheEntries}, {@link
 * LoadFlights} and JSON binding, and memcached in a map: concurrent cases are ordered by latches.
 */
class CacheAsideInterceptorTest {

  static final String KEY = "thing:v1:1";
  static final int TTL = 300;
  static final int LEASE = 15;

  final InMemoryMemcached memcached = new InMemoryMemcached();

  /** Counted down each time a request waiting on a bypassed load asks whether the node is back. */
  final CountDownLatch rescueAsked = new CountDownLatch(1);

  final CacheEntries entries =
      CacheFakes.entries(
          new CacheEntries() {
            @Override
            boolean answeredSince(String key, long nanos) {
              rescueAsked.countDown();
              return super.answeredSince(key, nanos);
            }
          },
          memcached);

  final CacheFakes.Metrics metrics = new CacheFakes.Metrics();
  final CachedMethods methods = new CachedMethods();
  final LoadFlights flights = new LoadFlights();
  final ExecutorService threads = Executors.newCachedThreadPool();

  /** The row the database answers with, and how often it was asked. */
  volatile String row = "fresh";

  final AtomicInteger queries = new AtomicInteger();

  /** This instance's early refreshes; another instance has its own. */
  final EarlyRefreshes refreshes = EarlyRefreshesTest.refreshes(new AtomicLong());

  final CacheAsideInterceptor cut = interceptor();

  /** Another request in this JVM: its own request-scoped status, the application's beans shared. */
  CacheAsideInterceptor interceptor() {
    return interceptor(refreshes);
  }

  /** A request in the instance whose early refreshes are {@code instance}'s. */
  CacheAsideInterceptor interceptor(EarlyRefreshes instance) {
    var interceptor = new CacheAsideInterceptor();
    interceptor.refreshes = instance;
    interceptor.entries = entries;
    interceptor.status = new CacheStatus();
    interceptor.metrics = metrics;
    interceptor.methods = methods;
    interceptor.flights = flights;
    interceptor.handOff = new FastLaneHandOff();
    interceptor.ttlSeconds = TTL;
    interceptor.ttlJitterPercent = 10;
    interceptor.negativeTtlSeconds = 30;
    interceptor.coalesceWaitMillis = 5_000;
    return interceptor;
  }

  @AfterEach
  void stop() {
    threads.shutdownNow();
    methods.close();
  }

  /** The database is down. */
  static Object databaseDown() throws SQLTransientConnectionException {
    throw new SQLTransientConnectionException("db down");
  }

  Object database() {
    queries.incrementAndGet();
    return row;
  }

  /** Reads the row, then a write commits and invalidates before the load stores what it read. */
  CacheFakes.Body readThenWrite(Runnable alsoMeanwhile) {
    return () -> {
      Object read = database();
      entries.invalidate(KEY);
      alsoMeanwhile.run();
      return read;
    };
  }

  /** A load that starts, then waits for the test to let it finish. */
  final class SlowLoad implements CacheFakes.Body {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public Object run() throws Exception {
      started.countDown();
      await(release);
      return database();
    }
  }

  static void await(CountDownLatch latch) throws InterruptedException {
    assertTrue(latch.await(5, TimeUnit.SECONDS), "timed out waiting");
  }

  Object find(CacheAsideInterceptor interceptor, CacheFakes.Body body) throws Exception {
    return interceptor.cacheAside(new Call(Things.FIND, body, 1L));
  }

  Object find() throws Exception {
    return find(cut, this::database);
  }

  /** A value as another instance stores it, fresh for a while. */
  static String cached(String value) {
    return StoredEntry.value(System.currentTimeMillis() + 60_000, 5, "\"" + value + "\"");
  }

  /** A value past its logical expiry, still held by memcached: due for an early refresh. */
  static String expiring(String value) {
    return StoredEntry.value(System.currentTimeMillis() - 1, 5, "\"" + value + "\"");
  }

  String storedJson() {
    StoredEntry entry = StoredEntry.parse(memcached.value(KEY));
    return entry == null || entry.isLease() ? null : entry.json();
  }

  static CacheOutcome outcome(CacheAsideInterceptor interceptor) {
    return interceptor.status.outcome();
  }

  @Test
  void aHitIsServedFromMemcachedWithoutTheDatabase() throws Exception {
    memcached.put(KEY, cached("cached"), 0);
    assertEquals("cached", find());
    assertEquals(CacheOutcome.HIT, outcome(cut));
    assertEquals(0, queries.get());
    assertEquals(1, metrics.count("hits"));
    assertEquals(List.of("GETS " + KEY), memcached.calls());
  }

  @Test
  void aMissLoadsOnceUnderALeaseAndStoresTheValueByCas() throws Exception {
    assertEquals("fresh", find());
    assertEquals(CacheOutcome.MISS, outcome(cut));
    assertEquals(1, queries.get());
    assertEquals("\"fresh\"", storedJson());
    assertEquals(
        List.of("GETS " + KEY, "ADD " + KEY, "GETS " + KEY, "CAS " + KEY), memcached.calls());

    assertEquals("fresh", find());
    assertEquals(CacheOutcome.HIT, outcome(cut));
    assertEquals(1, queries.get(), "the second call is served from memcached");
  }

  @Test
  void anotherInstancesLeaseIsWaitedForAndItsValueServed() throws Exception {
    memcached.put(KEY, StoredEntry.lease("theirs"), LEASE);
    memcached.after(ADD, () -> {}).after(ADD, () -> memcached.put(KEY, cached("theirs"), 0));
    assertEquals("theirs", find());
    assertEquals(CacheOutcome.HIT, outcome(cut));
    assertEquals(0, queries.get(), "the lease holder's load is not repeated");
    assertEquals(1, metrics.count("leaseWaits"));
    assertEquals(2, memcached.count(ADD), "asked for the lease again after waiting");
  }

  @Test
  void aLeaseWhoseHolderDiedIsTakenOverOnceItExpires() throws Exception {
    var now = new AtomicLong(System.currentTimeMillis());
    memcached.clock(now::get).put(KEY, StoredEntry.lease("theirs"), LEASE);
    memcached.after(ADD, () -> now.addAndGet(TimeUnit.SECONDS.toMillis(LEASE)));
    assertEquals("fresh", find());
    assertEquals(1, queries.get());
    assertEquals("\"fresh\"", storedJson());
  }

  @Test
  void concurrentMissesInThisJvmShareOneLoad() throws Exception {
    var load = new SlowLoad();
    Future<Object> first = threads.submit(() -> find(interceptor(), load));
    await(load.started);
    var secondRead = new CountDownLatch(1);
    memcached.countDown(GETS, secondRead);
    Future<Object> second = threads.submit(() -> find());
    await(secondRead); // it saw the first one's lease
    load.release.countDown();
    assertEquals("fresh", first.get(5, TimeUnit.SECONDS));
    assertEquals("fresh", second.get(5, TimeUnit.SECONDS));
    assertEquals(1, queries.get());
  }

  @Test
  void aFillAfterAWriteDuringTheLoadIsNotStored() throws Exception {
    row = "old";
    assertEquals("old", find(cut, readThenWrite(() -> {})), "this request read before the write");
    assertNull(memcached.value(KEY), "the old row is not cached over the write");
    assertEquals(1, metrics.count("staleSetsPrevented"));
  }

  @Test
  void aFillDoesNotOverwriteWhatAnotherInstanceStoredAfterTheWrite() throws Exception {
    row = "old";
    // another instance loads the new row
    assertEquals("old", find(cut, readThenWrite(() -> memcached.put(KEY, cached("new"), 0))));
    assertEquals("\"new\"", storedJson());
    assertEquals(1, metrics.count("staleSetsPrevented"));
  }

  @Test
  void aWriteBetweenTheFillsReadAndItsCasIsNotOverwritten() throws Exception {
    row = "old";
    // the fill reads its own lease marker; the write and the other load land before its CAS
    memcached
        .after(GETS, () -> {})
        .after(
            GETS,
            () -> {
              memcached.client.delete(KEY);
              memcached.put(KEY, cached("new"), 0);
            });
    assertEquals("old", find());
    assertEquals("\"new\"", storedJson(), "the CAS id no longer matched");
    assertEquals(1, memcached.count(CAS));
  }

  @Test
  void aValueNearExpiryIsRefreshedByOneReaderWhileTheOthersAreServedTheCachedOne()
      throws Exception {
    memcached.put(KEY, expiring("old"), TTL);
    var other = interceptor();
    Object[] otherGot = new Object[1];
    Object answer =
        find(
            cut,
            () -> {
              otherGot[0] = find(other, this::database); // the refresh lease is taken
              return database();
            });
    assertEquals("fresh", answer);
    assertEquals(CacheOutcome.MISS, outcome(cut));
    assertEquals("old", otherGot[0]);
    assertEquals(CacheOutcome.HIT, outcome(other));
    assertEquals(1, queries.get(), "one refresh");
    assertEquals(1, metrics.count("earlyRefreshes"));
    assertEquals("\"fresh\"", storedJson());
  }

  @Test
  void aReadDueWhileAnotherInstanceRefreshesAsksForTheLeaseOnceThenServesTheCachedValue()
      throws Exception {
    memcached.put(KEY, expiring("old"), TTL);
    memcached.put(KEY + CacheEntries.REFRESH_SUFFIX, "another instance", LEASE);
    var elsewhere = EarlyRefreshesTest.refreshes(new AtomicLong());
    assertEquals("old", find(interceptor(elsewhere), this::database));
    assertEquals("old", find(interceptor(elsewhere), this::database));
    assertEquals(1, memcached.count(ADD), "the second read knew the lease was taken");
    assertEquals(0, queries.get());
    assertEquals(2, metrics.count("hits"));
  }

  @Test
  void aRefreshThatStoredReleasesItsClaim() throws Exception {
    memcached.put(KEY, expiring("old"), TTL);
    assertEquals("fresh", find(cut, this::database));
    assertFalse(refreshes.claimed(KEY));
  }

  @Test
  void aRefreshWhoseLoadFailedKeepsItsClaimLikeItsLease() throws Exception {
    memcached.put(KEY, expiring("old"), TTL);
    assertEquals("old", find(cut, CacheAsideInterceptorTest::databaseDown));
    assertTrue(refreshes.claimed(KEY), "not tried again by every read until the lease's time");
  }

  @Test
  void aRefreshAfterAWriteDuringItsLoadIsNotStored() throws Exception {
    row = "old";
    memcached.put(KEY, expiring("older"), TTL);
    assertEquals("old", find(cut, readThenWrite(() -> {})));
    assertNull(memcached.value(KEY));
    assertEquals(1, metrics.count("staleSetsPrevented"));
  }

  @ParameterizedTest
  @EnumSource(Failure.class)
  void aReadMemcachedFailsIsServedFromTheDatabaseAndNothingIsStored(Failure failure)
      throws Exception {
    memcached.failNext(GETS, failure);
    assertEquals("fresh", find());
    assertEquals(CacheOutcome.BYPASS, outcome(cut));
    assertEquals(1, queries.get());
    assertEquals(1, metrics.count("bypasses"));
    assertEquals(List.of("GETS " + KEY), memcached.calls(), "nothing written on a bypass");
  }

  @Test
  void memcachedDownServesEveryRequestFromTheDatabase() throws Exception {
    memcached.down(Failure.FAILED);
    assertEquals("fresh", find());
    assertEquals("fresh", find());
    assertEquals(CacheOutcome.BYPASS, outcome(cut));
    assertEquals(2, queries.get());
    assertEquals(0, memcached.count(ADD) + memcached.count(SET) + memcached.count(CAS));
  }

  @Test
  void aBypassWhoseDatabaseFailsToo_servesWhatMemcachedHoldsNow() throws Exception {
    memcached.put(KEY, cached("cached"), 0);
    memcached.failNext(GETS, Failure.FAILED);
    Object answer = find(cut, CacheAsideInterceptorTest::databaseDown);
    assertEquals("cached", answer);
    assertEquals(CacheOutcome.HIT, outcome(cut));
  }

  @Test
  void aBypassedRequestWaitingOnABypassedLoadIsRescuedOnceItsNodeAnswersAgain() throws Exception {
    memcached.put(KEY, cached("cached"), 0);
    memcached.failNext(GETS, Failure.FAILED).failNext(GETS, Failure.FAILED);
    var load = new SlowLoad();
    var first = interceptor();
    Future<Object> slow = threads.submit(() -> find(first, load));
    await(load.started);
    Future<Object> waiting = threads.submit(() -> find());
    await(rescueAsked); // it waits on the bypassed load, its node not heard from since
    entries.read(KEY); // the node answers someone
    try {
      assertEquals("cached", waiting.get(5, TimeUnit.SECONDS));
      assertEquals(CacheOutcome.HIT, outcome(cut));
      assertFalse(slow.isDone(), "served without waiting for the slow load");
    } finally {
      load.release.countDown();
    }
    assertEquals("fresh", slow.get(5, TimeUnit.SECONDS));
    assertEquals(CacheOutcome.BYPASS, outcome(first));
    assertEquals(1, queries.get());
  }

  @Test
  void noRowIsRememberedAsANegativeEntryForTheNegativeTtl() throws Exception {
    var call =
        new Call(
            Things.MAYBE,
            () -> {
              queries.incrementAndGet();
              return Optional.empty();
            },
            1L);
    assertEquals(Optional.empty(), cut.cacheAside(call));
    assertEquals("null", StoredEntry.parse(memcached.value("maybe:v1:1")).json());
    assertEquals(30 + LEASE, memcached.ttlSeconds("maybe:v1:1"));
    assertEquals(Optional.empty(), cut.cacheAside(call));
    assertEquals(CacheOutcome.HIT, outcome(cut));
    assertEquals(1, queries.get());
    assertEquals(1, metrics.count("negativeHits"));
  }

  @Test
  void aFailedLoadReleasesItsLeaseSoOthersNeedNotWaitItOut() {
    assertThrows(
        SQLTransientConnectionException.class,
        () -> find(cut, CacheAsideInterceptorTest::databaseDown));
    assertNull(memcached.value(KEY), "no lease marker left behind");
  }

  @Test
  void whatTheFastLaneFoundUnavailableIsBypassedWithoutAskingAgain() throws Exception {
    cut.handOff.leave(new FastLaneHandOff.Prefetched(KEY, null, false, true, System.nanoTime()));
    assertEquals("fresh", find());
    assertEquals(CacheOutcome.BYPASS, outcome(cut));
    assertTrue(memcached.calls().isEmpty());
  }

  @Test
  void everyEntryOutlivesItsJitteredFreshnessByTheRefreshWindow() throws Exception {
    for (long id = 1; id <= 40; id++) {
      String key = "thing:v1:" + id;
      long before = System.currentTimeMillis();
      cut.cacheAside(new Call(Things.FIND, this::database, id));
      long freshMillis = StoredEntry.parse(memcached.value(key)).expiresAtMillis() - before;
      long keptMillis = TimeUnit.SECONDS.toMillis(memcached.ttlSeconds(key));
      assertTrue(
          keptMillis - freshMillis >= TimeUnit.SECONDS.toMillis(LEASE - 1),
          "fresh for " + freshMillis + " ms, kept " + keptMillis + " ms: no time to refresh");
    }
  }

  @Test
  void aRefreshWhoseLoadFailsServesTheCachedValue() throws Exception {
    memcached.put(KEY, expiring("cached"), TTL);
    Object answer = find(cut, CacheAsideInterceptorTest::databaseDown);
    assertEquals("cached", answer);
    assertEquals(CacheOutcome.HIT, outcome(cut));
  }

  @Test
  void aFillThatFailsReleasesItsLeaseSoTheNextRequestNeedNotWaitItOut() throws Exception {
    memcached.failNext(CAS, Failure.FAILED);
    assertEquals("fresh", find());
    assertEquals(CacheOutcome.MISS, outcome(cut));
    assertNull(memcached.value(KEY), "no lease marker left for the lease's 15 s");
  }

  /** A result JSON-B cannot write. */
  public static class Unwritable {
    public String getValue() {
      throw new IllegalStateException("not writable");
    }
  }

  @Test
  void aResultThatCannotBeWrittenIsServedUncachedAfterOneLoad() throws Exception {
    entries.leaseSeconds = 1; // bounds the reload loop this test guards against
    var unwritable = new Unwritable();
    Object answer =
        cut.cacheAside(
            new Call(
                Things.UNWRITABLE,
                () -> {
                  queries.incrementAndGet();
                  return unwritable;
                },
                1L));
    assertSame(unwritable, answer);
    assertEquals(1, queries.get(), "loaded once, not again and again until the lease ran out");
    assertNull(memcached.value("unwritable:v1:1"), "no lease marker left behind");
  }
}
