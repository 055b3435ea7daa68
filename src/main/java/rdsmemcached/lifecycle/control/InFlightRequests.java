package rdsmemcached.lifecycle.control;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests the application is serving right now, and whether it still takes new ones. Once
 * draining, it never takes one again: the JVM is about to exit.
 */
@ApplicationScoped
public class InFlightRequests {

  static final long POLL_MILLIS = 20;

  private final AtomicInteger count = new AtomicInteger();
  private volatile boolean draining;

  /**
   * Counts a request in, unless draining: then it is not counted and must be refused. Counting
   * before looking at the flag means a request either sees the flag or is seen by {@link
   * #awaitIdle}.
   */
  public boolean enter() {
    count.incrementAndGet();
    if (draining) {
      count.decrementAndGet();
      return false;
    }
    return true;
  }

  public void exit() {
    count.decrementAndGet();
  }

  public int count() {
    return count.get();
  }

  public boolean draining() {
    return draining;
  }

  public void startDraining() {
    draining = true;
  }

  /** Waits until no request is in flight, at most the given time; true if none is left. */
  public boolean awaitIdle(Duration atMost) throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (count.get() > 0) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      Thread.sleep(POLL_MILLIS);
    }
    return true;
  }
}
