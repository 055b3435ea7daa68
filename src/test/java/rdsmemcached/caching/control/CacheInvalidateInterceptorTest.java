package rdsmemcached.caching.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import rdsmemcached.caching.control.CacheFakes.Call;
import rdsmemcached.caching.control.CacheFakes.Things;
import rdsmemcached.memcached.control.InMemoryMemcached;

/**
 * The entry is deleted after the write succeeded, and after its commit when it has a transaction.
 */
class CacheInvalidateInterceptorTest {

  static final String KEY = "thing:v1:1";

  final InMemoryMemcached memcached = new InMemoryMemcached();
  final CacheFakes.Metrics metrics = new CacheFakes.Metrics();
  final LoadFlights flights = new LoadFlights();
  final CachedMethods methods = new CachedMethods();
  final List<Synchronization> registered = new ArrayList<>();
  int transactionStatus = Status.STATUS_NO_TRANSACTION;
  final CacheInvalidateInterceptor cut = new CacheInvalidateInterceptor();

  @BeforeEach
  void wire() {
    cut.entries = CacheFakes.entries(new CacheEntries(), memcached);
    cut.metrics = metrics;
    cut.methods = methods;
    cut.flights = flights;
    cut.transactions =
        (TransactionSynchronizationRegistry)
            Proxy.newProxyInstance(
                TransactionSynchronizationRegistry.class.getClassLoader(),
                new Class<?>[] {TransactionSynchronizationRegistry.class},
                (proxy, method, arguments) ->
                    switch (method.getName()) {
                      case "getTransactionStatus" -> transactionStatus;
                      case "registerInterposedSynchronization" ->
                          registered.add((Synchronization) arguments[0]);
                      default -> throw new UnsupportedOperationException(method.toString());
                    });
    memcached.put(KEY, StoredEntry.value(Long.MAX_VALUE, 5, "\"old\""), 0);
  }

  @AfterEach
  void close() {
    methods.close();
  }

  Object update(CacheFakes.Body write) throws Exception {
    return cut.invalidate(new Call(Things.UPDATE, write, 1L));
  }

  /** A write in a transaction that then ends with {@code status}. */
  void updateInATransactionThat(int status) throws Exception {
    transactionStatus = Status.STATUS_ACTIVE;
    update(() -> null);
    assertNotNull(memcached.value(KEY), "a reader may not reload the old row before the commit");
    assertEquals(1, registered.size());
    registered.get(0).afterCompletion(status);
  }

  @Test
  void withoutATransactionTheEntryIsDeletedOnceTheWriteReturned() throws Exception {
    update(() -> null);
    assertNull(memcached.value(KEY));
    assertEquals(1, metrics.count("invalidations"));
  }

  @Test
  void inATransactionTheEntryStaysUntilTheCommit() throws Exception {
    updateInATransactionThat(Status.STATUS_COMMITTED);
    assertNull(memcached.value(KEY));
    assertEquals(1, metrics.count("invalidations"));
  }

  @Test
  void aRolledBackWriteLeavesTheEntry() throws Exception {
    updateInATransactionThat(Status.STATUS_ROLLEDBACK);
    assertNotNull(memcached.value(KEY));
    assertEquals(0, metrics.count("invalidations"));
  }

  @Test
  void aFailedWriteLeavesTheEntry() {
    assertThrows(
        SQLException.class,
        () ->
            update(
                () -> {
                  throw new SQLException("constraint");
                }));
    assertNotNull(memcached.value(KEY));
    assertEquals(List.of(), registered);
  }

  @Test
  void aLoadStartedBeforeTheWriteIsNotJoinedByRequestsAfterIt() throws Exception {
    ExecutorService threads = Executors.newSingleThreadExecutor();
    try {
      var loading = new CountDownLatch(1);
      var release = new CountDownLatch(1);
      Future<?> before =
          threads.submit(
              () ->
                  flights.run(
                      KEY,
                      5_000,
                      () -> {
                        loading.countDown();
                        assertTrue(release.await(5, TimeUnit.SECONDS));
                        return new CacheAsideInterceptor.Loaded("old", true, null);
                      }));
      assertTrue(loading.await(5, TimeUnit.SECONDS));
      update(() -> null);
      var after =
          flights.run(KEY, 5_000, () -> new CacheAsideInterceptor.Loaded("new", true, null));
      assertEquals(SingleFlight.Joined.LED, after.joined(), "a load of its own, not the old one");
      assertEquals("new", after.value().result());
      release.countDown();
      before.get(5, TimeUnit.SECONDS);
    } finally {
      threads.shutdownNow();
    }
  }
}
