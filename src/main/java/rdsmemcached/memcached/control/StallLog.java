package rdsmemcached.memcached.control;

/**
 * How long this process recently could not run: samples of a running total of stalled time (see
 * {@link ProcessStalls}), taken now and then, bound the part of any recent interval spent stalled.
 * Times are {@link System#nanoTime()} values passed in, so the rule has unit tests without
 * sleeping.
 */
final class StallLog {

  static final int CAPACITY = 64;

  private final long[] at = new long[CAPACITY];
  private final long[] total = new long[CAPACITY];
  private int next;
  private int size;

  /** At {@code now}, the process had been stalled for {@code stalledTotal} ns since it started. */
  synchronized void sampled(long now, long stalledTotal) {
    at[next] = now;
    total[next] = stalledTotal;
    next = (next + 1) % CAPACITY;
    size = Math.min(size + 1, CAPACITY);
  }

  /**
   * Nanoseconds of {@code [start, end]} the process was stalled, given the running total at {@code
   * end}: the stall since the last sample taken before {@code start}, at most the interval. It may
   * count a stall from just before the start: then an operation is tried again that need not have
   * been (bounded by the maximum wait), never the reverse.
   */
  synchronized long stalledWithin(long start, long end, long stalledTotalAtEnd) {
    int before = -1;
    for (int i = 0; i < size; i++) {
      if (start - at[i] >= 0 && (before < 0 || at[i] - at[before] > 0)) {
        before = i;
      }
    }
    if (before < 0) {
      return 0; // nothing known from before the interval
    }
    long stalled = stalledTotalAtEnd - total[before];
    return Math.max(0, Math.min(end - start, stalled));
  }

  /**
   * Whether an operation that started at {@code start} and has not answered by {@code now} waited
   * less than {@code timeoutNanos} while the process could run: then the timeout is this process's
   * doing, not the server's.
   */
  boolean selfInflicted(long start, long now, long timeoutNanos, long stalledTotalNow) {
    return (now - start) - stalledWithin(start, now, stalledTotalNow) < timeoutNanos;
  }
}
