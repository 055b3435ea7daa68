package rdsmemcached.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static rdsmemcached.it.Stack.get;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Far more concurrent {@code /db} requests than the database has connections (the stack's query
 * sleeps 1 s, the pool has 32): each answers 200 or 503 problem+json with {@code Retry-After}, the
 * database never runs more slow queries at once than the pool allows, and meanwhile a cached id is
 * still a hit and readiness stays UP, reporting the saturation. Not timed: which requests are shed
 * depends on the machine.
 */
@ExtendWith(Stack.Required.class)
class OverloadIT {

  static final int REQUESTS = 300;
  static final int POOL_MAX_SIZE = 32;
  static final String SLOW_QUERY = "SELECT id, value, SLEEP(%";

  @Test
  void overloadIsAnswered200Or503WithRetryAfterWhileHitsAndReadinessAreServed() throws Exception {
    Stack.cacheAll(List.of("/cache/1"));
    var sampling = new AtomicBoolean(true);
    var mostQueries = new AtomicInteger();
    var sampler = CompletableFuture.runAsync(() -> sample(sampling, mostQueries));

    double shedBefore = Stack.counter("loads_shed_total");
    var storm =
        CompletableFuture.supplyAsync(
            () ->
                Stack.getAll(
                    IntStream.range(0, REQUESTS).mapToObj(i -> "/db/" + (5001 + i)).toList()));
    HttpResponse<String> ready;
    do { // until readiness shows every slot taken, or the storm is over
      Stack.sleep(Duration.ofMillis(100));
      ready = get("/health/ready");
    } while (!ready.body().contains("\"saturated\":\"true\"") && !storm.isDone());
    var hit = get("/cache/1");
    List<HttpResponse<String>> answers = storm.join();
    sampling.set(false);
    sampler.join();

    assertEquals(200, hit.statusCode());
    assertEquals("HIT", Stack.xCache(hit));
    assertEquals(200, ready.statusCode(), ready.body());
    assertTrue(ready.body().contains("\"loads\""), ready.body());
    assertTrue(ready.body().contains("\"saturated\":\"true\""), ready.body());

    Map<Integer, Integer> statuses = new TreeMap<>();
    for (var answer : answers) {
      statuses.merge(answer.statusCode(), 1, Integer::sum);
      if (answer.statusCode() == 503) {
        assertEquals("1", answer.headers().firstValue("Retry-After").orElse(null));
        assertEquals(
            "application/problem+json",
            answer.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        assertTrue(answer.body().contains("\"status\":503"), answer.body());
        assertTrue(answer.body().contains("retry shortly"), answer.body());
      } else {
        assertEquals(200, answer.statusCode(), answer.body());
      }
    }
    assertTrue(statuses.getOrDefault(200, 0) >= POOL_MAX_SIZE, "answers: " + statuses);
    assertTrue(
        mostQueries.get() <= POOL_MAX_SIZE,
        "the database ran " + mostQueries.get() + " slow queries at once");
    assertEquals(
        statuses.getOrDefault(503, 0).doubleValue(),
        Stack.counter("loads_shed_total") - shedBefore,
        "shed: " + statuses);
  }

  /** The most slow queries the database ran at once, sampled every 50 ms until told to stop. */
  static void sample(AtomicBoolean sampling, AtomicInteger most) {
    try (Connection db =
            DriverManager.getConnection(
                "jdbc:mysql://127.0.0.1:" + Stack.env("DB_PORT") + "/" + Stack.env("DB_NAME"),
                Stack.env("DB_USER"),
                Stack.env("DB_PASS"));
        PreparedStatement running =
            db.prepareStatement(
                "SELECT COUNT(*) FROM information_schema.processlist WHERE info LIKE ?")) {
      running.setString(1, SLOW_QUERY);
      while (sampling.get()) {
        try (ResultSet count = running.executeQuery()) {
          count.next();
          most.accumulateAndGet(count.getInt(1), Math::max);
        }
        Thread.sleep(50);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
