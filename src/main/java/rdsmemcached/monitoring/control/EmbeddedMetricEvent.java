package rdsmemcached.monitoring.control;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One log event in CloudWatch's embedded metric format: a JSON object whose {@code _aws} member
 * tells CloudWatch Logs which of its other members are metrics, in which namespace and with which
 * dimensions. CloudWatch Logs extracts them from any log group, so writing this line to stdout of
 * an ECS task with the awslogs driver is all it takes: no agent, no API call, no IAM permission.
 */
public final class EmbeddedMetricEvent {

  /** At most this many numbers in one metric value (the format's limit). */
  public static final int MAX_VALUES = 100;

  private final String namespace;
  private final Map<String, String> dimensions;
  private final Map<String, String> units = new LinkedHashMap<>();
  private final JsonObjectBuilder members = Json.createObjectBuilder();

  public EmbeddedMetricEvent(String namespace, Map<String, String> dimensions) {
    this.namespace = namespace;
    this.dimensions = new LinkedHashMap<>(dimensions);
  }

  public EmbeddedMetricEvent count(String name, long value) {
    units.put(name, "Count");
    members.add(name, value);
    return this;
  }

  public EmbeddedMetricEvent value(String name, String unit, double value) {
    units.put(name, unit);
    members.add(name, value);
    return this;
  }

  /** Several observations of one metric, e.g. latencies; nothing when there are none. */
  public EmbeddedMetricEvent values(String name, String unit, double[] values) {
    if (values.length == 0) {
      return this;
    }
    if (values.length > MAX_VALUES) {
      throw new IllegalArgumentException(name + ": more than " + MAX_VALUES + " values");
    }
    JsonArrayBuilder array = Json.createArrayBuilder();
    for (double v : values) {
      array.add(v);
    }
    units.put(name, unit);
    members.add(name, array);
    return this;
  }

  /** The event as one line of JSON (no line break). */
  public String toJson(long timestampMillis) {
    JsonArrayBuilder dimensionKeys = Json.createArrayBuilder();
    dimensions.keySet().forEach(dimensionKeys::add);
    JsonArrayBuilder definitions = Json.createArrayBuilder();
    units.forEach(
        (name, unit) ->
            definitions.add(Json.createObjectBuilder().add("Name", name).add("Unit", unit)));
    JsonObjectBuilder event =
        Json.createObjectBuilder()
            .add(
                "_aws",
                Json.createObjectBuilder()
                    .add("Timestamp", timestampMillis)
                    .add(
                        "CloudWatchMetrics",
                        Json.createArrayBuilder()
                            .add(
                                Json.createObjectBuilder()
                                    .add("Namespace", namespace)
                                    .add("Dimensions", Json.createArrayBuilder().add(dimensionKeys))
                                    .add("Metrics", definitions))));
    dimensions.forEach(event::add);
    event.addAll(members);
    return event.build().toString();
  }
}
