package rdsmemcached.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static rdsmemcached.it.Stack.get;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What CloudWatch will receive from the server's stdout and stderr, read from the log bin/test
 * captured: every line one JSON object without colour codes, and every few seconds one line in
 * CloudWatch's embedded metric format (bin/test sets CLOUDWATCH_METRICS_SECONDS=2) with the cache's
 * counters, the dependencies' gauges and the two routes' requests and latencies.
 */
@ExtendWith(Stack.Required.class)
class ObservabilityIT {

  static final List<String> METRICS =
      List.of(
          "CacheHits",
          "CacheMisses",
          "CacheBypasses",
          "CacheLoads",
          "DatabaseReachable",
          "MemcachedNodesDown",
          "DbRequests",
          "CacheRequests");

  @Test
  void everyLogLineIsOneJsonObjectWithoutColourCodes() {
    List<String> lines = Stack.serverLog().lines().toList();
    assertTrue(lines.size() > 20, "the server has logged its start: " + lines.size());
    for (String line : lines) {
      assertFalse(line.contains("\u001b["), "an ANSI colour code: " + line);
      JsonObject record = parse(line).orElseThrow(() -> new AssertionError("not JSON: " + line));
      assertTrue(
          record.containsKey("LoggerName") || record.containsKey("_aws"),
          "a log record or a metric event: " + line);
    }
  }

  @Test
  void metricEventsCarryTheCountersGaugesAndRouteLatencies() {
    long before = System.currentTimeMillis();
    for (int i = 0; i < 5; i++) {
      assertEquals(200, get("/cache/77").statusCode());
    }
    assertEquals(200, get("/db/77").statusCode());

    List<JsonObject> events = awaitEvents(before, 5, 1, Duration.ofSeconds(20));
    for (JsonObject event : events) {
      JsonObject directive =
          event.getJsonObject("_aws").getJsonArray("CloudWatchMetrics").getJsonObject(0);
      assertEquals("rds-memcached", directive.getString("Namespace"));
      assertEquals("[[\"Service\"]]", directive.getJsonArray("Dimensions").toString());
      assertEquals("bin-test", event.getString("Service"));
      List<String> declared =
          directive.getJsonArray("Metrics").getValuesAs(JsonObject.class).stream()
              .map(m -> m.getString("Name"))
              .toList();
      assertTrue(declared.containsAll(METRICS), "declared: " + declared);
      for (String name : declared) {
        JsonValue value = event.get(name);
        assertTrue(
            value != null
                && (value.getValueType() == JsonValue.ValueType.NUMBER
                    || value.getValueType() == JsonValue.ValueType.ARRAY),
            name + " is a number or an array on the root: " + event);
      }
      assertEquals(1, event.getJsonNumber("DatabaseReachable").intValue(), event.toString());
      assertEquals(0, event.getJsonNumber("MemcachedNodesDown").intValue(), event.toString());
    }
    double slowestDb =
        events.stream()
            .filter(e -> e.containsKey("DbRequestLatency"))
            .flatMap(e -> e.getJsonArray("DbRequestLatency").getValuesAs(JsonNumber.class).stream())
            .mapToDouble(JsonNumber::doubleValue)
            .max()
            .orElse(0);
    assertTrue(
        slowestDb >= 900 * Double.parseDouble(Stack.env("SLOW_QUERY_SECONDS")),
        "/db's latency includes the slow query: " + slowestDb + " ms");
    assertTrue(
        events.stream().anyMatch(e -> e.containsKey("CacheRequestLatency")),
        "the /cache requests' latencies are there");
    System.out.println("[observability] " + events.get(events.size() - 1));
  }

  /** The metric events since {@code since} until they count that many requests of each route. */
  private static List<JsonObject> awaitEvents(
      long since, long cacheRequests, long dbRequests, Duration atMost) {
    long deadline = System.nanoTime() + atMost.toNanos();
    List<JsonObject> events = List.of();
    while (System.nanoTime() < deadline) {
      events =
          Stack.serverLog()
              .lines()
              .filter(l -> l.startsWith("{\"_aws\""))
              .map(l -> parse(l).orElseThrow(() -> new AssertionError("not JSON: " + l)))
              .filter(e -> e.getJsonObject("_aws").getJsonNumber("Timestamp").longValue() >= since)
              .toList();
      long cache =
          events.stream().mapToLong(e -> e.getJsonNumber("CacheRequests").longValue()).sum();
      long db = events.stream().mapToLong(e -> e.getJsonNumber("DbRequests").longValue()).sum();
      if (cache >= cacheRequests && db >= dbRequests) {
        return events;
      }
      Stack.sleep(Duration.ofMillis(500));
    }
    throw new AssertionError("the metric events since the requests do not count them: " + events);
  }

  private static Optional<JsonObject> parse(String line) {
    try {
      JsonValue value = Json.createReader(new StringReader(line)).readValue();
      return value.getValueType() == JsonValue.ValueType.OBJECT
          ? Optional.of(value.asJsonObject())
          : Optional.empty();
    } catch (JsonParsingException e) {
      return Optional.empty();
    }
  }
}
