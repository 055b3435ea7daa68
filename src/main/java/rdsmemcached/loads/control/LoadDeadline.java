package rdsmemcached.loads.control;

import jakarta.enterprise.context.RequestScoped;

/**
 * When this request stops waiting for a load slot ({@link System#nanoTime}): set by the slow lane
 * when the request enters it, so the time spent in its queue counts against {@code LOAD_WAIT_MS}.
 */
@RequestScoped
public class LoadDeadline {

  private long nanos;
  private boolean set;

  void set(long deadlineNanos) {
    nanos = deadlineNanos;
    set = true;
  }

  /** The deadline, or {@code otherwise} when none was set (a load outside the slow lane). */
  long orElse(long otherwise) {
    return set ? nanos : otherwise;
  }
}
