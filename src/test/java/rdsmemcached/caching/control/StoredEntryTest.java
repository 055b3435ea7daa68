package rdsmemcached.caching.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StoredEntryTest {

  @Test
  void valuesAndLeasesRoundTrip() {
    var value = StoredEntry.parse(StoredEntry.value(1_000, 250, "{\"id\":1,\"value\":\"a|b\"}"));
    assertFalse(value.isLease());
    assertEquals(1_000, value.expiresAtMillis());
    assertEquals(250, value.loadMillis());
    assertEquals("{\"id\":1,\"value\":\"a|b\"}", value.json());

    var lease = StoredEntry.parse(StoredEntry.lease("t0k3n"));
    assertTrue(lease.isLease());
    assertEquals("t0k3n", lease.token());
  }

  @Test
  void foreignItemsAreUnreadable() {
    assertNull(StoredEntry.parse("{\"id\":1}"));
    assertNull(StoredEntry.parse("x|y|{}"));
    assertNull(StoredEntry.parse(42));
  }

  @Test
  void xfetchNeverRefreshesFarFromExpiryAndAlwaysAfterIt() {
    var entry = StoredEntry.parse(StoredEntry.value(3_600_000, 1_000, "{}"));
    assertTrue(IntStream.range(0, 10_000).noneMatch(i -> entry.refreshDue(0)));
    assertTrue(IntStream.range(0, 100).allMatch(i -> entry.refreshDue(3_600_000)));
  }

  @Test
  void xfetchRefreshesSometimesWhenExpiryIsWithinAFewLoadTimes() {
    var entry = StoredEntry.parse(StoredEntry.value(10_000, 10_000, "{}"));
    long due = IntStream.range(0, 10_000).filter(i -> entry.refreshDue(0)).count();
    // P = exp(-(10 s to expiry) / (10 s load)) = 0.37
    assertTrue(due > 3_000 && due < 4_400, "refreshed " + due + " of 10000");
  }
}
