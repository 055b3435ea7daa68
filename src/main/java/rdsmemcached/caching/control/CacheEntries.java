package rdsmemcached.caching.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketTimeoutException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.MemcachedClientIF;
import net.spy.memcached.internal.CheckedOperationTimeoutException;
import net.spy.memcached.ops.Operation;
import net.spy.memcached.ops.OperationState;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import rdsmemcached.memcached.control.CacheUnavailableException;
import rdsmemcached.memcached.control.DirectReads;
import rdsmemcached.memcached.control.NodeBreakers;
import rdsmemcached.memcached.control.ProcessStalls;

/**
 * The memcached side of cache-aside: read with CAS ids, take and fill leases, invalidate. Every
 * failure of memcached surfaces as {@link CacheUnavailableException} and is reported to {@link
 * NodeBreakers} once per outage.
 *
 * <p>Stale sets are prevented by compare-and-swap on the data key itself: a loader first puts a
 * lease marker with its own token into the key ({@code add}, so only one loader wins), reads the
 * database, then replaces the marker with the value using the CAS id of the marker it still sees.
 * An invalidation deletes the key — marker included — so a loader that read the row before a write
 * finds its marker gone (or another loader's) and does not store what it read. Early refreshes swap
 * against the CAS id of the value they replace, with the same effect.
 */
@ApplicationScoped
public class CacheEntries {

  static final System.Logger LOG = System.getLogger(CacheEntries.class.getName());

  @Inject MemcachedClientIF memcached;
  @Inject NodeBreakers breakers;
  @Inject ProcessStalls stalls;
  @Inject DirectReads direct;

  /**
   * Milliseconds a memcached operation may take, while this process runs, before the node counts as
   * failing.
   */
  @Inject
  @ConfigProperty(name = "CACHE_OP_TIMEOUT_MS")
  long operationTimeoutMillis;

  /**
   * Upper bound, in milliseconds, of an operation's wait when this process itself was descheduled
   * during it (CPU quota, GC): the operation is tried again within it instead of failing.
   */
  @Inject
  @ConfigProperty(name = "CACHE_OP_MAX_WAIT_MS")
  long maxWaitMillis;

  /** Seconds a loader's lease lasts: waiters on other instances load themselves after it. */
  @Inject
  @ConfigProperty(name = "CACHE_LEASE_SECONDS")
  int leaseSeconds;

  /** Appended to a key for its early-refresh lease; {@link CacheKeys} leaves room for it. */
  static final String REFRESH_SUFFIX = "#refresh";

  /** A waiting thread that woke this much after its deadline was stalled itself. */
  long lateWake = TimeUnit.MILLISECONDS.toNanos(10);

  private static final IllegalStateException SKIPPED =
      new IllegalStateException("memcached node skipped by its circuit breaker");

  record Found(StoredEntry entry, long cas) {}

  /** The key's entry with its CAS id, or null when absent (or unreadable). */
  Found read(String key) throws CacheUnavailableException {
    return found(await(key, () -> memcached.asyncGets(key)));
  }

  /**
   * As {@link #read}, answered on the calling thread ({@link DirectReads}): the fast lane's read,
   * judged by the same timeout, stall and breaker rules as every other operation.
   */
  Found readHere(String key) throws CacheUnavailableException {
    return found(
        attempt(
            key,
            timeout -> {
              try {
                return direct.gets(key, timeout);
              } catch (SocketTimeoutException slow) {
                throw new TimeoutException(slow.getMessage());
              } catch (IOException failed) {
                throw new ExecutionException(failed);
              }
            }));
  }

  private static Found found(CASValue<Object> stored) {
    if (stored == null) {
      return null;
    }
    StoredEntry entry = StoredEntry.parse(stored.getValue());
    return entry == null ? null : new Found(entry, stored.getCas());
  }

  /**
   * The outcome of trying to take a key's lease: taken, or not, with the entry that holds the key
   * instead (a value, another loader's lease, or null when it vanished meanwhile).
   */
  record Leasing(boolean taken, Found found) {}

  /** Puts this loader's lease marker into the absent key, or reports what is there instead. */
  Leasing lease(String key, String token) throws CacheUnavailableException {
    if (await(key, () -> memcached.add(key, leaseSeconds, StoredEntry.lease(token)))) {
      return new Leasing(true, null);
    }
    CASValue<Object> stored = await(key, () -> memcached.asyncGets(key));
    if (stored == null) {
      return new Leasing(false, null);
    }
    StoredEntry entry = StoredEntry.parse(stored.getValue());
    if (entry != null && entry.isLease() && token.equals(entry.token())) {
      return new Leasing(true, null); // an add tried again after a stall: the first one stored it
    }
    if (entry == null) {
      // an item this code cannot read (another format): take it over rather than wait on it
      return new Leasing(
          swap(key, stored.getCas(), StoredEntry.lease(token), leaseSeconds) == Fill.STORED, null);
    }
    return new Leasing(false, new Found(entry, stored.getCas()));
  }

  /** Takes the short refresh lease that lets one reader refresh a value early. */
  boolean refreshLease(String key, String token) throws CacheUnavailableException {
    return await(key, () -> memcached.add(key + REFRESH_SUFFIX, leaseSeconds, token));
  }

  enum Fill {
    STORED,
    SUPERSEDED
  }

  /** Replaces this loader's own lease marker with the value, unless it was invalidated. */
  Fill fillLease(String key, String token, String value, int ttlSeconds)
      throws CacheUnavailableException {
    Found now = read(key);
    if (now == null || !now.entry().isLease() || !token.equals(now.entry().token())) {
      return Fill.SUPERSEDED;
    }
    return swap(key, now.cas(), value, ttlSeconds);
  }

  /** Replaces the value read with CAS id {@code cas}, unless it changed or was deleted since. */
  Fill swap(String key, long cas, String value, int ttlSeconds) throws CacheUnavailableException {
    CASResponse response =
        await(
            key, () -> memcached.asyncCAS(key, cas, ttlSeconds, value, memcached.getTranscoder()));
    return response == CASResponse.OK ? Fill.STORED : Fill.SUPERSEDED;
  }

  /** Removes this loader's marker after a failed load, so waiters need not sit out the lease. */
  void releaseLease(String key, String token) {
    try {
      Found now = read(key);
      if (now != null && now.entry().isLease() && token.equals(now.entry().token())) {
        memcached.delete(key, now.cas());
      }
    } catch (CacheUnavailableException | RuntimeException ignored) {
      // the marker expires with the lease
    }
  }

  /** Deletes the key; retried, because a missed invalidation means a stale read until expiry. */
  boolean invalidate(String key) {
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        await(key, () -> memcached.delete(key));
        return true;
      } catch (CacheUnavailableException unavailable) {
        if (attempt == 3) {
          LOG.log(
              Level.ERROR,
              "could not invalidate {0}: {1}; its node may serve the old entry until it expires",
              key,
              unavailable.getMessage());
        }
      }
    }
    return false;
  }

  /** Whether the key's node answered after a failure seen at {@code nanos}. */
  boolean answeredSince(String key, long nanos) {
    return breakers.answeredSince(key, nanos);
  }

  int leaseSeconds() {
    return leaseSeconds;
  }

  /**
   * Starts an operation and waits for its result. A timeout counts against the key's node only when
   * the request was sent and this process was running for most of the wait; one caused by the
   * process being descheduled (see {@link ProcessStalls}), or whose request spymemcached had not
   * yet written, is tried again, up to {@code CACHE_OP_MAX_WAIT_MS} in all. Every operation here
   * may be repeated: reads and deletes are idempotent, a repeated lease {@code add} finds its own
   * token, a repeated CAS reports the value as superseded.
   */
  private <T> T await(String key, Supplier<Future<T>> start) throws CacheUnavailableException {
    return attempt(
        key,
        timeout -> {
          Future<T> operation = start.get();
          try {
            return operation.get(timeout, TimeUnit.NANOSECONDS);
          } catch (TimeoutException | ExecutionException slowOrFailed) {
            operation.cancel(false);
            throw slowOrFailed;
          }
        });
  }

  /** One try of an operation, waiting at most {@code timeoutNanos} for its answer. */
  @FunctionalInterface
  interface Attempt<T> {
    T run(long timeoutNanos) throws TimeoutException, ExecutionException, InterruptedException;
  }

  /** The rules of {@link #await} for any way of asking memcached. */
  private <T> T attempt(String key, Attempt<T> operation) throws CacheUnavailableException {
    if (!breakers.allows(key)) {
      throw new CacheUnavailableException(SKIPPED);
    }
    long timeout = TimeUnit.MILLISECONDS.toNanos(operationTimeoutMillis);
    long maxWait = TimeUnit.MILLISECONDS.toNanos(maxWaitMillis);
    long started = System.nanoTime();
    boolean retriedLateWake = false;
    while (true) {
      long attempt = System.nanoTime();
      try {
        T result = operation.run(timeout);
        breakers.succeeded(key);
        return result;
      } catch (RuntimeException refused) { // the client's queue is full, or it was shut down
        throw failed(key, attempt, refused);
      } catch (TimeoutException | ExecutionException slowOrFailed) {
        long now = System.nanoTime();
        long stalled = stalls.stalledWithin(started, now);
        var retry =
            isTimeout(slowOrFailed)
                ? Retry.after(
                    started,
                    attempt + timeout,
                    now,
                    timeout,
                    maxWait,
                    stalled,
                    lateWake,
                    neverSent(slowOrFailed))
                : Retry.NO;
        if (retry == Retry.STALLED
            || retry == Retry.UNSENT
            || (retry == Retry.LATE_WAKE && !retriedLateWake)) {
          retriedLateWake |= retry == Retry.LATE_WAKE;
          continue;
        }
        String why =
            isTimeout(slowOrFailed)
                ? String.format(
                    "no answer in %d ms, %d ms of them with this process stalled",
                    TimeUnit.NANOSECONDS.toMillis(now - started),
                    TimeUnit.NANOSECONDS.toMillis(stalled))
                : slowOrFailed.toString();
        throw failed(key, attempt, new IllegalStateException(why, slowOrFailed));
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw failed(key, attempt, new IllegalStateException(interrupted));
      }
    }
  }

  /** Whether, and why, an operation that timed out is tried again rather than failed. */
  enum Retry {
    NO,
    /** The process was stalled (throttled, paused for GC) for most of the wait. */
    STALLED,
    /**
     * The request never left this process: spymemcached's I/O thread had not written it when the
     * wait ended, so the node cannot have been slow to answer it. Seen at 0.5 vCPU beside 256
     * misses: timeouts "with 0–4 ms of this process stalled" while tcpdump showed every request on
     * the wire answered within 20 ms and none sent for the failed operation (the I/O thread waited
     * for the quota; a wait still in progress is not yet in its run-queue statistics). Bounded,
     * like STALLED, by the maximum wait.
     */
    UNSENT,
    /**
     * The waiting thread woke well after its deadline: the process was stalled at least then, also
     * where no stall statistics reach us (a quota applied above the container's cgroup). Tried once
     * per operation, so that a silent node costs at most two timeouts.
     */
    LATE_WAKE;

    static Retry after(
        long started,
        long deadline,
        long now,
        long timeout,
        long maxWait,
        long stalled,
        long lateWake,
        boolean unsent) {
      if (now - started >= maxWait) {
        return NO;
      }
      if ((now - started) - stalled < timeout) {
        return STALLED;
      }
      if (unsent) {
        return UNSENT;
      }
      return now - deadline > lateWake ? LATE_WAKE : NO;
    }
  }

  /** Whether the operations of a timeout were all still waiting to be written to the node. */
  static boolean neverSent(Exception failure) {
    Throwable timeout =
        failure instanceof CheckedOperationTimeoutException ? failure : failure.getCause();
    if (!(timeout instanceof CheckedOperationTimeoutException checked)
        || checked.getOperations() == null
        || checked.getOperations().isEmpty()) {
      return false;
    }
    for (Operation operation : checked.getOperations()) {
      if (operation == null
          || !(operation.isTimedOutUnsent()
              || operation.getState() == OperationState.WRITE_QUEUED)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isTimeout(Exception failure) {
    return failure instanceof TimeoutException
        || failure.getCause() instanceof CheckedOperationTimeoutException;
  }

  private CacheUnavailableException failed(String key, long started, RuntimeException cause) {
    breakers.failed(key, started, cause);
    return new CacheUnavailableException(cause);
  }
}
