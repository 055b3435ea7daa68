package rdsmemcached.caching;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.inject.Inject;
import jakarta.transaction.UserTransaction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import rdsmemcached.caching.Quotes.Quote;
import rdsmemcached.caching.boundary.CacheOutcome;
import rdsmemcached.caching.boundary.CacheStatus;

/**
 * Fail-open: the memcached client points at a node nobody listens on, and every cached call is
 * still answered, from the method ({@code BYPASS}), concurrent callers still sharing one load.
 * Needs no stack: only this deployment's Payara Micro.
 */
@ExtendWith(ArquillianExtension.class)
class DeadCacheNodeIT {

  private static final AtomicLong IDS = new AtomicLong();

  @Deployment
  static WebArchive deployment() {
    return CachingDeployment.of(
        DeadCacheNodeIT.class, Map.of("CACHE_HOSTS", "127.0.0.1:" + portNobodyListensOn()));
  }

  /** A port the system just handed out and that is closed again. */
  private static int portNobodyListensOn() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Inject Quotes quotes;
  @Inject CacheStatus status;
  @Inject Herd herd;
  @Inject UserTransaction transaction;
  @Inject MetricRegistry metrics;

  @Test
  void everyCallIsAnsweredByTheMethod() throws Exception {
    long id = IDS.incrementAndGet();
    quotes.insert(id, "still here");
    double bypasses = counter("cache.bypasses");

    for (int call = 1; call <= 3; call++) {
      assertEquals(Optional.of(new Quote(id, "still here")), quotes.find(id));
      assertEquals(CacheOutcome.BYPASS, status.outcome());
      assertEquals(call, quotes.loads(id), "nothing can be cached: every call loads");
    }
    assertEquals(bypasses + 3, counter("cache.bypasses"));
  }

  @Test
  void aMissingRowIsAnsweredAsMissing() throws Exception {
    long id = IDS.incrementAndGet();

    assertEquals(Optional.empty(), quotes.find(id));
    assertEquals(CacheOutcome.BYPASS, status.outcome());
  }

  @Test
  void writesAndEvictionsSucceedThoughTheirEntryCannotBeDeleted() throws Exception {
    long id = IDS.incrementAndGet();
    quotes.insert(id, "before");

    transaction.begin();
    quotes.write(id, "after");
    transaction.commit();
    quotes.write(id, "later");
    quotes.evict(id);

    assertEquals(Optional.of(new Quote(id, "later")), quotes.find(id));
    assertEquals(CacheOutcome.BYPASS, status.outcome());
  }

  @Test
  void concurrentCallersStillShareOneLoad() throws Exception {
    herd.assertOneLoadServes(IDS.incrementAndGet(), 8, CacheOutcome.BYPASS);
  }

  private double counter(String name) {
    return metrics.counter(name, new Tag("cache", "quote")).getCount();
  }
}
