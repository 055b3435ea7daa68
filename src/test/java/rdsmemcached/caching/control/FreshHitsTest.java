package rdsmemcached.caching.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import rdsmemcached.caching.boundary.CacheAside;
import rdsmemcached.caching.control.CacheEntries.Found;
import rdsmemcached.memcached.control.CacheUnavailableException;

class FreshHitsTest {

  static final String JSON = "{\"name\":\"Ann\"}";
  static final long FAR = System.currentTimeMillis() + 3_600_000;

  /** A bean of the test's own, as a user's service would declare it. */
  static class People {
    @CacheAside(namespace = "people")
    public Optional<String> find(long id) {
      return Optional.empty();
    }
  }

  final Map<String, Object> stored = new HashMap<>();
  final CacheFakes.Metrics metrics = new CacheFakes.Metrics();
  final FastLaneHandOff handOff = new FastLaneHandOff();
  final FreshHits cut = new FreshHits();
  Method find;
  String key;

  @BeforeEach
  void wire() throws NoSuchMethodException {
    find = People.class.getMethod("find", long.class);
    cut.entries =
        new CacheEntries() {
          @Override
          Found readHere(String key) throws CacheUnavailableException {
            Object value = stored.get(key);
            if (value instanceof RuntimeException down) {
              throw new CacheUnavailableException(down);
            }
            StoredEntry entry = StoredEntry.parse(value);
            return entry == null ? null : new Found(entry, 99);
          }
        };
    cut.metrics = metrics;
    cut.methods = new CachedMethods();
    cut.handOff = handOff;
    cut.refreshes = EarlyRefreshesTest.refreshes(new AtomicLong());
    key = cut.methods.describe(find).key(new Object[] {7L});
  }

  @Test
  void aFreshEntryIsAnsweredAndNothingIsHandedOff() {
    stored.put(key, StoredEntry.value(FAR, 0, JSON));
    assertEquals(JSON, cut.json(find, 7L));
    assertNull(handOff.take(key));
    assertEquals(1, metrics.count("hits"));
  }

  @Test
  void anAbsentEntryIsHandedToTheSlowLane() {
    assertNull(cut.json(find, 7L));
    var left = handOff.take(key);
    assertEquals(key, left.key());
    assertNull(left.found());
    assertFalse(left.unavailable());
    assertEquals(0, metrics.count("hits"));
  }

  @Test
  void aLeaseMarkerIsHandedOffAsFound() {
    stored.put(key, StoredEntry.lease("someone"));
    assertNull(cut.json(find, 7L));
    Found found = handOff.take(key).found();
    assertTrue(found.entry().isLease());
    assertEquals(99, found.cas());
  }

  @Test
  void aNegativeEntryIsLeftForTheInterceptorToAnswer() {
    stored.put(key, StoredEntry.value(FAR, 0, CachedMethod.NEGATIVE));
    assertNull(cut.json(find, 7L));
    assertEquals(CachedMethod.NEGATIVE, handOff.take(key).found().entry().json());
  }

  @Test
  void anExpiredEntryIsHandedOffDueForRefreshToOneReadTheOthersAreAnsweredHere() {
    stored.put(key, StoredEntry.value(System.currentTimeMillis() - 1, 0, JSON));
    assertNull(cut.json(find, 7L));
    var left = handOff.take(key);
    assertTrue(left.refreshDue());
    assertEquals(JSON, left.found().entry().json());

    assertEquals(JSON, cut.json(find, 7L), "the refresh is claimed: served the entry read");
    assertNull(handOff.take(key));
    assertEquals(1, metrics.count("hits"));

    cut.refreshes.release(key);
    assertNull(cut.json(find, 7L), "released (a refresh that did not store): claimed again");
    assertTrue(handOff.take(key).refreshDue());
  }

  @Test
  void aNegativeEntryDueForRefreshIsHandedOffClaimedOnce() {
    stored.put(key, StoredEntry.value(System.currentTimeMillis() - 1, 0, CachedMethod.NEGATIVE));
    assertNull(cut.json(find, 7L));
    assertTrue(handOff.take(key).refreshDue());
    assertNull(cut.json(find, 7L), "the interceptor answers negative entries");
    assertFalse(handOff.take(key).refreshDue(), "but this read does not refresh it");
  }

  @Test
  void aRefreshAskedForIsMadeByTheNextReadOfAFreshEntryOnce() {
    stored.put(key, StoredEntry.value(FAR, 0, JSON));
    assertFalse(cut.refreshAsked(find, 7L));
    cut.refreshNext(find, 7L);
    assertTrue(cut.refreshAsked(find, 7L), "asked");
    assertTrue(cut.isFresh(find, 7L), "the warm-up's own look does not take it");
    assertTrue(cut.refreshAsked(find, 7L));
    assertNull(cut.json(find, 7L));
    assertTrue(handOff.take(key).refreshDue(), "this read refreshes");
    assertFalse(cut.refreshAsked(find, 7L), "taken");
    assertTrue(cut.refreshes.claimed(key), "claimed, not stored yet");
    assertEquals(JSON, cut.json(find, 7L), "the next read is a hit again");
    cut.refreshes.release(key); // the interceptor, once the refresh stored
    assertFalse(cut.refreshes.claimed(key));
  }

  @Test
  void theWarmUpsLookAtAnEntryDueForRefreshClaimsNothing() {
    stored.put(key, StoredEntry.value(System.currentTimeMillis() - 1, 0, JSON));
    assertFalse(cut.isFresh(find, 7L));
    assertFalse(cut.refreshes.claimed(key));
    assertNull(handOff.take(key));
  }

  @Test
  void memcachedFailingIsHandedOffWithWhenItFailed() {
    stored.put(key, new IllegalStateException("timed out"));
    long before = System.nanoTime();
    assertNull(cut.json(find, 7L));
    var left = handOff.take(key);
    assertTrue(left.unavailable());
    assertTrue(left.failedAt() - before >= 0);
  }

  @Test
  void isFreshLeavesNothingBehind() {
    assertFalse(cut.isFresh(find, 7L));
    assertNull(handOff.take(key));
    stored.put(key, StoredEntry.value(FAR, 0, JSON));
    assertTrue(cut.isFresh(find, 7L));
  }

  @Test
  void describesEachMethodOnce() {
    assertSame(cut.methods.describe(find), cut.methods.describe(find));
  }
}
