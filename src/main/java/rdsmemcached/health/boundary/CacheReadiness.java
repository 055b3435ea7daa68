package rdsmemcached.health.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import rdsmemcached.health.control.CacheNodes;

/**
 * Reports each memcached node's state: connected, connected but failing (timeouts, breaker open),
 * or unavailable. Always UP: without memcached the service still answers from the database
 * (X-Cache: BYPASS), so a cache outage must not take every task out of the load balancer. The state
 * is also in the {@code memcached.node.up} and {@code memcached.nodes.down} gauges.
 */
@Readiness
@ApplicationScoped
public class CacheReadiness implements HealthCheck {

  @Inject CacheNodes nodes;

  @Override
  public HealthCheckResponse call() {
    var response = HealthCheckResponse.named("memcached").up();
    boolean degraded = false;
    for (CacheNodes.Node node : nodes.nodes()) {
      degraded |= node.status() != CacheNodes.Status.CONNECTED;
      response.withData(node.name(), node.status().text);
    }
    return response.withData("degraded", degraded).build();
  }
}
