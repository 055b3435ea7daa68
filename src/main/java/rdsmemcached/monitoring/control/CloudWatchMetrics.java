package rdsmemcached.monitoring.control;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Gauge;
import org.eclipse.microprofile.metrics.MetricID;
import org.eclipse.microprofile.metrics.MetricRegistry;
import rdsmemcached.monitoring.control.RouteLatencies.Route;

/**
 * Every {@code CLOUDWATCH_METRICS_SECONDS}, what CloudWatch needs of this instance's metrics as one
 * {@link EmbeddedMetricEvent} line on stdout: the cache's counters of the interval (hits, misses,
 * bypasses, loads, summed over its namespaces), the dependencies' gauges (database reachable,
 * memcached nodes down), and the requests and latencies of {@code GET /db/*} and {@code GET
 * /cache/*}. On ECS the awslogs driver carries the line to CloudWatch Logs, which extracts the
 * metrics; locally the setting is 0 and nothing is written.
 *
 * <p>Embedded metric format rather than a CloudWatch agent sidecar scraping /metrics: the task's
 * 512 MiB already hold a JVM of 390–460 MiB, and its quarter vCPU is what the app is throttled on;
 * an agent would need both, an image, its own configuration and permissions. The line is written to
 * the process's own stdout, past {@code System.out}, so that it is not wrapped into a log record:
 * the format wants the {@code _aws} member at the top of the event.
 */
@ApplicationScoped
public class CloudWatchMetrics {

  static final System.Logger LOG = System.getLogger(CloudWatchMetrics.class.getName());

  /** Seconds between two events; 0 writes none. */
  @Inject
  @ConfigProperty(name = "CLOUDWATCH_METRICS_SECONDS")
  long intervalSeconds;

  /** CloudWatch namespace of the metrics (the alarms and the dashboard read them there). */
  @Inject
  @ConfigProperty(name = "CLOUDWATCH_METRICS_NAMESPACE")
  String namespace;

  /** Value of the metrics' one dimension, {@code Service} (on ECS: the stack's name). */
  @Inject
  @ConfigProperty(name = "CLOUDWATCH_METRICS_SERVICE")
  String service;

  @Inject MetricRegistry registry;
  @Inject RouteLatencies latencies;

  @Resource ManagedScheduledExecutorService scheduler;

  private final OutputStream stdout = new FileOutputStream(FileDescriptor.out);
  private final Map<String, Long> countersBefore = new HashMap<>();
  private final Map<Route, long[]> latenciesBefore = new HashMap<>();
  private ScheduledFuture<?> publishing;

  void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
    if (intervalSeconds <= 0) {
      return;
    }
    for (Route route : Route.values()) {
      latenciesBefore.put(route, latencies.of(route).counts());
    }
    publishing =
        scheduler.scheduleAtFixedRate(
            this::publish, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
    LOG.log(
        Level.INFO,
        "CloudWatch metrics every {0} s on stdout (namespace {1}, Service={2})",
        intervalSeconds,
        namespace,
        service);
  }

  void stop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object stopping) {
    if (publishing != null) {
      publishing.cancel(false);
    }
  }

  synchronized void publish() {
    try {
      byte[] line =
          (event().toJson(System.currentTimeMillis()) + "\n").getBytes(StandardCharsets.UTF_8);
      stdout.write(line); // one write: the line is not interleaved with a log record
      stdout.flush();
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "CloudWatch metrics not written: {0}", e.toString());
    }
  }

  EmbeddedMetricEvent event() {
    var event = new EmbeddedMetricEvent(namespace, Map.of("Service", service));
    event
        .count("CacheHits", counted("cache.hits"))
        .count("CacheMisses", counted("cache.misses"))
        .count("CacheBypasses", counted("cache.bypasses"))
        .count("CacheLoads", counted("cache.loads"));
    gauge("database.reachable")
        .ifPresent(reachable -> event.value("DatabaseReachable", "None", reachable));
    gauge("memcached.nodes.down")
        .ifPresent(down -> event.value("MemcachedNodesDown", "Count", down));
    route(event, Route.DB, "Db");
    route(event, Route.CACHE, "Cache");
    return event;
  }

  private void route(EmbeddedMetricEvent event, Route route, String prefix) {
    long[] now = latencies.of(route).counts();
    long[] before = latenciesBefore.put(route, now);
    long[] interval = new long[now.length];
    long requests = 0;
    for (int i = 0; i < now.length; i++) {
      interval[i] = now[i] - before[i];
      requests += interval[i];
    }
    event
        .count(prefix + "Requests", requests)
        .values(
            prefix + "RequestLatency",
            "Milliseconds",
            LatencyHistogram.values(interval, EmbeddedMetricEvent.MAX_VALUES));
  }

  /** The growth since the last event of the counters of this name, all their tags summed. */
  private long counted(String name) {
    long total = 0;
    for (Counter counter :
        registry.getCounters((id, metric) -> id.getName().equals(name)).values()) {
      total += counter.getCount();
    }
    Long before = countersBefore.put(name, total);
    return total - (before == null ? 0 : before);
  }

  private OptionalDouble gauge(String name) {
    Gauge<?> gauge = registry.getGauge(new MetricID(name));
    return gauge == null
        ? OptionalDouble.empty()
        : OptionalDouble.of(gauge.getValue().doubleValue());
  }
}
