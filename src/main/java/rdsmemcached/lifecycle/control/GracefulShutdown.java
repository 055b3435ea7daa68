package rdsmemcached.lifecycle.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Drains the application on SIGTERM before the JVM starts shutting down: new requests are refused
 * (503), those in flight get up to {@code SHUTDOWN_GRACE_SECONDS}, {@link ShuttingDown} is fired
 * (the memcached client closes on it), then the JVM's own handler exits as it would have at once:
 * status 143, and the shutdown hooks close the application and the connection pool.
 *
 * <p>A drain inside the container's shutdown (a {@code @BeforeDestroyed} observer, Payara's {@code
 * --shutdowngrace}) comes too late: by then the shutdown hooks are tearing the application down
 * under the running requests, which answer 500. Hence a signal handler: {@code sun.misc.Signal},
 * which the JDK keeps exported from {@code jdk.unsupported} for this use (javac warns about it).
 */
@ApplicationScoped
public class GracefulShutdown {

  static final System.Logger LOG = System.getLogger(GracefulShutdown.class.getName());
  static final Signal TERM = new Signal("TERM");

  /**
   * Seconds in-flight requests get after SIGTERM before the JVM exits anyway. Keep it below the
   * time the orchestrator waits before SIGKILL (ECS {@code stopTimeout}, compose {@code
   * stop_grace_period}: 30 s here).
   */
  @Inject
  @ConfigProperty(name = "SHUTDOWN_GRACE_SECONDS")
  long graceSeconds;

  @Inject InFlightRequests inFlight;
  @Inject Event<ShuttingDown> shuttingDown;

  private final AtomicBoolean terminating = new AtomicBoolean();
  private volatile SignalHandler previous;
  private volatile ClassLoader application;

  void install(@Observes @Initialized(ApplicationScoped.class) Object started) {
    application = Thread.currentThread().getContextClassLoader();
    try {
      previous = Signal.handle(TERM, this::onTerm);
      LOG.log(Level.INFO, "SIGTERM drains in-flight requests for up to {0} s", graceSeconds);
    } catch (IllegalArgumentException e) {
      LOG.log(Level.WARNING, "SIGTERM cannot be handled here, no drain on shutdown: {0}", e);
    }
  }

  /** Undeployed without a signal: the JVM lives on, so its own handler comes back. */
  void uninstall(@Observes @BeforeDestroyed(ApplicationScoped.class) Object stopping) {
    SignalHandler jvmHandler = previous;
    if (jvmHandler != null && !terminating.get()) {
      Signal.handle(TERM, jvmHandler);
    }
  }

  void onTerm(Signal signal) {
    if (!terminating.compareAndSet(false, true)) {
      return; // a repeated SIGTERM: the first one is draining and will exit
    }
    // The JVM's signal thread has no context class loader; CDI's proxies look the container up
    // through it. Whatever happens in the drain, the JVM must exit: finally.
    Thread.currentThread().setContextClassLoader(application);
    try {
      drain();
      shuttingDown.fire(new ShuttingDown());
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "SIGTERM: drain or release failed, shutting down", e);
    } finally {
      Thread.currentThread().setContextClassLoader(null);
      exitAsTheJvmWould(signal);
    }
  }

  private void drain() {
    inFlight.startDraining();
    long started = System.nanoTime();
    LOG.log(
        Level.INFO,
        "SIGTERM: draining {0} in-flight requests, up to {1} s",
        inFlight.count(),
        graceSeconds);
    boolean idle;
    try {
      idle = inFlight.awaitIdle(Duration.ofSeconds(graceSeconds));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      idle = false;
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    if (idle) {
      LOG.log(Level.INFO, "SIGTERM: drained in {0} ms, shutting down", millis);
    } else {
      LOG.log(
          Level.WARNING,
          "SIGTERM: {0} requests still in flight after {1} ms, shutting down anyway",
          inFlight.count(),
          millis);
    }
  }

  private void exitAsTheJvmWould(Signal signal) {
    SignalHandler jvmHandler = previous;
    if (jvmHandler == null
        || jvmHandler == SignalHandler.SIG_DFL
        || jvmHandler == SignalHandler.SIG_IGN) {
      System.exit(128 + signal.getNumber()); // what the JVM's handler does, hooks included
    } else {
      jvmHandler.handle(signal);
    }
  }
}
