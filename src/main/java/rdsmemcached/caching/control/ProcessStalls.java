package rdsmemcached.caching.control;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Tells a memcached timeout caused by this process from one caused by the node.
 *
 * <p>On a Fargate task of 0.25 vCPU the process runs 25 ms of every 100 ms; measured there, the 50
 * ms operation timeout fired thousands of times in minutes while memcached was idle: the response
 * had arrived, but no thread of ours was allowed to read it. A watcher thread wakes every {@value
 * #PERIOD_MILLIS} ms and records when it woke late (measured at a 5 ms period: 3 % of a 0.25 vCPU;
 * this period halves that); a timed-out operation whose wait was mostly such a stall is tried again
 * instead of counting against the node.
 */
@ApplicationScoped
public class ProcessStalls {

  static final long PERIOD_MILLIS = 10;
  static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS);
  static final long SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  @Resource ManagedThreadFactory threads;

  private final StallLog log = new StallLog(PERIOD_NANOS, SLACK_NANOS, System.nanoTime());
  private volatile boolean watching;

  void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
    watching = true;
    Thread watcher = threads.newThread(this::watch);
    watcher.setName("process-stall-watcher");
    watcher.setDaemon(true);
    watcher.start();
  }

  @PreDestroy
  void stop() {
    watching = false;
  }

  private void watch() {
    while (watching) {
      long expected = System.nanoTime() + PERIOD_NANOS;
      LockSupport.parkNanos(PERIOD_NANOS);
      log.woke(expected, System.nanoTime());
    }
  }

  /** See {@link StallLog#stalledWithin}. */
  long stalledWithin(long start, long end) {
    return log.stalledWithin(start, end);
  }

  /** See {@link StallLog#selfInflicted}. */
  boolean selfInflicted(long start, long now, long timeoutNanos) {
    return log.selfInflicted(start, now, timeoutNanos);
  }
}
