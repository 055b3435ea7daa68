package rdsmemcached.memcached.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StallLogTest {

  static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  static final long TIMEOUT = 50 * MS;

  final StallLog cut = new StallLog();

  @Test
  void aSilentNodeWhileTheProcessRanIsARealTimeout() {
    cut.sampled(0, 0);
    cut.sampled(100 * MS, 0);
    assertEquals(0, cut.stalledWithin(110 * MS, 160 * MS, 0));
    assertFalse(cut.selfInflicted(110 * MS, 160 * MS, TIMEOUT, 0));
  }

  @Test
  void aWaitTheIoThreadSpentThrottledIsSelfInflicted() {
    // 0.25 vCPU: the answer arrived, then the I/O thread waited 60 ms for the quota
    cut.sampled(0, 0);
    cut.sampled(100 * MS, 5 * MS);
    assertEquals(60 * MS, cut.stalledWithin(120 * MS, 200 * MS, 65 * MS));
    assertTrue(cut.selfInflicted(120 * MS, 200 * MS, TIMEOUT, 65 * MS));
  }

  @Test
  void aSilentNodeStillTimesOutOnceTheProcessRanLongEnough() {
    cut.sampled(0, 0);
    // waited 220 ms, 165 of them stalled: 55 ms of running time without an answer
    assertFalse(cut.selfInflicted(0, 220 * MS, TIMEOUT, 165 * MS));
  }

  @Test
  void aGcPauseInsideTheWaitCounts() {
    cut.sampled(0, 0);
    assertEquals(40 * MS, cut.stalledWithin(0, 60 * MS, 40 * MS));
    assertTrue(cut.selfInflicted(0, 60 * MS, TIMEOUT, 40 * MS));
  }

  @Test
  void theSampleBeforeTheStartIsTheBaseline() {
    cut.sampled(0, 0);
    cut.sampled(100 * MS, 80 * MS); // a stall long before the operation
    cut.sampled(200 * MS, 80 * MS);
    assertEquals(0, cut.stalledWithin(210 * MS, 260 * MS, 80 * MS));
  }

  @Test
  void nothingSampledBeforeTheStartMeansNothingKnown() {
    cut.sampled(100 * MS, 0);
    assertEquals(0, cut.stalledWithin(50 * MS, 150 * MS, 90 * MS));
  }

  @Test
  void neverMoreThanTheIntervalItself() {
    cut.sampled(0, 0);
    assertEquals(50 * MS, cut.stalledWithin(10 * MS, 60 * MS, 500 * MS));
  }

  @Test
  void keepsOnlyTheLatestSamples() {
    for (int i = 0; i < StallLog.CAPACITY + 5; i++) {
      cut.sampled(i * 100 * MS, 0);
    }
    assertEquals(0, cut.stalledWithin(0, 50 * MS, 40 * MS), "the oldest were overwritten");
  }
}
