package rdsmemcached.monitoring.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddedMetricEventTest {

  final EmbeddedMetricEvent cut =
      new EmbeddedMetricEvent("rds-memcached", Map.of("Service", "rds-memcached-dev"));

  @Test
  void everyDeclaredMetricIsAMemberOfTheRootWithItsUnit() {
    String line =
        cut.count("CacheHits", 42)
            .value("DatabaseReachable", "None", 0)
            .values("CacheRequestLatency", "Milliseconds", new double[] {0.5, 1.5})
            .toJson(1_700_000_000_000L);
    assertFalse(line.contains("\n"), "one line, one log event");

    JsonObject event = Json.createReader(new StringReader(line)).readObject();
    JsonObject aws = event.getJsonObject("_aws");
    assertEquals(1_700_000_000_000L, aws.getJsonNumber("Timestamp").longValue());
    JsonObject directive = aws.getJsonArray("CloudWatchMetrics").getJsonObject(0);
    assertEquals("rds-memcached", directive.getString("Namespace"));
    assertEquals(
        List.of("Service"),
        directive
            .getJsonArray("Dimensions")
            .getJsonArray(0)
            .getValuesAs(v -> v.toString().replace("\"", "")));
    assertEquals("rds-memcached-dev", event.getString("Service"));

    var units =
        directive.getJsonArray("Metrics").getValuesAs(JsonObject.class).stream()
            .collect(
                java.util.stream.Collectors.toMap(
                    m -> m.getString("Name"), m -> m.getString("Unit")));
    assertEquals(
        Map.of(
            "CacheHits", "Count",
            "DatabaseReachable", "None",
            "CacheRequestLatency", "Milliseconds"),
        units);
    assertEquals(42, event.getInt("CacheHits"));
    assertEquals(0, event.getJsonNumber("DatabaseReachable").doubleValue());
    assertEquals(2, event.getJsonArray("CacheRequestLatency").size());
  }

  @Test
  void noValuesDeclareNoMetric() {
    String line = cut.values("DbRequestLatency", "Milliseconds", new double[0]).toJson(1);
    assertFalse(line.contains("DbRequestLatency"), line);
  }

  @Test
  void moreThanTheFormatsLimitOfValuesIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> cut.values("DbRequestLatency", "Milliseconds", new double[101]));
  }
}
