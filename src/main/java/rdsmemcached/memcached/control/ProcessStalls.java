package rdsmemcached.memcached.control;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Tells a memcached timeout caused by this process from one caused by the node.
 *
 * <p>On a Fargate task of 0.25 vCPU the process may run 25 ms of every 100 ms; measured there, the
 * 50 ms operation timeout fired thousands of times in minutes while memcached was idle: the answer
 * had arrived, but no thread of ours was allowed to read it. What matters is exactly that: how long
 * spymemcached's I/O thread was ready to run but did not (its run-queue delay in {@code
 * /proc/self/task/TID/schedstat}, which counts a CPU quota's throttling wherever the quota is set,
 * and a busy host), plus the JVM's safepoints (GC pauses, and reaching them: under a quota one
 * throttled thread holds every other one at a safepoint). Both are sampled every {@value
 * #SAMPLE_MILLIS} ms and read again when an operation times out; a timeout whose wait was mostly
 * such a stall is tried again instead of counting against the node. Tried first: the cgroup's
 * throttled time (invisible inside a container when the quota is the task's, as on Fargate, and
 * blind to a busy host: on this machine timeouts with no throttling in the window remained), and a
 * watcher thread waking every 5 or 10 ms (each wake cost 65–110 µs of CPU on this Firecracker VM,
 * 4–6 % of a 0.25 vCPU).
 */
@ApplicationScoped
public class ProcessStalls {

  static final System.Logger LOG = System.getLogger(ProcessStalls.class.getName());
  static final long SAMPLE_MILLIS = 100;
  static final String IO_THREAD_PREFIX = "Memcached IO";

  @Resource ManagedScheduledExecutorService scheduler;

  private final StallLog log = new StallLog();
  private final List<GarbageCollectorMXBean> collectors =
      ManagementFactory.getGarbageCollectorMXBeans();
  private final LongSupplier safepointMillis = safepointMillis();
  private volatile Path ioThreadStat;
  private volatile long nextSearch = System.nanoTime();
  static final long SEARCH_NANOS = TimeUnit.SECONDS.toNanos(5);
  private ScheduledFuture<?> sampling;

  void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
    sample();
    sampling =
        scheduler.scheduleAtFixedRate(
            this::sample, SAMPLE_MILLIS, SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
  }

  @PreDestroy
  void stop() {
    if (sampling != null) {
      sampling.cancel(false);
    }
  }

  private void sample() {
    log.sampled(System.nanoTime(), stalledTotal());
  }

  /**
   * Nanoseconds this process has been stalled so far, as seen by the memcached I/O thread: waiting
   * for a CPU while ready to run, or paused for GC.
   */
  long stalledTotal() {
    long pausedMillis = safepointMillis == null ? -1 : safepointMillis.getAsLong();
    if (pausedMillis < 0) {
      pausedMillis = 0;
      for (GarbageCollectorMXBean collector : collectors) {
        pausedMillis += Math.max(0, collector.getCollectionTime());
      }
    }
    return TimeUnit.MILLISECONDS.toNanos(pausedMillis) + ioThreadRunDelay();
  }

  /**
   * Milliseconds the JVM has spent in safepoints, reaching them included: GC pauses, and the time
   * every thread waits while one throttled thread keeps the others from stopping. HotSpot's own
   * counters (the package is opened by Payara Micro's manifest); null elsewhere, then GC time.
   */
  static LongSupplier safepointMillis() {
    try {
      Object runtime =
          Class.forName("sun.management.ManagementFactoryHelper")
              .getMethod("getHotspotRuntimeMBean")
              .invoke(null);
      Method total = runtime.getClass().getMethod("getTotalSafepointTime");
      Method sync = runtime.getClass().getMethod("getSafepointSyncTime");
      total.setAccessible(true);
      sync.setAccessible(true);
      return () -> {
        try {
          return (long) total.invoke(runtime) + (long) sync.invoke(runtime);
        } catch (ReflectiveOperationException | RuntimeException unreadable) {
          return -1;
        }
      };
    } catch (ReflectiveOperationException | RuntimeException | LinkageError unavailable) {
      LOG.log(Level.DEBUG, "no safepoint statistics: {0}", unavailable.toString());
      return null;
    }
  }

  /** Nanoseconds spymemcached's I/O thread was ready to run but waited for a CPU; 0 if unknown. */
  private long ioThreadRunDelay() {
    Path stat = ioThreadStat;
    if (stat != null) {
      long delay = runDelay(stat);
      if (delay >= 0) {
        return delay;
      }
    }
    long now = System.nanoTime();
    if (now - nextSearch < 0) {
      return 0;
    }
    // listing every thread reads a few hundred files: not more than once per SEARCH_NANOS
    nextSearch = now + SEARCH_NANOS;
    stat = findIoThread();
    ioThreadStat = stat; // a rebuilt client has a new I/O thread: found again on the next read
    return stat == null ? 0 : Math.max(0, runDelay(stat));
  }

  private static Path findIoThread() {
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          if (Files.readString(task.resolve("comm")).startsWith(IO_THREAD_PREFIX)) {
            return task.resolve("schedstat");
          }
        } catch (IOException gone) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException | RuntimeException noProc) {
      LOG.log(Level.DEBUG, "no per-thread scheduler statistics: {0}", noProc.toString());
    }
    return null;
  }

  /** The second field of schedstat: time spent on a run queue, in ns; -1 when unreadable. */
  static long runDelay(Path schedstat) {
    try {
      String[] fields = Files.readString(schedstat).trim().split(" ");
      return Long.parseLong(fields[1]);
    } catch (IOException | RuntimeException unreadable) {
      return -1;
    }
  }

  /** Nanoseconds of {@code [start, end]} this process could not run, as far as sampled. */
  public long stalledWithin(long start, long end) {
    return log.stalledWithin(start, end, stalledTotal());
  }
}
