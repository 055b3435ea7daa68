package rdsmemcached.warmup.boundary;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.spy.memcached.MemcachedClientIF;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import rdsmemcached.caching.control.FreshHits;
import rdsmemcached.customers.boundary.CacheHitFilter;

/**
 * Readiness after a self warm-up: before the load balancer sends traffic, the instance sends itself
 * {@code WARMUP_SECONDS} of {@code GET /cache/{WARMUP_ID}} over loopback, so the JIT has compiled
 * the hot path (HTTP stack, filter, memcached client) instead of the first users' requests paying
 * for it (measured: a cold JVM served a fifth of its steady throughput in its first 15 s).
 *
 * <p>Only when that id's entry is already fresh in memcached (a fleet scaling out, a redeploy):
 * then every warm-up request is a hit and the database never sees one. With a cold cache there is
 * no hot path to protect yet and readiness does not wait.
 */
@Readiness
@ApplicationScoped
public class WarmUp implements HealthCheck {

  static final System.Logger LOG = System.getLogger(WarmUp.class.getName());
  static final int CONCURRENCY = 8;

  @Inject
  @ConfigProperty(name = "WARMUP_SECONDS", defaultValue = "5")
  int seconds;

  @Inject
  @ConfigProperty(name = "WARMUP_ID", defaultValue = "1")
  long id;

  @Inject
  @ConfigProperty(name = "PORT", defaultValue = "8080")
  int port;

  @Inject FreshHits hits;
  @Inject MemcachedClientIF memcached;

  @Resource ManagedExecutorService executor;

  private volatile String state = "waiting for the HTTP listener";
  private volatile boolean done;
  private final AtomicLong requests = new AtomicLong();

  void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
    if (seconds <= 0) {
      finish("off (WARMUP_SECONDS=0)");
      return;
    }
    executor.submit(this::run);
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("warm-up")
        .status(done)
        .withData("state", state)
        .withData("requests", requests.get())
        .build();
  }

  private void run() {
    try {
      if (!isCached()) {
        finish(
            "not needed: /cache/" + id + " is not in memcached (a cold cache has no hot path yet)");
        return;
      }
      HttpClient client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(1))
              .build();
      URI uri = URI.create("http://127.0.0.1:" + port + "/cache/" + id);
      HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build();
      awaitListener(client, request);
      state = "running";
      long started = System.nanoTime();
      long deadline = started + TimeUnit.SECONDS.toNanos(seconds);
      Semaphore inFlight = new Semaphore(CONCURRENCY);
      while (System.nanoTime() < deadline) {
        if (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
          continue;
        }
        client
            .sendAsync(request, HttpResponse.BodyHandlers.discarding())
            .whenComplete((response, failure) -> inFlight.release());
        requests.incrementAndGet();
      }
      inFlight.tryAcquire(CONCURRENCY, 2, TimeUnit.SECONDS);
      finish(
          "done: "
              + requests.get()
              + " requests in "
              + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)
              + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finish("interrupted");
    } catch (RuntimeException e) {
      finish("failed: " + e);
    }
  }

  private boolean isCached() throws InterruptedException {
    // spymemcached connects in the background; a read before that would time out
    for (int i = 0; i < 30 && !memcached.getUnavailableServers().isEmpty(); i++) {
      Thread.sleep(100);
    }
    try {
      return hits.json(CacheHitFilter.FIND_CACHED, id) != null;
    } finally {
      hits.done();
    }
  }

  /** The application is deployed before Payara opens the port: wait for it, up to a minute. */
  private static void awaitListener(HttpClient client, HttpRequest request)
      throws InterruptedException {
    for (int attempt = 0; attempt < 600; attempt++) {
      try {
        client.send(request, HttpResponse.BodyHandlers.discarding());
        return;
      } catch (java.io.IOException notYet) {
        Thread.sleep(100);
      }
    }
  }

  private void finish(String result) {
    state = result;
    done = true;
    LOG.log(Level.INFO, "warm-up {0}", result);
  }
}
