package rdsmemcached.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static rdsmemcached.it.Stack.get;
import static rdsmemcached.it.Stack.services;

import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fault-injection suite: a bounded concurrent load on loopback while memcached nodes and the
 * database are killed, paused and restarted, one phase after another. bin/test runs it short
 * (CHAOS_PHASE_SECONDS=3); bin/chaos runs it longer and prints each phase's figures.
 */
@ExtendWith(Stack.Required.class)
class FaultInjectionIT {

  static final Duration PHASE =
      Duration.ofSeconds(Long.parseLong(System.getenv().getOrDefault("CHAOS_PHASE_SECONDS", "3")));
  static final int USERS = Integer.parseInt(System.getenv().getOrDefault("CHAOS_USERS", "8"));
  static final int MAX_REQUESTS = 200_000;
  static final long QUERY_MILLIS =
      (long) (Double.parseDouble(Stack.env("SLOW_QUERY_SECONDS")) * 1000);

  /** Allowed above one database query for a cached id during a cache outage (no pile-up). */
  static final long OUTAGE_P99_MARGIN_MILLIS =
      Long.parseLong(System.getenv().getOrDefault("CHAOS_P99_MARGIN_MS", "250"));

  static final List<String> CACHED =
      LongStream.rangeClosed(501, 540).mapToObj(id -> "/cache/" + id).toList();

  @AfterAll
  static void everythingBackUp() {
    services("resume-cache", "1");
    services("resume-cache", "2");
    services("start-cache", "1");
    services("start-cache", "2");
    services("start-db");
  }

  @Test
  void degradesUnderFaultsAndRecovers() throws Exception {
    Stack.awaitCacheConnected();
    warm();
    var baseline = load("0 all up, warm");
    assertNoServerErrors(baseline);
    assertTrue(baseline.hitRatio() > 0.95, baseline.line());

    services("stop-cache", "1");
    var oneDown = load("1 memcached node 1 killed");
    assertNoServerErrors(oneDown);
    assertEquals(200, get("/health/ready").statusCode());

    services("stop-cache", "2");
    var bothDown = load("2 both memcached nodes killed");
    assertNoServerErrors(bothDown);
    System.out.println("[fault-suite]   slowest: " + bothDown.slowest(8));
    assertEquals(Long.valueOf(bothDown.samples().size()), bothDown.outcomes().get("BYPASS"));
    assertEquals(200, get("/health/ready").statusCode(), "cache outage alone: still ready");

    services("start-cache", "1");
    services("start-cache", "2");
    Stack.awaitCacheConnected();
    load("3 nodes restarted (cold)");
    var recovered = load("3 nodes restarted (refilled)");
    assertNoServerErrors(recovered);
    assertTrue(recovered.hitRatio() > 0.9, "hit ratio recovers: " + recovered.line());

    // Before the database phases: after a database restart the pool reconnects on first use, and
    // the paused phase would pay that too. Here it meets the pool as phase 2 did.
    warmUntilAllHit();
    services("pause-cache", "2");
    var paused = load("4 memcached node 2 paused (SIGSTOP)");
    assertNoServerErrors(paused);
    System.out.println("[fault-suite]   slowest: " + paused.slowest(8));
    // the database's own latency: phase 2, where every request was a query
    long dbP99 = Math.max(bothDown.percentile(99), QUERY_MILLIS) + OUTAGE_P99_MARGIN_MILLIS;
    assertTrue(
        paused.percentile(99) <= dbP99,
        "a paused node costs one database query, not a pile-up of timeouts: "
            + paused.line()
            + " against the database-only p99 + margin = "
            + dbP99
            + " ms");
    assertTrue(get("/health/ready").body().contains("skipped"), "readiness names the slow node");

    services("resume-cache", "2");
    load("5 node 2 resumed");
    var resumed = load("5 node 2 resumed (later)");
    assertNoServerErrors(resumed);
    assertTrue(resumed.hitRatio() > 0.9, "hit ratio recovers: " + resumed.line());

    warmUntilAllHit(); // a fill may have been skipped (BYPASS) under load: cache every id first
    services("stop-db");
    var dbDown = load("6 database stopped");
    assertEquals(0, dbDown.serverErrors(), "cached ids never need the database: " + dbDown.line());
    var uncached = get("/cache/999");
    assertEquals("MISS", Stack.xCache(uncached), "a failed load still says what the cache did");
    var ready = get("/health/ready");
    assertEquals(200, ready.statusCode(), "a database outage keeps the instance ready");
    CustomersIT.assertProblem(uncached, 503);

    services("start-db");
    var dbBack = Stack.getUntil("/db/541", r -> r.statusCode() == 200, Duration.ofSeconds(20));
    assertEquals(200, dbBack.statusCode(), "the pool reconnects");
    var afterDb = load("7 database restarted");
    assertNoServerErrors(afterDb);
    assertEquals(200, get("/health/ready").statusCode());
  }

  private static void warmUntilAllHit() {
    Stack.cacheAll(CACHED);
  }

  private static void warm() {
    Stack.getAll(CACHED);
    Stack.getAll(CACHED);
  }

  private static Load.Report load(String phase) throws Exception {
    return Load.run(phase, CACHED, USERS, PHASE, MAX_REQUESTS);
  }

  private static void assertNoServerErrors(Load.Report report) {
    assertEquals(0, report.serverErrors(), "no 5xx while the database is up: " + report.line());
  }
}
