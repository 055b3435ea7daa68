package rdsmemcached.warmup.boundary;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import net.spy.memcached.MemcachedClientIF;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import rdsmemcached.caching.control.FreshHits;
import rdsmemcached.customers.boundary.CacheHitFilter;
import rdsmemcached.loads.control.LoadSlots;

/**
 * Readiness after a self warm-up: before the load balancer sends traffic, the instance sends itself
 * {@code WARMUP_SECONDS} of {@code GET /cache/{WARMUP_ID}} over loopback (8 keep-alive
 * connections), so the JIT has compiled the hot path (HTTP stack, filter, memcached client) instead
 * of the first users' requests paying for it (measured: a cold JVM served a fifth of its steady
 * throughput in its first 15 s).
 *
 * <p>Before the hits, one request refreshes the entry early ({@link FreshHits#refreshNext}): a real
 * refresh (the slow lane, the call through the cache interceptor, JDBC, JSON-B, the lease and the
 * CAS swap), run now rather than minutes into traffic, when the key first comes due. Measured in a
 * simulated 0.25 vCPU task: that first refresh loaded about 500 classes and compiled about 280
 * methods within 5 s (JFR); in seven of eight runs without this, the 30 s of load around it had a
 * p99 of 1.4–3.0 s (one request 7 s); in the runs with it, no 30 s above 82 ms. The hits start once
 * the refresh's load holds its slot (the code before the query has run), so they run while the
 * database answers; readiness then waits for the refresh's answer, at most {@value
 * #REFRESH_WAIT_FACTOR} × {@code WARMUP_SECONDS} from when it was sent. It costs each start one
 * load from the database.
 *
 * <p>Once readiness is UP, in the background and paced, {@code WARMUP_MISSES} rounds of the slow
 * path on an id with no row (see {@link #missRounds}): the refresh compiles nothing, being one
 * request, and a storm of cold misses used to spend half the task's CPU compiling their path while
 * the hits waited. Their progress is in this check's data ({@code slow path}); readiness does not
 * wait for them.
 *
 * <p>Only when that id's entry is already fresh in memcached (a fleet scaling out, a redeploy):
 * then the warm-up's hits are hits. With a cold cache there is no hot path to protect yet and
 * readiness does not wait.
 */
@Readiness
@ApplicationScoped
public class WarmUp implements HealthCheck {

  static final System.Logger LOG = System.getLogger(WarmUp.class.getName());
  static final int CONCURRENCY = 8;

  /** The slow path's rounds sleep this many times as long as each request took. */
  static final long PACE = 19;

  /** The slow path's rounds end after this many minutes, done or not. */
  static final long SLOW_PATH_MINUTES = 5;

  static final int REFRESH_WAIT_FACTOR = 3;

  @Inject
  @ConfigProperty(name = "WARMUP_SECONDS")
  int seconds;

  @Inject
  @ConfigProperty(name = "WARMUP_ID")
  long id;

  /**
   * Rounds of the slow path's warm-up ({@code WARMUP_MISSES}): a miss on {@code /cache/{id}} of an
   * id that has no row, its eviction, and {@code /db/{id}} of it; 0: none.
   */
  @Inject
  @ConfigProperty(name = "WARMUP_MISSES")
  int misses;

  @Inject
  @ConfigProperty(name = "PORT")
  int port;

  @Inject FreshHits hits;
  @Inject LoadSlots slots;
  @Inject MemcachedClientIF memcached;

  @Resource ManagedExecutorService executor;

  private volatile String state = "waiting for the HTTP listener";
  private volatile String refresh = "not asked";
  private volatile boolean done;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong slowRequests = new AtomicLong();
  private volatile String slowPath = "not run";

  void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
    if (seconds <= 0) {
      finish("off (WARMUP_SECONDS=0)");
      return;
    }
    executor.submit(this::run);
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("warm-up")
        .status(done)
        .withData("state", state)
        .withData("requests", requests.get())
        .withData("refresh", refresh)
        .withData("slow-path requests", slowRequests.get())
        .withData("slow path", slowPath)
        .build();
  }

  private void run() {
    try {
      if (!isCached()) {
        finish(
            "not needed: /cache/" + id + " is not in memcached (a cold cache has no hot path yet)");
        return;
      }
      awaitListener();
      state = "refreshing";
      long started = System.nanoTime();
      long refreshDue = started + TimeUnit.SECONDS.toNanos((long) REFRESH_WAIT_FACTOR * seconds);
      hits.refreshNext(CacheHitFilter.FIND_CACHED, id);
      refresh = "asked";
      Future<?> refreshing = executor.submit(() -> refreshOnce(refreshDue));
      awaitLoadStarted(refreshing, refreshDue);
      state = "running";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      List<Future<?>> clients = new ArrayList<>();
      for (int i = 0; i < CONCURRENCY; i++) {
        clients.add(executor.submit(() -> hammer(deadline)));
      }
      for (Future<?> client : clients) {
        client.get(seconds + 5L, TimeUnit.SECONDS);
      }
      awaitRefresh(refreshing, refreshDue);
      finish(
          "done: "
              + requests.get()
              + " requests in "
              + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)
              + " ms; refresh "
              + refresh);
      warmSlowPath();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finish("interrupted");
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      finish("failed: " + e);
    }
  }

  /**
   * One keep-alive connection's worth of hits, on a bare socket: an HTTP client library would load
   * the JIT with its own code instead of the server's.
   */
  private void hammer(long deadline) {
    byte[] request = request("GET /cache/" + id);
    while (System.nanoTime() < deadline) {
      try (Socket socket = connect(2000)) {
        OutputStream out = socket.getOutputStream();
        InputStream in = new BufferedInputStream(socket.getInputStream());
        while (System.nanoTime() < deadline) {
          out.write(request);
          out.flush();
          if (!readResponse(in)) {
            break; // the server closed the connection (keep-alive limit): open another
          }
          requests.incrementAndGet();
        }
      } catch (IOException stop) {
        return;
      }
    }
  }

  /**
   * After readiness, in the background: {@code WARMUP_MISSES} rounds of the slow path, so that a
   * storm of cold misses finds it compiled (see {@link #missRounds}).
   */
  private void warmSlowPath() {
    if (misses <= 0) {
      slowPath = "off (WARMUP_MISSES=0)";
      return;
    }
    long started = System.nanoTime();
    slowPath = "running";
    String result = missRounds(misses, started + TimeUnit.MINUTES.toNanos(SLOW_PATH_MINUTES));
    slowPath = result + " in " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + " s";
    LOG.log(Level.INFO, "warm-up of the slow path: {0}", slowPath);
  }

  /**
   * The slow path's warm-up, one request at a time on a keep-alive connection: {@code rounds} times
   * a miss on {@code GET /cache/{id}} of an id that has no row (the fast lane's hand-off, Jersey's
   * asynchronous dispatch, the slow lane, the cache-aside's lease, the query, the negative entry's
   * fill, the 404 problem), {@code DELETE /cache/{id}} (so nothing is left in memcached) and {@code
   * GET /db/{id}}, until {@code due}. The id is drawn at random from the top half of the id space,
   * far above any seeded row; the database finds no row for it, so its {@code SLEEP} never runs and
   * each query costs a primary-key lookup.
   *
   * <p>After readiness, and paced: after each request this thread sleeps {@value #PACE} times as
   * long as the request took, so the rounds take at most a twentieth of the time of one thread (a
   * tenth of a 0.5 vCPU task). Measured at 0.5 vCPU (docs/benchmarks.md, issue #17): 300 rounds run
   * before readiness, unpaced, made the start 12 s longer (ready in 40.6 s against 28.2 s in the
   * same run) and cut the hits' first 10 s to 1,641 req/s from 2,553; without the rounds, a storm
   * of cold misses compiled about 2,800 methods in its first 25 s, half the task's CPU, and the
   * hits beside it kept 31–45 % of their throughput at a p99 of 97–215 ms. Why 400 rounds by
   * default: below one CPU C1 alone compiles, a method once the interpreter has counted 200 calls
   * of it, which it checks every 128 calls ({@code Tier3InvocationThreshold}, {@code
   * Tier0InvokeNotifyFreqLog}): the 256th call at the earliest, later while the compile queue is
   * long. After 200 rounds the storm still compiled 946–953 methods in its first 20 s, many of them
   * the rounds' own ({@code -XX:+PrintCompilation}).
   *
   * @return how the rounds ended
   */
  private String missRounds(int rounds, long due) {
    long id = ThreadLocalRandom.current().nextLong(Long.MAX_VALUE / 2, Long.MAX_VALUE);
    List<String> steps = List.of("GET /cache/" + id, "DELETE /cache/" + id, "GET /db/" + id);
    // the miss's answer says MISS: the delete before it worked (else a negative entry's HIT)
    List<String> expected = List.of("404 MISS", "204 ", "404 ");
    List<byte[]> round = steps.stream().map(WarmUp::request).toList();
    int done = 0;
    int step = 0; // a round goes on where it was on the next connection (keep-alive limit)
    try {
      while (done < rounds && System.nanoTime() - due < 0) {
        try (Socket socket =
            connect((int) TimeUnit.SECONDS.toMillis((long) REFRESH_WAIT_FACTOR * seconds))) {
          OutputStream out = socket.getOutputStream();
          InputStream in = new BufferedInputStream(socket.getInputStream());
          boolean open = true;
          while (open && done < rounds && System.nanoTime() - due < 0) {
            long sent = System.nanoTime();
            out.write(round.get(step));
            out.flush();
            Answer answer = new Answer();
            open = readResponse(in, answer);
            if (answer.status == 0) {
              break; // closed before answering: sent again on another connection
            }
            slowRequests.incrementAndGet();
            if (!expected.get(step).equals(answer.status + " " + answer.cache)) {
              // a row with that id, the database or memcached failing, a drain: not a warm-up
              return "stopped after "
                  + done
                  + " rounds: "
                  + steps.get(step)
                  + " answered "
                  + answer.status
                  + " "
                  + answer.cache;
            }
            step = (step + 1) % round.size();
            if (step == 0) {
              done++;
              slowPath = "running: " + done + " of " + rounds + " rounds";
            }
            TimeUnit.NANOSECONDS.sleep(PACE * (System.nanoTime() - sent));
          }
        } catch (IOException failed) {
          return "stopped after " + done + " rounds: " + failed;
        }
      }
    } catch (InterruptedException stopping) {
      Thread.currentThread().interrupt();
      return "stopped after " + done + " rounds: interrupted";
    }
    return done < rounds ? "stopped after " + done + " rounds: out of time" : done + " rounds";
  }

  /** A keep-alive connection to this instance over loopback, Nagle off, reads bounded. */
  private Socket connect(int readTimeoutMillis) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    try {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(readTimeoutMillis);
    } catch (IOException failed) {
      socket.close();
      throw failed;
    }
    return socket;
  }

  /** The bytes of a request without a body, {@code line} being its method and path. */
  private static byte[] request(String line) {
    return (line + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** Reads one response (headers, then Content-Length bytes); false when the connection ended. */
  static boolean readResponse(InputStream in) throws IOException {
    return readResponse(in, new Answer());
  }

  /**
   * Reads one response, its status code and {@code X-Cache} into {@code answer}; false when the
   * connection ended (or the server will close it after this response).
   */
  static boolean readResponse(InputStream in, Answer answer) throws IOException {
    long length = 0;
    boolean close = false;
    StringBuilder line = new StringBuilder();
    boolean first = true;
    while (true) {
      int c = in.read();
      if (c < 0) {
        return false;
      }
      if (c != '\n') {
        if (c != '\r') {
          line.append((char) c);
        }
        continue;
      }
      if (line.length() == 0) {
        break;
      }
      String header = line.toString().toLowerCase(Locale.ROOT);
      if (first) {
        first = false;
        answer.status = statusCode(header);
        line.setLength(0);
        continue;
      }
      if (header.startsWith("content-length:")) {
        try {
          length = Long.parseLong(header.substring(15).strip());
        } catch (NumberFormatException malformed) {
          // an IOException ends this warm-up connection like any broken one, not the warm-up
          throw new IOException("malformed " + header, malformed);
        }
      } else if (header.startsWith("x-cache:")) {
        answer.cache = line.substring(8).strip();
      } else if (header.startsWith("connection:") && header.contains("close")) {
        close = true;
      }
      line.setLength(0);
    }
    in.skipNBytes(length);
    return !close;
  }

  /** What the warm-up reads of a response besides its length. */
  static final class Answer {
    int status;
    String cache = "";
  }

  /** The code of a status line such as {@code http/1.1 404 not found}; 0 when there is none. */
  static int statusCode(String statusLine) {
    String[] parts = statusLine.split(" ", 3);
    try {
      return parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
    } catch (NumberFormatException malformed) {
      return 0;
    }
  }

  /**
   * One {@code GET /cache/{id}} with the entry's refresh asked for, before the hits (so that this
   * request is the one that refreshes); sent again while the application does not serve yet (Payara
   * answers 500 for about half a second after the port opens), until {@code giveUp}.
   */
  private void refreshOnce(long giveUp) {
    byte[] request =
        ("GET /cache/" + id + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    long started = System.nanoTime();
    while (true) {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        socket.setSoTimeout((int) TimeUnit.MINUTES.toMillis(2));
        socket.getOutputStream().write(request);
        readResponse(new BufferedInputStream(socket.getInputStream()));
      } catch (IOException failed) {
        refresh = "failed: " + failed;
        return;
      }
      if (!hits.refreshAsked(CacheHitFilter.FIND_CACHED, id)) {
        refresh =
            "answered "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)
                + " ms after it was sent";
        return;
      }
      if (System.nanoTime() - giveUp >= 0) {
        refresh = "not made: the application did not serve in time";
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Waits until the refreshing request's load holds its slot (everything before the query has run:
   * the slow lane, the store's call, the interceptor, the lease), or it has ended, or {@code due}.
   */
  private void awaitLoadStarted(Future<?> refreshing, long due) throws InterruptedException {
    while (!refreshing.isDone() && slots.inFlight() == 0 && System.nanoTime() - due < 0) {
      Thread.sleep(10);
    }
  }

  /**
   * Waits for the refreshing request's answer until {@code due} ({@link #REFRESH_WAIT_FACTOR} ×
   * {@code WARMUP_SECONDS} after it was sent); then readiness goes on anyway (its load may be slow:
   * the query itself, a database that is down).
   */
  private void awaitRefresh(Future<?> refreshed, long due) throws InterruptedException {
    try {
      refreshed.get(Math.max(0, due - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException stillLoading) {
      refresh =
          "not answered in " + REFRESH_WAIT_FACTOR * seconds + " s (readiness went on without it)";
    } catch (ExecutionException failed) {
      refresh = "failed: " + failed.getCause();
    }
  }

  /** The application is deployed before Payara opens the port: wait for it, up to a minute. */
  private void awaitListener() throws InterruptedException {
    for (int attempt = 0; attempt < 600; attempt++) {
      try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
  }

  private boolean isCached() throws InterruptedException {
    // spymemcached connects in the background; a read before that would time out
    for (int i = 0; i < 30 && !memcached.getUnavailableServers().isEmpty(); i++) {
      Thread.sleep(100);
    }
    return hits.isFresh(CacheHitFilter.FIND_CACHED, id);
  }

  private void finish(String result) {
    state = result;
    done = true;
    LOG.log(Level.INFO, "warm-up {0}", result);
  }
}
