package rdsmemcached.caching.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.spy.memcached.CASValue;
import net.spy.memcached.MemcachedClientIF;
import net.spy.memcached.internal.CheckedOperationTimeoutException;
import net.spy.memcached.ops.Operation;
import net.spy.memcached.ops.OperationState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import rdsmemcached.memcached.control.CacheUnavailableException;
import rdsmemcached.memcached.control.NodeBreakers;
import rdsmemcached.memcached.control.ProcessStalls;

/**
 * The timeout decision: a node that does not answer while this process runs is failing; a wait that
 * was long because the process itself was descheduled is tried again, not held against the node and
 * not sent to the database.
 */
class CacheEntriesTest {

  static final String KEY = "customer:v1:1";

  /** What each operation started returns, in order; an unfinished future times out. */
  final Deque<Future<?>> answers = new ArrayDeque<>();

  final List<String> started = new ArrayList<>();
  final List<String> breakers = new ArrayList<>();
  final Deque<Boolean> descheduled = new ArrayDeque<>();
  final CacheEntries cut = new CacheEntries();

  @BeforeEach
  void wire() {
    cut.memcached =
        (MemcachedClientIF)
            Proxy.newProxyInstance(
                MemcachedClientIF.class.getClassLoader(),
                new Class<?>[] {MemcachedClientIF.class},
                (proxy, method, arguments) -> {
                  started.add(method.getName());
                  return answers.removeFirst();
                });
    cut.breakers =
        new NodeBreakers() {
          @Override
          public boolean allows(String key) {
            return true;
          }

          @Override
          public void failed(String key, long startedAt, RuntimeException cause) {
            breakers.add("failed");
          }

          @Override
          public void succeeded(String key) {
            breakers.add("succeeded");
          }
        };
    cut.stalls =
        new ProcessStalls() {
          @Override
          public long stalledWithin(long start, long end) {
            // "descheduled": the whole wait was a stall
            return descheduled.isEmpty() || !descheduled.removeFirst() ? 0 : end - start;
          }
        };
    cut.operationTimeoutMillis = 1;
    cut.maxWaitMillis = 60_000;
    cut.leaseSeconds = 15;
    cut.lateWake = Long.MAX_VALUE / 4; // a slow test machine must not look like a stall
  }

  static Future<?> silent() {
    return new CompletableFuture<>();
  }

  static Future<?> value(String stored, long cas) {
    return CompletableFuture.completedFuture(new CASValue<Object>(cas, stored));
  }

  @Test
  void aSilentNodeWhileTheProcessRunsFailsAfterOneTimeout() {
    answers.add(silent());
    descheduled.add(false);
    assertThrows(CacheUnavailableException.class, () -> cut.read(KEY));
    assertEquals(List.of("asyncGets"), started);
    assertEquals(List.of("failed"), breakers, "counted against the node once");
  }

  @Test
  void aTimeoutCausedByDeschedulingIsTriedAgainAndNotCounted() throws Exception {
    answers.add(silent());
    answers.add(value(StoredEntry.value(Long.MAX_VALUE, 3, "{}"), 7));
    descheduled.add(true);
    var found = cut.read(KEY);
    assertEquals("{}", found.entry().json());
    assertEquals(7, found.cas());
    assertEquals(List.of("asyncGets", "asyncGets"), started);
    assertEquals(List.of("succeeded"), breakers, "no failure recorded");
  }

  @Test
  void descheduledAgainAndAgainGivesUpAtTheMaximumWait() {
    cut.maxWaitMillis = 0;
    answers.add(silent());
    descheduled.add(true);
    assertThrows(CacheUnavailableException.class, () -> cut.read(KEY));
    assertEquals(1, started.size());
    assertEquals(List.of("failed"), breakers);
  }

  @Test
  void retryRule() {
    long ms = 1_000_000;
    long timeout = 50 * ms;
    long maxWait = 1000 * ms;
    assertEquals(
        CacheEntries.Retry.NO,
        CacheEntries.Retry.after(0, 50 * ms, 51 * ms, timeout, maxWait, 0, 10 * ms, false),
        "a silent node, the process running: a real timeout");
    assertEquals(
        CacheEntries.Retry.STALLED,
        CacheEntries.Retry.after(0, 50 * ms, 90 * ms, timeout, maxWait, 60 * ms, 10 * ms, false),
        "60 of 90 ms throttled");
    assertEquals(
        CacheEntries.Retry.LATE_WAKE,
        CacheEntries.Retry.after(0, 50 * ms, 85 * ms, timeout, maxWait, 0, 10 * ms, false),
        "no statistics, but the waiter woke 35 ms late");
    assertEquals(
        CacheEntries.Retry.NO,
        CacheEntries.Retry.after(
            0, 1000 * ms, 1100 * ms, timeout, maxWait, 1000 * ms, 10 * ms, false),
        "never past the maximum wait");
    assertEquals(
        CacheEntries.Retry.UNSENT,
        CacheEntries.Retry.after(0, 50 * ms, 55 * ms, timeout, maxWait, 0, 10 * ms, true),
        "no stall seen, but the request never left this process");
    assertEquals(
        CacheEntries.Retry.NO,
        CacheEntries.Retry.after(0, 1000 * ms, 1050 * ms, timeout, maxWait, 0, 10 * ms, true),
        "unsent, but never past the maximum wait either");
  }

  /** An operation of spymemcached's in the given state, as a timeout carries it. */
  static Operation operationIn(OperationState state) {
    return (Operation)
        Proxy.newProxyInstance(
            Operation.class.getClassLoader(),
            new Class<?>[] {Operation.class},
            (proxy, method, arguments) ->
                switch (method.getName()) {
                  case "getState" -> state;
                  case "isTimedOutUnsent", "isTimedOut", "isCancelled", "hasErrored" -> false;
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == arguments[0];
                  default -> null;
                });
  }

  static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** An answer that times out the way spymemcached's does, carrying its operation. */
  static Future<?> timesOutIn(OperationState state) {
    return new CompletableFuture<>() {
      @Override
      public Object get(long timeout, TimeUnit unit) throws TimeoutException {
        sleepMillis(unit.toMillis(timeout) + 2); // waited its time, the process running
        throw new CheckedOperationTimeoutException(
            "Timed out waiting for operation", operationIn(state));
      }
    };
  }

  @Test
  void aTimeoutOfARequestNeverWrittenIsTriedAgainAndNotCounted() throws Exception {
    answers.add(timesOutIn(OperationState.WRITE_QUEUED));
    answers.add(value(StoredEntry.value(Long.MAX_VALUE, 3, "{}"), 7));
    descheduled.add(false); // the stall statistics saw nothing
    var found = cut.read(KEY);
    assertEquals(7, found.cas());
    assertEquals(List.of("asyncGets", "asyncGets"), started);
    assertEquals(List.of("succeeded"), breakers, "no failure recorded");
  }

  @Test
  void aTimeoutOfARequestTheNodeReceivedCountsAgainstIt() {
    answers.add(timesOutIn(OperationState.READING));
    descheduled.add(false);
    assertThrows(CacheUnavailableException.class, () -> cut.read(KEY));
    assertEquals(List.of("asyncGets"), started);
    assertEquals(List.of("failed"), breakers);
  }

  @Test
  void aLateWakeIsTriedAgainOnceOnly() {
    cut.lateWake = -1; // every wake counts as late
    answers.add(silent());
    answers.add(silent());
    assertThrows(CacheUnavailableException.class, () -> cut.read(KEY));
    assertEquals(List.of("asyncGets", "asyncGets"), started, "one retry, then the node failed");
    assertEquals(List.of("failed"), breakers);
  }

  @Test
  void aLeaseAddTriedAgainAfterAStallFindsItsOwnMarker() throws Exception {
    answers.add(silent()); // the add stored the marker, but the answer came too late
    answers.add(CompletableFuture.completedFuture(false)); // so the repeated add is refused
    answers.add(value(StoredEntry.lease("mine"), 8));
    descheduled.add(true);
    var leasing = cut.lease(KEY, "mine");
    assertTrue(leasing.taken());
    assertEquals(List.of("add", "add", "asyncGets"), started);
  }

  @Test
  void anotherLoadersMarkerIsNotTaken() throws Exception {
    answers.add(CompletableFuture.completedFuture(false));
    answers.add(value(StoredEntry.lease("theirs"), 8));
    var leasing = cut.lease(KEY, "mine");
    assertEquals(false, leasing.taken());
    assertTrue(leasing.found().entry().isLease());
  }
}
