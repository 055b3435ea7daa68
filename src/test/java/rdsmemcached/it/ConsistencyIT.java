package rdsmemcached.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static rdsmemcached.it.Stack.get;
import static rdsmemcached.it.Stack.metric;
import static rdsmemcached.it.Stack.put;
import static rdsmemcached.it.Stack.second;
import static rdsmemcached.it.Stack.slowQueries;
import static rdsmemcached.it.Stack.uri;
import static rdsmemcached.it.Stack.xCache;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * No stampedes and no stale reads: coalescing in one JVM, leases across two instances, a lease left
 * behind, and writes racing slow reads. The stack runs SLOW_QUERY_SECONDS=1 and
 * CACHE_LEASE_SECONDS=3.
 */
@ExtendWith(Stack.Required.class)
class ConsistencyIT {

  static final int HERD = 30;
  static final Duration QUERY = Duration.ofSeconds(Long.parseLong(Stack.env("SLOW_QUERY_SECONDS")));
  static final Duration LEASE =
      Duration.ofSeconds(Long.parseLong(Stack.env("CACHE_LEASE_SECONDS")));

  /** Room for a loaded 2-core machine; the point is "one query time", not thirty. */
  static final Duration MARGIN = Duration.ofMillis(2500);

  static final ExecutorService THREADS = Executors.newFixedThreadPool(HERD);

  @AfterAll
  static void stopThreads() {
    THREADS.shutdownNow();
  }

  @BeforeEach
  void coldCache() {
    Stack.awaitCacheConnected();
    Stack.flushCache();
  }

  @Test
  void thirtyConcurrentColdRequestsOnOneInstanceRunTheQueryOnce() throws Exception {
    long id = 301;
    double waitsBefore = metric(uri("/"), "cache_coalesced_waits_total");
    long took = herd(i -> uri("/cache/" + id), id, "Value 301");
    assertEquals(1, slowQueries(id), "one slow query for thirty cold requests");
    assertTrue(took < QUERY.plus(MARGIN).toMillis(), "all answered within one query time: " + took);
    assertTrue(metric(uri("/"), "cache_coalesced_waits_total") - waitsBefore >= HERD - 1 - 2);
  }

  @Test
  void thirtyConcurrentColdRequestsSplitAcrossTwoInstancesRunTheQueryOnce() throws Exception {
    long id = 302;
    double leaseWaitsBefore =
        metric(uri("/"), "cache_lease_waits_total")
            + metric(second("/"), "cache_lease_waits_total");
    long took =
        herd(i -> (i % 2 == 0 ? uri("/cache/" + id) : second("/cache/" + id)), id, "Value 302");
    assertEquals(1, slowQueries(id), "one slow query across both instances");
    assertTrue(took < QUERY.plus(MARGIN).toMillis(), "all answered within one query time: " + took);
    double leaseWaits =
        metric(uri("/"), "cache_lease_waits_total")
            + metric(second("/"), "cache_lease_waits_total");
    assertEquals(1, leaseWaits - leaseWaitsBefore, "the other instance waited on the lease once");
  }

  @Test
  void aLeaseLeftBehindCostsLatencyNotAnOutage() throws Exception {
    long id = 303;
    Stack.memcachedSet("customer:v1:" + id, (int) LEASE.toSeconds(), "#lease:crashed-holder");
    double waitsBefore = metric(uri("/"), "cache_lease_waits_total");
    long took =
        herd(i -> (i % 2 == 0 ? uri("/cache/" + id) : second("/cache/" + id)), id, "Value 303");
    assertTrue(
        took < LEASE.plus(QUERY).plus(MARGIN).toMillis(),
        "answered within the lease time plus one query: " + took);
    assertTrue(slowQueries(id) <= 2, "at most one load per instance once the lease is gone");
    assertTrue(metric(uri("/"), "cache_lease_waits_total") > waitsBefore);
  }

  @Test
  void aWriteRacingASlowReadNeverLeavesTheOldValueInTheCache() throws Exception {
    long id = 304;
    double preventedBefore =
        metric(uri("/"), "cache_stale_sets_prevented_total")
            + metric(second("/"), "cache_stale_sets_prevented_total");
    for (int round = 1; round <= 6; round++) {
      URI readAt = round % 2 == 0 ? second("/cache/" + id) : uri("/cache/" + id);
      URI writeAt = round % 2 == 0 ? uri("/customers/" + id) : second("/customers/" + id);
      String value = "written in round " + round;
      Stack.flushCache(); // so the read below is a slow miss, racing the write
      CompletableFuture<HttpResponse<String>> slowRead =
          CompletableFuture.supplyAsync(() -> get(readAt), THREADS);
      Stack.sleep(QUERY.dividedBy(3));
      assertEquals(
          204, put(writeAt, "application/json", "{\"value\":\"" + value + "\"}").statusCode());
      String expected = "{\"id\":" + id + ",\"value\":\"" + value + "\",\"sleepResult\":0}";
      for (URI later : List.of(uri("/cache/" + id), second("/cache/" + id))) {
        assertEquals(expected, get(later).body(), "right after the PUT, round " + round);
      }
      assertEquals(200, slowRead.get().statusCode());
      for (URI later : List.of(uri("/cache/" + id), second("/cache/" + id))) {
        var response = get(later);
        assertEquals(expected, response.body(), "after the slow read ended, round " + round);
        assertEquals("HIT", xCache(response));
      }
    }
    double prevented =
        metric(uri("/"), "cache_stale_sets_prevented_total")
            + metric(second("/"), "cache_stale_sets_prevented_total");
    assertTrue(prevented - preventedBefore >= 6, "each racing fill was refused: " + prevented);
  }

  @Test
  void afterAPutReturnsNoInstanceServesTheOldValue() {
    long id = 305;
    for (URI instance : List.of(uri("/cache/" + id), second("/cache/" + id))) {
      get(instance);
      assertEquals("HIT", xCache(get(instance)));
    }
    var written = put(uri("/customers/" + id), "application/json", "{\"value\":\"fresh 305\"}");
    assertEquals(204, written.statusCode());
    for (URI instance : List.of(second("/cache/" + id), uri("/cache/" + id))) {
      var response = get(instance);
      assertEquals("{\"id\":305,\"value\":\"fresh 305\",\"sleepResult\":0}", response.body());
    }
    assertEquals("fresh 305", dbValue(id));
  }

  @Test
  void deleteEvictsTheEntry() {
    long id = 306;
    get("/cache/" + id);
    assertEquals("HIT", xCache(get("/cache/" + id)));
    var evicted = Stack.send(HttpRequest.newBuilder(uri("/cache/" + id)).DELETE().build());
    assertEquals(204, evicted.statusCode());
    assertEquals("MISS", xCache(get("/cache/" + id)));
    CustomersIT.assertProblem(
        Stack.send(HttpRequest.newBuilder(uri("/cache/x1")).DELETE().build()), 400);
  }

  @Test
  void putValidatesItsInput() {
    URI customer = uri("/customers/307");
    String json = "application/json";
    for (String body :
        List.of(
            "",
            "{}",
            "[]",
            "\"text\"",
            "{\"value\":1}",
            "{\"value\":null}",
            "{\"value\":\"\"}",
            "{\"value\":\"ok\",\"extra\":1}",
            "{\"Value\":\"ok\"}",
            "{\"value\":\"bell\\u0007\"}",
            "{\"value\":\"x\\r\\nflush_all\\r\\n\"}",
            "{\"value\":[\"a\"]}",
            "{\"value\":{\"$gt\":\"\"}}",
            "{\"value\":\"a\",\"value\":\"b\"}",
            "{\"value\":\"" + "x".repeat(1025) + "\"}",
            "{\"value\":\"unterminated}",
            "{\"value\":\"a\"} trailing")) {
      CustomersIT.assertProblem(put(customer, json, body), 400);
    }
    CustomersIT.assertProblem(put(customer, "text/plain", "{\"value\":\"ok\"}"), 415);
    CustomersIT.assertProblem(put(customer, json, "{\"value\":\"" + "x".repeat(9000) + "\"}"), 413);
    CustomersIT.assertProblem(put(uri("/customers/abc"), json, "{\"value\":\"ok\"}"), 400);
    CustomersIT.assertProblem(put(uri("/customers/987654"), json, "{\"value\":\"ok\"}"), 404);
    assertEquals("Value 307", dbValue(307), "nothing was written");
    assertEquals(
        204,
        put(customer, json, "{\"value\":\"\\u65e5\\u672c\\u8a9e \\ud83d\\ude00\"}").statusCode());
    assertEquals("日本語 😀", dbValue(307));
    String sql = "'); DROP TABLE customers; -- \\ \\\" %_";
    String escaped = sql.replace("\\", "\\\\").replace("\"", "\\\"");
    assertEquals(204, put(customer, json, "{\"value\":\"" + escaped + "\"}").statusCode());
    assertEquals(sql, dbValue(307), "stored as text, not run");
    assertEquals("Initial Value", dbValue(1));
  }

  /** Releases HERD requests together and checks every answer; returns the slowest in ms. */
  private static long herd(IntFunction<URI> target, long id, String value) throws Exception {
    var barrier = new CyclicBarrier(HERD);
    List<Future<long[]>> answers = new ArrayList<>();
    String expected = "{\"id\":" + id + ",\"value\":\"" + value + "\",\"sleepResult\":0}";
    for (int i = 0; i < HERD; i++) {
      URI uri = target.apply(i);
      answers.add(
          THREADS.submit(
              () -> {
                barrier.await();
                long start = System.nanoTime();
                var response = get(uri);
                long took = (System.nanoTime() - start) / 1_000_000;
                assertEquals(200, response.statusCode(), response.body());
                assertEquals(expected, response.body());
                return new long[] {took};
              }));
    }
    long slowest = 0;
    for (var answer : answers) {
      slowest = Math.max(slowest, answer.get()[0]);
    }
    return slowest;
  }

  private static String dbValue(long id) {
    var body = get(uri("/db/" + id)).body();
    return jakarta.json.Json.createReader(new java.io.StringReader(body))
        .readObject()
        .getString("value");
  }
}
