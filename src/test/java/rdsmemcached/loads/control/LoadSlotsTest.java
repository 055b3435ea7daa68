package rdsmemcached.loads.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.bind.JsonbBuilder;
import java.lang.reflect.Proxy;
import java.sql.SQLTimeoutException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.junit.jupiter.api.Test;
import rdsmemcached.loads.boundary.LoadsSaturatedException;
import rdsmemcached.problems.boundary.Problem;

/** A load slot is given back however the load ends; a load that finds none in time is shed. */
class LoadSlotsTest {

  final LoadSlots cut = slots(2);

  static LoadSlots slots(int size) {
    return slots(size, new HashMap<>());
  }

  /** Slots whose metrics registry keeps its counters in {@code counters}, by name. */
  static LoadSlots slots(int size, Map<String, Counter> counters) {
    var slots = new LoadSlots();
    slots.configuredSlots = size;
    slots.poolMaxSize = 32;
    slots.waitMillis = 5000;
    slots.registry =
        (MetricRegistry)
            Proxy.newProxyInstance(
                LoadSlotsTest.class.getClassLoader(),
                new Class<?>[] {MetricRegistry.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("counter") && args[0] instanceof Metadata metadata) {
                    return counters.computeIfAbsent(metadata.getName(), name -> new Count());
                  }
                  throw new UnsupportedOperationException(method.toString());
                });
    slots.init();
    return slots;
  }

  static final class Count implements Counter {
    private final AtomicLong count = new AtomicLong();

    @Override
    public void inc() {
      count.incrementAndGet();
    }

    @Override
    public void inc(long n) {
      count.addAndGet(n);
    }

    @Override
    public long getCount() {
      return count.get();
    }
  }

  static long later() {
    return System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
  }

  void assertIdle(LoadSlots slots) {
    assertEquals(0, slots.inFlight(), "slots held");
    assertEquals(0, slots.waiting(), "loads waiting");
  }

  @Test
  void sizedByThePoolWhenNotSet() {
    assertEquals(32, slots(0).size());
    assertEquals(2, cut.size());
  }

  @Test
  void successReleasesTheSlot() throws Exception {
    assertEquals(
        "row",
        cut.run(
            later(),
            () -> {
              assertEquals(1, cut.inFlight());
              return "row";
            }));
    assertIdle(cut);
  }

  @Test
  void failureReleasesTheSlot() {
    var down = new IllegalStateException("database unavailable");
    assertSame(
        down,
        assertThrows(
            IllegalStateException.class,
            () ->
                cut.run(
                    later(),
                    () -> {
                      throw down;
                    })));
    assertIdle(cut);
  }

  @Test
  void aQueryTimeoutReleasesTheSlot() {
    assertThrows(
        SQLTimeoutException.class,
        () ->
            cut.run(
                later(),
                () -> {
                  throw new SQLTimeoutException("query timed out");
                }));
    assertIdle(cut);
  }

  @Test
  void anErrorReleasesTheSlot() {
    assertThrows(
        StackOverflowError.class,
        () ->
            cut.run(
                later(),
                () -> {
                  throw new StackOverflowError();
                }));
    assertIdle(cut);
  }

  @Test
  void aLoadWithoutASlotInTimeIsShedAndNeverRuns() throws Exception {
    var counters = new HashMap<String, Counter>();
    LoadSlots one = slots(1, counters);
    var release = new CountDownLatch(1);
    var holder = holdTheOnlySlot(one, release);
    var ran = new AtomicBoolean();
    assertThrows(
        LoadsSaturatedException.class,
        () ->
            one.run(
                System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20),
                () -> {
                  ran.set(true);
                  return null;
                }));
    assertFalse(ran.get());
    assertEquals(1, one.shedCount());
    assertEquals(1, counters.get("loads.shed").getCount(), "a counter at /metrics");
    assertEquals(0, one.waiting());
    assertEquals(1, one.inFlight(), "the other load's slot only");
    release.countDown();
    holder.get(30, TimeUnit.SECONDS);
    assertIdle(one);
  }

  @Test
  void aLoadInterruptedWhileWaitingTakesNoSlot() throws Exception {
    LoadSlots one = slots(1);
    var release = new CountDownLatch(1);
    var holder = holdTheOnlySlot(one, release);
    Thread.currentThread().interrupt();
    assertThrows(InterruptedException.class, () -> one.run(later(), () -> "never"));
    assertEquals(0, one.waiting());
    release.countDown();
    holder.get(30, TimeUnit.SECONDS);
    assertIdle(one);
  }

  @Test
  void aShedRequestIsA503ProblemWithRetryAfter() throws Exception {
    LoadsSaturatedException shed = cut.shed();
    assertEquals(503, shed.status().getStatusCode());
    assertEquals(LoadsSaturatedException.RETRY_AFTER_SECONDS, shed.retryAfterSeconds());
    try (var jsonb = JsonbBuilder.create()) {
      assertEquals(
          "{\"type\":\"about:blank\",\"title\":\"Service Unavailable\",\"status\":503,"
              + "\"detail\":\"too many requests are waiting for the database; retry shortly\"}",
          jsonb.toJson(Problem.of(shed.status(), shed.getMessage())));
    }
  }

  /**
   * Another load holding {@code one}'s only slot until {@code release}; returns once it holds it.
   */
  private CompletableFuture<Void> holdTheOnlySlot(LoadSlots one, CountDownLatch release)
      throws InterruptedException {
    var holding = new CountDownLatch(1);
    var holder =
        CompletableFuture.runAsync(
            () -> {
              try {
                one.run(
                    later(),
                    () -> {
                      holding.countDown();
                      return release.await(30, TimeUnit.SECONDS);
                    });
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertTrue(holding.await(30, TimeUnit.SECONDS));
    return holder;
  }
}
