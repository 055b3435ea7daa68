package rdsmemcached.caching.control;

/**
 * How long this process recently could not run: samples of a running total of stalled time (the
 * time its cgroup was throttled by the CPU quota, plus garbage-collection pauses), taken now and
 * then, estimate the part of any recent interval spent stalled. Times are {@link System#nanoTime()}
 * values passed in, so the rule has unit tests without sleeping.
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
   * end}: the stall since the last sample taken before {@code start}, in proportion to the part of
   * that span the interval covers (a quota throttles every period alike).
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
    long span = end - at[before];
    long stalled = stalledTotalAtEnd - total[before];
    if (span <= 0 || stalled <= 0) {
      return 0;
    }
    long interval = end - start;
    return Math.min(interval, (long) ((double) stalled * interval / span));
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
