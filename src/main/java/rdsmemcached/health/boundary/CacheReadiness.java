package rdsmemcached.health.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import net.spy.memcached.MemcachedClientIF;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports each memcached node's connection state. Always UP: without memcached the service still
 * answers from the database (X-Cache: BYPASS), so a cache outage must not take every task out of
 * the load balancer.
 */
@Readiness
@ApplicationScoped
public class CacheReadiness implements HealthCheck {

  @Inject MemcachedClientIF memcached;

  @Override
  public HealthCheckResponse call() {
    var response = HealthCheckResponse.named("memcached").up();
    Collection<java.net.SocketAddress> available = memcached.getAvailableServers();
    Collection<java.net.SocketAddress> unavailable = memcached.getUnavailableServers();
    available.forEach(node -> response.withData(node.toString(), "connected"));
    unavailable.forEach(node -> response.withData(node.toString(), "unavailable"));
    return response.withData("degraded", !unavailable.isEmpty()).build();
  }
}
