package rdsmemcached.loads.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import rdsmemcached.loads.boundary.LoadsSaturatedException;

/**
 * The loads from the database that may run at once: a fair semaphore of {@code LOAD_SLOTS} permits
 * (0: as many as the connection pool has connections, {@code DB_POOL_MAX_SIZE}), so the database
 * never runs more slow queries than the pool allows and no load waits inside the pool. A load waits
 * for a permit until its deadline ({@code LOAD_WAIT_MS} after its request entered the slow lane),
 * then it is shed, and counted in {@code loads.shed}.
 */
@ApplicationScoped
public class LoadSlots {

  static final Metadata SHED =
      Metadata.builder()
          .withName("loads.shed")
          .withDescription("requests answered 503 for want of a load slot")
          .build();

  /** Loads from the database that may run at once; 0 for {@code DB_POOL_MAX_SIZE}. */
  @Inject
  @ConfigProperty(name = "LOAD_SLOTS")
  int configuredSlots;

  @Inject
  @ConfigProperty(name = "DB_POOL_MAX_SIZE")
  int poolMaxSize;

  /** Milliseconds a request may wait for a load slot (in the slow lane's queue included). */
  @Inject
  @ConfigProperty(name = "LOAD_WAIT_MS")
  long waitMillis;

  @Inject MetricRegistry registry;

  /** A load, run while holding a slot. */
  public interface Load<T> {
    T run() throws Exception;
  }

  private int size;
  private Semaphore slots;
  private final AtomicInteger waiting = new AtomicInteger();
  private Counter shed;

  @PostConstruct
  void init() {
    size = configuredSlots > 0 ? configuredSlots : poolMaxSize;
    slots = new Semaphore(size, true);
    shed = registry.counter(SHED);
  }

  /** A deadline {@code LOAD_WAIT_MS} from {@code nowNanos}. */
  public long deadline(long nowNanos) {
    return nowNanos + TimeUnit.MILLISECONDS.toNanos(waitMillis);
  }

  /**
   * Runs the load once a slot is free, waiting until {@code deadlineNanos} (of {@link
   * System#nanoTime}) at most; the slot is released however the load ends.
   *
   * @throws LoadsSaturatedException no slot came free in time (the load did not run)
   */
  public <T> T run(long deadlineNanos, Load<T> load) throws Exception {
    acquire(deadlineNanos);
    try {
      return load.run();
    } finally {
      slots.release();
    }
  }

  private void acquire(long deadlineNanos) throws InterruptedException {
    waiting.incrementAndGet();
    try {
      long left = deadlineNanos - System.nanoTime();
      if (!slots.tryAcquire(Math.max(0, left), TimeUnit.NANOSECONDS)) {
        throw shed();
      }
    } finally {
      waiting.decrementAndGet();
    }
  }

  /** Counts a request shed before its load could start, and returns the problem to answer. */
  public LoadsSaturatedException shed() {
    shed.inc();
    return new LoadsSaturatedException();
  }

  public int size() {
    return size;
  }

  /** Loads holding a slot now. */
  public int inFlight() {
    return size - slots.availablePermits();
  }

  /** Loads waiting for a slot now. */
  public int waiting() {
    return waiting.get();
  }

  /** Requests shed so far. */
  public long shedCount() {
    return shed.getCount();
  }
}
