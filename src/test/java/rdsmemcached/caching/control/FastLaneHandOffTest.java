package rdsmemcached.caching.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import rdsmemcached.caching.control.FastLaneHandOff.Prefetched;

class FastLaneHandOffTest {

  final FastLaneHandOff cut = new FastLaneHandOff();

  @Test
  void theSlowLaneTakesWhatWasLeftForItsKeyOnce() {
    var read = new Prefetched("customer:1", null, false, false, 0);
    cut.leave(read);
    assertSame(read, cut.take("customer:1"));
    assertNull(cut.take("customer:1"), "a second call of the method reads memcached itself");
  }

  @Test
  void anotherKeyGetsNothingAndLeavesTheReadAlone() {
    var read = new Prefetched("customer:1", null, false, true, 42);
    cut.leave(read);
    assertNull(cut.take("customer:2"));
    assertSame(read, cut.take("customer:1"));
  }

  @Test
  void aFailedReadIsCarriedToTheSlowLaneAndMakesTheRequestUrgent() {
    var read = new Prefetched("customer:1", null, false, true, 42);
    cut.leave(read);
    var parcel = cut.handOver();
    assertTrue(parcel.cached());
    assertNull(cut.take("customer:1"), "handed over");
    var slowLane = new FastLaneHandOff();
    slowLane.receive(parcel);
    assertSame(read, slowLane.take("customer:1"), "a slow node costs one timeout, not two");
  }

  @Test
  void aCachedEntryIsCarriedAndUrgentAMissOrLeaseIsNot() {
    var entry = new CacheEntries.Found(new StoredEntry(null, 0, 5, "{}"), 7);
    var lease = new CacheEntries.Found(new StoredEntry("token", 0, 0, null), 8);
    for (var found : new CacheEntries.Found[] {entry, lease, null}) {
      var read = new Prefetched("customer:1", found, found == entry, false, 0);
      cut.leave(read);
      var parcel = cut.handOver();
      assertEquals(found == entry, parcel.cached());
      var slowLane = new FastLaneHandOff();
      slowLane.receive(parcel);
      assertSame(read, slowLane.take("customer:1"));
    }
    assertFalse(cut.handOver().cached(), "nothing left");
  }

  @Test
  void nothingLeftNothingTaken() {
    assertNull(cut.take("customer:1"));
  }
}
