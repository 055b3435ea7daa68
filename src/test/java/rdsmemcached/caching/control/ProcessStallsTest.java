package rdsmemcached.caching.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProcessStallsTest {

  static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  final ProcessStalls cut = new ProcessStalls();

  @Test
  void aWaiterThatWokeLateWasStalledAtLeastThatLong() {
    // no cgroup statistics seen (a quota above the container's cgroup): its own late wake is known
    assertEquals(35 * MS, cut.stalledWithin(0, 50 * MS, 85 * MS));
    assertTrue(cut.selfInflicted(0, 50 * MS, 85 * MS, 50 * MS));
  }

  @Test
  void aWaiterThatWokeOnTimeSawARealTimeout() {
    assertFalse(cut.selfInflicted(0, 50 * MS, 50 * MS + 200_000, 50 * MS));
  }
}
