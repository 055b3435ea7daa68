package rdsmemcached.health.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import rdsmemcached.health.control.CacheNodes;

/**
 * Reports each memcached node's state: connected, connected but failing (timeouts, breaker open),
 * or unavailable. Always UP: without memcached the service still answers from the database
 * (X-Cache: BYPASS), so a cache outage must not take every task out of the load balancer. The state
 * is also in the {@code memcached.node.up} and {@code memcached.nodes.down} gauges.
 *
 * <p>DOWN only while the application is still starting: Payara answers the health endpoints while
 * it deploys, and a probe then would be the first to use {@link CacheNodes}, whose metric registry
 * cannot be made outside the application's deployment (a NullPointerException in Payara's producer,
 * logged with its stack trace).
 */
@Readiness
@ApplicationScoped
public class CacheReadiness implements HealthCheck {

  @Inject CacheNodes nodes;

  private volatile boolean started;

  void started(@Observes @Initialized(ApplicationScoped.class) Object application) {
    started = true;
  }

  @Override
  public HealthCheckResponse call() {
    if (!started) {
      return new HealthCheckResponse(
          "memcached", HealthCheckResponse.Status.DOWN, Optional.of(Map.of("state", "starting")));
    }
    var response = HealthCheckResponse.named("memcached").up();
    boolean degraded = false;
    for (CacheNodes.Node node : nodes.nodes()) {
      degraded |= node.status() != CacheNodes.Status.CONNECTED;
      response.withData(node.name(), node.status().text);
    }
    return response.withData("degraded", degraded).build();
  }
}
