package rdsmemcached.caching.control;

/**
 * The recent intervals during which this process did not run: a watcher thread that asked to wake
 * after a short period and woke late was descheduled meanwhile (a CPU quota used up, a GC pause,
 * every core busy), and so was every other thread of the process. Times are {@link
 * System#nanoTime()} values passed in, so the rule has unit tests without sleeping.
 */
final class StallLog {

  static final int CAPACITY = 256;

  private final long periodNanos;
  private final long slackNanos;
  private final long[] from = new long[CAPACITY];
  private final long[] to = new long[CAPACITY];
  private int next;
  private int size;
  private long lastWake;

  StallLog(long periodNanos, long slackNanos, long now) {
    this.periodNanos = periodNanos;
    this.slackNanos = slackNanos;
    this.lastWake = now;
  }

  /** The watcher woke at {@code now}; it had asked to wake at {@code expected}. */
  synchronized void woke(long expected, long now) {
    if (now - expected > slackNanos) {
      from[next] = expected;
      to[next] = now;
      next = (next + 1) % CAPACITY;
      size = Math.min(size + 1, CAPACITY);
    }
    lastWake = now;
  }

  /** Nanoseconds of {@code [start, end]} during which the process was seen stalled. */
  synchronized long stalledWithin(long start, long end) {
    long stalled = 0;
    for (int i = 0; i < size; i++) {
      long overlap = Math.min(to[i], end) - Math.max(from[i], start);
      if (overlap > 0) {
        stalled += overlap;
      }
    }
    // a stall still going on: the watcher is overdue and has not recorded it yet (when the quota
    // comes back, the waiting thread may run before the watcher does)
    long due = lastWake + periodNanos;
    if (end - due > slackNanos) {
      stalled += end - (due - start > 0 ? due : start);
    }
    return stalled;
  }

  /**
   * Whether an operation that started at {@code start} and has not answered by {@code now} waited
   * less than {@code timeoutNanos} while the process was actually running: then the timeout is this
   * process's doing, not the server's.
   */
  boolean selfInflicted(long start, long now, long timeoutNanos) {
    return (now - start) - stalledWithin(start, now) < timeoutNanos;
  }
}
