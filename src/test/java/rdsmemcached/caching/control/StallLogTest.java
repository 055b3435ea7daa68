package rdsmemcached.caching.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StallLogTest {

  static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  static final long TIMEOUT = 50 * MS;

  final StallLog cut = new StallLog(5 * MS, 2 * MS, 0);

  /** The watcher ticks on time from {@code from} to {@code to}. */
  void onTime(long from, long to) {
    for (long t = from; t + 5 * MS <= to; t += 5 * MS) {
      cut.woke(t + 5 * MS, t + 5 * MS);
    }
  }

  @Test
  void aSilentNodeWhileTheProcessRanIsARealTimeout() {
    onTime(0, 60 * MS);
    assertEquals(0, cut.stalledWithin(5 * MS, 55 * MS));
    assertFalse(cut.selfInflicted(5 * MS, 55 * MS, TIMEOUT));
  }

  @Test
  void aWaitSpentThrottledIsSelfInflicted() {
    // 0.25 vCPU: the process runs 25 ms, then is throttled for 75 ms
    onTime(0, 25 * MS);
    cut.woke(30 * MS, 100 * MS);
    onTime(100 * MS, 110 * MS);
    assertEquals(70 * MS, cut.stalledWithin(20 * MS, 110 * MS));
    assertTrue(
        cut.selfInflicted(20 * MS, 110 * MS, TIMEOUT), "90 ms waited, 20 ms of them running");
  }

  @Test
  void onlyTheStallInsideTheWaitCounts() {
    cut.woke(30 * MS, 100 * MS);
    onTime(100 * MS, 200 * MS);
    assertEquals(10 * MS, cut.stalledWithin(90 * MS, 150 * MS));
    assertFalse(cut.selfInflicted(90 * MS, 150 * MS, TIMEOUT), "60 ms waited, 50 of them running");
  }

  @Test
  void aStallStillGoingOnCountsBeforeTheWatcherRecordsIt() {
    onTime(0, 20 * MS);
    // the watcher last woke at 20 ms and is due at 25 ms; at 95 ms it has not run since
    assertEquals(70 * MS, cut.stalledWithin(10 * MS, 95 * MS));
    assertTrue(cut.selfInflicted(10 * MS, 95 * MS, TIMEOUT));
  }

  @Test
  void lateWakesWithinTheSlackAreNoStall() {
    cut.woke(5 * MS, 6 * MS);
    cut.woke(11 * MS, 12 * MS);
    assertEquals(0, cut.stalledWithin(0, 12 * MS));
  }

  @Test
  void keepsOnlyTheLatestStalls() {
    long t = 0;
    for (int i = 0; i < StallLog.CAPACITY + 10; i++) {
      cut.woke(t + 5 * MS, t + 15 * MS);
      t += 15 * MS;
    }
    assertEquals(0, cut.stalledWithin(0, 10 * 15 * MS), "the oldest were overwritten");
    assertEquals(10 * MS, cut.stalledWithin(t - 15 * MS, t));
  }
}
