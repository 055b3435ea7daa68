package rdsmemcached.caching.control;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs at most one load per key at a time in this JVM; concurrent callers for the key wait for that
 * load's result instead of starting their own (request coalescing).
 *
 * <p>Followers wait at most a bounded time, then give up ({@link Joined#TIMED_OUT}), so a stuck
 * load cannot pin every request thread. A write forgets the key's flight, so requests that start
 * after it never join a load that may have read the old row.
 */
class SingleFlight<V> {

  /** How a caller took part. */
  enum Joined {
    LED,
    FOLLOWED,
    /** Left the wait with what its {@link Rescue} found. */
    RESCUED,
    TIMED_OUT
  }

  record Result<V>(V value, Joined joined) {}

  /** The load; may throw anything, which every waiter then sees. */
  interface Load<V> {
    V run() throws Exception;
  }

  private final ConcurrentHashMap<String, CompletableFuture<V>> flights = new ConcurrentHashMap<>();

  /**
   * A follower's way out of a long wait: asked every {@link #RESCUE_TICK_MILLIS} while it waits; a
   * non-null answer is returned instead of the load's result.
   */
  interface Rescue<V> {
    V attempt() throws Exception;
  }

  static final long RESCUE_TICK_MILLIS = 20;

  Result<V> run(String key, long maxWaitMillis, Load<V> load) throws Exception {
    return run(key, maxWaitMillis, load, null);
  }

  Result<V> run(String key, long maxWaitMillis, Load<V> load, Rescue<V> rescue) throws Exception {
    var mine = new CompletableFuture<V>();
    CompletableFuture<V> running = flights.putIfAbsent(key, mine);
    if (running != null) {
      return rescue == null
          ? follow(running, maxWaitMillis)
          : followOrRescue(running, maxWaitMillis, rescue);
    }
    try {
      V value = load.run();
      mine.complete(value);
      return new Result<>(value, Joined.LED);
    } catch (Exception | Error failure) {
      mine.completeExceptionally(failure);
      throw failure;
    } finally {
      flights.remove(key, mine);
    }
  }

  /** Waits for the key's running load, if there is one; null when there is none. */
  Result<V> join(String key, long maxWaitMillis) throws Exception {
    CompletableFuture<V> running = flights.get(key);
    return running == null ? null : follow(running, maxWaitMillis);
  }

  void forget(String key) {
    flights.remove(key);
  }

  private Result<V> followOrRescue(
      CompletableFuture<V> running, long maxWaitMillis, Rescue<V> rescue) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxWaitMillis);
    while (true) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        return new Result<>(null, Joined.TIMED_OUT);
      }
      Result<V> result = follow(running, Math.min(left, RESCUE_TICK_MILLIS));
      if (result.joined() != Joined.TIMED_OUT) {
        return result;
      }
      V rescued = rescue.attempt();
      if (rescued != null) {
        return new Result<>(rescued, Joined.RESCUED);
      }
    }
  }

  private Result<V> follow(CompletableFuture<V> running, long maxWaitMillis) throws Exception {
    try {
      return new Result<>(running.get(maxWaitMillis, TimeUnit.MILLISECONDS), Joined.FOLLOWED);
    } catch (TimeoutException slow) {
      return new Result<>(null, Joined.TIMED_OUT);
    } catch (ExecutionException failed) {
      if (failed.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw failed;
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw interrupted;
    }
  }
}
