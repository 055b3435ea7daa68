package rdsmemcached.health.control;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;

/**
 * Asks the database every {@code DB_PROBE_INTERVAL_SECONDS} whether it answers, and keeps the
 * answer for readiness's data and the {@code database.reachable} gauge (1 or 0).
 *
 * <p>In the background rather than inside the readiness call: an unreachable database costs a
 * connect timeout (3 s) plus the validation (2 s), which would push readiness past the load
 * balancer's 5 s health-check timeout, and every checker (each load-balancer node, the container)
 * would open connections of its own. An outage is logged once when it starts, with the cause's
 * stack trace, and once when it ends.
 */
@ApplicationScoped
public class DatabaseProbe {

  static final System.Logger LOG = System.getLogger(DatabaseProbe.class.getName());
  static final int VALID_TIMEOUT_SECONDS = 2;

  static final Metadata REACHABLE =
      Metadata.builder()
          .withName("database.reachable")
          .withDescription(
              "1 while this instance's probe reaches the database, 0 while it does not")
          .build();

  /** Seconds between two probes of the database (at least 1). */
  @Inject
  @ConfigProperty(name = "DB_PROBE_INTERVAL_SECONDS")
  long intervalSeconds;

  // A pool of its own (server-config/post-boot-commands.asadmin): slow /db requests holding every
  // connection of the application's pool must not read as an unreachable database.
  @Resource(lookup = "jdbc/health")
  DataSource dataSource;

  @Resource ManagedScheduledExecutorService scheduler;

  @Inject MetricRegistry registry;

  private volatile DatabaseState state = DatabaseState.unknown(System.currentTimeMillis());
  private ScheduledFuture<?> probes;

  void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
    registry.gauge(REACHABLE, () -> state.reachable() ? 1 : 0);
    probe(); // known before the first readiness call; at most a connect timeout
    long interval = Math.max(1, intervalSeconds);
    probes = scheduler.scheduleWithFixedDelay(this::probe, interval, interval, TimeUnit.SECONDS);
  }

  void stop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object stopping) {
    if (probes != null) {
      probes.cancel(false);
    }
  }

  public DatabaseState state() {
    return state;
  }

  void probe() {
    try (Connection connection = dataSource.getConnection()) {
      record(
          connection.isValid(VALID_TIMEOUT_SECONDS)
              ? null
              : "no answer within " + VALID_TIMEOUT_SECONDS + " s",
          null,
          System.currentTimeMillis());
    } catch (SQLException | RuntimeException e) {
      record(e.getClass().getSimpleName(), e, System.currentTimeMillis());
    }
  }

  /** Takes a probe's result; logs only when the database's status changed. */
  void record(String error, Exception cause, long now) {
    DatabaseState previous = state;
    DatabaseState next = previous.after(error, now);
    state = next;
    if (next.status() == previous.status()) {
      return;
    }
    if (!next.reachable()) {
      LOG.log(
          Level.WARNING,
          "database unreachable ("
              + error
              + "); this instance stays ready: cached ids are served, the rest answer 503",
          cause);
    } else if (previous.status() == DatabaseState.Status.UNREACHABLE) {
      LOG.log(
          Level.INFO,
          "database reachable again after {0} s",
          (now - previous.sinceMillis()) / 1000);
    }
  }
}
