package rdsmemcached.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static rdsmemcached.it.CustomersIT.CUSTOMER_1;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SIGTERM, as ECS and docker stop send it, against a Payara Micro of this test's own on
 * SHUTDOWN_PORT (the other tests keep their two instances): the request in flight finishes, new
 * ones get 503 problem+json, readiness turns DOWN while liveness stays UP, the memcached client is
 * closed, and the JVM exits by itself within the grace. Started with {@code BIND_CPUS=1} and {@code
 * HEAP=320m}, it also shows start-payara.sh binding the JVM to one CPU and fixing its heap, and
 * mapping the class-data archive bin/it-stack made with server-config/cds-train.sh; started with
 * {@code /cache/1} cached, as an instance joining a fleet is, it shows the self warm-up that runs
 * before readiness.
 */
@ExtendWith(Stack.Required.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShutdownIT {

  static final long GRACE_SECONDS = 10;

  /** The slow query of this instance: the checks during the drain run while it is still busy. */
  static final long SLOW_QUERY_SECONDS = 3;

  static final Pattern IN_FLIGHT = Pattern.compile("\"inFlight\":\"(\\d+)\"");

  static Process payara;
  static URI base;
  static Path log;
  static Path pidFile;
  static String readyBody;

  @BeforeAll
  static void startAnInstanceToStop() throws IOException {
    String port = Stack.env("SHUTDOWN_PORT");
    base = URI.create("http://127.0.0.1:" + port);
    Path state = Path.of(Stack.env("STATE_DIR"));
    log = state.resolve("payara-shutdown.log");
    pidFile = state.resolve("payara-shutdown.pid");
    var start =
        new ProcessBuilder(
                Path.of(Stack.env("PROJECT_DIR"), "server-config", "start-payara.sh").toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    start.environment().putAll(Stack.settings());
    start.environment().put("PORT", port);
    start.environment().put("SLOW_QUERY_SECONDS", Long.toString(SLOW_QUERY_SECONDS));
    start.environment().put("SHUTDOWN_GRACE_SECONDS", Long.toString(GRACE_SECONDS));
    start.environment().put("BIND_CPUS", "1");
    start.environment().put("HEAP", "320m");
    start.environment().put("WARMUP_MISSES", "20");
    start.environment().remove("JAVA_OPTS"); // the heap checked below is HEAP's alone
    // the key the warm-up reads (WARMUP_ID=1) is cached by the stack's instance: the warm-up runs
    assertEquals(200, Stack.get("/cache/1").statusCode());
    payara = start.start();
    // start-payara.sh execs java: this is the JVM's pid. bin/test kills it if this test cannot.
    Files.writeString(pidFile, Long.toString(payara.pid()));
    awaitReady(Duration.ofSeconds(180));
  }

  @AfterAll
  static void killIfStillRunning() throws IOException, InterruptedException {
    if (payara != null) {
      payara.destroyForcibly().waitFor();
      Files.deleteIfExists(pidFile);
    }
  }

  /**
   * On a machine with one CPU the JVM could run on no other; with more (this project's test
   * machines have two), only the binding keeps it to the first.
   */
  @Test
  @Order(1)
  void bindCpusBindsTheJvmToTheFirstCpuThisProcessMayUse() throws IOException {
    String ours = allowedCpus(ProcessHandle.current().pid());
    String first = ours.split("[,-]")[0];
    assertEquals(first, allowedCpus(payara.pid()), "BIND_CPUS=1, this process may use " + ours);
  }

  /**
   * HEAP sets the heap's initial and maximum size both, ahead of JAVA_OPTS (which may still win).
   */
  @Test
  @Order(1)
  void heapFixesTheJvmsHeapAtThatSize() throws IOException {
    List<String> args =
        List.of(
            Files.readString(Path.of("/proc", Long.toString(payara.pid()), "cmdline")).split("\0"));
    assertTrue(args.contains("-Xms320m") && args.contains("-Xmx320m"), String.join(" ", args));
    assertFalse(
        args.stream().anyMatch(a -> a.startsWith("-Xmx") && !a.equals("-Xmx320m")),
        String.join(" ", args));
  }

  /**
   * The class-data archive bin/it-stack made (server-config/cds-train.sh, as the image's build
   * does) is named on the command line and mapped by the JVM: a JVM that refuses an archive (made
   * by another JVM, for another payara-micro.jar, with other flags) warns, starts without it and
   * does not keep it mapped.
   */
  @Test
  @Order(1)
  void theJvmMapsTheClassDataArchive() throws IOException {
    Path archive = Path.of(Stack.env("PROJECT_DIR"), "target", "cds", "app.jsa").toRealPath();
    List<String> args =
        List.of(
            Files.readString(Path.of("/proc", Long.toString(payara.pid()), "cmdline")).split("\0"));
    String named =
        args.stream()
            .filter(a -> a.startsWith("-XX:SharedArchiveFile="))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no -XX:SharedArchiveFile: " + args));
    assertEquals(archive, Path.of(named.substring(named.indexOf('=') + 1)).toRealPath());
    List<String> maps = Files.readAllLines(Path.of("/proc", Long.toString(payara.pid()), "maps"));
    assertTrue(
        maps.stream().anyMatch(line -> line.endsWith(" " + archive)),
        "the JVM did not map " + archive + "; its log: " + log);
  }

  static String allowedCpus(long pid) throws IOException {
    return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
        .filter(line -> line.startsWith("Cpus_allowed_list:"))
        .map(line -> line.substring("Cpus_allowed_list:".length()).trim())
        .findFirst()
        .orElseThrow();
  }

  /**
   * Readiness said UP after the hits and the early refresh (a 3 s load here: it is answered while
   * the warm-up's 5 s of hits run, within the 15 s readiness may wait for it). Then, in the
   * background, the slow path's rounds ({@code WARMUP_MISSES=20} here) ran, every answer as
   * expected (each miss a MISS: the eviction before it worked), and nothing is in flight any more.
   */
  @Test
  @Order(2)
  void theWarmUpSentItselfHitsAndRefreshedTheEntryOnceBeforeReadinessThenRanTheSlowPath() {
    assertTrue(readyBody.matches("(?s).*\"state\":\"done: [1-9]\\d* requests in .*"), readyBody);
    assertTrue(readyBody.contains("\"refresh\":\"answered "), readyBody);

    // the rounds start at readiness: one of them may be in flight in readyBody
    var warmed =
        Stack.getUntil(
            at("/health/ready"),
            r -> r.body().matches("(?s).*\"slow path\":\"(\\d+ rounds in|stopped).*"),
            Duration.ofSeconds(120));
    assertTrue(warmed.body().contains("\"slow path\":\"20 rounds in "), warmed.body());
    assertTrue(warmed.body().contains("\"slow-path requests\":\"60\""), warmed.body());
    Matcher inFlight = IN_FLIGHT.matcher(warmed.body());
    assertTrue(inFlight.find(), warmed.body());
    assertEquals("0", inFlight.group(1), warmed.body());
  }

  @Test
  @Order(3)
  void sigtermFinishesTheRequestInFlightRefusesNewOnesAndExits() throws Exception {
    assertEquals(CUSTOMER_1, Stack.get(at("/db/1")).body(), "before SIGTERM");

    CompletableFuture<HttpResponse<String>> inFlight =
        Stack.HTTP.sendAsync(
            HttpRequest.newBuilder(at("/db/1")).timeout(Duration.ofSeconds(60)).build(),
            HttpResponse.BodyHandlers.ofString());
    awaitInFlight(1);
    long signalled = System.nanoTime();
    signal("TERM", payara.pid());

    var refused = Stack.getUntil(at("/"), r -> r.statusCode() == 503, Duration.ofSeconds(5));
    CustomersIT.assertProblem(refused, 503);
    assertTrue(refused.body().contains("\"title\":\"Service Unavailable\""), refused.body());
    assertEquals("close", refused.headers().firstValue("Connection").orElse(""));
    assertTrue(refused.headers().firstValue("Retry-After").orElse("").matches("\\d+"));

    var ready = Stack.get(at("/health/ready"));
    assertEquals(503, ready.statusCode(), ready.body());
    assertTrue(ready.body().contains("\"name\":\"shutdown\",\"status\":\"DOWN\""), ready.body());
    var live = Stack.get(at("/health/live"));
    assertEquals(200, live.statusCode(), live.body());
    assertFalse(inFlight.isDone(), "the checks above ran while the request was still in flight");

    var finished = inFlight.get(GRACE_SECONDS, TimeUnit.SECONDS);
    assertEquals(200, finished.statusCode(), finished.body());
    assertEquals(CUSTOMER_1, finished.body());

    assertTrue(
        payara.waitFor(GRACE_SECONDS + 5, TimeUnit.SECONDS),
        "exits by itself within the grace and a few seconds");
    long millis = (System.nanoTime() - signalled) / 1_000_000;
    // The JVM's own SIGTERM handler, which the drain hands over to, exits with 128 + 15.
    assertEquals(143, payara.exitValue());
    System.out.printf("SIGTERM to exit: %d ms, exit status %d%n", millis, payara.exitValue());

    String output = Files.readString(log);
    // at least the slow request: once in CI a second request of the test's was still counted
    assertTrue(
        Pattern.compile(
                "SIGTERM: draining [1-9][0-9]* in-flight requests, up to " + GRACE_SECONDS + " s")
            .matcher(output)
            .find(),
        "the drain started with the slow request counted");
    String afterSignal = output.substring(output.indexOf("SIGTERM: draining"));
    assertTrue(afterSignal.contains("SIGTERM: drained in "), "the drain finished, not timed out");
    assertTrue(afterSignal.contains("memcached client closed"));
    assertFalse(afterSignal.contains("Exception"), afterSignal);
  }

  static URI at(String path) {
    return base.resolve(path);
  }

  /** Polls this instance's readiness, which counts the application's requests in flight. */
  static void awaitInFlight(int expected) {
    var ready =
        Stack.getUntil(
            at("/health/ready"), r -> inFlight(r.body()) >= expected, Duration.ofSeconds(5));
    assertEquals(expected, inFlight(ready.body()), ready.body());
  }

  static int inFlight(String readiness) {
    Matcher count = IN_FLIGHT.matcher(readiness);
    return count.find() ? Integer.parseInt(count.group(1)) : -1;
  }

  static void awaitReady(Duration atMost) {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (System.nanoTime() < deadline) {
      if (!payara.isAlive()) {
        throw new IllegalStateException("Payara Micro exited on start, see " + log);
      }
      try {
        var ready = Stack.get(at("/health/ready"));
        if (ready.statusCode() == 200) {
          readyBody = ready.body();
          return;
        }
      } catch (IllegalStateException notListeningYet) {
        // connection refused until the HTTP listener is up
      }
      Stack.sleep(Duration.ofMillis(500));
    }
    throw new IllegalStateException("not ready after " + atMost + ", see " + log);
  }

  static void signal(String name, long pid) throws IOException, InterruptedException {
    var kill =
        new ProcessBuilder("kill", "-" + name, Long.toString(pid))
            .redirectErrorStream(true)
            .start();
    String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, kill.waitFor(), "kill -" + name + " " + pid + ": " + output);
  }
}
