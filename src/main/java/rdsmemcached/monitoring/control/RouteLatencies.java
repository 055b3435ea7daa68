package rdsmemcached.monitoring.control;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Latencies of the two read routes the article compares, {@code GET /db/{id}} and {@code GET
 * /cache/{id}}, as the server saw them (hot-path hits included).
 */
@ApplicationScoped
public class RouteLatencies {

  public enum Route {
    DB,
    CACHE
  }

  private final LatencyHistogram db = new LatencyHistogram();
  private final LatencyHistogram cache = new LatencyHistogram();

  public void record(Route route, long nanos) {
    of(route).record(nanos);
  }

  public LatencyHistogram of(Route route) {
    return route == Route.DB ? db : cache;
  }
}
