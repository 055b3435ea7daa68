package rdsmemcached.loads.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.RequestContextController;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.AsyncResponse;
import java.util.concurrent.Callable;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;

/**
 * Where requests that may load from the database run: {@code SLOW_LANE_THREADS} threads of the
 * container's, behind a queue of at most {@code SLOW_LANE_QUEUE} requests, where those likely to
 * need no load (their key is cached) go first. The HTTP thread that took such a request hands it
 * over and goes back to serving others at once, so a hit never waits behind a miss. A request waits
 * for a load slot ({@link LoadSlots}) at most {@code LOAD_WAIT_MS} from the moment it entered the
 * lane; past that, or with the queue full, it is answered 503 with {@code Retry-After}. Each
 * request runs in a request context of its own (CDI request-scoped beans such as the cache status
 * work as on the HTTP thread).
 */
@ApplicationScoped
public class SlowLane {

  static final int KEEP_ALIVE_SECONDS = 60;
  static final String THREAD_NAME = "slow-lane-";

  /** Threads of the slow lane: loads, and requests waiting for another's load of their key. */
  @Inject
  @ConfigProperty(name = "SLOW_LANE_THREADS")
  int threads;

  /** Requests that may wait for a slow-lane thread; one more is shed at once. */
  @Inject
  @ConfigProperty(name = "SLOW_LANE_QUEUE")
  int queueSize;

  @Resource ManagedThreadFactory threadFactory;
  @Inject LoadSlots slots;
  @Inject LoadDeadline deadline;
  @Inject Instance<RequestContextController> contexts;
  @Inject MetricRegistry registry;

  ThreadPoolExecutor executor;
  private final AtomicLong order = new AtomicLong();
  private final AtomicLong named = new AtomicLong();

  @PostConstruct
  void start() {
    executor = executor(threadFactory);
    registry.gauge(
        metadata("loads.in.flight", "loads from the database running now (slots held)"),
        slots::inFlight);
    registry.gauge(
        metadata(
            "loads.queued",
            "requests waiting for a slow-lane thread or a load slot now (not those waiting for"
                + " another request's load of their key)"),
        this::queued);
    registry.gauge(
        metadata("load.slots", "loads from the database that may run at once"), slots::size);
  }

  ThreadPoolExecutor executor(ThreadFactory factory) {
    var pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            KEEP_ALIVE_SECONDS,
            TimeUnit.SECONDS,
            new PriorityBlockingQueue<>(),
            named(factory));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /**
   * The container's threads, named {@value #THREAD_NAME}N before they start: a thread dump, {@code
   * top -H} and {@code /proc/PID/task/TID/comm} (which bin/isolation reads to say how much of the
   * task's CPU the lane used) tell them from the container's other managed threads.
   */
  ThreadFactory named(ThreadFactory factory) {
    return task -> {
      var thread = factory.newThread(task);
      thread.setName(THREAD_NAME + named.incrementAndGet());
      return thread;
    };
  }

  @PreDestroy
  void stop() {
    executor.shutdownNow();
  }

  /** Requests waiting for a thread of the lane or for a load slot. */
  public int queued() {
    return executor.getQueue().size() + slots.waiting();
  }

  /** Whether loads are being held back now: every slot taken, or requests waiting. */
  public boolean saturated() {
    return queued() > 0 || slots.inFlight() >= slots.size();
  }

  /**
   * Where a request handed to the lane is answered, once: a JAX-RS {@link AsyncResponse}, or a
   * servlet's own asynchronous answer. Called on the lane's thread, inside the request's context.
   */
  public interface Answer {
    void resume(Object result);

    void resume(Throwable failure);

    static Answer of(AsyncResponse response) {
      return new Answer() {
        @Override
        public void resume(Object result) {
          response.resume(result);
        }

        @Override
        public void resume(Throwable failure) {
          response.resume(failure);
        }
      };
    }
  }

  /**
   * Runs {@code work} on the lane and resumes {@code response} with its result or its exception
   * (mapped as usual); never blocks the caller.
   */
  public void submit(AsyncResponse response, Callable<?> work) {
    submit(Answer.of(response), false, work);
  }

  /**
   * As {@link #submit(AsyncResponse, Callable)}; an {@code urgent} request (one likely to need no
   * load, such as a hit whose memcached read timed out) is taken before the others waiting.
   */
  public void submit(AsyncResponse response, boolean urgent, Callable<?> work) {
    submit(Answer.of(response), urgent, work);
  }

  /** As {@link #submit(AsyncResponse, boolean, Callable)}, answered through {@code response}. */
  public void submit(Answer response, boolean urgent, Callable<?> work) {
    long due = slots.deadline(System.nanoTime());
    if (executor.getQueue().size() >= queueSize) {
      response.resume(slots.shed());
      return;
    }
    try {
      executor.execute(new Job(urgent, order.getAndIncrement(), () -> run(response, work, due)));
    } catch (RejectedExecutionException stopped) {
      response.resume(slots.shed());
    }
  }

  /** A request in the lane's queue: urgent ones first, then in order of arrival. */
  record Job(boolean urgent, long order, Runnable work) implements Runnable, Comparable<Job> {
    @Override
    public void run() {
      work.run();
    }

    @Override
    public int compareTo(Job other) {
      if (urgent != other.urgent) {
        return urgent ? -1 : 1;
      }
      return Long.compare(order, other.order);
    }
  }

  /** Runs a step in a request context of its own; a seam for tests. */
  interface RequestScope {
    void run(Runnable inside);
  }

  RequestScope requestScope = this::inNewRequestContext;

  void run(Answer response, Callable<?> work, long due) {
    requestScope.run(
        () -> {
          Object answer;
          try {
            if (System.nanoTime() - due >= 0) {
              throw slots.shed(); // waited its time in the queue
            }
            deadline.set(due);
            answer = work.call();
          } catch (Throwable failure) {
            response.resume(failure); // the response filters run here, in this request context
            return;
          }
          response.resume(answer);
        });
  }

  private void inNewRequestContext(Runnable inside) {
    RequestContextController context = contexts.get();
    boolean activated = context.activate();
    try {
      inside.run();
    } finally {
      if (activated) {
        context.deactivate();
      }
      contexts.destroy(context);
    }
  }

  private static Metadata metadata(String name, String description) {
    return Metadata.builder().withName(name).withDescription(description).build();
  }
}
