package rdsmemcached.caching.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** One read per key refreshes; the claim ends when released or when the lease's time has passed. */
class EarlyRefreshesTest {

  final AtomicLong now = new AtomicLong(-5); // nanoTime may be negative
  final EarlyRefreshes cut = refreshes(now);

  static EarlyRefreshes refreshes(AtomicLong now) {
    var refreshes = new EarlyRefreshes();
    refreshes.leaseSeconds = 15;
    refreshes.clock = now::get;
    return refreshes;
  }

  @Test
  void oneReadClaimsAKeyTheOthersDoNot() {
    assertTrue(cut.claim("a"));
    assertFalse(cut.claim("a"));
    assertTrue(cut.claimed("a"));
    assertTrue(cut.claim("b"), "each key on its own");
  }

  @Test
  void aClaimEndsWhenReleased() {
    assertTrue(cut.claim("a"));
    cut.release("a");
    assertFalse(cut.claimed("a"));
    assertTrue(cut.claim("a"));
  }

  @Test
  void aClaimNeverReleasedEndsAfterTheLeaseTime() {
    assertTrue(cut.claim("a"));
    now.addAndGet(TimeUnit.SECONDS.toNanos(15) - 1);
    assertFalse(cut.claim("a"), "still within the lease's 15 s");
    now.incrementAndGet();
    assertFalse(cut.claimed("a"));
    assertTrue(cut.claim("a"), "the claimant was lost: the next read claims");
    assertFalse(cut.claim("a"), "for another 15 s");
  }

  @Test
  void expiredClaimsOfKeysNeverReadAgainAreSweptWhenThereAreMany() {
    for (int i = 0; i <= EarlyRefreshes.SWEEP_ABOVE; i++) {
      assertTrue(cut.claim("key" + i));
    }
    now.addAndGet(TimeUnit.SECONDS.toNanos(16));
    assertTrue(cut.claim("one more"));
    assertEquals(1, cut.size());
  }
}
