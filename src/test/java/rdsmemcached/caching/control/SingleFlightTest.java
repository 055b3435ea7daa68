package rdsmemcached.caching.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SingleFlightTest {

  final SingleFlight<String> cut = new SingleFlight<>();
  final ExecutorService threads = Executors.newFixedThreadPool(16);

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  @Test
  void concurrentCallersForOneKeyShareOneLoad() throws Exception {
    var loads = new AtomicInteger();
    var release = new CountDownLatch(1);
    List<Future<SingleFlight.Result<String>>> callers = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      callers.add(
          threads.submit(
              () ->
                  cut.run(
                      "k",
                      10_000,
                      () -> {
                        loads.incrementAndGet();
                        release.await();
                        return "loaded";
                      })));
    }
    while (loads.get() == 0) {
      Thread.onSpinWait();
    }
    Thread.sleep(100); // let the others join the running load
    release.countDown();
    int led = 0;
    for (var caller : callers) {
      var result = caller.get(5, TimeUnit.SECONDS);
      assertEquals("loaded", result.value());
      led += result.joined() == SingleFlight.Joined.LED ? 1 : 0;
    }
    assertEquals(1, loads.get());
    assertEquals(1, led);
  }

  @Test
  void followersSeeTheLeadersFailure() throws Exception {
    var started = new CountDownLatch(1);
    var failure = new IllegalStateException("database down");
    Future<?> leader =
        threads.submit(
            () ->
                cut.run(
                    "k",
                    1000,
                    () -> {
                      started.countDown();
                      Thread.sleep(200);
                      throw failure;
                    }));
    started.await();
    var thrown =
        assertThrows(IllegalStateException.class, () -> cut.run("k", 5000, () -> "not me"));
    assertSame(failure, thrown);
    assertThrows(Exception.class, leader::get);
  }

  @Test
  void followersGiveUpAfterTheirWait() throws Exception {
    var started = new CountDownLatch(1);
    threads.submit(
        () ->
            cut.run(
                "k",
                1000,
                () -> {
                  started.countDown();
                  Thread.sleep(2000);
                  return "late";
                }));
    started.await();
    var result = cut.run("k", 50, () -> "not me");
    assertEquals(SingleFlight.Joined.TIMED_OUT, result.joined());
  }

  @Test
  void aForgottenKeyStartsAFreshLoad() throws Exception {
    var started = new CountDownLatch(1);
    var release = new CountDownLatch(1);
    threads.submit(
        () ->
            cut.run(
                "k",
                1000,
                () -> {
                  started.countDown();
                  release.await();
                  return "old";
                }));
    started.await();
    cut.forget("k");
    var fresh = cut.run("k", 1000, () -> "new");
    release.countDown();
    assertEquals(SingleFlight.Joined.LED, fresh.joined());
    assertEquals("new", fresh.value());
  }

  @Test
  void aWaitingFollowerLeavesWithWhatItsRescueFinds() throws Exception {
    var release = new CountDownLatch(1);
    Future<SingleFlight.Result<String>> leader = leadUntil(release, "slow load");
    var attempts = new AtomicInteger();
    long started = System.nanoTime();
    var follower =
        cut.run(
            "k",
            10_000,
            () -> "never run",
            () -> attempts.incrementAndGet() < 3 ? null : "rescued");
    assertEquals(SingleFlight.Joined.RESCUED, follower.joined());
    assertEquals("rescued", follower.value());
    assertEquals(3, attempts.get());
    assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5));
    release.countDown();
    assertEquals("slow load", leader.get().value());
  }

  @Test
  void aRescueThatFindsNothingWaitsForTheLoad() throws Exception {
    var release = new CountDownLatch(1);
    Future<SingleFlight.Result<String>> leader = leadUntil(release, "load");
    Future<SingleFlight.Result<String>> follower =
        threads.submit(() -> cut.run("k", 10_000, () -> "never run", () -> null));
    Thread.sleep(100);
    release.countDown();
    assertEquals(SingleFlight.Joined.FOLLOWED, follower.get().joined());
    assertEquals("load", follower.get().value());
    assertEquals(SingleFlight.Joined.LED, leader.get().joined());
  }

  /** A load of "k" on another thread that returns {@code value} once released; led by then. */
  private Future<SingleFlight.Result<String>> leadUntil(CountDownLatch release, String value)
      throws InterruptedException {
    Future<SingleFlight.Result<String>> leader =
        threads.submit(
            () ->
                cut.run(
                    "k",
                    10_000,
                    () -> {
                      release.await();
                      return value;
                    }));
    Thread.sleep(50);
    return leader;
  }
}
