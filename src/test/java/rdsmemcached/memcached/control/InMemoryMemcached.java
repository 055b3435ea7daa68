package rdsmemcached.memcached.control;

import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongSupplier;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.MemcachedClientIF;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.NodeLocator;
import net.spy.memcached.OperationTimeoutException;
import net.spy.memcached.internal.OperationFuture;
import net.spy.memcached.transcoders.SerializingTranscoder;

/**
 * memcached in a map, behind spymemcached's {@link MemcachedClientIF}: {@code get}, {@code gets},
 * {@code add}, {@code set}, {@code cas} and {@code delete} with CAS ids and expiry on an injectable
 * clock, the key's node from a routing function, failures injected per operation, actions run after
 * an operation, and a log of what was asked. Every other method of the interface is refused.
 */
public final class InMemoryMemcached {

  /** The operations the cache code uses. */
  public enum Op {
    GET,
    GETS,
    ADD,
    SET,
    CAS,
    DELETE
  }

  /** How an injected failure shows. */
  public enum Failure {
    /** The client refuses the operation at once (queue full, shut down). */
    REFUSED,
    /** The operation's future fails (connection lost, failure mode Cancel). */
    FAILED,
    /** The node never answers: the caller's timeout fires. */
    SILENT
  }

  public static final SocketAddress NODE = new InetSocketAddress("127.0.0.1", 11211);

  /** The client's default transcoder, for code that decodes what it read itself. */
  private static final SerializingTranscoder TRANSCODER = new SerializingTranscoder();

  private record Item(Object value, long cas, long expiresAtMillis, int ttlSeconds) {}

  private final Map<String, Item> items = new HashMap<>();
  private final Map<Op, Deque<Failure>> failures = new EnumMap<>(Op.class);
  private final Map<Op, Deque<Runnable>> afterwards = new EnumMap<>(Op.class);
  private final List<String> calls = new ArrayList<>();
  private Failure down;
  private long nextCas = 1;
  private LongSupplier clock = System::currentTimeMillis;
  private Function<String, SocketAddress> routing = key -> NODE;

  /** The client the code under test is given. */
  public final MemcachedClientIF client =
      (MemcachedClientIF)
          Proxy.newProxyInstance(
              MemcachedClientIF.class.getClassLoader(),
              new Class<?>[] {MemcachedClientIF.class},
              (proxy, method, arguments) -> dispatch(method, arguments));

  /** Milliseconds now, for expiry. */
  public synchronized InMemoryMemcached clock(LongSupplier millis) {
    clock = millis;
    return this;
  }

  /** Which node holds a key. */
  public synchronized InMemoryMemcached routing(Function<String, SocketAddress> nodeOfKey) {
    routing = nodeOfKey;
    return this;
  }

  /** The next {@code op} fails so; several calls queue several failures. */
  public synchronized InMemoryMemcached failNext(Op op, Failure failure) {
    failures.computeIfAbsent(op, o -> new ArrayDeque<>()).add(failure);
    return this;
  }

  /** Every operation fails so until {@link #up()}. */
  public synchronized void down(Failure failure) {
    down = failure;
  }

  public synchronized void up() {
    down = null;
  }

  /** Runs {@code action} once, right after the next {@code op} was answered or failed. */
  public synchronized InMemoryMemcached after(Op op, Runnable action) {
    afterwards.computeIfAbsent(op, o -> new ArrayDeque<>()).add(action);
    return this;
  }

  /** Counts {@code latch} down after each of the next {@code latch.getCount()} {@code op}s. */
  public InMemoryMemcached countDown(Op op, CountDownLatch latch) {
    for (long i = latch.getCount(); i > 0; i--) {
      after(op, latch::countDown);
    }
    return this;
  }

  /** Stores as {@code set} would, without being logged or failing. */
  public synchronized void put(String key, Object value, int ttlSeconds) {
    store(key, value, ttlSeconds);
  }

  public synchronized Object value(String key) {
    Item item = live(key);
    return item == null ? null : item.value();
  }

  /** The expiry in seconds the key's item was last written with. */
  public synchronized int ttlSeconds(String key) {
    Item item = live(key);
    if (item == null) {
      throw new AssertionError("no item " + key);
    }
    return item.ttlSeconds();
  }

  /** What was asked, in order, as {@code "ADD key"}. */
  public synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  /** How many times {@code op} was asked. */
  public synchronized long count(Op op) {
    return calls.stream().filter(call -> call.startsWith(op + " ")).count();
  }

  private Object dispatch(Method method, Object[] arguments) throws Exception {
    String name = method.getName();
    switch (name) {
      case "getTranscoder":
        return TRANSCODER;
      case "getNodeLocator":
        return locator();
      case "toString":
        return "InMemoryMemcached";
      case "hashCode":
        return System.identityHashCode(this);
      case "equals":
        return arguments[0] == client;
      default:
    }
    Op op =
        switch (name + "/" + arguments.length) {
          case "get/1" -> Op.GET;
          case "asyncGets/1", "gets/1" -> Op.GETS;
          case "add/3" -> Op.ADD;
          case "set/3" -> Op.SET;
          case "asyncCAS/5" -> Op.CAS;
          case "delete/1", "delete/2" -> Op.DELETE;
          default -> throw new UnsupportedOperationException(method.toString());
        };
    String key = (String) arguments[0];
    CompletableFuture<Object> answer = new CompletableFuture<>();
    Runnable then;
    synchronized (this) {
      calls.add(op + " " + key);
      Deque<Failure> queued = failures.get(op);
      Failure failure = queued == null || queued.isEmpty() ? down : queued.removeFirst();
      if (failure == Failure.REFUSED) {
        runAfterwards(op);
        throw new IllegalStateException("injected: " + op + " refused");
      }
      if (failure == Failure.FAILED) {
        answer.completeExceptionally(new IllegalStateException("injected: " + op + " failed"));
      } else if (failure == null) {
        answer.complete(apply(op, key, arguments));
      }
      then = takeAfterwards(op);
    }
    if (then != null) {
      then.run();
    }
    if (name.equals("get") || name.equals("gets")) {
      return synchronously(answer);
    }
    return new Answer<>(key, answer);
  }

  private void runAfterwards(Op op) {
    Runnable then = takeAfterwards(op);
    if (then != null) {
      then.run();
    }
  }

  private Runnable takeAfterwards(Op op) {
    Deque<Runnable> queued = afterwards.get(op);
    return queued == null ? null : queued.pollFirst();
  }

  private static Object synchronously(CompletableFuture<Object> answer) {
    if (!answer.isDone()) {
      throw new OperationTimeoutException("injected: no answer");
    }
    try {
      return answer.get();
    } catch (InterruptedException | ExecutionException failed) {
      throw new IllegalStateException(failed.getCause());
    }
  }

  private Object apply(Op op, String key, Object[] arguments) {
    Item item = live(key);
    return switch (op) {
      case GET -> item == null ? null : item.value();
      case GETS -> item == null ? null : new CASValue<>(item.cas(), item.value());
      case ADD -> item == null && store(key, arguments[2], (Integer) arguments[1]);
      case SET -> store(key, arguments[2], (Integer) arguments[1]);
      case CAS -> {
        if (item == null) {
          yield CASResponse.NOT_FOUND;
        }
        if (item.cas() != (Long) arguments[1]) {
          yield CASResponse.EXISTS;
        }
        store(key, arguments[3], (Integer) arguments[2]);
        yield CASResponse.OK;
      }
      case DELETE -> {
        if (item == null || (arguments.length == 2 && item.cas() != (Long) arguments[1])) {
          yield false;
        }
        items.remove(key);
        yield true;
      }
    };
  }

  private boolean store(String key, Object value, int ttlSeconds) {
    long expiresAt =
        ttlSeconds == 0
            ? Long.MAX_VALUE
            : clock.getAsLong() + TimeUnit.SECONDS.toMillis(ttlSeconds);
    items.put(key, new Item(value, nextCas++, expiresAt, ttlSeconds));
    return true;
  }

  private Item live(String key) {
    Item item = items.get(key);
    if (item != null && clock.getAsLong() >= item.expiresAtMillis()) {
      items.remove(key);
      return null;
    }
    return item;
  }

  /** An implementation of {@code type} that answers {@code method} only. */
  static <T> T only(Class<T> type, String method, Function<Object[], Object> answer) {
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, called, arguments) -> {
              if (!called.getName().equals(method)) {
                throw new UnsupportedOperationException(called.toString());
              }
              return answer.apply(arguments);
            }));
  }

  private NodeLocator locator() {
    return only(
        NodeLocator.class,
        "getPrimary",
        arguments -> {
          SocketAddress node;
          synchronized (this) {
            node = routing.apply((String) arguments[0]);
          }
          return only(MemcachedNode.class, "getSocketAddress", none -> node);
        });
  }

  /**
   * A node breaker per node of this fake, with a scheduler that only records the probes it is asked
   * to run: a test runs them with {@link Probes#runAll()}.
   */
  public NodeBreakers breakers(int failuresInARow, Probes probes) {
    var breakers = new NodeBreakers();
    breakers.memcached = client;
    breakers.scheduler = probes.scheduler;
    breakers.breakerFailures = failuresInARow;
    breakers.breakerOpenMillis = 250;
    return breakers;
  }

  /**
   * The fast lane's reads on this fake: a {@code gets} as the client would do it, a node that does
   * not answer timing out at once, any other failure an I/O error.
   */
  public DirectReads directReads() {
    return new DirectReads() {
      @Override
      public CASValue<Object> gets(String key, long timeoutNanos) throws IOException {
        try {
          return client.asyncGets(key).get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException silent) {
          throw new SocketTimeoutException("no answer");
        } catch (ExecutionException | RuntimeException failed) {
          throw new IOException(failed);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new IOException(interrupted);
        }
      }
    };
  }

  /** The background probes a {@link NodeBreakers} scheduled, run when the test says. */
  public static final class Probes {
    private final List<Runnable> scheduled = new ArrayList<>();
    private final List<Boolean> cancelled = new ArrayList<>();

    final ManagedScheduledExecutorService scheduler =
        only(ManagedScheduledExecutorService.class, "scheduleWithFixedDelay", this::schedule);

    /** Probes scheduled so far (cancelled ones included). */
    public synchronized int scheduled() {
      return scheduled.size();
    }

    /** Probes scheduled and not cancelled. */
    public synchronized int running() {
      return (int) cancelled.stream().filter(c -> !c).count();
    }

    /** One round of every running probe. */
    public void runAll() {
      List<Runnable> due = new ArrayList<>();
      synchronized (this) {
        for (int i = 0; i < scheduled.size(); i++) {
          if (!cancelled.get(i)) {
            due.add(scheduled.get(i));
          }
        }
      }
      due.forEach(Runnable::run);
    }

    private synchronized ScheduledFuture<?> schedule(Object[] arguments) {
      int index = scheduled.size();
      scheduled.add((Runnable) arguments[0]);
      cancelled.add(false);
      return only(
          ScheduledFuture.class,
          "cancel",
          none -> {
            synchronized (this) {
              cancelled.set(index, true);
            }
            return true;
          });
    }
  }

  /** An answer as spymemcached hands it out (its CAS answer is declared as this class). */
  private static final class Answer<T> extends OperationFuture<T> {
    private final CompletableFuture<T> answer;

    Answer(String key, CompletableFuture<T> answer) {
      super(key, new CountDownLatch(1), 0, null);
      this.answer = answer;
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
      return answer.get();
    }

    @Override
    public T get(long duration, TimeUnit unit)
        throws InterruptedException, TimeoutException, ExecutionException {
      return answer.get(duration, unit);
    }

    @Override
    public boolean cancel(boolean mayInterrupt) {
      return answer.cancel(mayInterrupt);
    }

    @Override
    public boolean isCancelled() {
      return answer.isCancelled();
    }

    @Override
    public boolean isDone() {
      return answer.isDone();
    }
  }
}
