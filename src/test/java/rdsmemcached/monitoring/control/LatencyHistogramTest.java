package rdsmemcached.monitoring.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

  final LatencyHistogram cut = new LatencyHistogram();

  @Test
  void aBucketStandsForItsLatenciesWithinTwelvePercent() {
    for (long micros : new long[] {60, 400, 1_000, 2_500, 10_000, 1_000_000, 10_000_000}) {
      long nanos = TimeUnit.MICROSECONDS.toNanos(micros);
      double reported = LatencyHistogram.millis(LatencyHistogram.bucket(nanos));
      double error = Math.abs(reported - micros / 1000.0) / (micros / 1000.0);
      assertTrue(error <= 0.12, micros + " µs reported as " + reported + " ms");
    }
  }

  @Test
  void latenciesBeyondTheLastBucketLandInIt() {
    assertEquals(0, LatencyHistogram.bucket(1));
    assertEquals(LatencyHistogram.BUCKETS - 1, LatencyHistogram.bucket(TimeUnit.HOURS.toNanos(1)));
  }

  @Test
  void fewRequestsAreReportedOneByOneInAscendingOrder() {
    cut.record(ms(10));
    cut.record(ms(1));
    cut.record(ms(1));
    double[] values = LatencyHistogram.values(cut.counts(), 100);
    assertEquals(3, values.length);
    assertEquals(values[0], values[1]);
    assertEquals(1.0, values[0], 0.12);
    assertEquals(10.0, values[2], 1.2);
  }

  @Test
  void manyRequestsAreReportedAsTheirPercentilesWithTheMaximumLast() {
    record(9_890, ms(1));
    record(100, ms(200));
    record(10, ms(5_000));
    double[] values = LatencyHistogram.values(cut.counts(), 100);
    assertEquals(100, values.length);
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    assertArrayEquals(sorted, values);
    assertEquals(1.0, values[97], 0.12, "p98");
    assertEquals(200.0, values[98], 24, "p99");
    assertEquals(5_000.0, values[99], 600, "the last value is the maximum");
  }

  @Test
  void anIntervalIsTheDifferenceOfTwoSnapshots() {
    record(50, ms(3));
    long[] before = cut.counts();
    record(2, ms(40));
    long[] now = cut.counts();
    long[] interval = new long[now.length];
    Arrays.setAll(interval, i -> now[i] - before[i]);
    double[] values = LatencyHistogram.values(interval, 100);
    assertEquals(2, values.length);
    assertEquals(40.0, values[0], 4.8);
  }

  @Test
  void anEmptyIntervalHasNoValues() {
    long[] before = cut.counts();
    assertEquals(0, LatencyHistogram.values(before, 100).length);
  }

  private void record(int times, long nanos) {
    for (int i = 0; i < times; i++) {
      cut.record(nanos);
    }
  }

  private static long ms(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }
}
