package rdsmemcached.health.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.SocketAddress;
import net.spy.memcached.MemcachedClientIF;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import rdsmemcached.caching.control.CacheAvailability;

/**
 * Reports each memcached node's state: connected, connected but failing (timeouts, breaker open),
 * or unavailable. Always UP: without memcached the service still answers from the database
 * (X-Cache: BYPASS), so a cache outage must not take every task out of the load balancer.
 */
@Readiness
@ApplicationScoped
public class CacheReadiness implements HealthCheck {

  @Inject MemcachedClientIF memcached;
  @Inject CacheAvailability availability;

  @Override
  public HealthCheckResponse call() {
    var response = HealthCheckResponse.named("memcached").up();
    boolean degraded = false;
    for (SocketAddress node : memcached.getAvailableServers()) {
      boolean skipped = availability.isSkipped(node);
      degraded |= skipped;
      response.withData(
          node.toString(), skipped ? "connected, not answering: skipped" : "connected");
    }
    for (SocketAddress node : memcached.getUnavailableServers()) {
      degraded = true;
      response.withData(node.toString(), "unavailable");
    }
    return response.withData("degraded", degraded).build();
  }
}
