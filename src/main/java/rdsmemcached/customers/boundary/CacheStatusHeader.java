package rdsmemcached.customers.boundary;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;
import rdsmemcached.caching.boundary.CacheOutcome;
import rdsmemcached.caching.boundary.CacheStatus;

/** Shows what the cache did for this request as {@code X-Cache: HIT|MISS|BYPASS}. */
@Provider
public class CacheStatusHeader implements ContainerResponseFilter {

  static final String NAME = "X-Cache";

  @Inject CacheStatus status;

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    CacheOutcome outcome = status.outcome();
    if (outcome != null) {
      response.getHeaders().putSingle(NAME, outcome.name());
    }
  }
}
