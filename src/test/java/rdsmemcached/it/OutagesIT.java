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
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** memcached and the database stopped under the running app: degrade, never fail. */
class OutagesIT {

  static final Duration RECOVERY = Duration.ofSeconds(20);

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
    String node2 = "127.0.0.1:" + System.getenv("CACHE_PORTS").split(" ")[1];
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

  @Test
  void databaseDownServesCachedIdsAnd503sTheRest() {
    assertEquals("MISS", xCache(get("/cache/3")));
    services("stop-db");

    var cached = get("/cache/3");
    assertEquals(200, cached.statusCode());
    assertEquals("HIT", xCache(cached));
    assertTrue(cached.body().contains("\"id\":3,"));

    for (String path : List.of("/cache/4", "/db/3")) {
      var unavailable = get(path);
      CustomersIT.assertProblem(unavailable, 503);
    }
    assertEquals(503, get("/health/ready").statusCode(), "not ready without the database");

    services("start-db");
    var back = Stack.getUntil("/db/4", r -> r.statusCode() == 200, RECOVERY);
    assertEquals(200, back.statusCode(), "the pool reconnects when the database returns");
    assertEquals(200, get("/health/ready").statusCode());
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
