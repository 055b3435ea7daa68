package rdsmemcached.caching;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.context.control.RequestContextController;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import rdsmemcached.caching.Quotes.Quote;
import rdsmemcached.caching.boundary.CacheOutcome;
import rdsmemcached.caching.boundary.CacheStatus;

/**
 * Concurrent callers of one cached id, each in a request context of its own (CacheStatus is
 * request-scoped, as in an HTTP request), the first load held until every other caller waits.
 */
@Dependent
public class Herd {

  /** What one caller got, and what the cache reported to it. */
  public record Answer(Optional<Quote> quote, CacheOutcome outcome) {}

  static final long WAIT_SECONDS = 30;

  @Inject Quotes quotes;
  @Inject CacheStatus status;
  @Inject Instance<RequestContextController> requestContexts;
  @Inject MetricRegistry metrics;
  @Resource ManagedThreadFactory threads;

  /**
   * {@code callers} concurrent calls of a row not cached yet share one load: the others wait for it
   * (coalesced waits) and get its row and its outcome.
   */
  public void assertOneLoadServes(long id, int callers, CacheOutcome outcome) throws Exception {
    quotes.insert(id, "shared");
    var waits = metrics.counter("cache.coalesced.waits", new Tag("cache", "quote"));
    long waitedBefore = waits.getCount();

    List<Answer> answers = find(id, callers);

    assertEquals(1, quotes.loads(id), "loads for " + callers + " concurrent callers");
    assertEquals(callers - 1, waits.getCount() - waitedBefore, "coalesced waits");
    for (Answer answer : answers) {
      assertEquals(Optional.of(new Quote(id, "shared")), answer.quote());
      assertEquals(outcome, answer.outcome(), "the load's outcome, shared with its waiters");
    }
  }

  /**
   * {@code callers} calls of {@code find(id)} at once. The first to load is held until the other
   * callers have all found a load of the id running and wait for it, so none of them can miss it by
   * arriving late.
   */
  private List<Answer> find(long id, int callers) throws Exception {
    Quotes.Hold hold = quotes.holdLoadsOf(id);
    List<Thread> started = new ArrayList<>();
    List<CompletableFuture<Answer>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < callers; i++) {
        var answer = new CompletableFuture<Answer>();
        Thread caller = threads.newThread(() -> call(id, answer));
        answers.add(answer);
        started.add(caller);
        caller.start();
      }
      if (!hold.started().await(WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError("no load of " + id + " started");
      }
      awaitWaiting(started, answers, callers - 1);
    } finally {
      hold.release().countDown();
    }
    List<Answer> all = new ArrayList<>();
    for (var answer : answers) {
      all.add(answer.get(WAIT_SECONDS, TimeUnit.SECONDS));
    }
    return all;
  }

  private void call(long id, CompletableFuture<Answer> answer) {
    RequestContextController request = requestContexts.get();
    request.activate();
    try {
      var quote = quotes.find(id);
      answer.complete(new Answer(quote, status.outcome()));
    } catch (Throwable failed) {
      answer.completeExceptionally(failed);
    } finally {
      request.deactivate();
      requestContexts.destroy(request);
    }
  }

  /**
   * Until {@code expected} callers wait for the running load. Nothing public tells, so their stacks
   * do: they are parked in SingleFlight's follow (the way a debugger would see them).
   */
  private static void awaitWaiting(
      List<Thread> callers, List<CompletableFuture<Answer>> answers, int expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    long waiting;
    while ((waiting = callers.stream().filter(Herd::waitsForALoad).count()) < expected) {
      for (var answer : answers) {
        if (answer.isDone()) {
          throw new AssertionError(
              "a caller returned while the load was held, without waiting for it: "
                  + answer.handle((got, failed) -> failed == null ? got : failed).join());
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            waiting
                + " of the other "
                + expected
                + " callers wait for the load after "
                + WAIT_SECONDS
                + " s");
      }
      Thread.sleep(1);
    }
  }

  private static boolean waitsForALoad(Thread caller) {
    return Arrays.stream(caller.getStackTrace())
        .anyMatch(
            frame ->
                frame.getClassName().endsWith(".SingleFlight")
                    && frame.getMethodName().startsWith("follow"));
  }
}
