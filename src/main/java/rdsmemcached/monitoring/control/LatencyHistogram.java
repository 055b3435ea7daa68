package rdsmemcached.monitoring.control;

import java.util.concurrent.atomic.LongAdder;

/**
 * Request latencies counted in buckets that grow by a quarter each (from 50 µs up to about 80 s),
 * so every request can be recorded: a logarithm and an uncontended add, no lock, no allocation. The
 * counts only grow; a reader takes the difference between two {@link #counts()} for an interval. A
 * bucket stands for its geometric middle, at most 12 % away from any latency it counted.
 */
public final class LatencyHistogram {

  static final long FLOOR_NANOS = 50_000;
  static final double GROWTH = 1.25;
  static final int BUCKETS = 64;
  private static final double LOG_GROWTH = Math.log(GROWTH);

  private final LongAdder[] counts = new LongAdder[BUCKETS];

  public LatencyHistogram() {
    for (int i = 0; i < BUCKETS; i++) {
      counts[i] = new LongAdder();
    }
  }

  public void record(long nanos) {
    counts[bucket(nanos)].increment();
  }

  /** The counts so far, per bucket. */
  public long[] counts() {
    long[] now = new long[BUCKETS];
    for (int i = 0; i < BUCKETS; i++) {
      now[i] = counts[i].sum();
    }
    return now;
  }

  /** Bucket {@code b} holds latencies up to {@code FLOOR_NANOS * GROWTH^b}. */
  static int bucket(long nanos) {
    if (nanos <= FLOOR_NANOS) {
      return 0;
    }
    int b = (int) Math.ceil(Math.log((double) nanos / FLOOR_NANOS) / LOG_GROWTH);
    return Math.min(b, BUCKETS - 1);
  }

  /** What a latency in bucket {@code b} is reported as, in milliseconds. */
  static double millis(int b) {
    double upper = FLOOR_NANOS * Math.pow(GROWTH, b);
    double lower = b == 0 ? FLOOR_NANOS / 2.0 : upper / GROWTH;
    return Math.sqrt(lower * upper) / 1e6;
  }

  /**
   * The interval's latencies as at most {@code max} values in milliseconds, ascending: every
   * request when there were no more than {@code max}, else the 1/max, 2/max, ... 100 % quantiles.
   * CloudWatch computes any percentile of a metric from such values (an embedded-metric-format
   * value holds at most 100 numbers, without counts), and the last value is the interval's maximum.
   *
   * @param interval requests per bucket in the interval (the difference of two {@link #counts()})
   */
  public static double[] values(long[] interval, int max) {
    long total = 0;
    for (long c : interval) {
      total += c;
    }
    int n = (int) Math.min(total, max);
    double[] values = new double[n];
    int bucket = 0;
    long below = 0; // requests in the buckets before `bucket`
    for (int k = 1; k <= n; k++) {
      // rank of the k-th value among all requests, 1-based: with total <= max every rank in turn
      long rank = total <= max ? k : (long) Math.ceil((double) k * total / n);
      while (below + interval[bucket] < rank) {
        below += interval[bucket];
        bucket++;
      }
      values[k - 1] = millis(bucket);
    }
    return values;
  }
}
