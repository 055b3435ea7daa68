package rdsmemcached.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static rdsmemcached.it.Stack.get;
import static rdsmemcached.it.Stack.services;
import static rdsmemcached.it.Stack.xCache;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** memcached and the database stopped under the running app: degrade, never fail, stay ready. */
@ExtendWith(Stack.Required.class)
class OutagesIT {

  static final Duration RECOVERY = Duration.ofSeconds(20);
  static final Duration UNDER_LOAD = Duration.ofSeconds(6);

  @BeforeEach
  void coldCache() {
    Stack.awaitCacheConnected();
    Stack.flushCache();
  }

  @AfterEach
  void everythingBackUp() {
    services("start-db");
    services("start-cache", "1");
    services("start-cache", "2");
  }

  @Test
  void allCacheNodesDownServesFromTheDatabaseThenHitsReturn() {
    assertEquals("MISS", xCache(get("/cache/1")));
    services("stop-cache", "1");
    services("stop-cache", "2");

    for (int i = 0; i < 3; i++) {
      var response = get("/cache/1");
      assertEquals(200, response.statusCode());
      assertEquals(CustomersIT.CUSTOMER_1, response.body());
      assertEquals("BYPASS", xCache(response));
    }
    var ready = get("/health/ready");
    assertEquals(200, ready.statusCode(), "a cache outage alone keeps the service ready");
    assertTrue(ready.body().contains("\"degraded\":\"true\""), ready.body());

    services("start-cache", "1");
    services("start-cache", "2");
    get("/cache/1");
    var hit = Stack.getUntil("/cache/1", r -> "HIT".equals(xCache(r)), RECOVERY);
    assertEquals("HIT", xCache(hit), "hits return once the nodes are back");
  }

  @Test
  void oneOfTwoNodesDownEveryIdStillAnswersAndTheOutageIsLoggedOnce() {
    List<String> paths = LongStream.rangeClosed(101, 124).mapToObj(id -> "/cache/" + id).toList();
    String node2 = "127.0.0.1:" + Stack.env("CACHE_PORTS").split(" ")[1];
    int warningsBefore = failingWarnings(node2);
    services("stop-cache", "2");

    for (int round = 0; round < 2; round++) {
      List<HttpResponse<String>> answers = Stack.getAll(paths);
      for (int i = 0; i < paths.size(); i++) {
        assertEquals(200, answers.get(i).statusCode(), paths.get(i));
        assertTrue(
            answers.get(i).body().contains("\"id\":" + (101 + i) + ","), answers.get(i).body());
      }
      Map<String, Long> outcomes =
          answers.stream().collect(Collectors.groupingBy(Stack::xCache, Collectors.counting()));
      assertTrue(outcomes.getOrDefault("BYPASS", 0L) > 0, "node 2's keys bypass: " + outcomes);
      if (round == 1) {
        assertTrue(outcomes.getOrDefault("HIT", 0L) > 0, "node 1's keys still hit: " + outcomes);
      }
    }
    assertEquals(
        1,
        failingWarnings(node2) - warningsBefore,
        "one warning for the outage, not one per request");

    services("start-cache", "2");
    long deadline = System.nanoTime() + RECOVERY.toNanos();
    Map<String, Long> after;
    do {
      Stack.sleep(Duration.ofMillis(200));
      after =
          Stack.getAll(paths).stream()
              .collect(Collectors.groupingBy(Stack::xCache, Collectors.counting()));
    } while (!after.equals(Map.of("HIT", (long) paths.size())) && System.nanoTime() < deadline);
    assertEquals(Map.of("HIT", (long) paths.size()), after, "every id hits again");
  }

  /**
   * The contract of readiness: the database is shared by every instance, so its outage must not
   * take this one out of the load balancer. Under a concurrent load of cached ids, the database
   * stopped: every readiness and liveness poll answers 200 while readiness's data and /metrics
   * report the outage, cached ids answer 200 from memcached (but for reads memcached did not answer
   * in time on a starved machine), uncached ids and /db answer 503 problem+json, and the log has
   * the outage once, as one JSON line with its stack trace.
   */
  @Test
  void databaseStoppedUnderLoadKeepsTheInstanceReadyAndReportsTheOutage() throws Exception {
    List<String> cached = LongStream.rangeClosed(301, 324).mapToObj(id -> "/cache/" + id).toList();
    Stack.cacheAll(cached);
    assertEquals(1.0, Stack.gauge("database_reachable"));
    int outagesLoggedBefore = outageRecords().size();

    services("stop-db");
    var load =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return Load.run("database stopped, cached ids", cached, 4, UNDER_LOAD, 200_000);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    var seen =
        Stack.getUntil(
            "/health/ready", r -> r.body().contains("\"reachable\":\"false\""), RECOVERY);
    assertEquals(200, seen.statusCode(), seen.body());
    assertTrue(seen.body().contains("\"reachable\":\"false\""), "the probe saw it: " + seen.body());

    int polls = 0;
    long uncachedId = 4001;
    do {
      var ready = get("/health/ready");
      assertEquals(200, ready.statusCode(), "ready during the outage: " + ready.body());
      assertTrue(ready.body().contains("\"status\":\"unreachable\""), ready.body());
      var live = get("/health/live");
      assertEquals(200, live.statusCode(), live.body());
      CustomersIT.assertProblem(get("/cache/" + uncachedId++), 503);
      CustomersIT.assertProblem(get("/db/301"), 503);
      assertEquals(0.0, Stack.gauge("database_reachable"), "/metrics shows the outage");
      polls++;
    } while (!load.isDone());
    Load.Report report = load.get();
    // A hit is served whatever the database does. On a starved machine a memcached read can
    // exceed its 50 ms timeout (X-Cache: BYPASS): that request needs the database, and gets 503.
    for (Load.Sample sample : report.samples()) {
      if (sample.status() != 200) {
        assertEquals(503, sample.status(), sample.toString());
        assertEquals(
            "BYPASS", sample.xCache(), "only a request memcached did not answer: " + sample);
      }
    }
    assertTrue(report.hitRatio() > 0.9, "cached ids are served from memcached: " + report.line());
    System.out.printf(
        "[outage] database stopped: %d requests of cached ids, status %s, X-Cache %s, p99 %d ms;"
            + " %d polls of /health/ready and /health/live all 200 with reachable=false and"
            + " database_reachable 0; %d uncached ids and %d /db requests all 503 problem+json%n",
        report.samples().size(),
        report.statuses(),
        report.outcomes(),
        report.percentile(99),
        polls,
        uncachedId - 4001,
        polls);

    List<String> outages = outageRecords();
    assertEquals(outagesLoggedBefore + 1, outages.size(), "the outage is logged once");
    String record = outages.get(outages.size() - 1);
    assertTrue(record.contains("\"StackTrace\":\"java.sql.SQLException"), record);
    assertTrue(
        record.contains("\\n\\tat "), "the stack trace is inside the one JSON line: " + record);

    services("start-db");
    var back = Stack.getUntil("/db/4", r -> r.statusCode() == 200, RECOVERY);
    assertEquals(200, back.statusCode(), "the pool reconnects when the database returns");
    var readyAgain =
        Stack.getUntil("/health/ready", r -> r.body().contains("\"reachable\":\"true\""), RECOVERY);
    assertTrue(readyAgain.body().contains("\"reachable\":\"true\""), readyAgain.body());
    assertEquals(1.0, Stack.gauge("database_reachable"));
  }

  /** The probe's outage records in the server's log, one JSON line each. */
  private static List<String> outageRecords() {
    return Stack.serverLog()
        .lines()
        .filter(l -> l.contains("DatabaseProbe") && l.contains("database unreachable"))
        .toList();
  }

  private static int failingWarnings(String node) {
    var matcher =
        Pattern.compile("memcached node /" + Pattern.quote(node) + " failing")
            .matcher(Stack.serverLog());
    int count = 0;
    while (matcher.find()) {
      count++;
    }
    return count;
  }
}
