package rdsmemcached.caching.control;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Tells a memcached timeout caused by this process from one caused by the node.
 *
 * <p>On a Fargate task of 0.25 vCPU the process may run 25 ms of every 100 ms; measured there, the
 * 50 ms operation timeout fired thousands of times in minutes while memcached was idle: the answer
 * had arrived, but no thread of ours was allowed to read it. The time the process could not run is
 * its cgroup's throttled time (cpu.stat; v1 and v2) plus garbage-collection pauses, sampled every
 * {@value #SAMPLE_MILLIS} ms and read again when an operation times out; a timeout whose wait was
 * mostly such a stall is tried again instead of counting against the node (so is, once, one whose
 * waiting thread woke late: see {@link CacheEntries}). A watcher thread waking every 5 or 10 ms was
 * tried first: on this Firecracker VM each wake cost 65–110 µs of CPU, 4–6 % of a 0.25 vCPU.
 */
@ApplicationScoped
public class ProcessStalls {

  static final System.Logger LOG = System.getLogger(ProcessStalls.class.getName());
  static final long SAMPLE_MILLIS = 100;

  @Resource ManagedScheduledExecutorService scheduler;

  private final StallLog log = new StallLog();
  private final List<GarbageCollectorMXBean> collectors =
      ManagementFactory.getGarbageCollectorMXBeans();
  private volatile CpuStat cpuStat;
  private ScheduledFuture<?> sampling;

  void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
    cpuStat = CpuStat.find();
    LOG.log(
        Level.INFO,
        "CPU throttling read from {0}",
        cpuStat == null ? "nowhere (no cgroup CPU quota found)" : cpuStat.file());
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

  /** Nanoseconds this process has been stalled so far: throttled by its quota or paused for GC. */
  long stalledTotal() {
    long gcMillis = 0;
    for (GarbageCollectorMXBean collector : collectors) {
      gcMillis += Math.max(0, collector.getCollectionTime());
    }
    CpuStat stat = cpuStat;
    return TimeUnit.MILLISECONDS.toNanos(gcMillis)
        + (stat == null ? 0 : Math.max(0, stat.throttledNanos()));
  }

  /** Nanoseconds of {@code [start, end]} this process could not run, as far as sampled. */
  long stalledWithin(long start, long end) {
    return log.stalledWithin(start, end, stalledTotal());
  }

  /** The cgroup's cpu.stat and the name of its throttled-time field (ns in v1, µs in v2). */
  record CpuStat(Path file, String field, long nanosPerUnit) {

    static CpuStat find() {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
          String[] parts = line.split(":", 3);
          if (parts.length < 3) {
            continue;
          }
          if (parts[0].equals("0") && parts[1].isEmpty()) { // v2
            CpuStat found =
                first(
                    "throttled_usec",
                    1000,
                    Path.of("/sys/fs/cgroup" + parts[2], "cpu.stat"),
                    Path.of("/sys/fs/cgroup/cpu.stat"));
            if (found != null) {
              return found;
            }
          } else if (List.of(parts[1].split(",")).contains("cpu")) { // v1
            return first(
                "throttled_time",
                1,
                Path.of("/sys/fs/cgroup/cpu" + parts[2], "cpu.stat"),
                Path.of("/sys/fs/cgroup/cpu,cpuacct" + parts[2], "cpu.stat"),
                Path.of("/sys/fs/cgroup/cpu/cpu.stat"));
          }
        }
      } catch (IOException | RuntimeException unreadable) {
        LOG.log(Level.DEBUG, "no cgroup CPU statistics: {0}", unreadable.toString());
      }
      return null;
    }

    private static CpuStat first(String field, long nanosPerUnit, Path... candidates) {
      for (Path candidate : candidates) {
        CpuStat stat = new CpuStat(candidate, field, nanosPerUnit);
        if (Files.isReadable(candidate) && stat.throttledNanos() >= 0) {
          return stat;
        }
      }
      return null;
    }

    /** The cgroup's throttled time so far, or -1 when it cannot be read. */
    long throttledNanos() {
      try {
        for (String line : Files.readAllLines(file)) {
          if (line.startsWith(field + " ")) {
            return Long.parseLong(line.substring(field.length() + 1).trim()) * nanosPerUnit;
          }
        }
      } catch (IOException | RuntimeException unreadable) {
        // the file went away (a container's cgroup is never expected to)
      }
      return -1;
    }
  }
}
