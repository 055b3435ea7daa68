package rdsmemcached.loads.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ws.rs.container.AsyncResponse;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import rdsmemcached.loads.boundary.LoadsSaturatedException;

/** Every request handed to the lane is answered once: its result, its failure, or shed. */
class SlowLaneTest {

  final SlowLane cut = new SlowLane();

  SlowLaneTest() {
    cut.threads = 1;
    cut.queueSize = 1;
    cut.slots = LoadSlotsTest.slots(1);
    cut.deadline = new LoadDeadline();
    cut.requestScope = Runnable::run;
    cut.executor = cut.executor(Executors.defaultThreadFactory());
  }

  @AfterEach
  void stop() {
    cut.stop();
  }

  /** An AsyncResponse whose resume completes the future. */
  static AsyncResponse response(CompletableFuture<Object> resumed) {
    return (AsyncResponse)
        Proxy.newProxyInstance(
            SlowLaneTest.class.getClassLoader(),
            new Class<?>[] {AsyncResponse.class},
            (proxy, method, args) -> {
              if (method.getName().equals("resume")) {
                return resumed.complete(args[0]);
              }
              return method.getReturnType() == boolean.class ? false : null;
            });
  }

  Object answer(CompletableFuture<Object> resumed) throws Exception {
    return resumed.get(30, TimeUnit.SECONDS);
  }

  @Test
  void runsOnThreadsNamedForTheLane() throws Exception {
    var resumed = new CompletableFuture<Object>();
    cut.submit(response(resumed), () -> Thread.currentThread().getName());
    assertEquals(SlowLane.THREAD_NAME + "1", answer(resumed));
  }

  @Test
  void answersWithTheLoadsResultAndGivesTheSlotBack() throws Exception {
    var resumed = new CompletableFuture<Object>();
    cut.submit(response(resumed), () -> cut.slots.run(cut.deadline.orElse(0), () -> "row"));
    assertEquals("row", answer(resumed));
    assertEquals(0, cut.slots.inFlight());
  }

  @Test
  void answersWithTheLoadsFailureAndGivesTheSlotBack() throws Exception {
    var resumed = new CompletableFuture<Object>();
    var down = new IllegalStateException("database unavailable");
    cut.submit(
        response(resumed),
        () ->
            cut.slots.run(
                cut.deadline.orElse(0),
                () -> {
                  throw down;
                }));
    assertEquals(down, answer(resumed));
    assertEquals(0, cut.slots.inFlight());
  }

  @Test
  void shedsARequestThatWaitedItsTimeInTheQueue() throws Exception {
    cut.slots.waitMillis = 0;
    var resumed = new CompletableFuture<Object>();
    cut.submit(response(resumed), () -> "never");
    assertInstanceOf(LoadsSaturatedException.class, answer(resumed));
    assertEquals(1, cut.slots.shedCount());
  }

  @Test
  void anUrgentRequestIsTakenBeforeTheOthersWaiting() throws Exception {
    cut.queueSize = 2;
    var release = new CountDownLatch(1);
    occupyTheOnlyThread(release);
    var order = new java.util.concurrent.ConcurrentLinkedQueue<String>();
    var miss = new CompletableFuture<Object>();
    cut.submit(response(miss), () -> order.add("miss"));
    var hit = new CompletableFuture<Object>();
    cut.submit(response(hit), true, () -> order.add("hit"));
    release.countDown();
    answer(miss);
    answer(hit);
    assertEquals(List.of("hit", "miss"), List.copyOf(order));
  }

  @Test
  void shedsARequestAtOnceWhenTheQueueIsFull() throws Exception {
    var release = new CountDownLatch(1);
    var first = occupyTheOnlyThread(release);
    var queued = new CompletableFuture<Object>();
    cut.submit(response(queued), () -> "queued");
    assertEquals(1, cut.queued());
    assertTrue(cut.saturated());
    var third = new CompletableFuture<Object>();
    cut.submit(response(third), () -> "never");
    assertInstanceOf(LoadsSaturatedException.class, answer(third));
    release.countDown();
    assertEquals(true, answer(first));
    assertEquals("queued", answer(queued));
    assertEquals(0, cut.queued());
  }

  /** A request holding the lane's only thread until {@code release}; returns once it runs. */
  private CompletableFuture<Object> occupyTheOnlyThread(CountDownLatch release)
      throws InterruptedException {
    var running = new CountDownLatch(1);
    var first = new CompletableFuture<Object>();
    cut.submit(
        response(first),
        () -> {
          running.countDown();
          return release.await(30, TimeUnit.SECONDS);
        });
    assertTrue(running.await(30, TimeUnit.SECONDS));
    return first;
  }
}
