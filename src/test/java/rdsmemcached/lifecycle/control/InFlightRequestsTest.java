package rdsmemcached.lifecycle.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InFlightRequestsTest {

  final InFlightRequests cut = new InFlightRequests();

  @Test
  void countsRequestsInAndOut() {
    assertTrue(cut.enter());
    assertTrue(cut.enter());
    assertEquals(2, cut.count());
    cut.exit();
    assertEquals(1, cut.count());
  }

  @Test
  void refusesAndDoesNotCountNewRequestsOnceDraining() {
    assertTrue(cut.enter());
    cut.startDraining();
    assertFalse(cut.enter());
    assertEquals(1, cut.count(), "only the request from before the drain");
    assertTrue(cut.draining());
  }

  @Test
  void awaitIdleReturnsWhenTheLastRequestFinishes() throws Exception {
    assertTrue(cut.enter());
    cut.startDraining();
    CompletableFuture.runAsync(
        cut::exit, CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));
    assertTrue(cut.awaitIdle(Duration.ofSeconds(30)));
    assertEquals(0, cut.count());
  }

  @Test
  void awaitIdleGivesUpAfterTheGrace() throws Exception {
    assertTrue(cut.enter()); // never finishes
    cut.startDraining();
    long started = System.nanoTime();
    assertFalse(cut.awaitIdle(Duration.ofMillis(200)));
    assertTrue(System.nanoTime() - started >= Duration.ofMillis(200).toNanos());
    assertEquals(1, cut.count());
  }

  @Test
  void awaitIdleWithNothingInFlightReturnsAtOnce() throws Exception {
    cut.startDraining();
    assertTrue(cut.awaitIdle(Duration.ZERO));
  }
}
